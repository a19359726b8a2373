"""The scoring settings: default weights, the 2021 tree's explicit weights, grade bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.forms.model import Taxonomy
from jixiao.domain.scoring import QualitativeGrade, ScoringConfig, ScoringConfigError, grade_for

WEIGHTS_2021 = {"预算执行率": 10, "成本指标": 20, "产出指标": 40, "效益指标": 20, "满意度指标": 10}


def test_it_defaults_to_budget_10_output_50_benefit_30_satisfaction_10():
    config = ScoringConfig.for_taxonomy(Taxonomy.CLASSIC)
    assert dict(config.weights) == {
        "预算执行率": Decimal(10),
        "产出指标": Decimal(50),
        "效益指标": Decimal(30),
        "满意度指标": Decimal(10),
    }
    assert config.budget_weight == Decimal(10)
    assert config.reverse_method == "linear"
    assert config.over_achievement_ratio == Decimal("1.3")
    assert config.budget_explanation_below == Decimal(90)


def test_it_refuses_the_2021_tree_without_weights_and_says_which_to_pass():
    with pytest.raises(ScoringConfigError, match="成本指标"):
        ScoringConfig.for_taxonomy(Taxonomy.T2021)


def test_it_refuses_2021_weights_without_a_cost_weight():
    with pytest.raises(ScoringConfigError, match="成本指标"):
        ScoringConfig.for_taxonomy(
            Taxonomy.T2021, {"预算执行率": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}
        )


def test_it_accepts_explicit_2021_weights_that_add_up_to_100():
    config = ScoringConfig.for_taxonomy(Taxonomy.T2021, WEIGHTS_2021)
    assert config.weights["成本指标"] == Decimal(20)
    assert config.level1_weights == {
        "成本指标": Decimal(20),
        "产出指标": Decimal(40),
        "效益指标": Decimal(20),
        "满意度指标": Decimal(10),
    }


def test_it_refuses_weights_that_do_not_add_up_to_100():
    with pytest.raises(ScoringConfigError, match="add up to 100, these add up to 95"):
        ScoringConfig(weights={"预算执行率": Decimal(10), "产出指标": Decimal(85)})


def test_it_refuses_an_unknown_reverse_method():
    with pytest.raises(ScoringConfigError, match="reverse_method"):
        ScoringConfig(reverse_method="quadratic")  # type: ignore[arg-type]


def test_it_refuses_float_weights_because_money_and_scores_are_exact():
    with pytest.raises(ScoringConfigError, match="exact number"):
        ScoringConfig.for_taxonomy(Taxonomy.CLASSIC, {"预算执行率": 10.0, "产出指标": 90})  # type: ignore[dict-item]


def test_its_weights_cannot_be_changed_after_the_fact():
    config = ScoringConfig()
    with pytest.raises(TypeError, match="read-only"):
        config.weights["产出指标"] = Decimal(60)  # type: ignore[index]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_it_grades_totals_with_half_open_bounds(total, grade):
    assert grade_for(Decimal(total)) == grade


def test_it_reads_grade_words_full_or_short():
    assert QualitativeGrade.read("达成") is QualitativeGrade.ACHIEVED
    assert QualitativeGrade.read("部分达成并具有一定效果") is QualitativeGrade.PARTLY
    assert QualitativeGrade.read(" 部分达成 ") is QualitativeGrade.PARTLY
    assert QualitativeGrade.read("未达成") is QualitativeGrade.NOT_ACHIEVED
    assert QualitativeGrade.read("已完成") is None
    assert QualitativeGrade.read(None) is None
