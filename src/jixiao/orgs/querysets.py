"""Querysets with row-level permission: ``Model.objects.restrict(user, action)``, scoped by unit subtree.

A scoped queryset must say how it is scoped before it is evaluated: ``restrict(user, action)`` for a
person, or ``unrestricted()`` where the system itself reads (the scheduler, a migration of data, a check
that has already been made). Related managers (``project.indicators``) are scoped by the object they hang
from. With ``JIXIAO_STRICT_SCOPES`` on (the test settings), evaluating a queryset that said neither raises
``UnscopedQuery``, so a forgotten permission fails a test instead of leaking a unit's data.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models

from jixiao.orgs.choices import Action

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jixiao.orgs.actors import AnyUser
    from jixiao.orgs.models import Unit

_M = TypeVar("_M", bound=models.Model)


class UnscopedQuery(Exception):
    """A scoped queryset was evaluated without ``restrict()`` or ``unrestricted()``."""


_VALIDATING = contextvars.ContextVar("jixiao_validating", default=False)


@contextlib.contextmanager
def validating() -> Iterator[None]:
    """Django's own uniqueness and constraint checks read across units by design (a code is unique
    everywhere); inside them scoped querysets are not asked for a scope. Installed by ``OrgsConfig``."""
    token = _VALIDATING.set(True)
    try:
        yield
    finally:
        _VALIDATING.reset(token)


def install_validation_scope() -> None:
    """Wrap ``Model.validate_unique`` and ``validate_constraints`` in ``validating()``, once."""
    if getattr(models.Model.validate_unique, "_jixiao_scoped", False):
        return
    for name in ("validate_unique", "validate_constraints"):
        original = getattr(models.Model, name)

        def wrapped(self: models.Model, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with validating():
                return __original(self, *args, **kwargs)

        wrapped._jixiao_scoped = True  # type: ignore[attr-defined]
        setattr(models.Model, name, wrapped)


class UnitScopedQuerySet(models.QuerySet[_M]):
    """A queryset whose rows belong to a unit, reached from the model by ``unit_lookup``.

    Subclasses set ``unit_lookup`` (``"unit"``, ``"project__unit"``…); a subclass whose rows are visible
    by another rule overrides ``_scope()`` (and nothing else), so ``restrict()`` stays the one entry.
    """

    unit_lookup: ClassVar[str] = "unit"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scoped = False

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._scoped = self._scoped
        return clone

    # --- saying how the queryset is scoped -------------------------------------------------------------

    def restrict(self, user: AnyUser, action: Action = "view") -> UnitScopedQuerySet[_M]:
        """The rows ``user`` may ``action``: those of the units where a role allows it, and their subtrees."""
        from jixiao.orgs.permissions import units_for, unrestricted_actor

        qs = (
            self.unrestricted()
            if unrestricted_actor(user)
            else self._scope(user, action, units_for(user, action))
        )
        qs._scoped = True
        return qs

    def _scope(self, user: AnyUser, action: Action, units: models.QuerySet[Unit]) -> UnitScopedQuerySet[_M]:
        return self.filter(**{f"{self.unit_lookup}__in": units})

    def unrestricted(self) -> UnitScopedQuerySet[_M]:
        """Every row, on purpose: the system's own reads, or after the permission was checked otherwise."""
        qs = self._chain()  # type: ignore[attr-defined]
        qs._scoped = True
        return qs

    @property
    def is_scoped(self) -> bool:
        return self._scoped or "instance" in self._hints  # type: ignore[attr-defined]

    def _check_scope(self) -> None:
        if not self.is_scoped and settings.JIXIAO_STRICT_SCOPES and not _VALIDATING.get():
            raise UnscopedQuery(
                f"{self.model.__name__} queryset evaluated without restrict(user, action) or unrestricted()"
            )

    # --- every way a queryset reaches the database -----------------------------------------------------

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def in_bulk(self, *args: Any, **kwargs: Any) -> dict[Any, _M]:
        self._check_scope()
        return super().in_bulk(*args, **kwargs)


class UnitQuerySet(UnitScopedQuerySet["Unit"]):
    unit_lookup = "pk"

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit below it, by the materialised path (one indexed prefix scan)."""
        return self.filter(path__startswith=unit.path)

    def roots(self) -> UnitQuerySet:
        return self.filter(parent__isnull=True)
