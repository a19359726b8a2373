"""Year-end self-evaluation (绩效自评, 财预〔2020〕10号) from the records: stored targets, approved year results,
weights, the adjusted budget and what was spent, scored by ``domain.scoring``; and the ``Evaluation`` record
people fill in, a reviewer may lower an over-achieving score on (rule 5, with a logged reason) and finalise.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.domain.forms.model import Horizon, Taxonomy
from jixiao.domain.forms.model import Indicator as DomainIndicator
from jixiao.domain.review import Finding, Severity, review
from jixiao.domain.scoring.config import QualitativeGrade, ScoringConfig
from jixiao.domain.scoring.engine import (
    Adjustment,
    BudgetRow,
    IndicatorResult,
    IndicatorRow,
    is_cost_indicator,
    row_from_indicator,
    score_rows,
)
from jixiao.domain.scoring.engine import Evaluation as DomainEvaluation
from jixiao.domain.targets.model import TargetValue
from jixiao.orgs.actors import Actor, actor_label, person
from jixiao.performance.choices import HorizonChoices, TargetKindChoices
from jixiao.performance.guards import require, require_reason
from jixiao.performance.models import (
    BudgetExecution,
    Evaluation,
    EvaluationLine,
    Expenditure,
    Indicator,
    PeriodLock,
    Project,
)
from jixiao.performance.periods import Period
from jixiao.performance.selectors import (
    approved_results,
    budget_figures,
    executed_through,
    money_scope,
    progress,
)
from jixiao.performance.workflows import EVALUATION_WORKFLOW, EvaluationVerb

__all__ = [
    "build_self_evaluation",
    "do_adjust_indicator_score",
    "do_finalise_evaluation",
    "do_record_evaluation_line",
    "do_reopen_evaluation",
    "do_update_evaluation",
    "evaluation_indicators",
    "review_errors",
]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
FINAL_LOCK_REASON = "绩效自评已定稿"
IMPORTED_BUDGET = "未录入支出记录，全年预算数和执行数取自导入表格的预算执行情况"


def evaluation_indicators(project: Project) -> list[Indicator]:
    """The indicators a self-evaluation scores, in the order of ``build_self_evaluation(...).indicators``."""
    return list(
        project.indicators.filter(horizon=HorizonChoices.ANNUAL, withdrawn=False).order_by("order", "pk")
    )


def _lines(project: Project) -> dict[int, EvaluationLine]:
    return {
        line.indicator_id: line
        for line in EvaluationLine.objects.unrestricted()
        .filter(evaluation__project=project)
        .select_related("adjusted_by")
    }


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text


def _row(
    indicator: Indicator, value: Decimal | None, grade: QualitativeGrade | None, line: EvaluationLine | None
) -> IndicatorRow:
    """One stored indicator as the engine's typed row: the approved year value as a Decimal in the target's
    (normalised) unit, or the grade; the weight; the reviewer's adjustment as an input. With no approved
    year value, an imported self-evaluation table's own 实际完成值 (read as the form adapter reads it)."""
    target = indicator.target()
    actual: Decimal | QualitativeGrade | None = grade if grade is not None else value
    problem: str | None = None
    proposed = line.proposed_score if line is not None and indicator.is_qualitative else None
    if grade is not None:
        shown: str | None = grade.value
    elif value is not None:
        shown = f"{_plain(value)}{target.unit or ''}"
    elif indicator.actual.strip():
        imported = row_from_indicator(_as_read(indicator, target))
        actual, problem, shown = imported.actual, imported.actual_problem, indicator.actual
        if proposed is None:
            proposed = imported.proposed_score
    else:
        shown = None
    adjustment = None
    if line is not None and line.adjusted_score is not None:
        who = line.adjusted_by
        by = (who.get_full_name().strip() or who.get_username()) if who is not None else "系统"
        adjustment = Adjustment(line.adjusted_score, line.adjustment_reason, by)
    return IndicatorRow(
        target=target,
        actual=actual,
        weight=indicator.effective_weight,
        name=indicator.name or None,
        level1=indicator.level1 or None,
        level2=indicator.level2 or None,
        raw_level1=indicator.raw_level1 or None,
        raw_level2=indicator.raw_level2 or None,
        cost=is_cost_indicator(
            indicator.level1 or indicator.raw_level1,
            indicator.level2 or indicator.raw_level2,
            indicator.name,
            target.unit,
        ),
        actual_text=shown,
        actual_problem=problem,
        proposed_score=proposed,
        deviation_reason=(line.deviation_analysis or None) if line is not None else None,
        adjustment=adjustment,
        key=indicator.pk,
    )


