"""The official tables and the self-evaluation report of a stored project: the records turned into the domain
objects the pure writers of ``jixiao.reports`` take, and the files written for a project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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
from jixiao.domain.review import review
from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.domain.scoring.engine import Evaluation as DomainEvaluation
from jixiao.performance.actions.evaluation import build_self_evaluation, review_override_note
from jixiao.performance.choices import (
    DeviationCategoryChoices,
    FormKindChoices,
    HorizonChoices,
    LikelihoodChoices,
)
from jixiao.performance.models import Evaluation, Indicator, MonitoringRound, Project
from jixiao.performance.selectors import MonitoringRow as SnapshotRow
from jixiao.performance.selectors import MonitoringSnapshot, build_monitoring_snapshot
from jixiao.reports.content import decimal_text, level_labels
from jixiao.reports.data import DeviationCategory, Likelihood, MonitoringRow, MonitoringTable
from jixiao.reports.xlsx import unit_text

__all__ = [
    "DOCUMENT_KINDS",
    "FILE_NAMES",
    "DocumentPlan",
    "document_plan",
    "document_prefix",
    "fund_use_doubts",
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
DEPARTMENT_TABLE = "部门整体绩效目标表.xlsx"

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
    round_ = MonitoringRound.objects.unrestricted().filter(project=project, cutoff_month=month).first()
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


def selfeval_documents(project: Project) -> tuple[FormDocument, DomainEvaluation, dict[str, str | None]]:
    """The header form, the engine's evaluation, and 评价结论 / 存在问题 / 改进措施 plus ``review_note`` (the
    review errors a reviewer finalised over, and why; ``None`` when not written or none).

    The figures come from ``build_self_evaluation`` (the records now); the texts from the stored
    ``Evaluation`` when there is one. The budget block repeats the evaluation's own inputs, so the table and
    the report print the same A and B the score was computed from (an imported budget execution included).
    """
    evaluation = build_self_evaluation(project)
    form = target_form(project)
    form.kind = FormKind.SELF_EVALUATION
    budget = evaluation.budget
    form.budget_execution = DomainBudgetExecution(
        initial_budget=budget.initial_budget,
        adjusted_budget=budget.adjusted_budget,
        executed=budget.executed,
        weight=budget.weight,
        rate=budget.rate,
    )
    form.indicators = [i for i in form.indicators if i.horizon is Horizon.ANNUAL]
    record = Evaluation.objects.unrestricted().filter(project=project).first()
    texts: dict[str, str | None] = {
        name: (_or_none(getattr(record, name)) if record is not None else None)
        for name in ("conclusion", "problems", "improvements")
    }
    texts["review_note"] = review_override_note(record) if record is not None else None
    return form, evaluation, texts


def fund_use_doubts(form: FormDocument) -> dict[int, str]:
    """Fund uses the review rules flag (``fund-uses-sum``): index → the finding, for each use the finding
    names; ``-1`` (the whole line) when it names none. Printed as 待核实, not as fact."""
    doubts: dict[int, str] = {}
    for finding in review(form):
        if finding.rule != "fund-uses-sum":
            continue
        named = [i for i, use in enumerate(form.fund_uses) if f"“{use.item}”" in finding.message]
        for index in named or [-1]:
            doubts[index] = finding.message
    return doubts


# --- files ---------------------------------------------------------------------------------------------------


def document_prefix(project: Project) -> str:
    """``<name>_<year>年``, safe as a file name on any system (``网络安全和信息化工作经费_2023年``)."""
    name = _UNSAFE.sub("_", project.name).strip("._-")[:_NAME_LIMIT] or f"项目{project.pk}"
    year = f"{project.year}年" if project.year else "年度未注明"
    return f"{name}_{year}"


@dataclass(slots=True)
class DocumentPlan:
    """What exists to be written for a project: the kinds, and why each other asked-for kind is not."""

    kinds: list[str] = field(default_factory=list)
    department: bool = False
    skipped: list[str] = field(default_factory=list)


def document_plan(project: Project, kinds: Iterable[str] = DOCUMENT_KINDS) -> DocumentPlan:
    """Only documents for what exists: a department-wide form gets its own table (部门整体绩效目标表), not a
    project's monitoring or self-evaluation table; a project without a self-evaluation (none in the system,
    and not an imported self-evaluation table) gets no graded 项目支出自评表 or report."""
    chosen = list(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in FILE_NAMES]
    if unknown:
        raise ValueError(
            f"unknown document kind(s) {', '.join(unknown)}; choose from {', '.join(FILE_NAMES)}"
        )
    plan = DocumentPlan()
    if project.kind == FormKindChoices.DEPARTMENT_WIDE:
        plan.department = "target" in chosen
        plan.skipped.extend(
            f"{project.name}：部门整体绩效目标不出{FILE_NAMES[k][0].removesuffix('.xlsx')}"
            for k in chosen
            if k != "target"
        )
        return plan
    for kind in chosen:
        if (
            kind == "selfeval"
            and project.kind != FormKindChoices.SELF_EVALUATION
            and not Evaluation.objects.unrestricted().filter(project=project).exists()
        ):
            plan.skipped.append(f"{project.name}：尚无绩效自评，不出自评表和自评报告")
            continue
        plan.kinds.append(kind)
    return plan


def write_project_documents(
    project: Project,
    out_dir: Path,
    *,
    cutoff_month: int | None = None,
    kinds: Iterable[str] = DOCUMENT_KINDS,
    prefix: str | None = None,
    plan: DocumentPlan | None = None,
) -> list[Path]:
    """Write the chosen documents of ``project`` that exist (``document_plan``) into ``out_dir`` (created if
    missing); returns the paths.

    ``target``: 绩效目标表.xlsx (部门整体绩效目标表.xlsx for a department-wide form; a fund use the review rules
    flag is marked 待核实); ``monitoring``: 绩效运行监控表.xlsx at ``cutoff_month`` (default: the configured
    month); ``selfeval``: 项目支出绩效自评表.xlsx, 绩效自评报告.docx and .pdf, only when the project has a
    self-evaluation. Names start with ``prefix`` (default ``document_prefix(project)``). The caller checks
    that the reader may see the project.
    """
    from jixiao.reports import docx, pdf, xlsx

    plan = plan or document_plan(project, kinds)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = prefix or document_prefix(project)

    def path(file_name: str) -> Path:
        return out_dir / f"{start}_{file_name}"

    written: list[Path] = []
    if plan.department:
        written.append(xlsx.write_department_table(target_form(project), path(DEPARTMENT_TABLE)))
    if "target" in plan.kinds:
        form = target_form(project)
        written.append(
            xlsx.write_target_table(
                form, path(FILE_NAMES["target"][0]), fund_use_doubts=fund_use_doubts(form)
            )
        )
    if "monitoring" in plan.kinds:
        table = monitoring_table(build_monitoring_snapshot(project, cutoff_month))
        written.append(xlsx.write_monitoring_table(table, path(FILE_NAMES["monitoring"][0])))
    if "selfeval" in plan.kinds:
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
