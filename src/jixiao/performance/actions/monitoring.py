"""Monitoring (运行监控, 财预〔2019〕136号): what people enter for a round (indicator entries, the budget
forecast). The snapshot of a project at a cut-off month is read in ``performance.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.domain.scoring.lights import Colour
from jixiao.domain.workflow import Edge
from jixiao.orgs.actors import Actor, actor_label, person
from jixiao.performance.choices import (
    DeviationCategoryChoices,
    GradeChoices,
    HorizonChoices,
    LikelihoodChoices,
    RoundStatusChoices,
    TargetKindChoices,
)
from jixiao.performance.guards import refuse_if_locked, require
from jixiao.performance.models import Indicator, MonitoringEntry, MonitoringRound, Project
from jixiao.performance.periods import Period
from jixiao.performance.workflows import ROUND_WORKFLOW, RoundVerb

__all__ = [
    "do_approve_monitoring_round",
    "do_record_budget_forecast",
    "do_record_monitoring_entry",
    "do_return_monitoring_round",
    "do_submit_monitoring_round",
    "round_problems",
]

_EDITABLE = (RoundStatusChoices.DRAFT, RoundStatusChoices.RETURNED)
_DEVIATION = (Colour.RED, Colour.YELLOW)

_CENT = Decimal("0.01")


def _round(project: Project, cutoff_month: int) -> MonitoringRound:
    if not isinstance(cutoff_month, int) or not 1 <= cutoff_month <= 12:
        raise ValidationError(f"截至月份须为1–12，收到 {cutoff_month!r}")
    round_, _ = MonitoringRound.objects.unrestricted().get_or_create(
        project=project, cutoff_month=cutoff_month
    )
    return round_


def _refuse_if_closed(project: Project, round_: MonitoringRound) -> None:
    """Entries change only while the round is being filled (填报中 or 已退回) and its months are not locked."""
    what = f"“{project.name}”1–{round_.cutoff_month}月运行监控"
    refuse_if_locked(project, Period.month(round_.cutoff_month), what)
    if round_.status not in _EDITABLE:
        raise ValidationError(
            f"{what}{round_.get_status_display()}，不能修改（退回后才能修改）", code="round_closed"
        )


@transaction.atomic
def do_record_monitoring_entry(
    indicator: Indicator,
    cutoff_month: int,
    *,
    forecast_value: Decimal | None = None,
    forecast_grade: str = "",
    deviation_category: str = "",
    deviation_reason: str = "",
    likelihood: str = "",
    corrective_measures: str = "",
    acting_user: Actor,
    reason: str = "",
) -> MonitoringEntry:
    """Store what a person says about ``indicator`` in the round ending at ``cutoff_month`` (replacing it).

    完全不可能 needs 纠偏措施; a deviation reason needs its category (经费保障 / 制度保障 / 人员保障 /
    硬件条件保障 / 其他).
    """
    project = indicator.project
    require(acting_user, "change", project)
    label = indicator.label
    if indicator.horizon != HorizonChoices.ANNUAL or indicator.withdrawn:
        raise ValidationError(f"“{label}”不是在用的年度指标，不参加运行监控")
    if deviation_category and deviation_category not in DeviationCategoryChoices.values:
        raise ValidationError(
            f"偏差原因类别须为：{'／'.join(str(c.label) for c in DeviationCategoryChoices)}"
        )
    if deviation_reason.strip() and not deviation_category:
        raise ValidationError(f"“{label}”的偏差原因须选择类别", code="category_required")
    if likelihood and likelihood not in LikelihoodChoices.values:
        raise ValidationError(f"完成目标可能性须为：{'／'.join(str(c.label) for c in LikelihoodChoices)}")
    if likelihood == LikelihoodChoices.IMPOSSIBLE and not corrective_measures.strip():
        raise ValidationError(
            f"“{label}”完成目标可能性为“完全不可能”，须填写纠偏措施", code="measures_required"
        )
    if forecast_grade and (
        forecast_grade not in GradeChoices.values or indicator.target_kind != TargetKindChoices.QUALITATIVE
    ):
        raise ValidationError(f"“{label}”的全年预计完成等级无效")
    if forecast_value is not None and (
        not isinstance(forecast_value, Decimal)
        or not forecast_value.is_finite()
        or indicator.target_kind != TargetKindChoices.QUANTITATIVE
    ):
        raise ValidationError(f"“{label}”的全年预计完成值须为定量指标的准确数值")
    round_ = _round(project, cutoff_month)
    _refuse_if_closed(project, round_)
    fields = {
        "forecast_value": forecast_value,
        "forecast_grade": forecast_grade,
        "deviation_category": deviation_category,
        "deviation_reason": deviation_reason.strip(),
        "likelihood": likelihood,
        "corrective_measures": corrective_measures.strip(),
    }
    entry = MonitoringEntry.objects.unrestricted().filter(round=round_, indicator=indicator).first()
    if entry is None:
        entry = MonitoringEntry(round=round_, indicator=indicator)
        changes = {k: [None, v] for k, v in fields.items() if v not in (None, "")}
    else:
        changes = {k: [getattr(entry, k), v] for k, v in fields.items() if getattr(entry, k) != v}
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.entered_by = person(acting_user)
    entry.save()
    audit.record(
        acting_user,
        "monitoring.entry_recorded",
        entry,
        reason=reason,
        changes=changes,
        unit=project.unit,
        details={"indicator": indicator.pk, "cutoff_month": cutoff_month},
    )
    return entry


@transaction.atomic
def do_record_budget_forecast(
    project: Project,
    cutoff_month: int,
    amount: Decimal | None,
    *,
    note: str = "",
    acting_user: Actor,
    reason: str = "",
) -> MonitoringRound:
    """Store the 全年预计执行数 a person expects for the year (``None`` goes back to the linear projection)."""
    require(acting_user, "change", project)
    if amount is not None and (not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0):
        raise ValidationError(f"全年预计执行数须为不小于0的准确金额，收到 {amount!r}")
    if amount is not None and amount != amount.quantize(_CENT):
        raise ValidationError(f"全年预计执行数 {amount} 超过两位小数（分）")
    round_ = _round(project, cutoff_month)
    _refuse_if_closed(project, round_)
    changes: dict[str, list[Any]] = {}
    if round_.budget_forecast != amount:
        changes["budget_forecast"] = [round_.budget_forecast, amount]
    if round_.budget_note != note.strip():
        changes["budget_note"] = [round_.budget_note, note.strip()]
    round_.budget_forecast, round_.budget_note = amount, note.strip()
    round_.save(update_fields=["budget_forecast", "budget_note"])
    audit.record(
        acting_user,
        "monitoring.budget_forecast_recorded",
        round_,
        reason=reason,
        changes=changes,
        unit=project.unit,
    )
    return round_


def round_problems(project: Project, cutoff_month: int) -> list[str]:
    """What still stops the round of ``project`` at ``cutoff_month`` from being submitted, each naming its
    indicator: every indicator needs its 完成目标可能性; a deviation (a red or yellow light) needs its 偏差原因
    (category and text); a deviation, or a completion that is not certain (有可能, 完全不可能), needs 纠偏措施."""
    from jixiao.performance.selectors import build_monitoring_snapshot

    snapshot = build_monitoring_snapshot(project, cutoff_month)
    problems: list[str] = []
    for row in snapshot.rows:
        if row.indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        label = row.indicator.label
        colour = row.light.colour
        deviates = colour is not None and colour in _DEVIATION
        seen = colour.chinese if colour is not None else ""
        if not row.likelihood:
            problems.append(f"“{label}”未填写完成目标可能性")
        if deviates and not (row.deviation_category and row.deviation_reason.strip()):
            problems.append(f"“{label}”进度偏差（{seen}），须填写偏差原因及类别")
        uncertain = row.likelihood in (LikelihoodChoices.POSSIBLE, LikelihoodChoices.IMPOSSIBLE)
        if (deviates or uncertain) and not row.corrective_measures.strip():
            why = (
                f"完成目标可能性为“{LikelihoodChoices(row.likelihood).label}”"
                if uncertain
                else f"进度偏差（{seen}）"
            )
            problems.append(f"“{label}”{why}，须填写纠偏措施")
    return problems


def _move_round(
    round_: MonitoringRound, verb: RoundVerb, *, acting_user: Actor, reason: str
) -> MonitoringRound:
    now = timezone.now()
    project = round_.project
    updates: dict[str, Any]
    if verb == RoundVerb.SUBMIT:
        updates = {"submitted_by": person(acting_user), "submitted_at": now, "return_reason": ""}
    else:
        updates = {"reviewed_by": person(acting_user), "reviewed_at": now}
    if verb == RoundVerb.RETURN:
        updates["return_reason"] = (reason or "").strip()

    def guard(locked: MonitoringRound, edge: Edge) -> None:
        what = f"“{project.name}”1–{locked.cutoff_month}月运行监控"
        refuse_if_locked(project, Period.month(locked.cutoff_month), what)
        if edge.verb == RoundVerb.SUBMIT:
            problems = round_problems(project, locked.cutoff_month)
            if problems:
                raise ValidationError(f"{what}不能送审：{'；'.join(problems)}", code="round_incomplete")
        own = person(acting_user)
        if edge.verb == RoundVerb.APPROVE and own is not None and own.pk == locked.submitted_by_id:
            raise ValidationError(
                f"{what}由 {actor_label(acting_user)} 送审，不能由本人审核通过", code="own_round"
            )

    return transition(
        round_,
        ROUND_WORKFLOW,
        verb,
        acting_user=acting_user,
        reason=reason,
        updates=updates,
        guard=guard,
        details={"cutoff_month": round_.cutoff_month},
    )


@transaction.atomic
def do_submit_monitoring_round(
    project: Project, cutoff_month: int, *, acting_user: Actor, reason: str = ""
) -> MonitoringRound:
    """填报中 (or 已退回) → 已送审, refused with every missing item named (``round_problems``)."""
    require(acting_user, "submit", project)
    return _move_round(
        _round(project, cutoff_month), RoundVerb.SUBMIT, acting_user=acting_user, reason=reason
    )


@transaction.atomic
def do_approve_monitoring_round(
    round_: MonitoringRound, *, acting_user: Actor, reason: str = ""
) -> MonitoringRound:
    """已送审 → 已审核, by a reviewer who did not submit it."""
    return _move_round(round_, RoundVerb.APPROVE, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_return_monitoring_round(
    round_: MonitoringRound, *, acting_user: Actor, reason: str
) -> MonitoringRound:
    """已送审 or 已审核 → 已退回 with the reason the unit reads (required)."""
    return _move_round(round_, RoundVerb.RETURN, acting_user=acting_user, reason=reason)
