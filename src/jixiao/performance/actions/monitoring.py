"""Monitoring (运行监控, 财预〔2019〕136号): what people enter for a round, and the snapshot of a project at a
cut-off month, computed at read time from the approved results and the spending so it is never stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit import log as audit
from jixiao.domain.scoring.config import LightConfig, QualitativeGrade
from jixiao.domain.scoring.lights import Light, budget_light, indicator_light, project_light
from jixiao.orgs.actors import Actor, person
from jixiao.performance.actions.results import Progress, progress
from jixiao.performance.actions.spending import SpendingSummary, spending_summary
from jixiao.performance.choices import (
    AccumulationChoices,
    DeviationCategoryChoices,
    ForecastSourceChoices,
    GradeChoices,
    HorizonChoices,
    LikelihoodChoices,
    ResultStatusChoices,
    TargetKindChoices,
)
from jixiao.performance.guards import require
from jixiao.performance.models import Indicator, MonitoringEntry, MonitoringRound, PeriodResult, Project

__all__ = [
    "MonitoringRow",
    "MonitoringSnapshot",
    "build_monitoring_snapshot",
    "default_cutoff_month",
    "do_record_budget_forecast",
    "do_record_monitoring_entry",
]

_TWELVE = Decimal(12)
_CENT = Decimal("0.01")
_DEFAULT_LIGHTS = LightConfig()

Figure = Decimal | QualitativeGrade | None


def default_cutoff_month() -> int:
    """``JIXIAO_MONITORING_CUTOFF_MONTH`` in the settings, else 7 (the usual 1–7月 round, in August)."""
    month = int(getattr(settings, "JIXIAO_MONITORING_CUTOFF_MONTH", 7))
    if not 1 <= month <= 12:
        raise ValueError(f"JIXIAO_MONITORING_CUTOFF_MONTH must be 1 to 12, got {month}")
    return month


@dataclass(slots=True)
class MonitoringRow:
    """One indicator of the monitoring table: the figures (computed) beside what people entered."""

    indicator: Indicator
    target: str
    actual: Figure
    actual_through_month: int | None
    forecast: Figure
    forecast_source: str | None
    deviation_category: str
    deviation_reason: str
    likelihood: str
    corrective_measures: str
    light: Light
    pending_results: int = 0

    @property
    def forecast_is_projection(self) -> bool:
        return self.forecast_source == ForecastSourceChoices.LINEAR


@dataclass(slots=True)
class MonitoringSnapshot:
    """A project's monitoring table at ``cutoff_month`` (1–N月): budget figures, indicator rows and lights."""

    project: Project
    cutoff_month: int
    spending: SpendingSummary
    budget_forecast: Decimal | None
    budget_forecast_source: str | None
    budget_light: Light | None
    rows: list[MonitoringRow]
    light: Light
    warnings: list[str] = field(default_factory=list)

    @property
    def annual_budget(self) -> Decimal | None:
        """全年预算数: the adjusted budget."""
        return self.spending.budget.adjusted

    @property
    def executed(self) -> Decimal:
        """截至当期执行数."""
        return self.spending.executed

    @property
    def rate(self) -> Decimal | None:
        """执行率 (%), exact."""
        return self.spending.rate


def _linear(value: Decimal, months: int) -> Decimal:
    return (value * _TWELVE / months).quantize(_CENT, ROUND_HALF_UP)


def _indicator_forecast(
    indicator: Indicator, seen: Progress, entry: MonitoringEntry | None
) -> tuple[Figure, str | None]:
    if entry is not None and entry.forecast_grade:
        return QualitativeGrade(entry.forecast_grade), ForecastSourceChoices.ENTERED
    if entry is not None and entry.forecast_value is not None:
        return entry.forecast_value, ForecastSourceChoices.ENTERED
    if seen.value is None or seen.last_month is None:
        return None, None  # a grade or nothing reported: no projection to make
    if indicator.accumulation == AccumulationChoices.LATEST:
        return seen.value, ForecastSourceChoices.LINEAR  # a level stays where it is
    return _linear(seen.value, seen.last_month), ForecastSourceChoices.LINEAR


