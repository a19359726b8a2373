"""Spreadsheet numbers as text: exact, no float noise, formats applied only where they lose nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.domain.forms.readers.values import number_text, value_text


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (450, "General", "450"),
        (450.0, "General", "450"),
        (0.1 + 0.2, "General", "0.3"),
        (1.1 * 3, "0.00", "3.30"),
        (0.25, "0.00%", "25.00%"),
        (0.12345, "0%", "12.345%"),
        (1e20, "General", "100000000000000000000"),
        (-0.0, "General", "0"),
        (-12.5, "#,##0.00_);(#,##0.00)", "-12.50"),
        (9, '0"次"', "9次"),
        (9, '"≥"0', "≥9"),
        (1234, "0.00E+00", "1234.00"),
        (5, "[Red]0.0", "5.0"),
        (Decimal("2.50"), "General", "2.5"),
    ],
)
def test_it_writes_a_number_as_excel_shows_it_without_losing_a_digit(
    value: float | int | Decimal, number_format: str, text: str
) -> None:
    assert number_text(value, number_format) == text


def test_it_writes_dates_as_iso_and_keeps_a_time_when_there_is_one() -> None:
    assert value_text(dt.datetime(2021, 12, 31)) == "2021-12-31"
    assert value_text(dt.datetime(2021, 12, 31, 8, 30)) == "2021-12-31 08:30:00"
    assert value_text(dt.date(2022, 1, 5)) == "2022-01-05"
    assert value_text(dt.time(14, 5)) == "14:05:00"


def test_it_writes_booleans_and_nothing_as_text() -> None:
    assert value_text(True) == "TRUE"
    assert value_text(False) == "FALSE"
    assert value_text(None) == ""
