"""Spending: payments or monthly execution figures per project and fund source, budget adjustments, and the
execution rate against the adjusted budget and against the project's own spending plan.

A department-wide project (部门整体) counts the whole unit: its own money (基本支出 and anything outside a
project) plus every project of the unit and year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from jixiao.audit import log as audit
from jixiao.domain.forms.model import SpendingStep as DomainSpendingStep
from jixiao.domain.scoring.lights import plan_percent_at
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import (
    ExpenditureKindChoices,
    FormKindChoices,
    FundSourceChoices,
    HorizonChoices,
)
from jixiao.performance.guards import refuse_if_locked, require, require_reason
from jixiao.performance.models import BudgetAdjustment, Expenditure, Project, ProjectFunds
from jixiao.performance.periods import Period

__all__ = [
    "BudgetFigures",
    "SpendingSummary",
    "budget_figures",
    "do_adjust_budget",
    "do_record_expenditure",
    "executed_through",
    "money_scope",
    "spending_summary",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_TWELVE = Decimal(12)
_CENT = Decimal("0.01")


def money_scope(project: Project) -> list[Project]:
    """The projects whose money counts: ``project`` itself, and for 部门整体 the unit's projects of its year."""
    if project.kind != FormKindChoices.DEPARTMENT_WIDE:
        return [project]
    others = Project.objects.filter(unit_id=project.unit_id, year=project.year).exclude(pk=project.pk)
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
        for f in ProjectFunds.objects.filter(project_id__in=ids, horizon=HorizonChoices.ANNUAL)
    }
    adjustments: dict[str, Decimal] = dict.fromkeys(FundSourceChoices.values, _ZERO)
    for row in (
        BudgetAdjustment.objects.filter(project_id__in=ids)
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
        Expenditure.objects.filter(project_id__in=ids, month__lte=month)
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


def _check_money(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError(f"{what}须为准确的金额（Decimal，元），收到 {amount!r}")
    if amount != amount.quantize(_CENT):
        raise ValidationError(f"{what} {amount} 超过两位小数（分）")
    if abs(amount) >= Decimal(10) ** 16:
        raise ValidationError(f"{what} {amount} 过大，无法保存")


@transaction.atomic
def do_record_expenditure(
    project: Project,
    month: int,
    amount: Decimal,
    *,
    fund_source: str = FundSourceChoices.FISCAL,
    kind: str = ExpenditureKindChoices.PAYMENT,
    description: str = "",
    acting_user: Actor,
    reason: str = "",
) -> Expenditure:
    """Record a payment, or a month's execution figure, of ``project`` in ``month`` (1–12).

    A month and fund source is entered one way only: payments, or one monthly figure (both would count the
    money twice). Refused in a locked month.
    """
    require(acting_user, "change", project)
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(f"月份须为1–12，收到 {month!r}")
    refuse_if_locked(project, Period.month(month), f"“{project.name}”{month}月支出")
    if fund_source not in FundSourceChoices.values:
        raise ValidationError(f"资金来源须为 {FundSourceChoices.values} 之一")
    if kind not in ExpenditureKindChoices.values:
        raise ValidationError(f"支出类型须为 {ExpenditureKindChoices.values} 之一")
    _check_money(amount, "支出金额")
    same_month = Expenditure.objects.select_for_update().filter(
        project=project, month=month, fund_source=fund_source
    )
    if kind == ExpenditureKindChoices.MONTHLY and same_month.exists():
        raise ValidationError(
            f"{month}月{FundSourceChoices(fund_source).label}已有支出记录，月度执行数只填一次"
        )
    if (
        kind == ExpenditureKindChoices.PAYMENT
        and same_month.filter(kind=ExpenditureKindChoices.MONTHLY).exists()
    ):
        raise ValidationError(
            f"{month}月{FundSourceChoices(fund_source).label}已填月度执行数，不再逐笔录入支付"
        )
    expenditure = Expenditure.objects.create(
        project=project,
        month=month,
        fund_source=fund_source,
        kind=kind,
        amount=amount,
        description=description.strip(),
        entered_by=person(acting_user),
    )
    audit.record(
        acting_user,
        "expenditure.recorded",
        expenditure,
        reason=reason,
        unit=project.unit,
        changes={"amount": [None, amount]},
        details={"project": project.pk, "month": month, "fund_source": fund_source, "kind": kind},
    )
    return expenditure


@transaction.atomic
def do_adjust_budget(
    project: Project,
    amount: Decimal,
    *,
    fund_source: str = FundSourceChoices.FISCAL,
    acting_user: Actor,
    reason: str,
) -> BudgetAdjustment:
    """Add (or, negative, take away) budget for the year; the reason is required and kept on the row."""
    require(acting_user, "change", project)
    reason = require_reason(reason, "预算调整")
    if fund_source not in FundSourceChoices.values:
        raise ValidationError(f"资金来源须为 {FundSourceChoices.values} 之一")
    _check_money(amount, "调整金额")
    if amount == 0:
        raise ValidationError("调整金额不能为0")
    adjustment = BudgetAdjustment.objects.create(
        project=project, fund_source=fund_source, amount=amount, reason=reason, entered_by=person(acting_user)
    )
    audit.record(
        acting_user,
        "budget.adjusted",
        adjustment,
        reason=reason,
        unit=project.unit,
        changes={"amount": [None, amount]},
        details={"project": project.pk, "fund_source": fund_source},
    )
    return adjustment
