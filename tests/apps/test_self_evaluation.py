"""The year-end self-evaluation from stored records, on a case worked out by hand; adjustments; finalising."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from performance_helpers import annual, approved

from conftest import SUZHOU, qualitative, quantitative
from jixiao.domain.forms.model import FormDocument, FormKind, Funds, Horizon, Indicator, ProjectInfo
from jixiao.domain.targets.model import Operator
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.evaluation import (
    build_self_evaluation,
    do_adjust_indicator_score,
    do_finalise_evaluation,
    do_record_evaluation_line,
    do_update_evaluation,
)
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.results import do_record_result, do_return_result, do_set_indicator_weight
from jixiao.performance.actions.spending import do_adjust_budget, do_record_expenditure
from jixiao.performance.guards import PeriodLocked
from jixiao.performance.models import Project
from jixiao.performance.periods import Period

TRAINING, TIME_LIMIT, REACH, SATISFACTION = "开展网络安全培训", "处置时限", "宣传覆盖面", "满意率"


def small_form() -> FormDocument:
    def row(level1: str, level2: str, name: str, target: object) -> Indicator:
        return Indicator(Horizon.ANNUAL, level1, level2, name, target)  # type: ignore[arg-type]

    return FormDocument(
        source="eval.txt",
        kind=FormKind.TARGET,
        year=2023,
        project=ProjectInfo(name="网络安全宣传周经费", unit=SUZHOU),
        funds_annual=Funds(Decimal("200000"), Decimal("200000"), None),
        indicators=[
            row("产出指标", "数量指标", TRAINING, quantitative("≥10次", Operator.GE, "10", "次")),
            row("产出指标", "时效指标", TIME_LIMIT, quantitative("≤6小时", Operator.LE, "6", "小时")),
            row("效益指标", "社会效益指标", REACH, qualitative("持续提升")),
            row(
                "满意度指标", "服务对象满意度指标", SATISFACTION, quantitative("≥95%", Operator.GE, "95", "%")
            ),
        ],
    )


@pytest.fixture
def project(suzhou: Unit) -> Project:
    """Weights: 培训 30 (set by a person), 时限 the rest of 产出 (20), 覆盖面 30, 满意率 10, budget 10."""
    project = do_import_forms([small_form()], acting_user=SYSTEM, reason="seed").created[0]
    do_set_indicator_weight(annual(project, TRAINING), Decimal("30"), acting_user=SYSTEM, reason="重点指标")
    do_adjust_budget(project, Decimal("-20000"), acting_user=SYSTEM, reason="压减")  # A = 180000
    for month in range(1, 10):
        do_record_expenditure(project, month, Decimal("19000"), acting_user=SYSTEM)  # B = 171000
    approved(annual(project, TRAINING), Period.month(6), value="5")
    approved(annual(project, TRAINING), Period.year(), value="8")
    approved(annual(project, TIME_LIMIT), Period.year(), value="9")
    approved(annual(project, REACH), Period.year(), grade="部分达成并具有一定效果", narrative="覆盖面扩大")
    approved(annual(project, SATISFACTION), Period.month(12), value="97")
    do_record_evaluation_line(annual(project, REACH), proposed_score=Decimal("22.00"), acting_user=SYSTEM)
    return project


def scores(project: Project) -> dict[str, tuple[Decimal | None, Decimal | None, str]]:
    evaluation = build_self_evaluation(project)
    return {
        r.indicator.name or "": (r.score.weight, r.score.value, r.score.method) for r in evaluation.indicators
    }


def test_the_total_is_the_hand_computed_one_from_the_stored_records(project: Project) -> None:
    evaluation = build_self_evaluation(project)

    # Budget: 171000 ÷ 180000 = 95 % → 0.95 × 10 = 9.50.
    assert (evaluation.budget.adjusted_budget, evaluation.budget.executed) == (
        Decimal("180000"),
        Decimal("171000"),
    )
    assert evaluation.budget.value == Decimal("9.50")
    assert scores(project) == {
        TRAINING: (Decimal("30"), Decimal("24.00"), "positive"),  # 8 ÷ 10 × 30 (year value, not the June 5)
        TIME_LIMIT: (Decimal("20.00"), Decimal("10.00"), "reverse-linear"),  # (1 − (9 − 6) ÷ 6) × 20
        REACH: (Decimal("30.00"), Decimal("22.00"), "qualitative-band"),  # proposed, inside [18, 24)
        SATISFACTION: (Decimal("10.00"), Decimal("10.00"), "positive"),  # 97 % ≥ 95 %
    }
    assert evaluation.total == Decimal("75.50")
    assert (evaluation.grade, evaluation.complete) == ("中", True)


def test_a_missing_year_value_cannot_be_scored_and_leaves_no_grade(suzhou: Unit) -> None:
    project = do_import_forms([small_form()], acting_user=SYSTEM, reason="seed").created[0]
    do_record_result(
        annual(project, TRAINING), Period.year(), value=Decimal(9), acting_user=SYSTEM
    )  # not approved

    evaluation = build_self_evaluation(project)

    assert evaluation.grade is None
    assert not evaluation.complete
    assert any("未填写实际完成值" in w for w in evaluation.warnings)


def test_a_reviewer_may_lower_an_over_achieving_score_with_a_logged_reason(
    project: Project, suzhou_reviewer: User, suzhou_editor: User
) -> None:
    training = annual(project, TRAINING)
    with pytest.raises(ValidationError, match="没有超额完成"):
        do_adjust_indicator_score(training, Decimal("20"), acting_user=suzhou_reviewer, reason="偏低")
    # 14 次 ≥ 130 % of 10: over-achieved; the rule gives the full 30.
    do_return_result(training.results.get(period_kind="year"), acting_user=SYSTEM, reason="更正")
    approved(training, Period.year(), value="14")

    with pytest.raises(PermissionDenied):
        do_adjust_indicator_score(training, Decimal("27"), acting_user=suzhou_editor, reason="偏低")
    with pytest.raises(ValidationError, match="必须填写原因"):
        do_adjust_indicator_score(training, Decimal("27"), acting_user=suzhou_reviewer, reason="")
    with pytest.raises(ValidationError, match="低于按规则计算的30"):
        do_adjust_indicator_score(training, Decimal("30"), acting_user=suzhou_reviewer, reason="偏低")
    line = do_adjust_indicator_score(
        training, Decimal("27"), acting_user=suzhou_reviewer, reason="年初目标值偏低"
    )

    evaluation = build_self_evaluation(project)
    row = evaluation.indicators[0]
    assert (row.score.value, row.score.over_achievement) == (Decimal("27"), True)
    assert "原因：年初目标值偏低" in row.score.explanation
    assert evaluation.total == Decimal("78.50")  # 75.50 − 24 + 27
    assert (line.adjusted_by, line.adjustment_reason) == (suzhou_reviewer, "年初目标值偏低")


def test_finalising_names_what_is_missing_then_keeps_the_figures_and_locks_the_year(
    project: Project, suzhou_reviewer: User, suzhou_editor: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_finalise_evaluation(project, acting_user=suzhou_reviewer)
    message = str(refused.value)
    assert "未填写评价结论" in message
    assert f"“{TRAINING}”得分低于分值，未填写偏差原因分析及改进措施" in message
    assert f"“{TIME_LIMIT}”得分低于分值" in message
    assert f"“{SATISFACTION}”" not in message

    do_update_evaluation(
        project,
        conclusion="基本完成年度目标",
        problems="培训场次不足",
        improvements="提前排期",
        acting_user=suzhou_editor,
    )
    for name in (TRAINING, TIME_LIMIT, REACH):
        do_record_evaluation_line(
            annual(project, name), deviation_analysis="原因与措施", acting_user=suzhou_editor
        )
    with pytest.raises(PermissionDenied):
        do_finalise_evaluation(project, acting_user=suzhou_editor)
    evaluation = do_finalise_evaluation(project, acting_user=suzhou_reviewer, reason="审核通过")

    assert (evaluation.status, evaluation.total, evaluation.grade) == ("finalised", Decimal("75.50"), "中")
    assert evaluation.scores["indicators"][0]["score"] == "24"
    assert evaluation.scores["budget"]["score"] == "9.5"
    with pytest.raises(PeriodLocked, match=r"全年已锁定.*原因：绩效自评已定稿"):
        do_record_result(
            annual(project, SATISFACTION), Period.month(11), value=Decimal(99), acting_user=SYSTEM
        )
    with pytest.raises(ValidationError, match=r"已于.*定稿"):
        do_update_evaluation(project, conclusion="改", acting_user=suzhou_editor)


def test_a_department_wide_evaluation_scores_the_units_whole_budget(project: Project) -> None:
    department = do_import_forms(
        [
            FormDocument(
                source="dept.txt",
                kind=FormKind.DEPARTMENT_WIDE,
                year=2023,
                project=ProjectInfo(unit=SUZHOU),
                funds_annual=Funds(Decimal("820000"), Decimal("820000"), None),
                indicators=[
                    Indicator(
                        Horizon.ANNUAL,
                        "产出指标",
                        "履职效能",
                        "重点任务完成率",
                        quantitative("≥95%", Operator.GE, "95", "%"),
                    )
                ],
            )
        ],
        acting_user=SYSTEM,
        reason="seed",
    ).created[0]
    do_record_expenditure(department, 12, Decimal("729000"), description="基本支出", acting_user=SYSTEM)

    evaluation = build_self_evaluation(department)

    # A = 820000 + the project's 180000; B = 729000 + the project's 171000: 90 % → 9.00.
    assert (evaluation.budget.adjusted_budget, evaluation.budget.executed) == (
        Decimal("1000000"),
        Decimal("900000"),
    )
    assert evaluation.budget.value == Decimal("9.00")
