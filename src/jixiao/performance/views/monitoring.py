"""The monitoring round of a project (运行监控, 1–N月) and finance's monitoring tasks.

``/projects/<id>/monitoring/<cutoff>/`` shows the 运行监控表 computed from the records (budget execution,
approved results) beside what the unit enters per indicator (偏差原因, 完成目标可能性, 纠偏措施); 送审, 审核通过
and 退回 go through ``ROUND_WORKFLOW``. ``/monitoring/tasks/`` lists the tasks finance issued with each unit's
progress; ``/monitoring/tasks/new/`` issues one to many units at once.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import units_for
from jixiao.performance.actions.monitoring import (
    do_approve_monitoring_round,
    do_record_budget_forecast,
    do_record_monitoring_entry,
    do_return_monitoring_round,
    do_submit_monitoring_round,
    round_problems,
)
from jixiao.performance.actions.tasks import do_issue_monitoring_task
from jixiao.performance.choices import (
    DeviationCategoryChoices,
    GradeChoices,
    LikelihoodChoices,
    RoundStatusChoices,
    TargetKindChoices,
)
from jixiao.performance.forms.monitoring import BudgetForecastForm, ReasonForm, TaskForm
from jixiao.performance.guards import lock_state
from jixiao.performance.models import MonitoringAssignment, MonitoringRound, MonitoringTask, Project
from jixiao.performance.periods import Period
from jixiao.performance.selectors import build_monitoring_snapshot, default_cutoff_month
from jixiao.performance.views._common import can, forbidden, form_errors, messages_of, visible_project
from jixiao.performance.workflows import ROUND_WORKFLOW
from jixiao.performance.year_selectors import deadline_for, target_projects, task_progress
from jixiao.web.selectors import figure_text

_WAN = Decimal(10000)
_CENT = Decimal("0.01")
_EDITABLE = (RoundStatusChoices.DRAFT, RoundStatusChoices.RETURNED)


def _check_cutoff(cutoff: int) -> None:
    if not 1 <= cutoff <= 12:
        raise Http404("no such month")


@require_GET
@login_required
def round_default(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    return redirect("performance:monitoring", pk=project.pk, cutoff=default_cutoff_month())


def _stored_round(project: Project, cutoff: int, user: Any) -> MonitoringRound | None:
    return MonitoringRound.objects.restrict(user, "view").filter(project=project, cutoff_month=cutoff).first()


def _rows(snapshot: Any, posted: Any) -> list[dict[str, Any]]:
    rows = []
    for row in snapshot.rows:
        indicator = row.indicator
        if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        key = indicator.pk
        quantitative = indicator.target_kind == TargetKindChoices.QUANTITATIVE
        unit = indicator.target_unit if isinstance(row.actual, Decimal) else ""
        forecast_unit = indicator.target_unit if isinstance(row.forecast, Decimal) else ""
        entered_forecast = "" if row.forecast_is_projection else row.forecast
        if isinstance(entered_forecast, Decimal):
            entered_forecast = f"{entered_forecast.normalize():f}"
        elif entered_forecast:
            entered_forecast = getattr(entered_forecast, "value", "")
        values = {
            "category": row.deviation_category,
            "reason": row.deviation_reason,
            "likelihood": row.likelihood,
            "measures": row.corrective_measures,
            "forecast": entered_forecast or "",
        }
        if posted is not None:
            values = {name: posted.get(f"{name}-{key}", value) for name, value in values.items()}
        rows.append(
            {
                "row": row,
                "indicator": indicator,
                "key": key,
                "quantitative": quantitative,
                "actual": figure_text(row.actual, unit),
                "forecast_text": figure_text(row.forecast, forecast_unit),
                **values,
            }
        )
    return rows


def _page(
    request: HttpRequest,
    project: Project,
    cutoff: int,
    *,
    errors: list[str] | None = None,
    posted: Any = None,
    status: int = 200,
    budget_form: BudgetForecastForm | None = None,
) -> HttpResponse:
    user = request.user
    snapshot = build_monitoring_snapshot(project, cutoff)
    stored = _stored_round(project, cutoff, user)
    state = stored.status if stored is not None else RoundStatusChoices.DRAFT
    lock, exception = lock_state(project, Period.month(cutoff))
    may_change = can(request, "change", project) and lock is None and state in _EDITABLE
    edges = [e for e in ROUND_WORKFLOW.verbs_from(state) if can(request, e.action, project)]
    if lock is not None:
        edges = []
    verbs = [e.verb.value.rsplit(".", 1)[1] for e in edges]
    if budget_form is None:
        forecast = stored.budget_forecast if stored is not None else None
        budget_form = BudgetForecastForm(
            initial={
                "amount": f"{(forecast / _WAN).normalize():f}" if forecast is not None else None,
                "note": stored.budget_note if stored is not None else "",
            }
        )
    context = {
        "project": project,
        "cutoff": cutoff,
        "months": range(1, 13),
        "snapshot": snapshot,
        "round": stored,
        "state": state,
        "state_label": ROUND_WORKFLOW.state_label(state),
        "rows": _rows(snapshot, posted),
        "lock": lock,
        "exception": exception,
        "may_change": may_change,
        "edges": verbs,
        "problems": round_problems(project, cutoff) if may_change or "submitted" in verbs else [],
        "errors": errors or [],
        "task": deadline_for(project, cutoff, user),
        "today": timezone.localdate(),
        "budget_form": budget_form,
        "return_form": ReasonForm(),
        "categories": DeviationCategoryChoices.choices,
        "likelihoods": LikelihoodChoices.choices,
        "grades": GradeChoices.choices,
    }
    return render(request, "performance/monitoring_round.html", context, status=status)


@require_GET
@login_required
def round_page(request: HttpRequest, pk: int, cutoff: int) -> HttpResponse:
    _check_cutoff(cutoff)
    return _page(request, visible_project(request, pk), cutoff)


def _forecast(indicator: Any, text: str) -> dict[str, Any]:
    text = text.strip().replace(",", "").replace("，", "")
    if indicator.target_kind == TargetKindChoices.QUALITATIVE:
        if text and text not in GradeChoices.values:
            raise ValidationError(f"“{indicator.label}”的全年预计完成等级无效")
        return {"forecast_grade": text}
    if not text:
        return {"forecast_value": None}
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"“{indicator.label}”的全年预计完成值“{text}”不是数字") from None
    return {"forecast_value": value}


@require_POST
@login_required
def save_entries(request: HttpRequest, pk: int, cutoff: int) -> HttpResponse:
    """Every indicator's entry in one form: stored together, or (if one row is refused) none of them."""
    _check_cutoff(cutoff)
    project = visible_project(request, pk)
    if not can(request, "change", project):
        return forbidden(request, PermissionDenied("您无权填报该项目的运行监控"))
    snapshot = build_monitoring_snapshot(project, cutoff)
    errors: list[str] = []
    with transaction.atomic():
        for row in _rows(snapshot, None):
            indicator, key = row["indicator"], row["key"]
            given = {
                name: request.POST.get(f"{name}-{key}", "")
                for name in ("category", "reason", "likelihood", "measures", "forecast")
            }
            if all(str(given[n]).strip() == str(row[n]).strip() for n in given):
                continue
            try:
                with transaction.atomic():
                    do_record_monitoring_entry(
                        indicator,
                        cutoff,
                        **_forecast(indicator, given["forecast"]),
                        deviation_category=given["category"],
                        deviation_reason=given["reason"],
                        likelihood=given["likelihood"],
                        corrective_measures=given["measures"],
                        acting_user=request.user,  # type: ignore[arg-type]
                    )
            except ValidationError as error:
                errors.extend(messages_of(error))
        if errors:
            transaction.set_rollback(True)
    if errors:
        return _page(request, project, cutoff, errors=errors, posted=request.POST, status=422)
    return redirect("performance:monitoring", pk=project.pk, cutoff=cutoff)