def _as_read(indicator: Indicator, target: TargetValue) -> DomainIndicator:
    return DomainIndicator(
        horizon=Horizon.ANNUAL,
        level1=indicator.level1 or None,
        level2=indicator.level2 or None,
        name=indicator.name or None,
        target=target,
        actual=indicator.actual,
        recorded_score=indicator.recorded_score,
    )


def _budget_row(project: Project, warnings: list[str]) -> BudgetRow:
    """A = annual funds + adjustments, B = what was spent in the year (for 部门整体: the whole unit). With no
    spending recorded, the budget execution imported with the project's table (its A and B) when it has one;
    else B is missing, never a silent 0."""
    budget = budget_figures(project)
    warnings.extend(budget.warnings)
    ids = [p.pk for p in money_scope(project)]
    if Expenditure.objects.unrestricted().filter(project_id__in=ids).exists():
        executed = sum(executed_through(project, 12).values(), _ZERO)
        return BudgetRow(budget.adjusted, executed, initial_budget=budget.initial)
    imported = BudgetExecution.objects.unrestricted().filter(project=project).first()
    if imported is not None and imported.executed is not None:
        return BudgetRow(
            imported.adjusted_budget if imported.adjusted_budget is not None else budget.adjusted,
            imported.executed,
            weight=imported.weight,
            initial_budget=imported.initial_budget if imported.initial_budget is not None else budget.initial,
            source=IMPORTED_BUDGET,
        )
    warnings.append("未录入支出记录，也没有导入的预算执行情况，全年执行数未知")
    return BudgetRow(budget.adjusted, None, initial_budget=budget.initial)


def build_self_evaluation(project: Project, *, config: ScoringConfig | None = None) -> DomainEvaluation:
    """Score ``project``'s year from its records: typed rows for ``domain.scoring.score_rows``.

    Year values come from the approved results by each indicator's accumulation rule (at December); weights
    are the ones people set, else the form's, else spread by the engine within each 一级. The budget row is
    A = annual funds + adjustments, B = everything spent in the year (for 部门整体: the whole unit), or the
    imported budget execution when nothing was spent in the system. A reviewer's lowered score (rule 5) is
    an input of the engine, so the total, the grade and the explanation come from one place. ``config`` as
    for ``evaluate`` (a 2021-tree project needs its weights).
    """
    indicators = evaluation_indicators(project)
    results = approved_results(indicators)
    lines = _lines(project)
    warnings: list[str] = []
    rows = []
    for indicator in indicators:
        seen = progress(indicator, results[indicator.pk], 12)
        if seen.last_month is not None and seen.last_month < 12:
            warnings.append(f"“{indicator.label}”全年完成值取自截至{seen.last_month}月已审核的数据")
        if seen.value is None and seen.grade is None and indicator.actual.strip():
            warnings.append(
                f"“{indicator.label}”没有已审核的全年完成值，取导入表格的实际完成值“{indicator.actual}”"
            )
        rows.append(_row(indicator, seen.value, seen.grade, lines.get(indicator.pk)))
    budget = _budget_row(project, warnings)
    if config is None:
        config = ScoringConfig.for_taxonomy(Taxonomy(project.taxonomy))
    result = score_rows(rows, budget, config=config, project=project.name)
    result.warnings = [*warnings, *result.warnings]
    return result


def review_errors(project: Project) -> list[Finding]:
    """The error-level findings of the review rules (``jixiao.domain.review``) on the project's stored form."""
    from jixiao.performance.documents import target_form

    return [f for f in review(target_form(project)) if f.severity is Severity.ERROR]


def _evaluation(project: Project) -> Evaluation:
    evaluation, _ = Evaluation.objects.unrestricted().select_for_update().get_or_create(project=project)
    return evaluation


