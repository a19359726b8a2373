"""Relevance and completeness: input-as-target, missing-field, weights-total, deviation-reason-missing."""

from __future__ import annotations

from decimal import Decimal

from jixiao.domain.forms.model import BudgetExecution, DepartmentGoals, FormDocument, FormKind, ProjectInfo

from .factories import EQ, GE, LE, form, good_form, ind, messages, q


def test_it_flags_the_budget_used_as_an_output() -> None:
    document = form(ind("年度预算总金额", q("=3万元", EQ, 30000, "元", raw_unit="万元")))

    assert messages(document, "input-as-target") == [
        "产出指标“年度预算总金额”以资金投入作为绩效目标；应改为反映产出的指标"
    ]


def test_it_flags_staff_used_as_an_output() -> None:
    document = form(ind("出差人数", q("=8人", EQ, 8, "人")))

    assert messages(document, "input-as-target") == [
        "产出指标“出差人数”以人员投入作为绩效目标；应改为反映产出的指标"
    ]


def test_it_flags_an_output_measured_in_money() -> None:
    document = form(ind("宣传品", q("≥5万元", GE, 50000, "元", raw_unit="万元")))

    assert messages(document, "input-as-target") == [
        "产出指标“宣传品”的指标值“≥5万元”以金额计；金额是投入，应放在成本指标下"
    ]


def test_it_accepts_money_under_cost_and_economic_benefits() -> None:
    document = form(
        ind("年度预算总成本", q("≤3万元", LE, 30000, "元", raw_unit="万元"), "成本指标"),
        ind(
            "为企业挽回经济损失", q("≥50万元", GE, 500000, "元", raw_unit="万元"), "经济效益指标", "效益指标"
        ),
        ind("资金到位率", q("100%", EQ, 100, "%"), "质量指标"),
        ind("培训人数", q("≥150人次", GE, 150, "人次")),
    )

    assert messages(document, "input-as-target") == []


def test_it_flags_a_form_without_project_name_goal_or_indicators() -> None:
    document = form(project=ProjectInfo(name="  "), goal_annual=None)

    assert messages(document, "missing-field") == ["项目名称为空", "年度目标为空", "没有绩效指标"]


def test_it_does_not_ask_a_department_form_for_a_project_or_indicators() -> None:
    document = form(
        kind=FormKind.DEPARTMENT_WIDE,
        project=ProjectInfo(),
        goal_annual=None,
        department=DepartmentGoals(sub_goals=["牢牢掌握网络意识形态工作领导权"]),
    )

    assert messages(document, "missing-field") == []


def test_it_does_not_ask_a_monitoring_form_for_a_goal() -> None:
    document = form(ind("开展普法宣传", q("≥6次", GE, 6, "次")), kind=FormKind.MONITORING, goal_annual=None)

    assert messages(document, "missing-field") == []


def test_it_accepts_a_complete_form() -> None:
    assert messages(good_form(), "missing-field") == []


def self_evaluation(*weights: str, budget_weight: str = "10") -> FormDocument:
    return form(
        *[ind(f"指标{n}", q("≥1次", GE, 1, "次"), weight=Decimal(w)) for n, w in enumerate(weights)],
        kind=FormKind.SELF_EVALUATION,
        budget_execution=BudgetExecution(weight=Decimal(budget_weight)),
    )


def test_it_flags_self_evaluation_weights_that_do_not_add_up_to_100() -> None:
    document = self_evaluation("50", "30", "5")

    assert messages(document, "weights-total") == ["预算执行率分值10与各指标分值合计为95，应为100"]


def test_it_accepts_self_evaluation_weights_of_100() -> None:
    document = self_evaluation("50", "30", "10")

    assert messages(document, "weights-total") == []


def test_it_flags_a_lost_point_without_a_reason() -> None:
    document = form(
        ind("开展普法宣传", q("≥6次", GE, 6, "次"), weight=Decimal(10), recorded_score=Decimal("8.5")),
        ind(
            "开展执法督查",
            q("≥6次", GE, 6, "次"),
            weight=Decimal(10),
            recorded_score=Decimal(5),
            deviation_reason="经费不足",
        ),
        ind("培训人数", q("≥150人次", GE, 150, "人次"), weight=Decimal(10), recorded_score=Decimal(10)),
        kind=FormKind.SELF_EVALUATION,
    )

    assert messages(document, "deviation-reason-missing") == [
        "指标“开展普法宣传”得分8.5低于分值10，但没有填写偏差原因分析及改进措施"
    ]


def test_it_does_not_ask_a_target_form_for_reasons() -> None:
    document = form(
        ind("开展普法宣传", q("≥6次", GE, 6, "次"), weight=Decimal(10), recorded_score=Decimal(8))
    )

    assert messages(document, "deviation-reason-missing") == []
