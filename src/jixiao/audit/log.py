"""Writing audit events: ``record()`` for one, ``build()`` + ``record_many()`` for a bulk action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM_LABEL, SystemActor
from jixiao.orgs.actors import actor_label as actor_label
from jixiao.orgs.models import Unit

__all__ = ["SYSTEM_LABEL", "actor_label", "build", "jsonable", "record", "record_many"]


def jsonable(value: Any) -> Any:
    """A value as it reads in the JSON ``changes`` column: exact decimals and dates as strings."""
    if isinstance(value, Decimal):
        # normalize() drops the zeros a database pads with, so 95.5 reads the same before and after storage.
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def build(
    actor: User | SystemActor | None,
    action: str,
    obj: models.Model | None,
    *,
    reason: str,
    changes: Mapping[str, Any] | None = None,
    unit: Unit | None = None,
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """An unsaved audit event; ``record_many`` stores a list of them in one statement."""
    return AuditEvent(
        actor=actor if isinstance(actor, User) else None,
        actor_label=actor_label(actor),
        at=at or timezone.now(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:300] if obj is not None else "",
        unit=unit,
        reason=reason,
        changes=jsonable(dict(changes or {})),
        details=jsonable(dict(details or {})),
    )


def record(
    actor: User | SystemActor | None,
    action: str,
    obj: models.Model | None,
    *,
    reason: str,
    changes: Mapping[str, Any] | None = None,
    unit: Unit | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event; call it inside the action's transaction so it commits or rolls back with it."""
    event = build(actor, action, obj, reason=reason, changes=changes, unit=unit, details=details)
    event.save()
    return event


def record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    return AuditEvent.objects.bulk_create(list(events), batch_size=500)
