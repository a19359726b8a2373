"""Year-end self-evaluation (绩效自评, 财预〔2020〕10号) from the records: stored targets, approved year results,
weights, the adjusted budget and what was spent, scored by ``domain.scoring``; and the ``Evaluation`` record
people fill in, a reviewer may lower an over-achieving score on (rule 5, with a logged reason) and finalise.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.domain.forms.model import BudgetExecution as DomainBudgetExecution
from jixiao.domain.forms.model import FormDocument, FormKind, Horizon, ProjectInfo, Taxonomy
from jixiao.domain.forms.model import Indicator as DomainIndicator
from jixiao.domain.scoring.config import ScoringConfig
from jixiao.domain.scoring.engine import Evaluation as DomainEvaluation
from jixiao.domain.scoring.engine import IndicatorResult, evaluate
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import EvaluationStatusChoices, HorizonChoices, TargetKindChoices
from jixiao.performance.guards import require, require_reason
from jixiao.performance.models import Evaluation, EvaluationLine, Indicator, PeriodLock, Project
from jixiao.performance.periods import Period
from jixiao.performance.selectors import approved_results, budget_figures, executed_through, progress

__all__ = [
    "build_self_evaluation",
    "do_adjust_indicator_score",
    "do_finalise_evaluation",
    "do_record_evaluation_line",
    "do_update_evaluation",
    "evaluation_indicators",
]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
FINAL_LOCK_REASON = "绩效自评已定稿"


def evaluation_indicators(project: Project) -> list[Indicator]:
    """The indicators a self-evaluation scores, in the order of ``build_self_evaluation(...).indicators``."""
    return list(
        project.indicators.filter(horizon=HorizonChoices.ANNUAL, withdrawn=False).order_by("order", "pk")
    )


def _lines(project: Project) -> dict[int, EvaluationLine]:
    return {line.indicator_id: line for line in EvaluationLine.objects.filter(evaluation__project=project)}


def _actual_text(indicator: Indicator, value: Decimal | None, grade: str | None) -> str | None:
    if grade:
        return grade
    if value is None:
        return None
    # A bare number: the engine reads it in the target's unit (targets are stored normalised, 4万家 → 40000 家).
    return format(value.normalize(), "f")


def build_self_evaluation(project: Project, *, config: ScoringConfig | None = None) -> DomainEvaluation:
    """Score ``project``'s year from its records with ``domain.scoring.evaluate``.

    Year values come from the approved results by each indicator's accumulation rule (at December); weights
    are the ones people set, else the form's, else spread by the engine within each 一级. The budget row is
    A = annual funds + adjustments, B = everything spent in the year (for 部门整体: the whole unit). A
    reviewer's lowered score (rule 5) replaces the engine's, with the reason in the score's note; the
    total and grade follow. ``config`` as for ``evaluate`` (a 2021-tree project needs its weights).
    """
    indicators = evaluation_indicators(project)
    results = approved_results(indicators)
    lines = _lines(project)
    warnings: list[str] = []
    domain_rows = []
    for indicator in indicators:
        seen = progress(indicator, results[indicator.pk], 12)
        line = lines.get(indicator.pk)
        if seen.last_month is not None and seen.last_month < 12:
            warnings.append(f"“{indicator.label}”全年完成值取自截至{seen.last_month}月已审核的数据")
        domain_rows.append(
            DomainIndicator(
                horizon=Horizon.ANNUAL,
                level1=indicator.level1 or None,
                level2=indicator.level2 or None,
                name=indicator.name or None,
                target=indicator.target(),
                actual=_actual_text(indicator, seen.value, seen.grade.value if seen.grade else None),
                weight=indicator.effective_weight,
                recorded_score=line.proposed_score if line is not None and indicator.is_qualitative else None,
                deviation_reason=(line.deviation_analysis or None) if line is not None else None,
            )
        )
    budget = budget_figures(project)
    warnings.extend(budget.warnings)
    executed = sum(executed_through(project, 12).values(), _ZERO)
    form = FormDocument(
        source=f"{project.source_file}（系统记录）",
        kind=FormKind.SELF_EVALUATION,
        year=project.year,
        project=ProjectInfo(name=project.name, code=project.code, unit=project.unit.name),
        taxonomy=Taxonomy(project.taxonomy),
        indicators=domain_rows,
        budget_execution=DomainBudgetExecution(
            initial_budget=budget.initial, adjusted_budget=budget.adjusted, executed=executed
        ),
    )
    result = evaluate(form, config=config)
    _apply_adjustments(result, indicators, lines, warnings)
    result.warnings = [*warnings, *result.warnings]
    return result


def _apply_adjustments(
    result: DomainEvaluation,
    indicators: list[Indicator],
    lines: dict[int, EvaluationLine],
    warnings: list[str],
) -> None:
    changed = False
    for position, (indicator, row) in enumerate(zip(indicators, result.indicators, strict=True)):
        line = lines.get(indicator.pk)
        if line is None or line.adjusted_score is None:
            continue
        score = row.score
        if not score.over_achievement or score.value is None or line.adjusted_score >= score.value:
            warnings.append(
                f"“{indicator.label}”的审核调整得分{line.adjusted_score}分已不适用（该指标现在不属于超额完成），"
                "未采用"
            )
            continue
        note = (
            f"审核调整：按规则得{score.value}分，超额完成（目标值可能偏低），由{line.adjusted_by or '系统'}"
            f"调整为{line.adjusted_score}分，原因：{line.adjustment_reason}"
        )
        lowered = replace(
            score,
            value=line.adjusted_score,
            exact=line.adjusted_score,
            needs_deviation_reason=line.adjusted_score < (score.weight or _ZERO),
            note=f"{score.note}；{note}" if score.note else note,
        )
        result.indicators[position] = IndicatorResult(row.indicator, lowered, row.weight_source)
        changed = True
    if changed:
        total = sum((r.score.value for r in result.indicators if r.score.value is not None), _ZERO)
        if result.budget.value is not None:
            total += result.budget.value
        result.total = total
        result.grade = result.config.grade_for(total) if result.complete else None


def _evaluation(project: Project) -> Evaluation:
    evaluation, _ = Evaluation.objects.select_for_update().get_or_create(project=project)
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
    line, _ = EvaluationLine.objects.get_or_create(evaluation=evaluation, indicator=indicator)
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
    indicators = evaluation_indicators(project)
    evaluation = build_self_evaluation(project, config=config)
    for candidate, row in zip(indicators, evaluation.indicators, strict=True):
        if candidate.pk == indicator.pk:
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
    kept on the line and in the audit log.
    """
    project = indicator.project
    require(acting_user, "review", project)
    reason = require_reason(reason, "调整得分")
    evaluation = _evaluation(project)
    _refuse_if_final(evaluation)
    if not isinstance(score, Decimal) or not score.is_finite() or score != score.quantize(_CENT):
        raise ValidationError(f"调整得分须为两位小数以内的准确数值，收到 {score!r}")
    # The rule's own score: any earlier adjustment is set aside while judging this one.
    line = _line(evaluation, indicator)
    before = line.adjusted_score
    line.adjusted_score = None
    line.save(update_fields=["adjusted_score"])
    row = _score_of(project, indicator, config)
    if not row.score.over_achievement or row.score.value is None:
        raise ValidationError(
            f"“{indicator.label}”没有超额完成（实际值未达到目标值的130%），审核时不调整其得分",
            code="not_over",
        )
    if not _ZERO <= score < row.score.value:
        raise ValidationError(
            f"调整得分须不低于0且低于按规则计算的{row.score.value}分，收到{score}分", code="not_lower"
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
        details={"indicator": indicator.pk, "rule_score": row.score.value, "weight": row.score.weight},
    )
    return line


