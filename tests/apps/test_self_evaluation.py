"""The year-end self-evaluation from stored records, on a case worked out by hand; adjustments; finalising."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from performance_helpers import annual, approved, qualitative, quantitative

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import (
    BudgetExecution,
    FormDocument,
    FormKind,
    Funds,
    Horizon,
    Indicator,
    ProjectInfo,
)
from jixiao.domain.targets.model import Operator
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.evaluation import (
    build_self_evaluation,
    do_adjust_indicator_score,
    do_finalise_evaluation,
    do_record_evaluation_line,
    do_reopen_evaluation,
    do_update_evaluation,
    review_override_note,
)
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.results import do_record_result, do_return_result, do_set_indicator_weight
from jixiao.performance.actions.spending import do_adjust_budget, do_record_expenditure
from jixiao.performance.guards import PeriodLocked
from jixiao.performance.models import Evaluation, PeriodLock, Project
from jixiao.performance.periods import Period
from org_tree import SUZHOU

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
    assert row.score.explanation.startswith("实际值14次≥目标值10次，得满分30分；")
    assert "由suzhou_reviewer将得分由30分调整为27分" in row.score.explanation
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


COST = "平均每月的费用"


@pytest.fixture
def costly(suzhou: Unit, suzhou_editor: User) -> Project:
    """A project whose form has a review error (a cost written ``≥9000元``), ready to be finalised."""
    form = FormDocument(
        source="cost.txt",
        kind=FormKind.TARGET,
        year=2023,
        project=ProjectInfo(name="网络信息办公专项经费", unit=SUZHOU),
        funds_annual=Funds(Decimal("112500"), Decimal("112500"), None),
        indicators=[
            Indicator(
                Horizon.ANNUAL, "产出指标", "数量指标", TRAINING, quantitative("≥9次", Operator.GE, "9", "次")
            ),
            Indicator(
                Horizon.ANNUAL,
                "产出指标",
                "成本指标",
                COST,
                quantitative("≥9000元", Operator.GE, "9000", "元"),
            ),
            Indicator(
                Horizon.ANNUAL,
                "效益指标",
                "社会效益指标",
                REACH,
                quantitative("≥90%", Operator.GE, "90", "%"),
            ),
            Indicator(
                Horizon.ANNUAL,
                "满意度指标",
                "服务对象满意度指标",
                SATISFACTION,
                quantitative("≥90%", Operator.GE, "90", "%"),
            ),
        ],
    )
    project = do_import_forms([form], acting_user=SYSTEM, reason="seed").created[0]
    do_record_expenditure(project, 12, Decimal("112500"), acting_user=SYSTEM)
    for name, value in ((TRAINING, "9"), (COST, "9360"), (REACH, "93"), (SATISFACTION, "93")):
        approved(annual(project, name), Period.year(), value=value)
    do_update_evaluation(project, conclusion="完成年度目标", acting_user=suzhou_editor)
    do_record_evaluation_line(annual(project, COST), deviation_analysis="超支", acting_user=suzhou_editor)
    return project


def test_a_cost_written_with_ge_is_scored_as_a_reverse_indicator_from_the_records(costly: Project) -> None:
    row = next(r for r in build_self_evaluation(costly).indicators if r.indicator.name == COST)

    assert (row.score.method, row.score.weight, row.score.value) == (
        "reverse-linear",
        Decimal(25),
        Decimal("24.00"),
    )
    assert "与成本指标应设上限（≤）相矛盾" in row.score.explanation
    assert "实际值9360元>目标值9000元" in row.score.explanation


def test_finalising_is_refused_over_review_errors_until_a_reviewer_overrides_them_with_a_reason(
    costly: Project, suzhou_reviewer: User, suzhou_editor: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        do_finalise_evaluation(costly, acting_user=suzhou_reviewer)
    assert refused.value.code == "review_errors"
    assert "目标表有1条审核错误（[cost-operator] 成本指标“平均每月的费用”的指标值为“≥9000元”" in str(
        refused.value
    )
    assert Evaluation.objects.unrestricted().get(project=costly).status == "draft"
    with pytest.raises(PermissionDenied):
        do_finalise_evaluation(costly, acting_user=suzhou_editor, override_reason="我说可以")

    evaluation = do_finalise_evaluation(
        costly,
        acting_user=suzhou_reviewer,
        reason="审核通过",
        override_reason="成本指标按反向计分，目标表另行修正",
    )

    assert evaluation.status == "finalised"
    event = AuditEvent.objects.unrestricted().get(action="evaluation.finalised", object_id=evaluation.pk)
    override = event.details["review_override"]
    assert override["reason"] == "成本指标按反向计分，目标表另行修正"
    assert [f["rule"] for f in override["findings"]] == ["cost-operator"]
    assert event.changes["status"] == ["draft", "finalised"]
    assert evaluation.scores["review_override"] == override
    note = review_override_note(evaluation)
    assert note is not None
    assert note.startswith(
        "定稿说明：目标表有1条审核错误，由suzhou_reviewer越过审核意见定稿，原因：成本指标按反向计分"
    )
    assert "[cost-operator]" in note


def test_a_reviewer_reopens_a_finalised_evaluation_with_a_reason_and_the_year_unlocks(
    costly: Project, suzhou_reviewer: User, suzhou_editor: User
) -> None:
    do_finalise_evaluation(costly, acting_user=suzhou_reviewer, override_reason="另行修正")
    assert PeriodLock.objects.unrestricted().filter(project=costly).count() == 1
    with pytest.raises(ValidationError, match="必须填写原因"):
        do_reopen_evaluation(costly, acting_user=suzhou_reviewer, reason="")
    with pytest.raises(PermissionDenied):
        do_reopen_evaluation(costly, acting_user=suzhou_editor, reason="改数")

    evaluation = do_reopen_evaluation(costly, acting_user=suzhou_reviewer, reason="目标表已修正，重新自评")

    assert (evaluation.status, evaluation.total, evaluation.grade, evaluation.scores) == (
        "draft",
        None,
        "",
        {},
    )
    assert review_override_note(evaluation) is None
    assert not PeriodLock.objects.unrestricted().filter(project=costly).exists()
    event = AuditEvent.objects.unrestricted().get(action="evaluation.reopened")
    assert (event.reason, event.changes["status"]) == ("目标表已修正，重新自评", ["finalised", "draft"])
    do_update_evaluation(costly, conclusion="重新填写", acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="绩效自评当前为“填写中”"):
        do_reopen_evaluation(costly, acting_user=suzhou_reviewer, reason="再开")


def test_with_nothing_spent_the_budget_row_takes_the_imported_budget_execution(suzhou: Unit) -> None:
    form = small_form()
    form.kind = FormKind.SELF_EVALUATION
    form.budget_execution = BudgetExecution(
        initial_budget=Decimal("200000"), adjusted_budget=Decimal("200000"), executed=Decimal("200000")
    )
    project = do_import_forms([form], acting_user=SYSTEM, reason="seed").created[0]

    budget = build_self_evaluation(project).budget

    assert (budget.rate, budget.value, budget.initial_budget) == (
        Decimal(100),
        Decimal("10.00"),
        Decimal("200000"),
    )
    assert budget.explanation.endswith("未录入支出记录，全年预算数和执行数取自导入表格的预算执行情况")


def test_with_nothing_spent_and_nothing_imported_the_budget_cannot_be_scored_rather_than_scoring_zero(
    suzhou: Unit,
) -> None:
    project = do_import_forms([small_form()], acting_user=SYSTEM, reason="seed").created[0]

    evaluation = build_self_evaluation(project)

    assert (evaluation.budget.method, evaluation.budget.value) == ("cannot-score", None)
    assert "未录入支出记录，也没有导入的预算执行情况，全年执行数未知" in evaluation.warnings


def test_an_imported_self_evaluation_table_is_scored_from_its_own_figures(
    suzhou: Unit, fixtures_dir: Path
) -> None:
    form = read_forms(fixtures_dir / "layouts" / "pipe-selfeval.txt")[0]
    form.project.unit = SUZHOU
    project = do_import_forms([form], acting_user=SYSTEM, reason="seed").created[0]

    evaluation = build_self_evaluation(project)

    assert (evaluation.total, evaluation.grade) == (Decimal("96.50"), "优")
    assert (evaluation.budget.rate, evaluation.budget.value) == (Decimal(90), Decimal("9.00"))
    assert evaluation.budget.explanation.endswith("取自导入表格的预算执行情况")
    assert "“监测重点网站数量”没有已审核的全年完成值，取导入表格的实际完成值“126”" in evaluation.warnings
    assert [r.indicator.actual for r in evaluation.indicators] == [
        Decimal(126),
        Decimal(43),
        Decimal("7.5"),
        Decimal(93),
    ]
