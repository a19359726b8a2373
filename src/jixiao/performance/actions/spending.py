"""Spending: recording payments or monthly execution figures per project and fund source, and budget
adjustments with their reason. The figures (budget, execution rate) are read in ``performance.selectors``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import (
    ExpenditureKindChoices,
    FundSourceChoices,
)
from jixiao.performance.guards import refuse_if_locked, require, require_reason
from jixiao.performance.models import BudgetAdjustment, Expenditure, Project
from jixiao.performance.periods import Period

__all__ = ["do_adjust_budget", "do_record_expenditure"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_TWELVE = Decimal(12)
_CENT = Decimal("0.01")


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
    same_month = (
        Expenditure.objects.unrestricted()
        .select_for_update()
        .filter(project=project, month=month, fund_source=fund_source)
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
    expenditure = Expenditure.objects.unrestricted().create(
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
    adjustment = BudgetAdjustment.objects.unrestricted().create(
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
