"""The official tables and the self-evaluation report of a stored project: the records turned into the domain
objects the pure writers of ``jixiao.reports`` take, and the files written for a project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from jixiao.domain.forms.model import BudgetExecution as DomainBudgetExecution
from jixiao.domain.forms.model import (
    DepartmentGoals,
    FormDocument,
    FormKind,
    Funds,
    Horizon,
    ProjectInfo,
    Taxonomy,
)
from jixiao.domain.forms.model import FundUse as DomainFundUse
from jixiao.domain.forms.model import Indicator as DomainIndicator
from jixiao.domain.forms.model import SpendingStep as DomainSpendingStep
from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.domain.scoring.engine import Evaluation as DomainEvaluation
from jixiao.domain.scoring.engine import IndicatorResult
from jixiao.performance.actions.evaluation import build_self_evaluation
from jixiao.performance.choices import DeviationCategoryChoices, HorizonChoices, LikelihoodChoices
from jixiao.performance.models import Evaluation, Indicator, MonitoringRound, Project
from jixiao.performance.selectors import MonitoringRow as SnapshotRow
from jixiao.performance.selectors import MonitoringSnapshot, budget_figures, build_monitoring_snapshot
from jixiao.reports.content import decimal_text, level_labels
from jixiao.reports.data import DeviationCategory, Likelihood, MonitoringRow, MonitoringTable
from jixiao.reports.xlsx import unit_text

__all__ = [
    "DOCUMENT_KINDS",
    "FILE_NAMES",
    "document_prefix",
    "monitoring_table",
    "selfeval_documents",
    "target_form",
    "write_project_documents",
]

DOCUMENT_KINDS = ("target", "monitoring", "selfeval")
FILE_NAMES: dict[str, tuple[str, ...]] = {
    "target": ("绩效目标表.xlsx",),
    "monitoring": ("绩效运行监控表.xlsx",),
    "selfeval": ("项目支出绩效自评表.xlsx", "绩效自评报告.docx", "绩效自评报告.pdf"),
}

_CENT = Decimal("0.01")
# The stored choices are short English keys; the table prints the 136号 words.
_DEVIATION = {
    DeviationCategoryChoices.FUNDING.value: DeviationCategory.FUNDING,
    DeviationCategoryChoices.RULES.value: DeviationCategory.RULES,
    DeviationCategoryChoices.STAFF.value: DeviationCategory.STAFF,
    DeviationCategoryChoices.HARDWARE.value: DeviationCategory.HARDWARE,
    DeviationCategoryChoices.OTHER.value: DeviationCategory.OTHER,
}
_LIKELIHOOD = {
    LikelihoodChoices.CERTAIN.value: Likelihood.CERTAIN,
    LikelihoodChoices.POSSIBLE.value: Likelihood.POSSIBLE,
    LikelihoodChoices.IMPOSSIBLE.value: Likelihood.IMPOSSIBLE,
}
# Characters no file system accepts (or that a shell splits on); Chinese stays as it is.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\s]+')
_NAME_LIMIT = 60


def _or_none(text: str) -> str | None:
    return text if text.strip() else None


# --- 绩效目标表 ------------------------------------------------------------------------------------------------


def _domain_indicator(indicator: Indicator) -> DomainIndicator:
    return DomainIndicator(
        horizon=Horizon(indicator.horizon),
        level1=_or_none(indicator.level1),
        level2=_or_none(indicator.level2),
        name=_or_none(indicator.name),
        target=indicator.target(),
        actual=_or_none(indicator.actual),
        weight=indicator.weight,
        recorded_score=indicator.recorded_score,
        deviation_reason=_or_none(indicator.deviation_reason),
        description=_or_none(indicator.description),
        basis=_or_none(indicator.basis),
        raw_level1=_or_none(indicator.raw_level1),
        raw_level2=_or_none(indicator.raw_level2),
    )


def _form_order(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Row by row as the form has them side by side: each row's 中期 indicator, then its 年度 one."""
    horizon_rank = {HorizonChoices.MEDIUM_TERM.value: 0, HorizonChoices.ANNUAL.value: 1}
    return sorted(indicators, key=lambda i: (i.order, horizon_rank.get(i.horizon, 2), i.pk))