def scores_record(evaluation: DomainEvaluation, indicators: list[Indicator]) -> dict[str, Any]:
    """The figures of a self-evaluation as JSON, to be kept with the finalised record."""
    return audit.jsonable(
        {
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
    )


@transaction.atomic
def do_finalise_evaluation(
    project: Project, *, acting_user: Actor, reason: str = "", config: ScoringConfig | None = None
) -> Evaluation:
    """A reviewer finalises the self-evaluation: its figures are kept as they stand and the year is locked.

    Refused, with every missing item named, when something could not be scored, when 评价结论 is empty, when an
    indicator below its weight (rule 7) or at 130 % of its target or more (rule 5) has no 偏差原因分析及改进措施,
    or when the execution rate is below 90 % without an explanation (rule 2).
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
    if missing:
        raise ValidationError(f"“{project.name}”的绩效自评不能定稿：{'；'.join(missing)}", code="incomplete")
    now = timezone.now()
    evaluation.status = EvaluationStatusChoices.FINALISED
    evaluation.total = scored.total
    evaluation.grade = scored.grade or ""
    evaluation.scores = scores_record(scored, indicators)
    evaluation.finalised_by, evaluation.finalised_at = person(acting_user), now
    evaluation.save()
    year = Period.year()
    _, created = PeriodLock.objects.get_or_create(
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
    audit.record(
        acting_user,
        "evaluation.finalised",
        evaluation,
        reason=reason,
        changes={"status": [EvaluationStatusChoices.DRAFT, EvaluationStatusChoices.FINALISED]},
        unit=project.unit,
        details={"total": scored.total, "grade": scored.grade, "year_locked": created},
    )
    return evaluation
