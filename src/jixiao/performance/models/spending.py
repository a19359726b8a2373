"""Spending: payments or monthly execution figures, and budget adjustments (调整预算) with their reason."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.performance.choices import ExpenditureKindChoices, FundSourceChoices
from jixiao.performance.models.base import user_fk
from jixiao.performance.models.projects import Project
from jixiao.performance.querysets import BudgetAdjustmentQuerySet, ExpenditureQuerySet


class Expenditure(models.Model):
    """Money spent on a project in a month, by fund source: one payment, or the month's execution figure."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="expenditures", verbose_name=_("项目")
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    fund_source = models.CharField(
        _("资金来源"), max_length=8, choices=FundSourceChoices.choices, default=FundSourceChoices.FISCAL
    )
    kind = models.CharField(
        _("类型"),
        max_length=8,
        choices=ExpenditureKindChoices.choices,
        default=ExpenditureKindChoices.PAYMENT,
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=18, decimal_places=2)
    description = models.CharField(_("摘要"), max_length=500, blank=True)
    entered_by = user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        ordering = ("project", "month", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="performance_expenditure_month_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.month}月 {self.amount}元"


class BudgetAdjustment(models.Model):
    """A change of the year's budget (调整预算) with its reason: adjusted budget = annual total + adjustments."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_adjustments", verbose_name=_("项目")
    )
    fund_source = models.CharField(
        _("资金来源"), max_length=8, choices=FundSourceChoices.choices, default=FundSourceChoices.FISCAL
    )
    amount = models.DecimalField(
        _("调整金额（元）"), help_text=_("调减为负数"), max_digits=18, decimal_places=2
    )
    reason = models.TextField(_("调整原因"))
    entered_by = user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = BudgetAdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("预算调整")
        verbose_name_plural = _("预算调整")
        ordering = ("project", "entered_at", "id")

    def __str__(self) -> str:
        return f"{self.project} {self.amount}元"