def target_form(project: Project) -> FormDocument:
    """``project`` as the ``FormDocument`` its form would read as: header, funds in 元, goals, fund uses,
    spending plan, and the indicators of both horizons in stored order (withdrawn ones left out)."""
    unit = project.unit
    funds = {f.horizon: f for f in project.funds.all()}

    def horizon_funds(horizon: str) -> Funds:
        row = funds.get(horizon)
        return Funds() if row is None else Funds(row.total, row.fiscal, row.other)

    stored_budget = getattr(project, "budget_execution", None)
    budget = (
        None
        if stored_budget is None
        else DomainBudgetExecution(
            initial_budget=stored_budget.initial_budget,
            adjusted_budget=stored_budget.adjusted_budget,
            executed=stored_budget.executed,
            weight=stored_budget.weight,
            rate=stored_budget.rate,
            recorded_score=stored_budget.recorded_score,
        )
    )
    department = (
        DepartmentGoals(list(project.sub_goals), list(project.measures))
        if project.kind == FormKind.DEPARTMENT_WIDE or project.sub_goals or project.measures
        else None
    )
    return FormDocument(
        source=f"{project.source_file}（系统记录）",
        kind=FormKind(project.kind),
        year=project.year,
        project=ProjectInfo(
            name=project.name,
            code=project.code or None,
            unit=unit.name,
            unit_code=unit.code or None,
            department=_or_none(project.department),
            attribute=_or_none(project.attribute),
            period=_or_none(project.period),
        ),
        funds_medium_term=horizon_funds(HorizonChoices.MEDIUM_TERM),
        funds_annual=horizon_funds(HorizonChoices.ANNUAL),
        goal_medium_term=_or_none(project.goal_medium_term),
        goal_annual=_or_none(project.goal_annual),
        fund_uses=[
            DomainFundUse(use.item, use.amount, use.raw) for use in project.fund_uses.order_by("order")
        ],
        spending_plan=[
            DomainSpendingStep(step.label, step.cumulative_percent)
            for step in project.spending_plan.order_by("order")
        ],
        indicators=[_domain_indicator(i) for i in _form_order(project.indicators.filter(withdrawn=False))],
        budget_execution=budget,
        department=department,
        taxonomy=Taxonomy(project.taxonomy),
        money_unit=project.money_unit,
    )


# --- 绩效运行监控表 --------------------------------------------------------------------------------------------


def _figure_text(figure: Decimal | QualitativeGrade | None, unit: str) -> str | None:
    """A value in the target's (normalised) unit with the unit after it: ``96%``, ``12次``; a grade's word."""
    if figure is None:
        return None
    if isinstance(figure, QualitativeGrade):
        return figure.value
    return f"{decimal_text(figure)}{unit}"


def _monitoring_row(row: SnapshotRow, cutoff_month: int) -> MonitoringRow:
    indicator = row.indicator
    unit = indicator.target_unit
    actual = _figure_text(row.actual, unit)
    if (
        actual is not None
        and row.actual_through_month is not None
        and row.actual_through_month < cutoff_month
    ):
        actual += f"（截至{row.actual_through_month}月）"
    forecast = _figure_text(row.forecast, unit)
    if forecast is not None and row.forecast_is_projection:
        forecast += "（按进度推算）"
    level1, level2 = level_labels(_domain_indicator(indicator))
    return MonitoringRow(
        level1=level1 or None,
        level2=level2 or None,
        name=_or_none(indicator.name),
        annual_target=row.target,
        actual_to_date=actual,
        expected_full_year=forecast,
        deviation_category=_DEVIATION.get(row.deviation_category),
        deviation_reason=_or_none(row.deviation_reason),
        likelihood=_LIKELIHOOD.get(row.likelihood),
        corrective_action=_or_none(row.corrective_measures),
        light=row.light.colour,
    )


def monitoring_table(snapshot: MonitoringSnapshot) -> MonitoringTable:
    """The monitoring snapshot as the 136号 table: money in 元, the rate in percent (two decimals), lights as
    colours, each indicator's figures as text with its unit (a projected forecast says so)."""
    project = snapshot.project
    month = snapshot.cutoff_month
    round_ = MonitoringRound.objects.filter(project=project, cutoff_month=month).first()
    rate = snapshot.rate
    return MonitoringTable(
        project_name=project.name,
        year=project.year,
        period_label=f"1-{month}月",
        project_code=project.code or None,
        department=_or_none(project.department),
        unit=unit_text(project.unit.name, project.unit.code),
        annual_budget=snapshot.annual_budget,
        executed_to_date=snapshot.executed,
        execution_rate=None if rate is None else rate.quantize(_CENT, ROUND_HALF_UP),
        expected_full_year=snapshot.budget_forecast,
        budget_light=snapshot.budget_light.colour if snapshot.budget_light is not None else None,
        budget_deviation_reason=_or_none(round_.budget_note) if round_ is not None else None,
        goal_annual=_or_none(project.goal_annual),
        rows=[_monitoring_row(row, month) for row in snapshot.rows],
    )


