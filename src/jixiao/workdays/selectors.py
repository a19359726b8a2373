"""The calendar as the domain reads it: ``work_calendar()`` for deadlines in working days."""

from __future__ import annotations

import datetime as dt

from jixiao.domain.workdays import WorkCalendar
from jixiao.workdays.models import CalendarDay


def work_calendar() -> WorkCalendar:
    """The official schedule from the database (a few dozen rows a year, read on each call)."""
    return WorkCalendar(dict(CalendarDay.objects.values_list("date", "is_workday")))


def years_covered() -> list[int]:
    return sorted({d.year for d in CalendarDay.objects.values_list("date", flat=True)})


def deadline_after(start: dt.date, working_days: int) -> dt.date:
    """The date ``working_days`` working days after ``start``."""
    return work_calendar().add_working_days(start, working_days)
