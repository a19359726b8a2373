"""Targets written with Chinese numerals, letters in numbers, OCR symbols and units missing a numerator: read with
a warning, or left unread with one, never as a different number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.targets.grammar import parse_amount, parse_target
from jixiao.domain.targets.model import Operator, TargetKind


@pytest.mark.parametrize(
    ("raw", "operator", "value", "unit"),
    [
        ("≥三次", Operator.GE, 3, "次"),
        ("三次", Operator.EQ, 3, "次"),
        ("两万元", Operator.EQ, 20000, "元"),
        ("不少于十二个", Operator.GE, 12, "个"),
        ("一百零五人", Operator.EQ, 105, "人"),
        ("二十场", Operator.EQ, 20, "场"),
    ],
)
def test_it_reads_chinese_numerals_before_a_unit_with_a_warning(
    raw: str, operator: Operator, value: int, unit: str
) -> None:
    target = parse_target(raw)
    assert (target.kind, target.operator, target.value, target.unit) == (
        TargetKind.QUANTITATIVE,
        operator,
        Decimal(value),
        unit,
    )
    assert any("Chinese numeral" in w for w in target.warnings)


@pytest.mark.parametrize("raw", ["一次性", "十分满意", "一般", "三三两两"])
def test_it_keeps_words_that_merely_start_with_a_numeral_qualitative(raw: str) -> None:
    assert parse_target(raw).kind is TargetKind.QUALITATIVE


@pytest.mark.parametrize("raw", ["45O", "1O0人", "2O%", "≥9l%"])
def test_it_never_reads_a_number_with_a_letter_in_it(raw: str) -> None:
    target = parse_target(raw)
    assert target.value is None
    assert any("letter" in w for w in target.warnings)


def test_it_says_which_letter_stands_where_a_digit_belongs_in_an_amount() -> None:
    with pytest.raises(ValueError, match="letter 'O'"):
        parse_amount("45O", "万元")


def test_it_reads_a_leading_er_as_equals_with_a_warning() -> None:
    target = parse_target("二100百分比")
    assert (target.operator, target.value, target.unit) == (Operator.EQ, 100, "%")
    assert any("'二'" in w for w in target.warnings)


def test_it_reads_a_rate_whose_numerator_unit_was_left_out() -> None:
    cost = parse_target("≤620万/月")
    assert (cost.operator, cost.value, cost.unit) == (Operator.LE, Decimal(6200000), "/月")
    assert cost.warnings
    per_plant = parse_target("≤28.40/株")
    assert (per_plant.value, per_plant.unit) == (Decimal("28.40"), "/株")


@pytest.mark.parametrize("raw", ["1" * 30 + "万元", "≥" + "9" * 40 + "%", "1" * 16])
def test_it_reads_no_number_of_more_than_fifteen_digits(raw: str) -> None:
    target = parse_target(raw)
    assert target.value is None
    assert any("digits" in w for w in target.warnings)
    with pytest.raises(ValueError, match="digits"):
        parse_amount(raw.rstrip("万元%").lstrip("≥"))
