"""Invented but plausible activity for the demo projects: spending and results for 1–7月, a monitoring round,
and a finalised year-end self-evaluation. Deterministic (figures follow from each target), and a project that
already has any activity is left alone, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db import transaction

from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.evaluation import (
    build_self_evaluation,
    do_adjust_indicator_score,
    do_finalise_evaluation,
    do_record_evaluation_line,
    do_update_evaluation,
    evaluation_indicators,
)
from jixiao.performance.actions.monitoring import do_record_budget_forecast, do_record_monitoring_entry
from jixiao.performance.actions.results import (
    do_approve_result,
    do_record_result,
    do_set_accumulation,
    do_submit_result,
)
from jixiao.performance.actions.spending import do_record_expenditure
from jixiao.performance.choices import (
    AccumulationChoices,
    DeviationCategoryChoices,
    FormKindChoices,
    GradeChoices,
    HorizonChoices,
    LikelihoodChoices,
    TargetKindChoices,
)
from jixiao.performance.models import Evaluation, Expenditure, Indicator, PeriodResult, Project
from jixiao.performance.periods import Period

REASON = "演示数据（load_demo）"
# Seed 004's target form has review errors: its demo evaluation is finalised only over them, with a reason.
REVIEW_OVERRIDE = "演示数据：目标表的审核错误已记录，待单位修正目标表；为演示自评流程越过审核意见定稿"
CUTOFF = 7
# Share of the annual budget paid in each month (%): 49 % by the end of July, 96 % by December.
MONTHLY_SHARES = (3, 5, 8, 9, 7, 9, 8, 9, 10, 10, 9, 9)
# A slow starter pays 70 % of that in 1–7月 and catches up later.
SLOW_FACTOR = Decimal("0.7")
MONTHLY_INDICATORS = 4
_CENT = Decimal("0.01")


@dataclass
class DemoReport:
    projects: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _has_activity(project: Project) -> bool:
    return (
        Expenditure.objects.unrestricted().filter(project=project).exists()
        or PeriodResult.objects.unrestricted().filter(indicator__project=project).exists()
        or Evaluation.objects.unrestricted().filter(project=project).exists()
    )


def _round_count(value: Decimal, rounding: str) -> Decimal:
    return value.quantize(Decimal(1), rounding)


def _approve(indicator: Indicator, period: Period, **values: object) -> None:
    result = do_record_result(
        indicator,
        period,
        acting_user=SYSTEM,
        reason=REASON,
        **values,  # type: ignore[arg-type]
    )
    do_submit_result(result, acting_user=SYSTEM, reason=REASON)
    do_approve_result(result, acting_user=SYSTEM, reason=REASON)


def _is_count(indicator: Indicator) -> bool:
    return indicator.accumulation != AccumulationChoices.LATEST and indicator.target_operator in (
        ">=",
        ">",
        "=",
    )


def _month_value(indicator: Indicator, month: int, behind: bool) -> Decimal:
    target = indicator.target_value or Decimal(0)
    if indicator.target_operator in ("<=", "<"):
        return (target * Decimal("0.75")).quantize(_CENT, ROUND_HALF_UP)
    if indicator.accumulation == AccumulationChoices.LATEST:
        return min(target + 2, Decimal(100)) if indicator.target_unit == "%" else target + target / 25
    pace = Decimal("0.3") if behind else Decimal("1.05")
    return _round_count(target * month / 12 * pace, ROUND_FLOOR)


def _year_value(indicator: Indicator, behind: bool) -> Decimal:
    target = indicator.target_value or Decimal(0)
    if indicator.target_operator in ("<=", "<"):
        return (target * Decimal("0.75")).quantize(_CENT, ROUND_HALF_UP)
    if indicator.target_unit == "%":
        return min(target + 3, Decimal(100))
    if indicator.target_operator == "=":
        return target
    if indicator.accumulation == AccumulationChoices.LATEST:
        return (target * Decimal("1.04")).quantize(_CENT, ROUND_HALF_UP)
    if behind:
        return _round_count(target * Decimal("0.6"), ROUND_FLOOR)
    return _round_count(target * Decimal("1.1"), ROUND_CEILING)


@transaction.atomic
def load_demo_activity(projects: list[Project]) -> DemoReport:
    """Add the demo activity to each target project that has annual indicators and none yet."""
    report = DemoReport()
    targets = sorted(
        (p for p in projects if p.kind == FormKindChoices.TARGET), key=lambda p: (p.unit.name, p.name)
    )
    for position, project in enumerate(targets):
        indicators = evaluation_indicators(project)
        if not indicators or _has_activity(project):
            report.skipped.append(project.name)
            continue
        _project_activity(project, indicators, first=position == 0, slow=position % 2 == 1)
        report.projects.append(project.name)
    return report


def _project_activity(project: Project, indicators: list[Indicator], *, first: bool, slow: bool) -> None:
    for indicator in indicators:
        if "平均" in indicator.name and indicator.accumulation != AccumulationChoices.LATEST:
            do_set_accumulation(
                indicator, AccumulationChoices.LATEST, acting_user=SYSTEM, reason=f"{REASON}：平均数是水平值"
            )
            indicator.refresh_from_db()
    funds = project.funds.filter(horizon=HorizonChoices.ANNUAL).first()
    budget = funds.total if funds is not None else None
    if budget:
        _spending(project, budget, slow)

    quantitative = [i for i in indicators if i.target_kind == TargetKindChoices.QUANTITATIVE]
    counts = [i for i in quantitative if _is_count(i)]
    behind = counts[1] if first and len(counts) > 1 else None
    for indicator in quantitative[:MONTHLY_INDICATORS]:
        for month in range(1, CUTOFF + 1):
            value = _month_value(indicator, month, indicator == behind)
            _approve(indicator, Period.month(month), value=value, note=f"{month}月报送")

    _monitoring_round(project, indicators, quantitative, behind, budget)
    _year_end(project, indicators, behind, first)


def _spending(project: Project, budget: Decimal, slow: bool) -> None:
    shares = [Decimal(s) for s in MONTHLY_SHARES]
    if slow:
        early = [s * SLOW_FACTOR for s in shares[:CUTOFF]]
        held_back = sum(shares[:CUTOFF], Decimal(0)) - sum(early, Decimal(0))
        late = [s + held_back / (12 - CUTOFF) for s in shares[CUTOFF:]]
        shares = [*early, *late]
    for month, share in enumerate(shares, start=1):
        amount = (budget * share / 100).quantize(_CENT, ROUND_HALF_UP)
        do_record_expenditure(
            project,
            month,
            amount,
            description=f"{month}月支付（演示）",
            acting_user=SYSTEM,
            reason=REASON,
        )


def _monitoring_round(
    project: Project,
    indicators: list[Indicator],
    quantitative: list[Indicator],
    behind: Indicator | None,
    budget: Decimal | None,
) -> None:
    for indicator in indicators:
        if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        if indicator == behind:
            do_record_monitoring_entry(
                indicator,
                CUTOFF,
                forecast_value=_round_count(
                    (indicator.target_value or Decimal(0)) * Decimal("0.6"), ROUND_FLOOR
                ),
                deviation_category=DeviationCategoryChoices.STAFF,
                deviation_reason="负责该项工作的两名同志上半年借调参加专项工作，下半年人手仍不足",
                likelihood=LikelihoodChoices.IMPOSSIBLE,
                corrective_measures="调整分工，由网络安全科两名同志协助；9月起每月通报进度，年底前尽量缩小差距",
                acting_user=SYSTEM,
                reason=REASON,
            )
        elif quantitative and indicator == quantitative[0]:
            do_record_monitoring_entry(
                indicator,
                CUTOFF,
                deviation_category=DeviationCategoryChoices.FUNDING,
                deviation_reason="部分经费6月下旬才到位，相关采购顺延",
                likelihood=LikelihoodChoices.POSSIBLE,
                acting_user=SYSTEM,
                reason=REASON,
            )
        else:
            do_record_monitoring_entry(
                indicator, CUTOFF, likelihood=LikelihoodChoices.CERTAIN, acting_user=SYSTEM, reason=REASON
            )
    if budget:
        forecast = (budget * Decimal("0.96")).quantize(_CENT, ROUND_HALF_UP)
        do_record_budget_forecast(
            project, CUTOFF, forecast, note="按合同约定付款进度预计", acting_user=SYSTEM, reason=REASON
        )


def _year_end(project: Project, indicators: list[Indicator], behind: Indicator | None, first: bool) -> None:
    for indicator in indicators:
        if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        if indicator.target_kind == TargetKindChoices.QUALITATIVE:
            _approve(
                indicator,
                Period.year(),
                grade=GradeChoices.ACHIEVED,
                narrative=f"全年按计划完成：{indicator.target_raw}",
            )
        else:
            _approve(
                indicator,
                Period.year(),
                value=_year_value(indicator, indicator == behind),
                note="全年完成情况",
            )
    scored = build_self_evaluation(project)
    adjusted = False
    for indicator, row in zip(indicators, scored.indicators, strict=True):
        if first and not adjusted and row.score.over_achievement and row.score.value:
            do_adjust_indicator_score(
                indicator,
                (row.score.value * Decimal("0.9")).quantize(_CENT, ROUND_HALF_UP),
                acting_user=SYSTEM,
                reason="实际值超过目标值130%以上，年初目标值偏低，按九成计分",
            )
            adjusted = True
        if row.score.over_achievement:
            analysis = "上级临时增加专项任务，实际完成数明显高于年初目标；明年将据实提高目标值"
        elif row.score.needs_deviation_reason or indicator == behind:
            analysis = "人员借调导致工作量未完成；明年将提前排期并建立月度调度机制"
        else:
            continue
        do_record_evaluation_line(indicator, deviation_analysis=analysis, acting_user=SYSTEM, reason=REASON)
    budget_text = ""
    if scored.budget.needs_explanation:
        budget_text = "部分合同尾款按约定于次年支付"
    do_update_evaluation(
        project,
        conclusion="项目总体完成年度绩效目标，资金使用规范，社会效益较好。",
        problems="个别指标受人员变动影响未完成；上半年支出进度偏慢。",
        improvements="加强年初计划与人员安排的衔接，按月调度指标进度和支出进度。",
        budget_explanation=budget_text,
        acting_user=SYSTEM,
        reason=REASON,
    )
    do_finalise_evaluation(project, acting_user=SYSTEM, reason=REASON, override_reason=REVIEW_OVERRIDE)
