"""Period locks (``/locks/``): finance locks a period for the projects of units with a reason, lists the locks,
unlocks with a reason, and grants a unit an exception to a locked period until a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import units_for
from jixiao.performance.actions.locks import (
    do_grant_lock_exception,
    do_lock_projects,
    do_revoke_lock_exception,
)
from jixiao.performance.actions.results import do_unlock_period
from jixiao.performance.forms.locks import ExceptionForm, LockForm, parse_period
from jixiao.performance.models import LockException, PeriodLock, Project
from jixiao.performance.views._common import forbidden, form_errors, messages_of

PER_PAGE = 200


def _finance_units(user: Any) -> Any:
    with_projects = Project.objects.restrict(user, "finance").values("unit")
    return Unit.objects.unrestricted().filter(pk__in=with_projects).order_by("path")


def _page(
    request: HttpRequest,
    *,
    errors: list[str] | None = None,
    lock_form: LockForm | None = None,
    exception_form: ExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    units = _finance_units(user)
    finance_units = set(units_for(user, "finance").values_list("pk", flat=True))
    latest = Project.objects.restrict(user, "view").exclude(year=None).order_by("-year")
    year = latest.values_list("year", flat=True).first() or timezone.localdate().year
    locks = list(
        PeriodLock.objects.restrict(user, "view")
        .select_related("project__unit")
        .order_by("project__unit__path", "project__name", "period_kind", "period_index")[:PER_PAGE]
    )
    exceptions = list(
        LockException.objects.restrict(user, "view").select_related("unit").order_by("-granted_at")
    )
    now = timezone.now()
    context = {
        "locks": [(lock, lock.project.unit_id in finance_units) for lock in locks],
        "exceptions": [(e, e.active(now), e.unit_id in finance_units) for e in exceptions],
        "may_lock": units.exists(),
        "lock_form": lock_form or LockForm(units=units, initial={"year": year}),
        "exception_form": exception_form
        or ExceptionForm(units=units, initial={"expires_on": timezone.localdate() + dt.timedelta(days=7)}),
        "errors": errors or [],
        "limit": PER_PAGE,
    }
    return render(request, "performance/locks_page.html", context, status=status)


@require_GET
@login_required
def locks_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@login_required
def lock_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = _finance_units(user)
    if not units.exists():
        return forbidden(request, PermissionDenied("只有财政部门可以锁定期间"))
    form = LockForm(request.POST, units=units)
    if not form.is_valid():
        return _page(request, errors=form_errors(form), lock_form=form, status=422)
    data = form.cleaned_data
    paths = [u.path for u in data["units"]]
    query = Q()
    for path in paths:
        query |= Q(unit__path__startswith=path)
    projects = (
        Project.objects.restrict(user, "finance")
        .filter(query)
        .filter(Q(year=data["year"]) | Q(year__isnull=True))
    )
    try:
        do_lock_projects(projects, parse_period(data["period"]), acting_user=user, reason=data["reason"])
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _page(request, errors=messages_of(error), lock_form=form, status=422)
    return redirect("performance:locks")


@require_POST
@login_required
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    lock = get_object_or_404(
        PeriodLock.objects.restrict(request.user, "view").select_related("project__unit"), pk=pk
    )
    try:
        do_unlock_period(lock, acting_user=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _page(request, errors=messages_of(error), status=422)
    return redirect("performance:locks")


@require_POST
@login_required
def exception_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = _finance_units(user)
    if not units.exists():
        return forbidden(request, PermissionDenied("只有财政部门可以开通锁定例外"))
    form = ExceptionForm(request.POST, units=units)
    if not form.is_valid():
        return _page(request, errors=form_errors(form), exception_form=form, status=422)
    data = form.cleaned_data
    # Until the end of the chosen day, Beijing time.
    end = timezone.make_aware(dt.datetime.combine(data["expires_on"] + dt.timedelta(days=1), dt.time()))
    try:
        do_grant_lock_exception(
            data["unit"], parse_period(data["period"]), end, acting_user=user, reason=data["reason"]
        )
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _page(request, errors=messages_of(error), exception_form=form, status=422)
    return redirect("performance:locks")


@require_POST
@login_required
def exception_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(LockException.objects.restrict(request.user, "view"), pk=pk)
    try:
        do_revoke_lock_exception(found, acting_user=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _page(request, errors=messages_of(error), status=422)
    return redirect("performance:locks")