def _refuse_if_final(evaluation: Evaluation) -> None:
    if evaluation.is_final:
        when = (
            timezone.localtime(evaluation.finalised_at).strftime("%Y-%m-%d %H:%M")
            if evaluation.finalised_at
            else ""
        )
        raise ValidationError(
            f"“{evaluation.project.name}”的绩效自评已于{when}定稿，不能再修改", code="final"
        )


@transaction.atomic
def do_update_evaluation(
    project: Project,
    *,
    conclusion: str | None = None,
    problems: str | None = None,
    improvements: str | None = None,
    budget_explanation: str | None = None,
    acting_user: Actor,
    reason: str = "",
) -> Evaluation:
    """Write 评价结论, 存在问题, 改进措施 and the budget explanation (``None`` leaves a text as it is)."""
    require(acting_user, "change", project)
    evaluation = _evaluation(project)
    _refuse_if_final(evaluation)
    given = {
        "conclusion": conclusion,
        "problems": problems,
        "improvements": improvements,
        "budget_explanation": budget_explanation,
    }
    changes = {}
    for name, value in given.items():
        if value is not None and getattr(evaluation, name) != value.strip():
            changes[name] = [getattr(evaluation, name), value.strip()]
            setattr(evaluation, name, value.strip())
    if changes:
        evaluation.save(update_fields=list(changes))
        audit.record(
            acting_user, "evaluation.updated", evaluation, reason=reason, changes=changes, unit=project.unit
        )
    return evaluation


def _line(evaluation: Evaluation, indicator: Indicator) -> EvaluationLine:
    if indicator.project_id != evaluation.project_id:
        raise ValidationError(f"指标“{indicator.label}”不属于项目“{evaluation.project.name}”")
    if indicator.horizon != HorizonChoices.ANNUAL or indicator.withdrawn:
        raise ValidationError(f"“{indicator.label}”不是在用的年度指标，不参加自评")
    line, _ = EvaluationLine.objects.unrestricted().get_or_create(evaluation=evaluation, indicator=indicator)
    return line


@transaction.atomic
def do_record_evaluation_line(
    indicator: Indicator,
    *,
    deviation_analysis: str | None = None,
    proposed_score: Decimal | None = None,
    acting_user: Actor,
    reason: str = "",
) -> EvaluationLine:
    """An indicator's 偏差原因分析及改进措施, and for a qualitative one the score proposed within its grade's band."""
    project = indicator.project
    require(acting_user, "change", project)
    evaluation = _evaluation(project)
    _refuse_if_final(evaluation)
    line = _line(evaluation, indicator)
    changes: dict[str, Any] = {}
    if deviation_analysis is not None and line.deviation_analysis != deviation_analysis.strip():
        changes["deviation_analysis"] = [line.deviation_analysis, deviation_analysis.strip()]
        line.deviation_analysis = deviation_analysis.strip()
    if proposed_score is not None:
        if indicator.target_kind != TargetKindChoices.QUALITATIVE:
            raise ValidationError(f"“{indicator.label}”是定量指标，得分按规则计算，不填拟定得分")
        if not isinstance(proposed_score, Decimal) or proposed_score != proposed_score.quantize(_CENT):
            raise ValidationError(f"拟定得分须为两位小数以内的准确数值，收到 {proposed_score!r}")
        if line.proposed_score != proposed_score:
            changes["proposed_score"] = [line.proposed_score, proposed_score]
            line.proposed_score = proposed_score
    if changes:
        line.save()
        audit.record(
            acting_user, "evaluation.line_recorded", line, reason=reason, changes=changes, unit=project.unit
        )
    return line


def _score_of(project: Project, indicator: Indicator, config: ScoringConfig | None) -> IndicatorResult:
    evaluation = build_self_evaluation(project, config=config)
    for row in evaluation.indicators:
        if row.row.key == indicator.pk:
            return row
    raise ValidationError(f"“{indicator.label}”不是在用的年度指标，不参加自评")


