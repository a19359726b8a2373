"""Monitoring tasks (定期监控下发): finance asks many units at once for the round of a cut-off month by a
deadline; each unit's projects of that year then fill, submit and have their round reviewed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs import permissions
from jixiao.orgs.actors import Actor, person
from jixiao.orgs.models import Unit
from jixiao.performance.models import MonitoringAssignment, MonitoringTask

__all__ = ["do_issue_monitoring_task", "issuing_unit"]


def issuing_unit(units: Sequence[Unit], acting_user: Actor) -> Unit:
    """The deepest unit above (or equal to) every chosen unit on which the actor may act as finance: the
    task belongs to it, so the people of that finance bureau see the task and its progress."""
    paths = [u.ancestor_ids() or [u.pk] for u in units]
    common: list[int] = []
    for ids in zip(*paths, strict=False):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    by_pk = Unit.objects.unrestricted().in_bulk(common)
    for pk in reversed(common):
        unit = by_pk.get(pk)
        if unit is not None and permissions.can(acting_user, "finance", unit):
            return unit
    raise PermissionDenied("所选单位没有共同的、可由您下发监控任务的上级单位，请分别下发")


@transaction.atomic
def do_issue_monitoring_task(
    units: Sequence[Unit],
    *,
    year: int,
    cutoff_month: int,
    deadline: dt.date,
    note: str = "",
    acting_user: Actor,
    reason: str = "",
) -> MonitoringTask:
    """Finance issues a monitoring round for 1–``cutoff_month``月 of ``year`` to every unit of ``units`` at
    once, due by ``deadline``. Refused unless the actor may act as finance on each unit."""
    chosen = list(dict.fromkeys(units))
    if not chosen:
        raise ValidationError("请至少选择一个填报单位", code="no_units")
    for unit in chosen:
        permissions.require(acting_user, "finance", unit, what="运行监控任务")
    if not isinstance(cutoff_month, int) or not 1 <= cutoff_month <= 12:
        raise ValidationError(f"截至月份须为1–12，收到 {cutoff_month!r}")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError(f"年度须为2000–2100之间的年份，收到 {year!r}")
    if deadline < timezone.localdate():
        raise ValidationError(f"截止日期{deadline:%Y年%-m月%-d日}已过，请选择今天或以后的日期")
    task = MonitoringTask.objects.create(
        unit=issuing_unit(chosen, acting_user),
        year=year,
        cutoff_month=cutoff_month,
        deadline=deadline,
        note=note.strip(),
        issued_by=person(acting_user),
        issued_by_label=audit.actor_label(acting_user),
    )
    MonitoringAssignment.objects.bulk_create(MonitoringAssignment(task=task, unit=u) for u in chosen)
    audit.record(
        acting_user,
        "monitoring_task.issued",
        task,
        reason=reason,
        unit=task.unit,
        details={
            "year": year,
            "cutoff_month": cutoff_month,
            "deadline": deadline,
            "units": [u.name for u in chosen],
        },
    )
    return task