# --- 绩效自评 ------------------------------------------------------------------------------------------------


def _with_unit(result: IndicatorResult) -> IndicatorResult:
    """The year value as the table prints it (``165家``, not ``165``). The records hand the engine a bare
    number in the target's unit; the score is already made, so only the printed text changes."""
    indicator = result.indicator
    unit = indicator.target.unit
    if indicator.actual is None or not unit:
        return result
    try:
        value = Decimal(indicator.actual)
    except InvalidOperation:
        return result  # a grade word, or text already written with its unit
    shown = replace(indicator, actual=f"{decimal_text(value)}{unit}")
    return IndicatorResult(shown, result.score, result.weight_source)


def selfeval_documents(project: Project) -> tuple[FormDocument, DomainEvaluation, dict[str, str | None]]:
    """The header form, the engine's evaluation, and 评价结论 / 存在问题 / 改进措施 (``None`` when not written).

    The figures come from ``build_self_evaluation`` (the records now); the texts from the stored
    ``Evaluation`` when there is one. The budget block repeats the evaluation's own inputs, so the table and
    the report print the same A and B the score was computed from.
    """
    evaluation = build_self_evaluation(project)
    form = target_form(project)
    form.kind = FormKind.SELF_EVALUATION
    budget = evaluation.budget
    form.budget_execution = DomainBudgetExecution(
        initial_budget=budget_figures(project).initial,
        adjusted_budget=budget.adjusted_budget,
        executed=budget.executed,
        weight=budget.weight,
        rate=budget.rate,
    )
    evaluation.indicators = [_with_unit(result) for result in evaluation.indicators]
    form.indicators = [result.indicator for result in evaluation.indicators]
    record = Evaluation.objects.filter(project=project).first()
    texts: dict[str, str | None] = {
        name: (_or_none(getattr(record, name)) if record is not None else None)
        for name in ("conclusion", "problems", "improvements")
    }
    return form, evaluation, texts


# --- files ---------------------------------------------------------------------------------------------------


def document_prefix(project: Project) -> str:
    """``<name>_<year>年``, safe as a file name on any system (``网络安全和信息化工作经费_2023年``)."""
    name = _UNSAFE.sub("_", project.name).strip("._-")[:_NAME_LIMIT] or f"项目{project.pk}"
    year = f"{project.year}年" if project.year else "年度未注明"
    return f"{name}_{year}"


def write_project_documents(
    project: Project,
    out_dir: Path,
    *,
    cutoff_month: int | None = None,
    kinds: Iterable[str] = DOCUMENT_KINDS,
    prefix: str | None = None,
) -> list[Path]:
    """Write the chosen documents of ``project`` into ``out_dir`` (created if missing); returns the paths.

    ``target``: 绩效目标表.xlsx; ``monitoring``: 绩效运行监控表.xlsx at ``cutoff_month`` (default: the
    configured month); ``selfeval``: 项目支出绩效自评表.xlsx, 绩效自评报告.docx and .pdf. Names start with
    ``prefix`` (default ``document_prefix(project)``). The caller checks that the reader may see the project.
    """
    from jixiao.reports import docx, pdf, xlsx

    chosen = list(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in FILE_NAMES]
    if unknown:
        raise ValueError(
            f"unknown document kind(s) {', '.join(unknown)}; choose from {', '.join(FILE_NAMES)}"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = prefix or document_prefix(project)

    def path(file_name: str) -> Path:
        return out_dir / f"{start}_{file_name}"

    written: list[Path] = []
    if "target" in chosen:
        written.append(xlsx.write_target_table(target_form(project), path(FILE_NAMES["target"][0])))
    if "monitoring" in chosen:
        table = monitoring_table(build_monitoring_snapshot(project, cutoff_month))
        written.append(xlsx.write_monitoring_table(table, path(FILE_NAMES["monitoring"][0])))
    if "selfeval" in chosen:
        form, evaluation, texts = selfeval_documents(project)
        table_name, docx_name, pdf_name = FILE_NAMES["selfeval"]
        written.append(
            xlsx.write_selfeval_table(
                form,
                evaluation,
                path(table_name),
                problems=texts["problems"],
                improvements=texts["improvements"],
            )
        )
        written.append(docx.write_selfeval_report(form, evaluation, path(docx_name), **texts))
        written.append(pdf.write_selfeval_report(form, evaluation, path(pdf_name), **texts))
    return written