@transaction.atomic
def do_adjust_indicator_score(
    indicator: Indicator,
    score: Decimal,
    *,
    acting_user: Actor,
    reason: str,
    config: ScoringConfig | None = None,
) -> EvaluationLine:
    """A reviewer lowers the score of an over-achieving indicator (actual ≥ 130 % of target: the target may
    have been too low; rule 5). Only lower than the rule's score, never below 0; the reason is required and
    kept on the line and in the audit log. The engine takes the adjustment as an input from then on.
    """
    project = indicator.project
    require(acting_user, "review", project)
    reason = require_reason(reason, "调整得分")
    evaluation = _evaluation(project)
    _refuse_if_final(evaluation)
    if not isinstance(score, Decimal) or not score.is_finite() or score != score.quantize(_CENT):
        raise ValidationError(f"调整得分须为两位小数以内的准确数值，收到 {score!r}")
    line = _line(evaluation, indicator)
    before = line.adjusted_score
    # The rule's own score: an earlier adjustment is an input the engine reports beside it.
    rule = _score_of(project, indicator, config).score
    rule_score = rule.rule_value if rule.adjustment is not None else rule.value
    if not rule.over_achievement or rule_score is None:
        raise ValidationError(
            f"“{indicator.label}”没有超额完成（实际值未达到目标值的130%），审核时不调整其得分",
            code="not_over",
        )
    if not _ZERO <= score < rule_score:
        raise ValidationError(
            f"调整得分须不低于0且低于按规则计算的{rule_score}分，收到{score}分", code="not_lower"
        )
    line.adjusted_score = score
    line.adjustment_reason = reason
    line.adjusted_by = person(acting_user)
    line.adjusted_at = timezone.now()
    line.save()
    audit.record(
        acting_user,
        "evaluation.score_adjusted",
        line,
        reason=reason,
        changes={"adjusted_score": [before, score]},
        unit=project.unit,
        details={"indicator": indicator.pk, "rule_score": rule_score, "weight": rule.weight},
    )
    return line


def _findings_record(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {"rule": f.rule, "severity": f.severity.value, "indicator": f.indicator, "message": f.message}
        for f in findings
    ]


