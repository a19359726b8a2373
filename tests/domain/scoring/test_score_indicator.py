"""Rules 3–7 of the self-evaluation scoring, one indicator at a time, with hand-computed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.scoring import QualitativeGrade, ScoringConfig, score_indicator
from jixiao.domain.targets.grammar import parse_target

LINEAR = ScoringConfig(reverse_method="linear")
RATIO = ScoringConfig(reverse_method="ratio")


def score(target: str, actual: str | None, weight: str, config: ScoringConfig = LINEAR):
    return score_indicator(
        parse_target(target), None if actual is None else parse_target(actual), Decimal(weight), config=config
    )


# --- positive and "=" (rule 3) ---


def test_it_gives_full_marks_when_the_actual_reaches_the_target_and_says_so():
    result = score("≥120家", "126家", "30")
    assert result.value == Decimal("30.00")
    assert result.method == "positive"
    assert result.explanation == "实际值126家≥目标值120家，得满分30分"
    assert not result.needs_deviation_reason


def test_it_scores_a_shortfall_as_actual_over_target_times_weight():
    # 93 ÷ 95 × 30 = 29.368… → 29.37
    result = score("≥95%", "93%", "30")
    assert result.value == Decimal("29.37")
    assert result.exact == Decimal(93) / Decimal(95) * Decimal(30)
    assert result.needs_deviation_reason
    assert "93÷95×30=29.37" in result.explanation


def test_it_gives_full_marks_to_a_strict_bound_met_exactly():
    assert score(">10次", "10次", "5").value == Decimal("5.00")


def test_it_scores_an_equal_target_like_a_positive_one():
    # 98 ÷ 100 × 20 = 19.6
    result = score("100%", "98%", "20")
    assert (result.value, result.method) == (Decimal("19.60"), "equal")


def test_it_gives_full_marks_to_an_equal_zero_target_met_and_zero_otherwise():
    assert score("0起", "0起", "10").value == Decimal("10.00")
    missed = score("0起", "1起", "10")
    assert missed.value == Decimal("0.00")
    assert missed.explanation.startswith("目标值为0，实际值1起>0，得0分")


def test_it_floors_a_negative_actual_at_zero():
    assert score_indicator(parse_target("≥10次"), Decimal(-3), Decimal(10)).value == Decimal("0.00")


# --- reverse (rule 4) ---


def test_it_gives_full_marks_to_a_reverse_indicator_within_its_bound():
    result = score("≤6小时", "5小时", "10")
    assert result.value == Decimal("10.00")
    assert result.explanation == "实际值5小时≤目标值6小时，得满分10分"


def test_it_deducts_linearly_beyond_a_reverse_bound():
    # (1 − (7.5 − 6) ÷ 6) × 10 = 0.75 × 10 = 7.5
    result = score("≤6小时", "7.5小时", "10")
    assert (result.value, result.method) == (Decimal("7.50"), "reverse-linear")
    assert result.needs_deviation_reason


def test_it_scores_by_ratio_beyond_a_reverse_bound_when_configured():
    # 6 ÷ 7.5 × 10 = 8
    result = score("≤6小时", "7.5小时", "10", RATIO)
    assert (result.value, result.method) == (Decimal("8.00"), "reverse-ratio")


def test_a_reverse_indicator_at_twice_its_bound_scores_zero_linearly_and_half_by_ratio():
    # linear: (1 − (12 − 6) ÷ 6) × 10 = 0; ratio: 6 ÷ 12 × 10 = 5
    assert score("≤6小时", "12小时", "10", LINEAR).value == Decimal("0.00")
    assert score("≤6小时", "12小时", "10", RATIO).value == Decimal("5.00")


def test_the_linear_method_never_goes_below_zero():
    # (1 − (30 − 6) ÷ 6) × 10 = −30 → 0
    assert score("≤6小时", "30小时", "10").value == Decimal("0.00")


def test_a_strict_upper_bound_is_met_at_the_bound():
    assert score("<5天", "5天", "4").value == Decimal("4.00")


def test_a_zero_reverse_target_gives_full_marks_at_zero_and_nothing_above():
    assert score("≤0起", "0起", "10").value == Decimal("10.00")
    assert score("≤0起", "0.5起", "10").value == Decimal("0.00")
    assert score("≤0起", "1起", "10", RATIO).value == Decimal("0.00")


# --- over-achievement (rule 5) ---


def test_it_flags_an_actual_at_exactly_130_percent_of_the_target():
    result = score("≥100次", "130次", "10")
    assert result.over_achievement
    assert result.value == Decimal("10.00")
    assert "130%" in result.explanation


def test_it_does_not_flag_an_actual_just_below_130_percent():
    assert not score("≥100次", "129.99次", "10").over_achievement


def test_it_never_flags_over_achievement_on_a_reverse_indicator():
    assert not score("≤10小时", "1小时", "10").over_achievement


# --- qualitative (rule 6) ---


def test_it_gives_achieved_the_top_of_its_band_by_default():
    result = score_indicator(parse_target("较高"), QualitativeGrade.ACHIEVED, Decimal(10))
    assert (result.value, result.method) == (Decimal("10.00"), "qualitative-band")
    assert not result.needs_deviation_reason


def test_the_default_of_an_open_band_is_the_highest_cent_inside_it():
    # [60 %, 80 %) of 10 → the highest score inside is 7.99; [0, 60 %) → 5.99.
    partly = score_indicator(parse_target("较高"), QualitativeGrade.PARTLY, Decimal(10))
    not_achieved = score_indicator(parse_target("较高"), QualitativeGrade.NOT_ACHIEVED, Decimal(10))
    assert (partly.value, not_achieved.value) == (Decimal("7.99"), Decimal("5.99"))


def test_80_percent_is_the_floor_of_achieved_and_79_99_percent_is_partly():
    target = parse_target("显著提升")
    floor = score_indicator(target, QualitativeGrade.ACHIEVED, Decimal(100), grade_score=Decimal(80))
    assert floor.value == Decimal("80.00")
    below = score_indicator(target, QualitativeGrade.ACHIEVED, Decimal(100), grade_score=Decimal("79.99"))
    assert below.value is None
    assert below.method == "cannot-score"
    assert "[80%, 100%]" in below.explanation
    partly = score_indicator(target, QualitativeGrade.PARTLY, Decimal(100), grade_score=Decimal("79.99"))
    assert partly.value == Decimal("79.99")
    too_high = score_indicator(target, QualitativeGrade.PARTLY, Decimal(100), grade_score=Decimal(80))
    assert too_high.value is None
    assert "[60%, 80%)" in too_high.explanation


def test_60_percent_is_the_floor_of_partly_and_59_99_is_not_achieved():
    target = parse_target("持续提升")
    assert score_indicator(target, QualitativeGrade.PARTLY, Decimal(100), grade_score=Decimal(60)).value == 60
    assert (
        score_indicator(target, QualitativeGrade.PARTLY, Decimal(100), grade_score=Decimal("59.99")).value
        is None
    )
    ok = score_indicator(target, QualitativeGrade.NOT_ACHIEVED, Decimal(100), grade_score=Decimal("59.99"))
    assert ok.value == Decimal("59.99")


def test_a_qualitative_target_without_a_grade_cannot_be_scored():
    result = score("较高", "效果明显", "10")
    assert result.value is None
    assert "需评定等级" in (result.reason or "")


# --- not applicable, missing, units ---


def test_a_not_applicable_indicator_is_excluded_and_its_weight_reported_not_redistributed():
    result = score("不适用", "126家", "5")
    assert (result.value, result.method, result.weight) == (None, "excluded", Decimal(5))
    assert "重新分配" in result.explanation


def test_a_missing_actual_cannot_be_scored_and_says_why():
    result = score("≥120家", None, "30")
    assert (result.value, result.method) == (None, "cannot-score")
    assert result.explanation == "未填写实际完成值，无法计分"


def test_a_text_actual_for_a_number_target_cannot_be_scored():
    result = score("≥120家", "已完成", "30")
    assert result.value is None
    assert "不是数值" in result.explanation


def test_it_compares_wan_jia_with_jia_after_normalising():
    # ≥4万家 = 40000 家; 3.8万家 = 38000 家: 38000 ÷ 40000 × 20 = 19
    assert score("≥4万家", "3.8万家", "20").value == Decimal("19.00")
    assert score("≥40000家", "3.8万家", "20").value == Decimal("19.00")


def test_it_converts_minutes_to_hours_before_comparing():
    # 450 分钟 = 7.5 小时 → (1 − 1.5 ÷ 6) × 10 = 7.5
    result = score("≤6小时", "450分钟", "10")
    assert result.value == Decimal("7.50")
    assert result.inputs["actual_raw"] == "450分钟"
    assert result.inputs["actual"] == "7.5"


def test_a_bare_actual_is_read_in_the_targets_unit():
    assert score("≥150家", "120", "10").value == Decimal("8.00")


def test_incomparable_units_cannot_be_scored():
    result = score("≥6次", "6家", "10")
    assert result.value is None
    assert "不可比较" in result.explanation


# --- rounding, inputs ---


def test_it_rounds_to_two_decimals_half_up():
    # 1 ÷ 8 × 1 = 0.125 → 0.13 (half-even would give 0.12); 1 ÷ 3 × 10 = 3.333… → 3.33
    assert score("≥8次", "1次", "1").value == Decimal("0.13")
    assert score("≥3次", "1次", "10").value == Decimal("3.33")


def test_it_records_every_input_and_the_method():
    result = score("≥95%", "93%", "30")
    assert result.inputs == {
        "method": "positive",
        "weight": "30",
        "target": "≥95%",
        "operator": ">=",
        "target_value": "95",
        "unit": "%",
        "actual_raw": "93%",
        "actual": "93",
        "exact": "29.368421",
    }


def test_a_negative_weight_cannot_be_scored():
    assert score("≥1次", "1次", "-1").method == "cannot-score"


@pytest.mark.parametrize("bad", [1.5, "3", 3])
def test_it_refuses_an_actual_of_the_wrong_type(bad):
    with pytest.raises(TypeError):
        score_indicator(parse_target("≥1次"), bad, Decimal(1))
