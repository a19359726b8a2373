"""The spending page of a project (``/projects/<id>/spending/``): expenditures and budget adjustments, and the
execution against the adjusted budget and the project's own spending plan, month by month (chart and table).

Reads start from ``restrict(request.user, "view")``; recording needs ``change`` on the project's unit and goes
through ``performance.actions.spending``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.domain.forms.model import SpendingStep as DomainSpendingStep
from jixiao.domain.scoring.lights import plan_percent_at
from jixiao.orgs.permissions import can
from jixiao.performance.actions.spending import do_adjust_budget, do_record_expenditure
from jixiao.performance.forms.spending import AdjustmentForm, ExpenditureForm
from jixiao.performance.models import BudgetAdjustment, Expenditure, Project, SpendingStep
from jixiao.performance.selectors import budget_figures, money_scope


class SignedInRequest(HttpRequest):
    """A request behind ``login_required``: its user is a person."""

    user: User


TEMPLATE = "performance/spending_page.html"
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


@dataclass(frozen=True)
class MonthLine:
    """One month of the year: spent in the month, spent so far, and the rates against the adjusted budget,
    the project's plan and the time elapsed (all % of the adjusted budget)."""

    month: int
    spent: Decimal | None
    cumulative: Decimal | None
    rate: Decimal | None
    plan: Decimal | None
    time: Decimal

    @property
    def behind_plan(self) -> bool:
        return self.rate is not None and self.plan is not None and self.rate < self.plan


def months_passed(year: int | None, today: dt.date) -> int:
    """How many months of the project's year have begun: all 12 for a past year (or none given), none yet
    for a future one."""
    if year is None or year < today.year:
        return 12
    return today.month if year == today.year else 0


def month_lines(
    steps: list[DomainSpendingStep],
    adjusted: Decimal | None,
    spent_by_month: dict[int, Decimal],
    through: int = 12,
) -> list[MonthLine]:
    """Month by month to December; months after ``through`` (still to come) carry no execution, unless
    something was recorded for them already."""
    last = max([through, *spent_by_month])
    lines = []
    cumulative = _ZERO
    for month in range(1, 13):
        spent = spent_by_month.get(month, _ZERO)
        cumulative += spent
        known = month <= last
        rate = cumulative / adjusted * _HUNDRED if adjusted and known else None
        lines.append(
            MonthLine(
                month=month,
                spent=spent if known else None,
                cumulative=cumulative if known else None,
                rate=rate,
                plan=plan_percent_at(steps, month),
                time=Decimal(month) / 12 * _HUNDRED,
            )
        )
    return lines


def _rounded(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 1))


def _project(request: SignedInRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.restrict(request.user, "view").select_related("unit"), pk=pk)


def _page(
    request: SignedInRequest,
    project: Project,
    *,
    expenditure_form: forms.Form | None = None,
    adjustment_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    # 部门整体: the unit's projects of the year count too (the same scope as the monitoring figures).
    scope = [p.pk for p in money_scope(project)]
    expenditures = list(
        Expenditure.objects.restrict(user, "view")
        .filter(project_id__in=scope)
        .select_related("entered_by", "project")
        .order_by("month", "entered_at", "pk")
    )
    adjustments = list(
        BudgetAdjustment.objects.restrict(user, "view")
        .filter(project_id__in=scope)
        .select_related("entered_by", "project")
        .order_by("entered_at", "pk")
    )
    budget = budget_figures(project)
    spent_by_month: dict[int, Decimal] = {}
    for item in expenditures:
        spent_by_month[item.month] = spent_by_month.get(item.month, _ZERO) + item.amount
    steps = [
        DomainSpendingStep(step.label, step.cumulative_percent)
        for step in SpendingStep.objects.restrict(user, "view").filter(project=project).order_by("order")
    ]
    lines = month_lines(
        steps, budget.adjusted, spent_by_month, months_passed(project.year, timezone.localdate())
    )
    executed = sum(spent_by_month.values(), _ZERO)
    chart = {
        "title": _("累计执行率与支出计划（占调整后预算）"),
        "names": [f"{line.month}月" for line in lines],
        "actual": [_rounded(line.rate) for line in lines],
        "plan": [_rounded(line.plan) for line in lines],
        "time": [_rounded(line.time) for line in lines],
        "actual_label": _("累计执行率（%）"),
        "plan_label": _("计划累计支出（%）"),
        "time_label": _("序时进度（%）"),
    }
    may_change = can(user, "change", project.unit)
    return render(
        request,
        TEMPLATE,
        {
            "project": project,
            "budget": budget,
            "executed": executed,
            "rate": executed / budget.adjusted * _HUNDRED if budget.adjusted else None,
            "lines": lines,
            "chart": chart,
            "has_rates": budget.adjusted is not None and budget.adjusted > 0,
            "has_plan": any(line.plan is not None for line in lines),
            "expenditures": expenditures,
            "adjustments": adjustments,
            "others_counted": len(scope) > 1,
            "may_change": may_change,
            "expenditure_form": expenditure_form or ExpenditureForm(),
            "adjustment_form": adjustment_form or AdjustmentForm(),
        },
        status=status,
    )


@login_required
@require_GET
def spending_page(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, _project(request, pk))


def _refused(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _spending_url(project: Project) -> str:
    return reverse("performance:spending", args=[project.pk])


@login_required
@require_POST
def expenditure_create(request: SignedInRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not can(request.user, "change", project.unit):
        raise PermissionDenied(_("您没有登记该项目支出的权限"))
    form = ExpenditureForm(request.POST)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            do_record_expenditure(
                project,
                data["month"],
                data["amount"],
                fund_source=data["fund_source"],
                kind=data["kind"],
                description=data["description"],
                acting_user=request.user,
                reason=_("在支出页面登记"),
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记%(month)d月支出") % {"month": data["month"]})
            return redirect(_spending_url(project) + "#expenditures")
    return _page(request, project, expenditure_form=form, status=422)


@login_required
@require_POST
def adjustment_create(request: SignedInRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not can(request.user, "change", project.unit):
        raise PermissionDenied(_("您没有调整该项目预算的权限"))
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            do_adjust_budget(
                project,
                data["amount"],
                fund_source=data["fund_source"],
                acting_user=request.user,
                reason=data["reason"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已登记预算调整"))
            return redirect(_spending_url(project) + "#adjustments")
    return _page(request, project, adjustment_form=form, status=422)