def scores_record(
    evaluation: DomainEvaluation, indicators: list[Indicator], *, override: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The figures of a self-evaluation as JSON, to be kept with the finalised record; ``override`` the
    review findings a reviewer finalised over, with the reason."""
    record = {
        "total": evaluation.total,
        "grade": evaluation.grade,
        "complete": evaluation.complete,
        "budget": {
            "weight": evaluation.budget.weight,
            "score": evaluation.budget.value,
            "method": evaluation.budget.method,
            "explanation": evaluation.budget.explanation,
            "inputs": evaluation.budget.inputs,
        },
        "indicators": [
            {
                "indicator": indicator.pk,
                "name": indicator.label,
                "weight": row.score.weight,
                "weight_source": row.weight_source,
                "score": row.score.value,
                "method": row.score.method,
                "explanation": row.score.explanation,
                "inputs": row.score.inputs,
            }
            for indicator, row in zip(indicators, evaluation.indicators, strict=True)
        ],
        "warnings": evaluation.warnings,
    }
    if override is not None:
        record["review_override"] = override
    return audit.jsonable(record)


def review_override_note(evaluation: Evaluation) -> str | None:
    """The sentence a report prints when the self-evaluation was finalised over review errors, else None."""
    override = (evaluation.scores or {}).get("review_override") if evaluation.is_final else None
    if not override:
        return None
    findings = "；".join(f"[{f['rule']}] {f['message']}" for f in override.get("findings", []))
    return (
        f"定稿说明：目标表有{len(override.get('findings', []))}条审核错误，由{override.get('by', '审核人')}"
        f"越过审核意见定稿，原因：{override.get('reason', '')}。审核错误：{findings}"
    )


@transaction.atomic
def do_finalise_evaluation(
    project: Project,
    *,
    acting_user: Actor,
    reason: str = "",
    override_reason: str = "",
    config: ScoringConfig | None = None,
) -> Evaluation:
    """A reviewer finalises the self-evaluation: its figures are kept as they stand and the year is locked.

    Refused, with every missing item named, when something could not be scored, when 评价结论 is empty, when an
    indicator below its weight (rule 7) or at 130 % of its target or more (rule 5) has no 偏差原因分析及改进措施,
    or when the execution rate is below 90 % without an explanation (rule 2). Refused as well when the review
    rules find errors on the project's form, unless the reviewer overrides them with ``override_reason``: the
    override and the findings go into the audit row and the kept figures, and the report prints them.
    """
    require(acting_user, "review", project)
    evaluation = _evaluation(project)
    _refuse_if_final(evaluation)
    indicators = evaluation_indicators(project)
    scored = build_self_evaluation(project, config=config)
    lines = _lines(project)
    missing: list[str] = []
    if not scored.complete:
        missing.extend(w for w in scored.warnings if "无法计分" in w)
        missing.append("有未能计分的项目")
    if not evaluation.conclusion.strip():
        missing.append("未填写评价结论")
    for indicator, row in zip(indicators, scored.indicators, strict=True):
        line = lines.get(indicator.pk)
        if line is not None and line.deviation_analysis.strip():
            continue
        if row.score.needs_deviation_reason:
            missing.append(f"“{indicator.label}”得分低于分值，未填写偏差原因分析及改进措施")
        elif row.score.over_achievement:
            missing.append(f"“{indicator.label}”实际值达到目标值的130%及以上，未说明偏差原因")
    if scored.budget.needs_explanation and not evaluation.budget_explanation.strip():
        missing.append("预算执行率低于90%，未说明原因")
    errors = review_errors(project)
    override_reason = (override_reason or "").strip()
    if errors and not override_reason:
        listed = "；".join(f"[{f.rule}] {f.message}" for f in errors)
        missing.append(
            f"目标表有{len(errors)}条审核错误（{listed}），须修正，或由审核人填写原因越过审核意见定稿"
        )
    if missing:
        code = "review_errors" if errors and not override_reason and len(missing) == 1 else "incomplete"
        raise ValidationError(f"“{project.name}”的绩效自评不能定稿：{'；'.join(missing)}", code=code)
    override = (
        {"reason": override_reason, "by": actor_label(acting_user), "findings": _findings_record(errors)}
        if errors
        else None
    )
    now = timezone.now()
    evaluation.scores = scores_record(scored, indicators, override=override)
    evaluation.save(update_fields=["scores"])
    year = Period.year()
    _, created = PeriodLock.objects.unrestricted().get_or_create(
        project=project,
        period_kind=year.kind,
        period_index=year.index,
        defaults={
            "reason": FINAL_LOCK_REASON,
            "locked_by": person(acting_user),
            "locked_by_label": audit.actor_label(acting_user),
            "locked_at": now,
        },
    )
    details: dict[str, Any] = {"total": scored.total, "grade": scored.grade, "year_locked": created}
    if override is not None:
        details["review_override"] = override
    return transition(
        evaluation,
        EVALUATION_WORKFLOW,
        EvaluationVerb.FINALISE,
        acting_user=acting_user,
        reason=reason,
        updates={
            "total": scored.total,
            "grade": scored.grade or "",
            "finalised_by": person(acting_user),
        },
        stamp_field="finalised_at",
        details=audit.jsonable(details),
    )


@transaction.atomic
def do_reopen_evaluation(project: Project, *, acting_user: Actor, reason: str) -> Evaluation:
    """A reviewer reopens a finalised self-evaluation (reason required): back to 填写中, the figures kept
    by finalisation cleared, and the year lock that finalisation set removed."""
    require(acting_user, "review", project)
    evaluation = Evaluation.objects.unrestricted().filter(project=project).first()
    if evaluation is None:
        raise ValidationError(f"“{project.name}”还没有绩效自评，无从重新打开", code="no_evaluation")
    year = Period.year()

    def unlock(locked: Evaluation, _edge: object) -> None:
        PeriodLock.objects.unrestricted().filter(
            project=project, period_kind=year.kind, period_index=year.index, reason=FINAL_LOCK_REASON
        ).delete()

    return transition(
        evaluation,
        EVALUATION_WORKFLOW,
        EvaluationVerb.REOPEN,
        acting_user=acting_user,
        reason=reason,
        updates={"total": None, "grade": "", "scores": {}, "finalised_by": None, "finalised_at": None},
        guard=unlock,
    )
