"""Working days with the State Council's holidays and 调休 days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.domain.workdays import WorkCalendar

D = dt.date
# 2023 中秋·国庆: 9月29日–10月6日 off, 10月7日 (Sat) and 10月8日 (Sun) working.
AUTUMN_2023 = WorkCalendar(
    {
        **{D(2023, 9, 29) + dt.timedelta(days=i): False for i in range(8)},
        D(2023, 10, 7): True,
        D(2023, 10, 8): True,
    }
)


def test_a_plain_week_works_monday_to_friday() -> None:
    plain = WorkCalendar()
    assert [plain.is_workday(D(2023, 9, 4) + dt.timedelta(days=i)) for i in range(7)] == [True] * 5 + [
        False
    ] * 2


def test_a_holiday_is_off_and_a_tiaoxiu_weekend_day_works() -> None:
    assert not AUTUMN_2023.is_workday(D(2023, 10, 2))  # a Monday of the golden week
    assert AUTUMN_2023.is_workday(D(2023, 10, 7))  # a Saturday made a working day


def test_five_working_days_from_the_eve_of_the_golden_week() -> None:
    # From Thursday 28 September: 10月7日, 8日 (调休), 9日, 10日, 11日.
    assert AUTUMN_2023.add_working_days(D(2023, 9, 28), 5) == D(2023, 10, 11)


def test_zero_days_is_the_next_working_day() -> None:
    assert AUTUMN_2023.add_working_days(D(2023, 10, 1), 0) == D(2023, 10, 7)
    assert AUTUMN_2023.add_working_days(D(2023, 9, 28), 0) == D(2023, 9, 28)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        WorkCalendar().add_working_days(D(2023, 1, 1), -1)


@given(start=st.dates(D(2023, 1, 1), D(2026, 12, 31)), days=st.integers(0, 40))
def test_counting_back_gives_the_days_added(start: dt.date, days: int) -> None:
    end = AUTUMN_2023.add_working_days(start, days)
    assert AUTUMN_2023.is_workday(end)
    # Zero days from a day off lands on the next working day, one working day later.
    expected = days if days or AUTUMN_2023.is_workday(start) else 1
    assert AUTUMN_2023.working_days_between(start, end) == expected
    assert AUTUMN_2023.working_days_between(end, start) == -expected
