"""The exact small readers: amounts, percentages and Excel date serials."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.domain.targets.grammar import (
    date_to_excel_serial,
    excel_serial_to_date,
    parse_amount,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "default_unit", "expected"),
    [
        ("450", "万元", "4500000"),
        ("150", "万元", "1500000"),
        ("112500.00", "元", "112500.00"),
        ("8,827,620.53", "元", "8827620.53"),
        ("3,309,840.00", "元", "3309840.00"),
        ("10000万元", "元", "100000000"),
        ("15000万元", "元", "150000000"),
        ("15000元", "万元", "15000"),
        ("3万", "元", "30000"),
        ("0", "元", "0"),
        ("0", "万元", "0"),
        ("￥1,200", "元", "1200"),
        ("¥ 1,200.50", "元", "1200.50"),
        ("1.2亿元", "元", "120000000"),
        ("5千元", "元", "5000"),
        ("87.57", "万元", "875700"),
        ("１２３", "元", "123"),
    ],
)
def test_it_reads_amounts_in_yuan_exactly(text: str, default_unit: str, expected: str) -> None:
    amount = parse_amount(text, default_unit)
    assert amount == Decimal(expected)
    assert isinstance(amount, Decimal)


@pytest.mark.parametrize("text", ["", "  ", "/", "-", "—", "无"])
def test_it_reads_an_empty_amount_as_none(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["约10万", "十万元", "12%", "1.2.3", "10万美元", "abc"])
def test_it_refuses_what_is_not_an_amount_and_names_it(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount") as error:
        parse_amount(text)
    assert repr(text) in str(error.value)


def test_it_refuses_an_unknown_default_unit() -> None:
    with pytest.raises(ValueError, match="unknown money unit"):
        parse_amount("5", "美元")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.00%", "25.00"),
        ("25%", "25"),
        ("25", "25"),
        ("0.25", "0.25"),
        ("100.00%", "100.00"),
        ("25 %", "25"),
    ],
)
def test_it_reads_percentages_as_written(text: str, expected: str) -> None:
    value = parse_percent(text)
    assert value == Decimal(expected)
    assert str(value) == expected


def test_it_keeps_the_written_precision_of_a_percentage() -> None:
    assert str(parse_percent("25.00%")) == "25.00"


@pytest.mark.parametrize("text", ["", "/", "-"])
def test_it_reads_an_empty_percentage_as_none(text: str) -> None:
    assert parse_percent(text) is None


@pytest.mark.parametrize("text", ["二十五%", "25%%", "3月底", "≥25%"])
def test_it_refuses_what_is_not_a_percentage(text: str) -> None:
    with pytest.raises(ValueError, match="not a percentage"):
        parse_percent(text)


@pytest.mark.parametrize(
    ("serial", "date"),
    [
        (44561, dt.date(2021, 12, 31)),
        (Decimal(44561), dt.date(2021, 12, 31)),
        (Decimal("44561.75"), dt.date(2021, 12, 31)),
        (1, dt.date(1900, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        (43831, dt.date(2020, 1, 1)),
        (45291, dt.date(2023, 12, 31)),
    ],
)
def test_it_converts_excel_serials_with_the_lotus_leap_day(serial: int | Decimal, date: dt.date) -> None:
    assert excel_serial_to_date(serial) == date


@pytest.mark.parametrize("serial", [0, -1, 60])
def test_it_refuses_serials_without_a_real_date(serial: int) -> None:
    with pytest.raises(ValueError, match="serial"):
        excel_serial_to_date(serial)


def test_it_converts_a_date_back_to_its_serial() -> None:
    assert date_to_excel_serial(dt.date(2021, 12, 31)) == 44561
    assert date_to_excel_serial(dt.date(1900, 1, 1)) == 1
    assert date_to_excel_serial(dt.date(1900, 3, 1)) == 61


def test_it_refuses_a_date_before_the_excel_system() -> None:
    with pytest.raises(ValueError, match="before the Excel"):
        date_to_excel_serial(dt.date(1899, 12, 31))
