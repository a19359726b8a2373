"""Rules on cost indicators: cost-operator, cost-zero, cost-qualitative."""

from __future__ import annotations

from .factories import EQ, GE, GT, LE, form, good_form, ind, messages, q, qual


def test_it_flags_a_cost_with_at_least() -> None:
    document = form(ind("平均每月的费用", q("≥9000元", GE, 9000, "元"), "成本指标"))

    assert messages(document, "cost-operator") == [
        "成本指标“平均每月的费用”的指标值为“≥9000元”；成本指标应设上限（≤或=预算支出标准），不应使用“≥”"
    ]


def test_it_flags_a_cost_with_more_than_under_the_2021_tree() -> None:
    document = form(ind("单位培训成本", q(">500元/人", GT, 500, "元/人"), "经济成本指标", "成本指标"))

    assert len(messages(document, "cost-operator")) == 1


def test_it_flags_a_cost_named_indicator_without_levels() -> None:
    document = form(ind("办公费用", q("≥2万元", GE, 20000, "元", raw_unit="万元"), None, None))

    assert len(messages(document, "cost-operator")) == 1


def test_it_accepts_a_cost_upper_bound() -> None:
    document = form(
        ind("平均每月的费用", q("≤9000元", LE, 9000, "元"), "成本指标"),
        ind("培训费", q("=3万元", EQ, 30000, "元", raw_unit="万元"), "经济成本指标", "成本指标"),
    )

    assert messages(document, "cost-operator") == []


def test_it_accepts_a_cost_saving_with_at_least() -> None:
    document = form(ind("成本节约率", q("≥5%", GE, 5, "%"), "成本指标"))

    assert messages(document, "cost-operator") == []


def test_it_flags_a_cost_of_zero() -> None:
    document = form(ind("出差单位成本", q("=0", EQ, 0, "元/人", raw_unit="万元/人"), "成本指标"))

    assert messages(document, "cost-zero") == [
        "成本指标“出差单位成本”的指标值为“=0”，成本为0不合理；请核对单位和预算支出标准"
    ]


def test_it_accepts_a_cost_above_zero() -> None:
    document = form(ind("出差总成本", q("=1万元", EQ, 10000, "元", raw_unit="万元"), "成本指标"))

    assert messages(document, "cost-zero") == []


def test_it_notes_a_qualitative_cost() -> None:
    document = form(ind("培训成本", qual("严格执行培训费相关规定"), "成本指标"))

    assert messages(document, "cost-qualitative") == [
        "成本指标“培训成本”为定性表述“严格执行培训费相关规定”；成本指标宜按预算支出标准量化"
    ]


def test_the_cost_rules_pass_a_sound_form() -> None:
    document = good_form()

    for rule in ("cost-operator", "cost-zero", "cost-qualitative"):
        assert messages(document, rule) == []
