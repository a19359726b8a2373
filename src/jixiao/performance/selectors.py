"""Reading the performance records: an indicator's value to date, approved results, the budget and spending
figures, and the monitoring snapshot of a project. Nothing here changes a row.

Selectors take objects the caller already holds (a project it fetched with ``restrict(user, "view")``, or the
system's own): the rows they read hang from those objects, so they read them ``unrestricted()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum

from jixiao.domain.forms.model import SpendingStep as DomainSpendingStep
from jixiao.domain.scoring.config import LightConfig, QualitativeGrade
from jixiao.domain.scoring.lights import Light, budget_light, indicator_light, plan_percent_at, project_light
from jixiao.performance.choices import (
    AccumulationChoices,
    ForecastSourceChoices,
    FormKindChoices,
    FundSourceChoices,
    HorizonChoices,
    ResultStatusChoices,
)
from jixiao.performance.models import (
    BudgetAdjustment,
    Expenditure,
    Indicator,
    MonitoringEntry,
    MonitoringRound,
    PeriodResult,
    Project,
    ProjectFunds,
)
from jixiao.performance.periods import Period, value_to_date

__all__ = [
    "BudgetFigures",
    "MonitoringRow",
    "MonitoringSnapshot",
    "Progress",
    "SpendingSummary",
    "approved_results",
    "budget_figures",
    "build_monitoring_snapshot",
    "default_cutoff_month",
    "executed_through",
    "money_scope",
    "progress",
    "spending_summary",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_TWELVE = Decimal(12)
_CENT = Decimal("0.01")
_DEFAULT_LIGHTS = LightConfig()

Figure = Decimal | QualitativeGrade | None


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """An indicator's value (or grade) at a cut-off, the periods it came from, the last month they reach."""

    value: Decimal | None
    grade: QualitativeGrade | None
    periods: tuple[Period, ...]
    last_month: int | None

    @property
    def actual(self) -> Decimal | QualitativeGrade | None:
        return self.grade if self.grade is not None else self.value

    @property
    def reported(self) -> bool:
        return self.value is not None or self.grade is not None


def progress(indicator: Indicator, results: Sequence[PeriodResult], cutoff_month: int) -> Progress:
    """The indicator's value at the end of ``cutoff_month`` by its accumulation rule, from ``results``.

    The caller chooses which results count (monitoring and the self-evaluation pass the approved ones).
    A qualitative indicator takes the grade of its latest period.
    """
    if indicator.is_qualitative:
        graded = [r for r in results if r.grade and r.period.last_month <= cutoff_month]
        if not graded:
            return Progress(None, None, (), None)
        last = max(graded, key=lambda r: (r.period.last_month, r.period.span))
        return Progress(None, QualitativeGrade(last.grade), (last.period,), last.period.last_month)
    to_date = value_to_date(results, indicator.accumulation, cutoff_month)
    return Progress(to_date.value, None, to_date.used, to_date.last_month)


def approved_results(indicators: Iterable[Indicator]) -> dict[int, list[PeriodResult]]:
    """Approved results of these indicators, by indicator id, in one query."""
    ids = [i.pk for i in indicators]
    found: dict[int, list[PeriodResult]] = {pk: [] for pk in ids}
    for result in PeriodResult.objects.unrestricted().filter(
        indicator_id__in=ids, status=ResultStatusChoices.APPROVED
    ):
        found[result.indicator_id].append(result)
    return found


# --- spending --------------------------------------------------------------------------------------------


def money_scope(project: Project) -> list[Project]:
    """The projects whose money counts: ``project`` itself, and for 部门整体 the unit's projects of its year."""
    if project.kind != FormKindChoices.DEPARTMENT_WIDE:
        return [project]
    others = (
        Project.objects.unrestricted()
        .filter(unit_id=project.unit_id, year=project.year)
        .exclude(pk=project.pk)
    )
    return [project, *others.exclude(kind=FormKindChoices.DEPARTMENT_WIDE).order_by("pk")]


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """年初预算数 (the annual funds of the form), the adjustments and 全年预算数 = annual + adjustments, in 元.

    ``adjusted`` is ``None`` when the form gives no annual total (nothing to adjust: never a guessed 0).
    """

    initial: Decimal | None
    adjustments: Decimal
    adjusted: Decimal | None
    by_source: dict[str, Decimal | None]
    warnings: tuple[str, ...] = ()


