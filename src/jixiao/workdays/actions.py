"""Changing the schedule: an administrator records a year's holidays and 调休 days (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor, require_actor
from jixiao.orgs.permissions import unrestricted_actor
from jixiao.workdays.models import CalendarDay


@transaction.atomic
def do_set_calendar_year(
    year: int, days: Iterable[tuple[dt.date, bool, str]], *, acting_user: Actor, reason: str
) -> int:
    """Replace ``year``'s exceptions with ``days`` (date, is a working day, holiday name); returns the count.

    The schedule is national: only the system or a system administrator changes it.
    """
    require_actor(acting_user)
    if not unrestricted_actor(acting_user):
        raise PermissionDenied("只有系统管理员可以维护节假日安排")
    if not (reason or "").strip():
        raise ValidationError("维护节假日安排必须填写原因")
    rows = list(days)
    for day, _, name in rows:
        if day.year != year:
            raise ValidationError(f"{day:%Y-%m-%d}（{name}）不在 {year} 年")
    before = {
        d.isoformat(): w
        for d, w in CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday")
    }
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(CalendarDay(date=d, is_workday=w, name=n) for d, w, n in rows)
    after = {d.isoformat(): w for d, w, _ in rows}
    audit.record(
        acting_user,
        "calendar.year_set",
        None,
        reason=reason,
        changes={"year": [year, year], "days": [before, after]} if before != after else {},
        details={"year": year, "days": len(rows)},
    )
    return len(rows)


@transaction.atomic
def do_set_calendar_day(
    day: dt.date, *, is_workday: bool, name: str, acting_user: Actor, reason: str
) -> CalendarDay:
    """Record one day of the schedule (a holiday, or a 调休 working day); audited with before and after."""
    require_actor(acting_user)
    if not unrestricted_actor(acting_user):
        raise PermissionDenied("只有系统管理员可以维护节假日安排")
    if not (reason or "").strip():
        raise ValidationError("维护节假日安排必须填写原因")
    if not name.strip():
        raise ValidationError(f"{day:%Y-%m-%d}：请填写节日名称")
    existing = CalendarDay.objects.filter(date=day).first()
    before = (existing.is_workday, existing.name) if existing else (None, None)
    row, _ = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "name": name.strip()}
    )
    audit.record(
        acting_user,
        "calendar.day_set",
        row,
        reason=reason,
        changes={"is_workday": [before[0], row.is_workday], "name": [before[1], row.name]},
    )
    return row


@transaction.atomic
def do_remove_calendar_day(row: CalendarDay, *, acting_user: Actor, reason: str) -> None:
    """Return a day to the plain week (a weekday works, a weekend day is off)."""
    require_actor(acting_user)
    if not unrestricted_actor(acting_user):
        raise PermissionDenied("只有系统管理员可以维护节假日安排")
    if not (reason or "").strip():
        raise ValidationError("维护节假日安排必须填写原因")
    audit.record(
        acting_user,
        "calendar.day_removed",
        row,
        reason=reason,
        changes={"is_workday": [row.is_workday, None], "name": [row.name, None]},
    )
    row.delete()
