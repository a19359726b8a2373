"""The one way a workflow object changes state: ``transition()``.

It locks the row and refreshes the caller's object, checks the edge against the workflow (a pure
definition in ``jixiao.domain.workflow``) and the actor's role on the object's unit, requires the reason
the edge asks for, writes one audit row with the edge's verb and the before/after values, and runs the
side effects (notifications) only once the transaction commits.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.domain.workflow import Edge, TransitionRefused, Workflow
from jixiao.orgs.actors import actor_label, is_system, require_actor
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import require
from jixiao.orgs.querysets import UnitScopedQuerySet

M = TypeVar("M", bound=models.Model)

__all__ = ["TransitionError", "transition", "unit_of"]


class TransitionError(ValidationError):
    """A transition the workflow does not allow from the object's state, or one without its reason."""


def unit_of(obj: models.Model) -> Unit:
    """The unit an object belongs to, by its queryset's ``unit_lookup`` (``indicator__project__unit``)."""
    queryset = type(obj)._default_manager.all()
    if not isinstance(queryset, UnitScopedQuerySet):
        raise TypeError(f"{type(obj).__name__} has no unit-scoped queryset")
    unit = operator.attrgetter(queryset.unit_lookup.replace("__", "."))(obj)
    if not isinstance(unit, Unit):
        raise TypeError(f"{type(obj).__name__}.{queryset.unit_lookup} is not a unit")
    return unit


def _refresh(target: models.Model, source: models.Model) -> None:
    """Copy the row's current values into the caller's object, so it is not stale after the action."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


@transaction.atomic
def transition(
    obj: M,
    workflow: Workflow,
    verb: StrEnum | str,
    *,
    acting_user: Any,
    reason: str = "",
    state_field: str = "status",
    updates: Mapping[str, Any] | None = None,
    guard: Callable[[M, Edge], None] | None = None,
    details: Mapping[str, Any] | None = None,
    on_commit: Callable[[M], None] | None = None,
    stamp_field: str | None = None,
) -> M:
    """Move ``obj`` along the edge ``verb`` of ``workflow``; returns the locked, updated row.

    ``updates`` are further fields the step sets (a reviewer, a time); their before/after go into the same
    audit row. ``guard`` runs on the locked row before anything changes (four eyes, period locks) and
    raises to refuse. ``stamp_field`` is set to now.
    """
    require_actor(acting_user)
    model = type(obj)
    locked = model._default_manager.unrestricted().select_for_update(of=("self",)).get(pk=obj.pk)  # type: ignore[attr-defined]
    current = getattr(locked, state_field)
    try:
        edge = workflow.edge(verb, current)
    except TransitionRefused as refused:
        raise TransitionError(refused.message, code=refused.code) from refused
    unit = unit_of(locked)
    if is_system(acting_user):
        if not edge.system:
            raise PermissionDenied(f"“{edge.label or edge.verb}”须由人完成，系统不能代为操作")
    else:
        if not edge.people:
            raise PermissionDenied(
                f"“{edge.label or edge.verb}”由系统完成，{actor_label(acting_user)} 不能操作"
            )
        require(acting_user, edge.action, unit, what=workflow.label)  # type: ignore[arg-type]
    cleaned = (reason or "").strip()
    if edge.reason and not cleaned:
        raise TransitionError(f"{edge.label or workflow.label}必须填写原因", code="reason_required")
    if guard is not None:
        guard(locked, edge)
    changes: dict[str, list[Any]] = {}
    if edge.target != current:
        changes[state_field] = [current, edge.target]
    setattr(locked, state_field, edge.target)
    fields = [state_field]
    if stamp_field:
        setattr(locked, stamp_field, timezone.now())
        fields.append(stamp_field)
    for name, value in (updates or {}).items():
        field = locked._meta.get_field(name)
        attname = getattr(field, "attname", name)
        before = getattr(locked, attname)
        setattr(locked, name, value)
        after = getattr(locked, attname)
        if before != after:
            changes[name] = [before, after]
        fields.append(name)
    locked.save(update_fields=list(dict.fromkeys(fields)))
    audit.record(
        acting_user, str(edge.verb), locked, reason=cleaned, unit=unit, changes=changes, details=details
    )
    _refresh(obj, locked)
    if on_commit is not None:
        transaction.on_commit(lambda: on_commit(locked))
    return locked
