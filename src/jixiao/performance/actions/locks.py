"""Period locks set by finance for many projects at once, and lock exceptions: one unit may still change a
locked period until the exception expires (``performance.guards.lock_covering`` honours it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs import permissions
from jixiao.orgs.actors import Actor, person
from jixiao.orgs.models import Unit
from jixiao.performance.actions.results import do_lock_period
from jixiao.performance.guards import require, require_reason
from jixiao.performance.models import LockException, PeriodLock, Project
from jixiao.performance.periods import Period

__all__ = ["do_grant_lock_exception", "do_lock_projects", "do_revoke_lock_exception"]


@transaction.atomic
def do_lock_projects(
    projects: Iterable[Project], period: Period, *, acting_user: Actor, reason: str
) -> list[PeriodLock]:
    """Finance locks ``period`` of every project given (one lock each; an existing lock stays as it is)."""
    reason = require_reason(reason, "锁定期间")
    chosen = list(projects)
    if not chosen:
        raise ValidationError("所选范围内没有项目，未锁定任何期间", code="no_projects")
    locks = []
    for project in chosen:
        require(acting_user, "finance", project)
        locks.append(do_lock_period(project, period, acting_user=acting_user, reason=reason))
    return locks


@transaction.atomic
def do_grant_lock_exception(
    unit: Unit, period: Period, expires_at: dt.datetime, *, acting_user: Actor, reason: str
) -> LockException:
    """Finance lets ``unit`` (and the units below it) change locked ``period`` (and the periods within it)
    until ``expires_at``; the reason is required and shown beside the exception."""
    permissions.require(acting_user, "finance", unit, what="锁定例外")
    reason = require_reason(reason, "锁定例外")
    if expires_at <= timezone.now():
        when = timezone.localtime(expires_at).strftime("%Y年%-m月%-d日 %H:%M")
        raise ValidationError(f"有效期至{when}已过，请选择以后的时间", code="expired")
    exception = LockException.objects.create(
        unit=unit,
        period_kind=period.kind,
        period_index=period.index,
        expires_at=expires_at,
        reason=reason,
        granted_by=person(acting_user),
        granted_by_label=audit.actor_label(acting_user),
    )
    audit.record(
        acting_user,
        "lock_exception.granted",
        exception,
        reason=reason,
        unit=unit,
        details={"period": period.label, "expires_at": expires_at},
    )
    return exception


@transaction.atomic
def do_revoke_lock_exception(exception: LockException, *, acting_user: Actor, reason: str) -> LockException:
    """End an exception before it expires (reason required); the period is locked again for the unit."""
    permissions.require(acting_user, "finance", exception.unit, what="锁定例外")
    reason = require_reason(reason, "撤销锁定例外")
    locked = LockException.objects.unrestricted().select_for_update().get(pk=exception.pk)
    if locked.revoked_at is not None:
        raise ValidationError("该锁定例外已撤销", code="revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = person(acting_user)
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        acting_user,
        "lock_exception.revoked",
        locked,
        reason=reason,
        unit=locked.unit,
        changes={"revoked_at": [None, locked.revoked_at]},
    )
    exception.revoked_at, exception.revoked_by = locked.revoked_at, locked.revoked_by
    return exception
