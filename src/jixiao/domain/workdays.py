"""Working days in China: weekends off, the State Council's public holidays off, and its 调休 days (a
Saturday or Sunday made a working day) on. Deadlines of notices, reviews and rectification count these.

The calendar is data: each year's official schedule is a list of dated exceptions to the plain week, kept
in the database and updated by an administrator when the State Council publishes the next year's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkCalendar:
    """``exceptions`` maps a date to whether it is a working day, where that differs from Monday–Friday."""

    exceptions: Mapping[dt.date, bool] = field(default_factory=dict)

    def is_workday(self, day: dt.date) -> bool:
        found = self.exceptions.get(day)
        if found is not None:
            return found
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (``start`` itself is not counted).

        Zero days is ``start`` itself if it is a working day, else the next working day.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        if days == 0:
            while not self.is_workday(day):
                day += dt.timedelta(days=1)
            return day
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count
