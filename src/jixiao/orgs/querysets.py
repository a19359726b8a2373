"""Querysets with row-level permission: ``Model.objects.restrict(user, action)``, scoped by unit subtree."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.db import models

from jixiao.orgs.choices import Action

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from jixiao.orgs.models import Unit

_M = TypeVar("_M", bound=models.Model)


class UnitScopedQuerySet(models.QuerySet[_M]):
    """A queryset whose rows belong to a unit, reached from the model by ``unit_lookup``.

    Subclasses set ``unit_lookup`` (``"unit"``, ``"project__unit"``…); every list, detail and admin view
    starts from ``restrict()`` so nothing bypasses the unit hierarchy.
    """

    unit_lookup: ClassVar[str] = "unit"

    def restrict(
        self, user: AbstractBaseUser | AnonymousUser | None, action: Action = "view"
    ) -> UnitScopedQuerySet[_M]:
        from jixiao.orgs.permissions import is_superuser, units_for

        if user is not None and user.is_active and is_superuser(user):
            return self
        return self.filter(**{f"{self.unit_lookup}__in": units_for(user, action)})


class UnitQuerySet(UnitScopedQuerySet["Unit"]):
    unit_lookup = "pk"

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit below it, by the materialised path (one indexed prefix scan)."""
        return self.filter(path__startswith=unit.path)

    def roots(self) -> UnitQuerySet:
        return self.filter(parent__isnull=True)