def budget_figures(project: Project) -> BudgetFigures:
    scope = money_scope(project)
    ids = [p.pk for p in scope]
    funds = {
        f.project_id: f
        for f in ProjectFunds.objects.unrestricted().filter(project_id__in=ids, horizon=HorizonChoices.ANNUAL)
    }
    adjustments: dict[str, Decimal] = dict.fromkeys(FundSourceChoices.values, _ZERO)
    for row in (
        BudgetAdjustment.objects.unrestricted()
        .filter(project_id__in=ids)
        .values("fund_source")
        .annotate(total=Sum("amount"))
    ):
        adjustments[row["fund_source"]] = row["total"] or _ZERO
    warnings: list[str] = []
    initial: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    for member in scope:
        money = funds.get(member.pk)
        if money is None or money.total is None:
            if member.pk == project.pk and len(scope) > 1:
                warnings.append("部门整体表未单独填写年度资金（基本支出），全年预算数仅合计本单位各项目资金")
            elif member.pk == project.pk:
                warnings.append("目标表未填写年度资金总额，无法得出全年预算数")
            else:
                warnings.append(f"项目“{member.name}”未填写年度资金总额，未计入")
            continue
        initial = (initial or _ZERO) + money.total
        fiscal = (fiscal or _ZERO) + (money.fiscal or _ZERO) if money.fiscal is not None else fiscal
        other = (other or _ZERO) + (money.other or _ZERO) if money.other is not None else other
    total_adjustment = sum(adjustments.values(), _ZERO)
    adjusted = None if initial is None else initial + total_adjustment
    by_source = {
        FundSourceChoices.FISCAL.value: None
        if fiscal is None
        else fiscal + adjustments[FundSourceChoices.FISCAL],
        FundSourceChoices.OTHER.value: None
        if other is None
        else other + adjustments[FundSourceChoices.OTHER],
    }
    return BudgetFigures(initial, total_adjustment, adjusted, by_source, tuple(warnings))


def executed_through(project: Project, month: int = 12) -> dict[str, Decimal]:
    """Money spent from January to the end of ``month``, by fund source (both sources always present)."""
    ids = [p.pk for p in money_scope(project)]
    spent = dict.fromkeys(FundSourceChoices.values, _ZERO)
    for row in (
        Expenditure.objects.unrestricted()
        .filter(project_id__in=ids, month__lte=month)
        .values("fund_source")
        .annotate(total=Sum("amount"))
    ):
        spent[row["fund_source"]] = row["total"] or _ZERO
    return spent


@dataclass(frozen=True, slots=True)
class SpendingSummary:
    """Budget execution at a cut-off: rate = executed ÷ adjusted budget, and the same held to the plan.

    Percentages are exact (``rate`` 58.3333…); round them only to show them.
    """

    cutoff_month: int
    budget: BudgetFigures
    executed: Decimal
    executed_by_source: dict[str, Decimal]
    rate: Decimal | None
    time_percent: Decimal
    plan_percent: Decimal | None
    rate_vs_plan: Decimal | None
    warnings: tuple[str, ...] = field(default=())


def spending_summary(project: Project, cutoff_month: int) -> SpendingSummary:
    if not 1 <= cutoff_month <= 12:
        raise ValueError(f"cutoff_month must be 1 to 12, got {cutoff_month}")
    budget = budget_figures(project)
    by_source = executed_through(project, cutoff_month)
    executed = sum(by_source.values(), _ZERO)
    warnings = list(budget.warnings)
    rate = None
    if budget.adjusted is not None and budget.adjusted > 0:
        rate = executed / budget.adjusted * _HUNDRED
    elif budget.adjusted is not None:
        warnings.append(f"全年预算数为{budget.adjusted}元，无法计算执行率")
    steps = [
        DomainSpendingStep(step.label, step.cumulative_percent)
        for step in project.spending_plan.order_by("order")
    ]
    plan = plan_percent_at(steps, cutoff_month)
    if steps and plan is None:
        warnings.append("资金支出计划的时点未写明月份，无法与计划比较")
    rate_vs_plan = rate / plan * _HUNDRED if rate is not None and plan else None
    return SpendingSummary(
        cutoff_month=cutoff_month,
        budget=budget,
        executed=executed,
        executed_by_source=by_source,
        rate=rate,
        time_percent=Decimal(cutoff_month) / _TWELVE * _HUNDRED,
        plan_percent=plan,
        rate_vs_plan=rate_vs_plan,
        warnings=tuple(warnings),
    )


# --- monitoring ------------------------------------------------------------------------------------------


def default_cutoff_month() -> int:
    """``JIXIAO_MONITORING_CUTOFF_MONTH`` in the settings (7 unless set: the usual 1–7月 round, in August)."""
    month = int(settings.JIXIAO_MONITORING_CUTOFF_MONTH)
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
    round_ = MonitoringRound.objects.unrestricted().filter(project=project, cutoff_month=month).first()
    entries = (
        {e.indicator_id: e for e in MonitoringEntry.objects.unrestricted().filter(round=round_)}
        if round_ is not None
        else {}
    )
    indicators = list(
        project.indicators.filter(horizon=HorizonChoices.ANNUAL, withdrawn=False).order_by("order")
    )
    approved: dict[int, list[PeriodResult]] = {i.pk: [] for i in indicators}
    pending: dict[int, int] = {i.pk: 0 for i in indicators}
    for result in PeriodResult.objects.unrestricted().filter(indicator__in=indicators):
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
