"""Rule 2: the budget execution score, min(B / A, 1) × weight, and when it needs an explanation."""

from __future__ import annotations

from decimal import Decimal

from jixiao.domain.scoring import score_budget


def test_it_scores_the_execution_rate_times_the_weight():
    # 432000 ÷ 480000 = 90 % → 0.9 × 10 = 9
    result = score_budget(Decimal(480000), Decimal(432000), Decimal(10))
    assert (result.value, result.method, result.rate) == (Decimal("9.00"), "budget-rate", Decimal(90))
    assert not result.needs_explanation
    assert (
        result.explanation
        == "预算执行率=全年执行数÷全年预算数=432000÷480000=90.00%，得分=min(执行率,100%)×10=9分"
    )


def test_a_rate_of_89_99_percent_needs_an_explanation():
    # 8999 ÷ 10000 = 89.99 % → 0.8999 × 10 = 8.999 → 9.00, and still below 90 %
    result = score_budget(Decimal(10000), Decimal(8999), Decimal(10))
    assert result.value == Decimal("9.00")
    assert result.needs_explanation
    assert "低于90%" in result.explanation


def test_it_caps_the_rate_at_100_percent():
    assert score_budget(Decimal(100), Decimal(120), Decimal(10)).value == Decimal("10.00")


def test_it_takes_the_configured_weight_when_none_is_given():
    assert score_budget(Decimal(200), Decimal(150)).value == Decimal("7.50")


def test_a_zero_budget_cannot_be_scored_rather_than_scoring_zero():
    result = score_budget(Decimal(0), Decimal(0), Decimal(10))
    assert (result.value, result.method) == (None, "cannot-score")
    assert "全年预算数（A）为0" in result.explanation


def test_a_missing_budget_or_execution_cannot_be_scored():
    assert "未填写" in (score_budget(None, Decimal(5), Decimal(10)).reason or "")
    assert "全年执行数（B）未填写" in (score_budget(Decimal(5), None, Decimal(10)).reason or "")


def test_it_records_a_and_b_and_the_rate():
    inputs = score_budget(Decimal(3), Decimal(2), Decimal(10)).inputs
    assert (inputs["adjusted_budget"], inputs["executed"], inputs["rate"]) == ("3", "2", "66.67")
