"""Numbers as the writers print them: exact 万元, rates, weights."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.reports.content import decimal_text, percent_text, wan_text, weight_text


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        ("4500000", "450.00"),
        ("112500.00", "11.25"),
        ("123456.78", "12.345678"),
        ("0", "0.00"),
        ("1", "0.0001"),
        ("98765432109876.54", "9876543210.987654"),
    ],
)
def test_it_shows_yuan_in_wan_yuan_without_losing_a_digit(yuan: str, shown: str) -> None:
    assert wan_text(Decimal(yuan)) == shown
    assert Decimal(shown) * 10000 == Decimal(yuan)


def test_it_leaves_an_unknown_amount_blank() -> None:
    assert wan_text(None) == ""
    assert decimal_text(None) == ""


def test_it_never_prints_an_exponent() -> None:
    assert decimal_text(Decimal("4.5E+2")) == "450"
    assert decimal_text(Decimal("1E-7")) == "0.0000001"


def test_it_rounds_rates_half_up_to_two_decimals() -> None:
    assert percent_text(Decimal("92.230520")) == "92.23%"
    assert percent_text(Decimal("92.235")) == "92.24%"


def test_it_prints_whole_weights_bare_and_others_with_two_decimals() -> None:
    assert [weight_text(Decimal(w)) for w in ("10", "7.5", "3.34", "10.00")] == ["10", "7.50", "3.34", "10"]
