"""A whole form scored: the seed security project with invented actuals, weights spread, warnings, grades."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import BudgetExecution, FormKind, Horizon, Taxonomy
from jixiao.domain.scoring import ScoringConfig, ScoringConfigError, evaluate

from .tables import table

SECURITY = "网络安全和信息化工作经费"

# Invented results for the seed's 2023 annual targets: name → (actual, weight, recorded score).
# 产出 50 = 8+8+4+4+4+4+6+4+4+4; 效益 30 = 0+15+0+15; 满意度 10; budget 10.
ACTUALS = {
    "全市网络资产监测": ("162家", "8", None),  # ≥150家 met → 8
    "通报网络安全风险和事件": ("63起", "8", None),  # ≥70起: 63 ÷ 70 × 8 = 7.2
    "发布安全预警": ("5次", "4", None),  # ≥5次 met → 4
    "监测涉个人信息保护互联网应用数量": ("4次", "4", None),  # ≥6次: 4 ÷ 6 × 4 = 2.666… → 2.67
    "开展网络安全专项检查": ("3次", "4", None),  # ≥2次: 150 % → 4, over-achievement
    "网络安全月报": ("1次/月", "4", None),  # ≥1次/月 met → 4
    "培训人次": ("27人次", "6", None),  # ≥30人次: 27 ÷ 30 × 6 = 5.4
    "经费支出合规性": ("达成", "4", None),  # qualitative, 达成, top of band → 4
    "处置重点网络安全应急事件时限": ("7.5小时", "4", None),  # ≤6小时 linear: (1 − 1.5 ÷ 6) × 4 = 3
    "培训成本": ("部分达成", "4", "3"),  # qualitative, partly, 3 = 75 % of 4 (inside [60, 80)) → 3
    "网络安全知识宣传覆盖面": ("达成", "15", None),  # → 15
    "对网民的网络安全防护意识的影响程度": ("部分达成并具有一定效果", "15", "10"),  # 66.7 % of 15 → 10
    "培训学员满意率": ("96.5%", "10", None),  # ≥95% met → 10
}
# Budget: A = 300000 (年度资金总额 30万元), B = 276000 → 92 % → 0.92 × 10 = 9.2.
# Total by hand: 产出 8 + 7.2 + 4 + 2.67 + 4 + 4 + 5.4 + 4 + 3 + 3 = 45.27; 效益 15 + 10 = 25; 满意度 10;
# budget 9.2. 45.27 + 25 + 10 + 9.2 = 89.47 → 良 (below 90).


@pytest.fixture
def security_selfeval(seeds_dir):
    forms = read_forms(seeds_dir / "000_be243faf42b34df7.txt")
    (form,) = [f for f in forms if f.project.name == SECURITY]
    form.kind = FormKind.SELF_EVALUATION
    for indicator in form.indicators:
        if indicator.horizon is not Horizon.ANNUAL:
            continue
        if indicator.target.raw == "不适用":
            indicator.weight = Decimal(0)  # 经济效益 and 生态效益: not applicable, no weight
            continue
        actual, weight, recorded = ACTUALS[indicator.name or ""]
        indicator.actual, indicator.weight = actual, Decimal(weight)
        indicator.recorded_score = None if recorded is None else Decimal(recorded)
    form.budget_execution = BudgetExecution(
        initial_budget=form.funds_annual.total,
        adjusted_budget=Decimal(300000),
        executed=Decimal(276000),
        weight=Decimal(10),
    )
    return form


def test_it_scores_the_seed_security_project_to_the_hand_computed_total(security_selfeval):
    evaluation = evaluate(security_selfeval)
    scores = {r.indicator.name: r.score.value for r in evaluation.indicators if r.score.value is not None}
    assert scores == {
        "全市网络资产监测": Decimal("8.00"),
        "通报网络安全风险和事件": Decimal("7.20"),
        "发布安全预警": Decimal("4.00"),
        "监测涉个人信息保护互联网应用数量": Decimal("2.67"),
        "开展网络安全专项检查": Decimal("4.00"),
        "网络安全月报": Decimal("4.00"),
        "培训人次": Decimal("5.40"),
        "经费支出合规性": Decimal("4.00"),
        "处置重点网络安全应急事件时限": Decimal("3.00"),
        "培训成本": Decimal("3.00"),
        "网络安全知识宣传覆盖面": Decimal("15.00"),
        "对网民的网络安全防护意识的影响程度": Decimal("10.00"),
        "培训学员满意率": Decimal("10.00"),
    }
    assert evaluation.budget.value == Decimal("9.20")
    assert evaluation.total == Decimal("89.47")
    assert evaluation.grade == "良"
    assert evaluation.complete


def test_the_seed_self_evaluation_flags_what_needs_an_explanation(security_selfeval):
    results = {r.indicator.name: r.score for r in evaluate(security_selfeval).indicators}
    assert results["开展网络安全专项检查"].over_achievement
    assert results["处置重点网络安全应急事件时限"].method == "reverse-linear"
    needing_reasons = sorted(name or "" for name, s in results.items() if s.needs_deviation_reason)
    assert needing_reasons == sorted(
        ["通报网络安全风险和事件", "监测涉个人信息保护互联网应用数量", "培训人次", "处置重点网络安全应急事件时限",
         "培训成本", "对网民的网络安全防护意识的影响程度"]
    )  # fmt: skip
    excluded = [s for s in results.values() if s.method == "excluded"]
    assert len(excluded) == 2


def test_the_seed_weights_add_up_so_no_weight_warning_is_given(security_selfeval):
    warnings = evaluate(security_selfeval).warnings
    assert not [w for w in warnings if "分值合计" in w]
    assert any("不适用的指标" in w for w in warnings)


def test_it_spreads_an_unweighted_level1_in_equal_cents_and_records_it():
    form = table(
        [
            ("产出指标", "a", "≥10次", "10次", None, None),
            ("产出指标", "b", "≥10次", "10次", None, None),
            ("产出指标", "c", "≥10次", "5次", None, None),
            ("效益指标", "d", "≥1次", "1次", "30", None),
            ("满意度指标", "e", "≥90%", "95%", "10", None),
        ]
    )
    evaluation = evaluate(form)
    # 50 ÷ 3 = 16.67 + 16.67 + 16.66: the odd cents go to the first rows.
    assert [r.score.weight for r in evaluation.indicators[:3]] == [
        Decimal("16.67"),
        Decimal("16.67"),
        Decimal("16.66"),
    ]
    assert [r.weight_source for r in evaluation.indicators] == ["spread", "spread", "spread", "form", "form"]
    assert any("平均分配" in w for w in evaluation.warnings)
    # c: 5 ÷ 10 × 16.66 = 8.33; total 16.67 + 16.67 + 8.33 + 30 + 10 + budget 10 = 91.67
    assert evaluation.total == Decimal("91.67")


def test_it_warns_when_weights_do_not_add_up_per_level1_or_to_100():
    form = table(
        [
            ("产出指标", "a", "≥10次", "10次", "40", None),
            ("效益指标", "b", "≥1次", "1次", "30", None),
            ("满意度指标", "c", "≥90%", "95%", "10", None),
        ]
    )
    warnings = evaluate(form).warnings
    assert "产出指标各指标分值合计40分，应为50分" in warnings
    assert "预算执行率与各指标分值合计90分，不等于100分" in warnings


def test_it_gives_no_grade_when_something_could_not_be_scored():
    form = table([("产出指标", "a", "≥10次", None, "50", None), ("效益指标", "b", "≥1次", "1次", "50", None)])
    config = ScoringConfig.for_taxonomy(Taxonomy.CLASSIC, {"预算执行率": 0, "产出指标": 50, "效益指标": 50})
    evaluation = evaluate(form, config=config)
    assert evaluation.grade is None
    assert not evaluation.complete
    assert evaluation.total == Decimal("60.00")  # b 50 + budget 10 (the form's own budget weight)
    assert any("“a”无法计分" in w for w in evaluation.warnings)


def test_a_2021_form_without_weights_needs_them_passed():
    form = table([("成本指标", "a", "≤10万元", "9万元", None, None)], taxonomy=Taxonomy.T2021)
    with pytest.raises(ScoringConfigError, match="成本指标"):
        evaluate(form)


def test_a_2021_table_that_weighs_every_row_is_scored_with_its_own_weights():
    form = table(
        [
            ("成本指标", "培训成本", "≤10万元", "12万元", "20", None),  # (1 − 2 ÷ 10) × 20 = 16
            ("产出指标", "培训人次", "≥30人次", "30人次", "40", None),
            ("效益指标", "覆盖面", "持续提升", "达成", "20", None),
            ("满意度指标", "满意率", "≥95%", "95%", "10", None),
        ],
        taxonomy=Taxonomy.T2021,
    )
    evaluation = evaluate(form)
    assert evaluation.config.weights["成本指标"] == Decimal(20)
    assert evaluation.total == Decimal("96.00")
    assert evaluation.grade == "优"


def test_a_department_wide_form_is_scored_with_its_own_level1_weights():
    weights = {"预算执行率": 10, "履职效能": 50, "管理效率": 20, "满意度": 20}
    form = table(
        [
            ("履职效能", "重点工作完成率", "≥95%", "90%", "50", None),  # 90 ÷ 95 × 50 = 47.37
            ("管理效率", "制度健全性", "健全", "达成", "20", None),
            ("满意度", "服务对象满意度", "≥90%", "92%", "20", None),
        ],
        budget=("12000000", "11400000", "10", None),  # 95 % → 9.5
    )
    form.kind = FormKind.DEPARTMENT_WIDE
    form.indicators[0].deviation_reason = "两项工作顺延至次年"
    evaluation = evaluate(form, config=ScoringConfig(weights={k: Decimal(v) for k, v in weights.items()}))
    assert evaluation.total == Decimal("96.87")
    assert not evaluation.warnings


def test_it_scores_the_self_evaluation_layout_fixture(fixtures_dir):
    (form,) = read_forms(fixtures_dir / "layouts" / "pipe-selfeval.txt")
    evaluation = evaluate(form)
    # 9 + 30 + 20 + 7.5 + 30 = 96.5, as recorded on the table.
    assert evaluation.total == Decimal("96.50")
    assert evaluation.grade == "优"


def test_it_warns_about_a_shortfall_without_a_deviation_reason():
    form = table([("产出指标", "通报风险数", "≥40起", "36起", "50", None)])
    assert "“通报风险数”得分低于分值，未填写偏差原因分析及改进措施" in evaluate(form).warnings
    form.indicators[0].deviation_reason = "部分风险由上级通报"
    assert not [w for w in evaluate(form).warnings if "偏差原因" in w]