@require_POST
@login_required
def save_budget(request: HttpRequest, pk: int, cutoff: int) -> HttpResponse:
    _check_cutoff(cutoff)
    project = visible_project(request, pk)
    if not can(request, "change", project):
        return forbidden(request, PermissionDenied("您无权填报该项目的运行监控"))
    form = BudgetForecastForm(request.POST)
    if not form.is_valid():
        return _page(request, project, cutoff, errors=form_errors(form), budget_form=form, status=422)
    amount = form.cleaned_data["amount"]
    yuan = (amount * _WAN).quantize(_CENT, ROUND_HALF_UP) if amount is not None else None
    try:
        do_record_budget_forecast(
            project,
            cutoff,
            yuan,
            note=form.cleaned_data["note"],
            acting_user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        return _page(request, project, cutoff, errors=messages_of(error), budget_form=form, status=422)
    return redirect("performance:monitoring", pk=project.pk, cutoff=cutoff)


@require_POST
@login_required
def move_round(request: HttpRequest, pk: int, cutoff: int, verb: str) -> HttpResponse:
    """送审 (submit), 审核通过 (approve) or 退回 (return, with a reason)."""
    _check_cutoff(cutoff)
    if verb not in ("submitted", "approved", "returned"):
        raise Http404("no such step")
    project = visible_project(request, pk)
    user: Any = request.user
    if not can(request, "submit" if verb == "submitted" else "review", project):
        return forbidden(request, PermissionDenied("您无权进行此操作"))
    try:
        if verb == "submitted":
            do_submit_monitoring_round(project, cutoff, acting_user=user)
        else:
            stored = _stored_round(project, cutoff, user)
            if stored is None:
                raise ValidationError("该运行监控尚未送审")
            if verb == "approved":
                do_approve_monitoring_round(stored, acting_user=user)
            else:
                do_return_monitoring_round(stored, acting_user=user, reason=request.POST.get("reason", ""))
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _page(request, project, cutoff, errors=messages_of(error), status=422)
    return redirect("performance:monitoring", pk=project.pk, cutoff=cutoff)


# --- finance's monitoring tasks ------------------------------------------------------------------------------


def _task_units(user: Any) -> Any:
    """Units finance may ask for a round: those it acts on as finance that hold projects."""
    with_projects = Project.objects.restrict(user, "finance").values("unit")
    return Unit.objects.unrestricted().filter(pk__in=with_projects).order_by("path")


@require_GET
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    tasks = list(MonitoringTask.objects.restrict(user, "view").order_by("-issued_at", "-pk"))
    mine = list(
        MonitoringAssignment.objects.restrict(user, "view")
        .select_related("task", "unit")
        .order_by("task__deadline", "unit__path")
    )
    return render(
        request,
        "performance/monitoring_tasks.html",
        {
            "tasks": [(t, task_progress(t, user)) for t in tasks],
            "assignments": mine,
            "may_issue": units_for(user, "finance").exists(),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = _task_units(user)
    if not units.exists():
        return forbidden(request, PermissionDenied("只有财政部门可以下发运行监控任务"))
    years = Project.objects.restrict(user, "finance").exclude(year=None).order_by("-year")
    latest = years.values_list("year", flat=True).first() or timezone.localdate().year
    form = TaskForm(
        request.POST or None, units=units, initial={"year": latest, "cutoff_month": default_cutoff_month()}
    )
    errors: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = do_issue_monitoring_task(
                    list(data["units"]),
                    year=data["year"],
                    cutoff_month=data["cutoff_month"],
                    deadline=data["deadline"],
                    note=data["note"],
                    acting_user=user,
                )
            except PermissionDenied as error:
                return forbidden(request, error)
            except ValidationError as error:
                errors = messages_of(error)
            else:
                return redirect(reverse("performance:monitoring_task", args=[task.pk]))
        else:
            errors = form_errors(form)
    return render(
        request,
        "performance/monitoring_task_new.html",
        {"form": form, "errors": errors},
        status=422 if errors else 200,
    )


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    visible = MonitoringTask.objects.restrict(user, "view").filter(pk=pk)
    task = visible.first()
    if task is None:
        # A unit sees the task it was asked to fill, through its assignment.
        assignment = (
            MonitoringAssignment.objects.restrict(user, "view")
            .select_related("task")
            .filter(task_id=pk)
            .first()
        )
        if assignment is None:
            raise Http404("no such task")
        task = assignment.task
    progress = task_progress(task, user)
    paths = [p.assignment.unit.path for p in progress]
    projects = [
        p
        for p in target_projects(user, task.year).select_related("unit").order_by("unit__path", "name")
        if any(p.unit.path.startswith(path) for path in paths)
    ]
    statuses = dict(
        MonitoringRound.objects.restrict(user, "view")
        .filter(project__in=projects, cutoff_month=task.cutoff_month)
        .values_list("project_id", "status")
    )
    return render(
        request,
        "performance/monitoring_task_detail.html",
        {
            "task": task,
            "progress": progress,
            "projects": [
                (p, ROUND_WORKFLOW.state_label(statuses.get(p.pk, RoundStatusChoices.DRAFT)))
                for p in projects
            ],
            "today": timezone.localdate(),
        },
    )
