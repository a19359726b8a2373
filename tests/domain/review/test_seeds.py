"""The reviewer on the two seed forms: it finds the defects a reviewer found, and nothing else of weight."""

from __future__ import annotations

from jixiao.domain.review import Severity, review

from .seed_forms import seed_000_security, seed_004_project


def test_it_finds_the_three_defects_of_seed_004() -> None:
    found = review(seed_004_project())

    assert [(f.rule, f.severity, f.indicator) for f in found] == [
        ("fund-uses-sum", Severity.ERROR, None),
        ("unit-mismatch", Severity.ERROR, "各项网宣任务完成及时率（%）"),
        ("cost-operator", Severity.ERROR, "平均每月的费用"),
    ]


def test_it_explains_the_wan_slip_of_seed_004() -> None:
    [finding] = [f for f in review(seed_004_project()) if f.rule == "fund-uses-sum"]

    assert finding.message.endswith(
        "第2项“印制网评学习资料、网评典型案例等资料”写作15000万元，若为15000元则合计与预算数112500元一致"
    )
    assert finding.form == "网络信息办公专项经费"
    assert finding.project == "网络信息办公专项经费"


def test_it_finds_the_app_count_in_times_of_seed_000_in_both_horizons() -> None:
    found = [f for f in review(seed_000_security()) if f.severity is not Severity.INFO]

    assert [(f.rule, f.indicator, f.message.split("“")[2]) for f in found] == [
        ("count-unit", "监测涉个人信息保护互联网应用数量", "≥18次”以"),
        ("count-unit", "监测涉个人信息保护互联网应用数量", "≥6次”以"),
    ]


def test_it_only_notes_the_qualitative_training_cost_of_seed_000() -> None:
    notes = [f for f in review(seed_000_security()) if f.severity is Severity.INFO]

    assert [(f.rule, f.indicator) for f in notes] == [
        ("cost-qualitative", "培训成本"),
        ("cost-qualitative", "培训成本"),
    ]
