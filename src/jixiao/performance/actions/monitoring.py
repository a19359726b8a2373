"""Monitoring (运行监控, 财预〔2019〕136号): what people enter for a round (indicator entries, the budget
forecast). The snapshot of a project at a cut-off month is read in ``performance.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import (
    DeviationCategoryChoices,
    GradeChoices,
    HorizonChoices,
    LikelihoodChoices,
    TargetKindChoices,
)
from jixiao.performance.guards import require
from jixiao.performance.models import Indicator, MonitoringEntry, MonitoringRound, Project

__all__ = ["do_record_budget_forecast", "do_record_monitoring_entry"]

_CENT = Decimal("0.01")


def _round(project: Project, cutoff_month: int) -> MonitoringRound:
    if not isinstance(cutoff_month, int) or not 1 <= cutoff_month <= 12:
        raise ValidationError(f"截至月份须为1–12，收到 {cutoff_month!r}")
    round_, _ = MonitoringRound.objects.unrestricted().get_or_create(
        project=project, cutoff_month=cutoff_month
    )
    return round_


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
