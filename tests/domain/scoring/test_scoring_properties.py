"""Properties of indicator scoring: bounded by the weight, monotone in the actual the right way round."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, example, given
from hypothesis import strategies as st

from jixiao.domain.scoring import QualitativeGrade, ScoringConfig, score_indicator
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue

CONFIGS = {"linear": ScoringConfig(reverse_method="linear"), "ratio": ScoringConfig(reverse_method="ratio")}

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
targets = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
operators = st.sampled_from(list(Operator))
methods = st.sampled_from(sorted(CONFIGS))


def target(operator: Operator, value: Decimal) -> TargetValue:
    return TargetValue(raw=f"{operator.value}{value}次", kind=TargetKind.QUANTITATIVE, operator=operator,
                       value=value, unit="次")  # fmt: skip


@given(operators, targets, amounts, weights, methods)
def test_a_score_is_always_between_zero_and_the_weight(operator, value, actual, weight, method):
    result = score_indicator(target(operator, value), actual, weight, config=CONFIGS[method])
    assert result.value is not None
    assert Decimal(0) <= result.value <= weight
    assert result.needs_deviation_reason == (result.value < weight)


@given(st.sampled_from([Operator.GE, Operator.GT, Operator.EQ]), targets, amounts, amounts, weights)
@example(Operator.GE, Decimal(0), Decimal(0), Decimal("0.01"), Decimal(10))
def test_a_positive_score_never_falls_as_the_actual_rises(operator, value, a1, a2, weight):
    # "= 0" is the one exception by rule: 0 gets full marks, anything above gets nothing.
    assume(not (operator is Operator.EQ and value == 0))
    low, high = sorted((a1, a2))
    t = target(operator, value)
    assert score_indicator(t, low, weight).value <= score_indicator(t, high, weight).value  # type: ignore[operator]


@given(st.sampled_from([Operator.LE, Operator.LT]), targets, amounts, amounts, weights, methods)
def test_a_reverse_score_never_rises_as_the_actual_rises(operator, value, a1, a2, weight, method):
    low, high = sorted((a1, a2))
    t, config = target(operator, value), CONFIGS[method]
    low_score = score_indicator(t, low, weight, config=config).value
    high_score = score_indicator(t, high, weight, config=config).value
    assert low_score is not None
    assert high_score is not None
    assert low_score >= high_score


@given(st.sampled_from(list(QualitativeGrade)), st.decimals(min_value=0, max_value=1, places=4), weights)
def test_a_qualitative_score_is_accepted_exactly_when_it_lies_in_its_band(grade, share, weight):
    config = ScoringConfig()
    proposed = (weight * share).quantize(Decimal("0.01"))
    result = score_indicator(
        TargetValue(raw="较高", kind=TargetKind.QUALITATIVE),
        grade,
        weight,
        config=config,
        grade_score=proposed,
    )
    inside = weight == 0 or config.band(grade).contains(proposed / weight * 100)
    assert (result.value == proposed) if inside else (result.value is None)
