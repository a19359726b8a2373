"""Checks shared by the performance actions: who may act on a project, and whether a period is locked."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from jixiao.orgs import permissions
from jixiao.orgs.actors import Actor
from jixiao.orgs.choices import Action
from jixiao.performance.models import LockException, PeriodLock, Project
from jixiao.performance.periods import Period


class PeriodLocked(ValidationError):
    """A change refused because its period is locked; ``lock`` says who locked it, when and why."""

    def __init__(self, lock: PeriodLock, what: str) -> None:
        self.lock = lock
        super().__init__(f"{what}：{lock.describe()}，不能录入或修改", code="period_locked")


def require(acting_user: Actor, action: Action, project: Project) -> None:
    """The actor (a person, or ``SYSTEM``) needs the role on the project's unit; ``None`` is refused."""
    permissions.require(acting_user, action, project.unit, what=f"项目“{project.name}”")


def lock_covering(project: Project, period: Period) -> PeriodLock | None:
    """The lock whose period contains ``period`` (locking 上半年 locks 6月 and 第二季度 too), if any; a lock an
    unexpired exception for the project's unit lifts (``exception_for``) does not count."""
    for lock in PeriodLock.objects.unrestricted().filter(project=project).order_by("-period_index"):
        if period.within(lock.period) and exception_for(project, lock) is None:
            return lock
    return None


def exception_for(project: Project, lock: PeriodLock) -> LockException | None:
    """The unexpired, unrevoked exception that lets the project's unit (or a unit above it) change the
    locked period anyway, the one lasting longest; ``None`` when the lock holds."""
    unit = project.unit
    ancestors = unit.ancestor_ids() or [unit.pk]
    candidates = LockException.objects.unrestricted().filter(
        unit_id__in=ancestors, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    for exception in candidates.order_by("-expires_at", "-pk"):
        if lock.period.within(exception.period):
            return exception
    return None


def lock_state(project: Project, period: Period) -> tuple[PeriodLock | None, LockException | None]:
    """What a page shows about ``period``: the lock that holds it (or ``None``), or else the lock an
    exception lifts together with that exception."""
    for lock in PeriodLock.objects.unrestricted().filter(project=project).order_by("-period_index"):
        if period.within(lock.period):
            exception = exception_for(project, lock)
            if exception is None:
                return lock, None
    for lock in PeriodLock.objects.unrestricted().filter(project=project).order_by("-period_index"):
        if period.within(lock.period):
            return None, exception_for(project, lock)
    return None, None


def refuse_if_locked(project: Project, period: Period, what: str) -> None:
    lock = lock_covering(project, period)
    if lock is not None:
        raise PeriodLocked(lock, what)


def require_reason(reason: str, what: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError(f"{what}必须填写原因", code="reason_required")
    return cleaned