def _light_config(indicator: Indicator, base: LightConfig) -> LightConfig:
    """A level (``latest``) is held to the full target, not to a share of it pro-rated by months."""
    if indicator.accumulation != AccumulationChoices.LATEST:
        return base
    return replace(base, not_pro_rated_units=base.not_pro_rated_units | {indicator.target_unit or ""})


def build_monitoring_snapshot(
    project: Project, cutoff_month: int | None = None, *, light_config: LightConfig | None = None
) -> MonitoringSnapshot:
    """The monitoring table of ``project`` for 1–``cutoff_month``月 (default ``default_cutoff_month()``).

    Counts only approved results; results still in the workflow are counted in ``pending_results``. A
    forecast a person entered for the round is used as it is; otherwise a linear projection is given and
    marked ``linear`` (a level, ``latest``, is projected as itself; a grade is not projected). The project's
    light is its worst indicator's and the budget's.
    """
    month = default_cutoff_month() if cutoff_month is None else cutoff_month
    if not 1 <= month <= 12:
        raise ValueError(f"cutoff_month must be 1 to 12, got {month}")
    lights_cfg = light_config or _DEFAULT_LIGHTS
    spending = spending_summary(project, month)
    warnings = list(spending.warnings)
    round_ = MonitoringRound.objects.filter(project=project, cutoff_month=month).first()
    entries = (
        {e.indicator_id: e for e in MonitoringEntry.objects.filter(round=round_)}
        if round_ is not None
        else {}
    )
    indicators = list(
        project.indicators.filter(horizon=HorizonChoices.ANNUAL, withdrawn=False).order_by("order")
    )
    approved: dict[int, list[PeriodResult]] = {i.pk: [] for i in indicators}
    pending: dict[int, int] = {i.pk: 0 for i in indicators}
    for result in PeriodResult.objects.filter(indicator__in=indicators):
        if result.period.last_month > month:
            continue
        if result.status == ResultStatusChoices.APPROVED:
            approved[result.indicator_id].append(result)
        else:
            pending[result.indicator_id] += 1

    rows = []
    for indicator in indicators:
        seen = progress(indicator, approved[indicator.pk], month)
        entry = entries.get(indicator.pk)
        forecast, source = _indicator_forecast(indicator, seen, entry)
        light = indicator_light(
            indicator.target(), seen.actual, month, config=_light_config(indicator, lights_cfg)
        )
        rows.append(
            MonitoringRow(
                indicator=indicator,
                target=indicator.target_raw,
                actual=seen.actual,
                actual_through_month=seen.last_month,
                forecast=forecast,
                forecast_source=source,
                deviation_category=entry.deviation_category if entry else "",
                deviation_reason=entry.deviation_reason if entry else "",
                likelihood=entry.likelihood if entry else "",
                corrective_measures=entry.corrective_measures if entry else "",
                light=light,
                pending_results=pending[indicator.pk],
            )
        )
        if seen.last_month is not None and seen.last_month < month:
            warnings.append(f"“{indicator.label}”最近一期已审核的完成值截至{seen.last_month}月")

    budget_forecast: Decimal | None = None
    budget_source: str | None = None
    if round_ is not None and round_.budget_forecast is not None:
        budget_forecast, budget_source = round_.budget_forecast, ForecastSourceChoices.ENTERED
    elif spending.budget.adjusted is not None:
        budget_forecast, budget_source = _linear(spending.executed, month), ForecastSourceChoices.LINEAR
    b_light = (
        budget_light(spending.rate, month, spending.plan_percent, config=lights_cfg)
        if spending.rate is not None
        else None
    )
    overall = project_light([*(row.light for row in rows), *([b_light] if b_light is not None else [])])
    return MonitoringSnapshot(
        project=project,
        cutoff_month=month,
        spending=spending,
        budget_forecast=budget_forecast,
        budget_forecast_source=budget_source,
        budget_light=b_light,
        rows=rows,
        light=overall,
        warnings=warnings,
    )


def _round(project: Project, cutoff_month: int) -> MonitoringRound:
    if not isinstance(cutoff_month, int) or not 1 <= cutoff_month <= 12:
        raise ValidationError(f"截至月份须为1–12，收到 {cutoff_month!r}")
    round_, _ = MonitoringRound.objects.get_or_create(project=project, cutoff_month=cutoff_month)
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
    entry = MonitoringEntry.objects.filter(round=round_, indicator=indicator).first()
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
