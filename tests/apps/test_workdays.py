"""The working-day calendar as data: the official schedules are loaded, and only an administrator changes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM
from jixiao.workdays.actions import do_set_calendar_day, do_set_calendar_year
from jixiao.workdays.models import CalendarDay
from jixiao.workdays.schedules import days_of
from jixiao.workdays.selectors import deadline_after, work_calendar, years_covered

D = dt.date


@pytest.mark.django_db
def test_the_official_schedules_are_loaded() -> None:
    assert years_covered() == [2023, 2024, 2025, 2026]
    calendar = work_calendar()
    assert not calendar.is_workday(D(2024, 2, 12))  # 春节, a Monday
    assert calendar.is_workday(D(2024, 2, 4))  # 春节调休, a Sunday
    assert not calendar.is_workday(D(2025, 10, 8))  # 国庆节、中秋节, a Wednesday


@pytest.mark.django_db
def test_a_deadline_of_five_working_days_skips_the_spring_festival() -> None:
    # From Wednesday 7 February 2024: 8日, 9日, (10–17日 off), 18日 (Sunday, 调休), 19日, 20日.
    assert deadline_after(D(2024, 2, 7), 5) == D(2024, 2, 20)


@pytest.mark.django_db
def test_weekend_holidays_are_not_stored_as_exceptions() -> None:
    assert all(day.weekday() < 5 or works for day, works, _ in days_of(2023))
    assert CalendarDay.objects.filter(date=D(2023, 1, 21)).count() == 0  # a Saturday of 春节


@pytest.mark.django_db
def test_an_administrator_sets_a_day_with_a_reason_and_it_is_audited() -> None:
    admin = User.objects.create_superuser("sysadmin")
    do_set_calendar_day(D(2027, 1, 1), is_workday=False, name="元旦", acting_user=admin, reason="2027年安排")
    assert not work_calendar().is_workday(D(2027, 1, 1))
    event = AuditEvent.objects.unrestricted().get(action="calendar.day_set")
    assert (event.actor_label, event.reason, event.changes["name"]) == (
        "sysadmin",
        "2027年安排",
        [None, "元旦"],
    )


@pytest.mark.django_db
def test_a_person_without_the_administrator_role_may_not_change_it() -> None:
    clerk = User.objects.create_user("clerk")
    with pytest.raises(PermissionDenied, match="只有系统管理员"):
        do_set_calendar_day(D(2027, 1, 1), is_workday=False, name="元旦", acting_user=clerk, reason="x")


@pytest.mark.django_db
def test_a_year_is_replaced_whole_and_a_date_of_another_year_is_refused() -> None:
    with pytest.raises(ValidationError, match="不在 2026 年"):
        do_set_calendar_year(2026, [(D(2027, 1, 1), False, "元旦")], acting_user=SYSTEM, reason="x")
    assert CalendarDay.objects.filter(date__year=2026).count() == len(days_of(2026))
    do_set_calendar_year(2026, [(D(2026, 1, 1), False, "元旦")], acting_user=SYSTEM, reason="更正")
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)) == [D(2026, 1, 1)]
