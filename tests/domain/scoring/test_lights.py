"""Monitoring lights (practice, configurable): progress against the pro-rated standard, budget, worst-of."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.forms.model import SpendingStep
from jixiao.domain.scoring import LightConfig, QualitativeGrade
from jixiao.domain.scoring.lights import (
    Colour,
    budget_light,
    indicator_light,
    plan_percent_at,
    pro_rated_standard,
    project_light,
)
from jixiao.domain.targets.grammar import parse_target


def test_the_pro_rated_standard_is_the_annual_target_times_months_over_12():
    assert pro_rated_standard(Decimal(150), 7) == Decimal("87.5")
    assert pro_rated_standard(Decimal(120), 12) == Decimal(120)


@pytest.mark.parametrize("months", [0, 13])
def test_it_refuses_months_outside_the_year(months):
    with pytest.raises(ValueError, match="1 to 12"):
        pro_rated_standard(Decimal(1), months)


@pytest.mark.parametrize(
    ("actual", "colour"),
    [
        # ≥120家 at 6 months: the standard is 60 家.
        ("35.99", Colour.RED),  # 59.98 %
        ("36", Colour.YELLOW),  # 60 %
        ("47.99", Colour.YELLOW),  # 79.98 %
        ("48", Colour.GREEN),  # 80 %
        ("71.99", Colour.GREEN),  # 119.98 %
        ("72", Colour.BLUE),  # 120 %
    ],
)
def test_a_positive_indicator_is_lit_by_its_progress_against_the_standard(actual, colour):
    light = indicator_light(parse_target("≥120家"), Decimal(actual), 6)
    assert light.colour is colour
    assert light.inputs["standard"] == "60"


def test_it_explains_a_light_in_chinese():
    light = indicator_light(parse_target("≥150家"), parse_target("80家"), 7)
    assert light.explanation == "截至当期完成80家，为按时间进度7/12折算的标准87.5家的91.43%，绿灯"


def test_a_blue_light_asks_to_check_the_target():
    assert "目标值是否偏低" in indicator_light(parse_target("≥10次"), Decimal(9), 6).explanation


def test_a_percentage_target_is_compared_with_the_full_target_not_pro_rated():
    # 93 % against ≥95 % is 97.9 % of the target: green, whatever the month.
    light = indicator_light(parse_target("≥95%"), parse_target("93%"), 3)
    assert (light.colour, light.inputs["pro_rated"]) == (Colour.GREEN, "no")


def test_a_rate_is_not_pro_rated_unless_configured():
    target = parse_target("≥1次/月")
    assert indicator_light(target, Decimal(1), 6).colour is Colour.GREEN
    assert (
        indicator_light(target, Decimal(1), 6, config=LightConfig(pro_rate_rates=True)).colour is Colour.BLUE
    )


def test_a_reverse_indicator_is_green_within_its_bound_and_red_beyond():
    assert indicator_light(parse_target("≤6小时"), parse_target("6小时"), 7).colour is Colour.GREEN
    over = indicator_light(parse_target("≤6小时"), parse_target("7小时"), 7)
    assert over.colour is Colour.RED
    assert over.explanation == "反向指标：截至当期7小时>6小时，红灯"
    assert indicator_light(parse_target("<5天"), Decimal(5), 7).colour is Colour.RED


def test_a_qualitative_indicator_is_lit_by_its_grade():
    target = parse_target("持续提升")
    assert indicator_light(target, QualitativeGrade.ACHIEVED, 7).colour is Colour.GREEN
    assert indicator_light(target, QualitativeGrade.PARTLY, 7).colour is Colour.YELLOW
    assert indicator_light(target, QualitativeGrade.NOT_ACHIEVED, 7).colour is Colour.RED


def test_nothing_reported_gives_no_colour_rather_than_a_guess():
    light = indicator_light(parse_target("≥10次"), None, 7)
    assert (light.colour, light.method) == (None, "cannot-judge")
    assert indicator_light(parse_target("不适用"), Decimal(1), 7).colour is None


def test_the_thresholds_are_configurable():
    strict = LightConfig(red_below=Decimal(90), yellow_below=Decimal(100))
    assert indicator_light(parse_target("≥120家"), Decimal(50), 6, config=strict).colour is Colour.RED


@pytest.mark.parametrize(
    ("rate", "colour"),
    [
        # 6 months: time progress 50 %.
        ("29.99", Colour.RED),  # 59.98 % of time
        ("30", Colour.YELLOW),  # 60 %
        ("39.99", Colour.YELLOW),  # 79.98 %
        ("40", Colour.GREEN),  # 80 %
        ("100", Colour.GREEN),
    ],
)
def test_the_budget_light_compares_the_rate_with_time_elapsed(rate, colour):
    assert budget_light(Decimal(rate), 6).colour is colour


def test_the_budget_light_takes_the_worse_of_time_and_the_spending_plan():
    # 40 % at 6 months: green by time (80 %), but the plan says 75 % by then: 53.3 % of plan → red.
    light = budget_light(Decimal(40), 6, plan_percent=Decimal(75))
    assert light.colour is Colour.RED
    assert light.inputs["by_plan_percent"] == "53.33"
    # A plan that is behind time does not make a light better than time says.
    assert budget_light(Decimal(35), 6, plan_percent=Decimal(25)).colour is Colour.YELLOW


def test_the_plan_percent_at_a_cutoff_is_the_last_step_due():
    plan = [
        SpendingStep("3月底", Decimal(25)),
        SpendingStep("6月底", Decimal(50)),
        SpendingStep("10月底", Decimal(75)),
        SpendingStep("12月底", Decimal(100)),
    ]
    assert plan_percent_at(plan, 2) == Decimal(0)
    assert plan_percent_at(plan, 7) == Decimal(50)
    assert plan_percent_at(plan, 12) == Decimal(100)
    assert plan_percent_at([], 7) is None
    assert plan_percent_at([SpendingStep("上半年", Decimal(50))], 7) is None


def test_a_project_takes_its_worst_light():
    lights = [
        indicator_light(parse_target("≥10次"), Decimal(9), 6),  # blue
        indicator_light(parse_target("≥10次"), Decimal(5), 6),  # green
        budget_light(Decimal(35), 6),  # yellow
        indicator_light(parse_target("不适用"), None, 6),  # no colour
    ]
    light = project_light(lights)
    assert light.colour is Colour.YELLOW
    assert light.inputs == {"red": "0", "yellow": "1", "blue": "1", "green": "1"}
    assert project_light(lights[:2]).colour is Colour.BLUE
    assert project_light([]).colour is None
