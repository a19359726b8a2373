"""The results grid of a project and period (``/projects/<id>/results/month-7/``): every indicator as a row,
cells filled by typing or by pasting a block from Excel, saved in one POST (all or nothing); evidence files per
result; submit; approve or return (four eyes).

Every view starts from ``restrict(request.user, "view")`` (404 for what a person may not see) and checks the
action's permission on the project's unit (403); every change goes through ``performance.actions.results``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.orgs.permissions import can
from jixiao.performance.actions.results import (
    ResultBatchError,
    ResultEntry,
    do_approve_result,
    do_approve_results,
    do_attach_evidence,
    do_record_results,
    do_remove_evidence,
    do_return_result,
    do_submit_results,
    is_rate,
)
from jixiao.performance.choices import HorizonChoices, PeriodKindChoices, ResultStatusChoices
from jixiao.performance.forms.results import CellReading, grade_words, read_value_cell
from jixiao.performance.guards import lock_covering
from jixiao.performance.models import Evidence, Indicator, PeriodResult, Project
from jixiao.performance.periods import Period


class SignedInRequest(HttpRequest):
    """A request behind ``login_required``: its user is a person."""

    user: User


OPEN = (ResultStatusChoices.DRAFT, ResultStatusChoices.RETURNED)
GRID = "performance/results_grid.html"


# --- periods in addresses ---------------------------------------------------------------------------------


def period_slug(period: Period) -> str:
    """``Period("month", 7)`` → ``month-7`` (the address of its grid)."""
    return f"{period.kind}-{period.index}"


def parse_period(slug: str) -> Period:
    """``month-7``, ``quarter-2``, ``half-1``, ``year-1`` (or ``year``) → the period; anything else is a 404."""
    kind, _sep, number = slug.partition("-")
    if kind == PeriodKindChoices.YEAR and not number:
        number = "1"
    if kind not in PeriodKindChoices.values or not number.isdigit():
        raise Http404(_("没有这个期间"))
    try:
        return Period(kind, int(number))
    except ValueError as error:
        raise Http404(_("没有这个期间")) from error


def all_periods() -> list[Period]:
    """Every period of a year, in the order the grid's period switcher shows them."""
    return [
        *(Period.month(m) for m in range(1, 13)),
        *(Period.quarter(q) for q in range(1, 5)),
        Period.half(1),
        Period.half(2),
        Period.year(),
    ]


def grid_url(project: Project, period: Period) -> str:
    return reverse("performance:results", args=[project.pk, period_slug(period)])


# --- the grid ---------------------------------------------------------------------------------------------


@dataclass
class GridRow:
    """One indicator of the grid: its result (if any), the text in its cells, and what may be done with it."""

    number: int
    indicator: Indicator
    result: PeriodResult | None
    evidence: list[Evidence] = field(default_factory=list)
    typed: str = ""
    narrative: str = ""
    error: str = ""
    editable: bool = False
    reviewable: bool = False
    own: bool = False

    @property
    def status_label(self) -> str:
        if self.result is not None:
            return self.result.get_status_display()
        return _("不适用") if self.not_applicable else _("未填报")

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "empty"

    @property
    def rate(self) -> bool:
        return is_rate(self.indicator)

    @property
    def not_applicable(self) -> bool:
        return self.indicator.target_kind == "not_applicable"

    @property
    def target_text(self) -> str:
        indicator = self.indicator
        if indicator.is_qualitative:
            return indicator.target_raw or _("定性")
        if self.not_applicable:
            return _("不适用")
        operator = indicator.get_target_operator_display() if indicator.target_operator else ""
        if indicator.target_value is None:
            return indicator.target_raw or "—"
        return f"{operator}{plain(indicator.target_value)}{indicator.target_unit}"

    @property
    def shown(self) -> str:
        """The stored result as it reads: ``285/300 = 95.00%``, ``42,000 家``, a grade, or —."""
        return shown_value(self.indicator, self.result)


def plain(number: Decimal) -> str:
    """A number as people write it, with 千分位 and without trailing zeros: ``42000`` → ``42,000``."""
    text = f"{number.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_value(indicator: Indicator, result: PeriodResult | None) -> str:
    if result is None:
        return "—"
    if result.grade:
        return result.get_grade_display()
    if result.has_counts and result.value is not None:
        assert result.numerator is not None
        assert result.denominator is not None
        return (
            f"{plain(result.numerator)}/{plain(result.denominator)} = "
            f"{result.value.quantize(Decimal('0.01')):,.2f}{indicator.target_unit}"
        )
    if result.value is None:
        return "—"
    return f"{plain(result.value)} {indicator.target_unit}".rstrip()


def _cell_text(indicator: Indicator, result: PeriodResult | None) -> str:
    """What the value cell holds for a stored result: the counts of a rate, the number, or the grade."""
    if result is None:
        return ""
    if result.grade:
        return result.get_grade_display()
    if result.has_counts:
        assert result.numerator is not None
        assert result.denominator is not None
        return f"{result.numerator.normalize():f}/{result.denominator.normalize():f}"
    return "" if result.value is None else f"{result.value.normalize():f}"


def _project(request: SignedInRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.restrict(request.user, "view").select_related("unit"), pk=pk)


def _indicators(request: SignedInRequest, project: Project) -> list[Indicator]:
    return list(
        Indicator.objects.restrict(request.user, "view")
        .filter(project=project, horizon=HorizonChoices.ANNUAL, withdrawn=False)
        .order_by("order", "pk")
    )


def _rows(request: SignedInRequest, project: Project, period: Period, locked: bool) -> list[GridRow]:
    user = request.user
    indicators = _indicators(request, project)
    results = {
        r.indicator_id: r
        for r in PeriodResult.objects.restrict(user, "view")
        .filter(indicator__in=[i.pk for i in indicators], period_kind=period.kind, period_index=period.index)
        .select_related("entered_by", "submitted_by", "reviewed_by")
    }
    evidence: dict[int, list[Evidence]] = {}
    for item in (
        Evidence.objects.restrict(user, "view")
        .filter(result__in=[r.pk for r in results.values()])
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    ):
        evidence.setdefault(item.result_id, []).append(item)
    may_change = can(user, "change", project.unit) and not locked
    may_review = can(user, "review", project.unit) and not locked
    rows = []
    for number, indicator in enumerate(indicators, start=1):
        result = results.get(indicator.pk)
        own = result is not None and user.pk in (result.entered_by_id, result.submitted_by_id)
        rows.append(
            GridRow(
                number=number,
                indicator=indicator,
                result=result,
                evidence=evidence.get(result.pk, []) if result is not None else [],
                typed=_cell_text(indicator, result),
                narrative=result.narrative if result is not None else "",
                editable=may_change
                and indicator.target_kind != "not_applicable"
                and (result is None or result.status in OPEN),
                reviewable=may_review
                and result is not None
                and result.status == ResultStatusChoices.SUBMITTED
                and not own,
                own=own,
            )
        )
    return rows


def _context(
    request: SignedInRequest, project: Project, period: Period, rows: list[GridRow]
) -> dict[str, Any]:
    lock = lock_covering(project, period)
    user = request.user
    submittable = [r for r in rows if r.result is not None and r.result.status in OPEN]
    return {
        "project": project,
        "period": period,
        "slug": period_slug(period),
        "periods": [(p, period_slug(p)) for p in all_periods()],
        "rows": rows,
        "lock": lock,
        "may_change": any(r.editable for r in rows),
        "may_submit": can(user, "submit", project.unit) and lock is None and bool(submittable),
        "may_review": any(r.reviewable for r in rows),
        "grades": grade_words(),
        "errors": [r for r in rows if r.error],
        "counts": {
            "total": len(rows),
            "filled": sum(1 for r in rows if r.result is not None),
            "approved": sum(
                1 for r in rows if r.result is not None and r.result.status == ResultStatusChoices.APPROVED
            ),
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def results_grid(request: SignedInRequest, pk: int, period: str) -> HttpResponse:
    """The grid; a POST saves every changed cell through ``do_record_results`` (all or nothing)."""
    project = _project(request, pk)
    chosen = parse_period(period)
    locked = lock_covering(project, chosen) is not None
    rows = _rows(request, project, chosen, locked)
    if request.method == "GET":
        return render(request, GRID, _context(request, project, chosen, rows))
    if not can(request.user, "change", project.unit):
        raise PermissionDenied(_("您没有填报该项目完成情况的权限"))
    if locked:
        messages.error(request, _("该期间已锁定，不能录入或修改"))
        return render(request, GRID, _context(request, project, chosen, rows), status=409)
    entries = _entries(request, chosen, rows)
    if any(r.error for r in rows):
        return render(request, GRID, _context(request, project, chosen, rows), status=422)
    if not entries:
        messages.info(request, _("没有改动的单元格，未保存任何内容"))
        return redirect(grid_url(project, chosen))
    by_pk = {r.indicator.pk: r for r in rows}
    try:
        do_record_results(entries, acting_user=request.user, reason=_("在完成情况表中填报"))
    except ResultBatchError as error:
        for key, message in error.errors.items():
            row = by_pk[key]
            row.error = _("第%(n)d行“%(name)s”：%(message)s") % {
                "n": row.number,
                "name": row.indicator.label,
                "message": message,
            }
        return render(request, GRID, _context(request, project, chosen, rows), status=422)
    messages.success(request, _("已保存%(n)d项完成情况") % {"n": len(entries)})
    return redirect(grid_url(project, chosen))


def _unchanged(row: GridRow, reading: CellReading, narrative: str) -> bool:
    result = row.result
    if result is None:
        return False
    return (
        (
            result.value == reading.value
            if reading.numerator is None
            else (result.numerator, result.denominator) == (reading.numerator, reading.denominator)
        )
        and result.has_counts == (reading.numerator is not None)
        and (result.grade or None) == reading.grade
        and result.narrative == narrative
    )


def _entries(request: SignedInRequest, period: Period, rows: list[GridRow]) -> list[ResultEntry]:
    """Read the posted cells of the editable rows; a cell that cannot be read leaves its error on its row."""
    entries = []
    for row in rows:
        if not row.editable:
            continue
        pk = row.indicator.pk
        if f"value-{pk}" not in request.POST:
            continue  # a row not in this POST is left as it is
        typed = request.POST.get(f"value-{pk}", "")
        narrative = request.POST.get(f"narrative-{pk}", row.narrative).strip()
        row.typed, row.narrative = typed, narrative
        reading = read_value_cell(row.indicator, typed)
        where = {"n": row.number, "name": row.indicator.label}
        if reading.error:
            row.error = _("第%(n)d行“%(name)s”：%(message)s") % {**where, "message": reading.error}
            continue
        if reading.empty:
            if row.result is not None:
                row.error = _("第%(n)d行“%(name)s”：完成值已填报，不能清空；请填写新的值") % where
            elif narrative:
                row.error = _("第%(n)d行“%(name)s”：填写了说明，但没有填写完成值") % where
            continue
        if row.indicator.is_qualitative and not narrative:
            row.error = _("第%(n)d行“%(name)s”：定性指标须填写完成情况说明") % where
            continue
        if _unchanged(row, reading, narrative):
            continue
        entries.append(
            ResultEntry(
                key=pk,
                indicator=row.indicator,
                period=period,
                value=reading.value,
                grade=reading.grade,
                narrative=narrative,
                numerator=reading.numerator,
                denominator=reading.denominator,
            )
        )
    return entries


# --- submit, approve, return ------------------------------------------------------------------------------


@login_required
@require_POST
def results_submit(request: SignedInRequest, pk: int, period: str) -> HttpResponse:
    """Submit the selected results of the period for review (all open ones when none is selected)."""
    project = _project(request, pk)
    chosen = parse_period(period)
    if not can(request.user, "submit", project.unit):
        raise PermissionDenied(_("您没有送审该项目完成情况的权限"))
    open_results = PeriodResult.objects.restrict(request.user, "submit").filter(
        indicator__project=project,
        indicator__withdrawn=False,
        period_kind=chosen.kind,
        period_index=chosen.index,
        status__in=OPEN,
    )
    selected = [int(v) for v in request.POST.getlist("result") if v.isdigit()]
    if selected:
        open_results = open_results.filter(pk__in=selected)
    chosen_results = list(open_results.select_related("indicator").order_by("indicator__order", "pk"))
    if not chosen_results:
        messages.error(request, _("没有可提交的完成情况：请先填报并保存"))
        return redirect(grid_url(project, chosen))
    try:
        do_submit_results(chosen_results, acting_user=request.user, reason=_("提交审核"))
    except ResultBatchError as error:
        labels = {r.pk: r.indicator.label for r in chosen_results}
        for key, message in error.errors.items():
            messages.error(
                request, _("“%(name)s”未能提交：%(message)s") % {"name": labels[key], "message": message}
            )
        messages.error(request, _("本次提交未生效，所有完成情况保持原状"))
        return redirect(grid_url(project, chosen))
    messages.success(request, _("已提交%(n)d项完成情况，等待审核") % {"n": len(chosen_results)})
    return redirect(grid_url(project, chosen))


@login_required
@require_POST
def results_approve(request: SignedInRequest, pk: int, period: str) -> HttpResponse:
    """Approve every submitted result of the period that this reviewer neither entered nor submitted."""
    project = _project(request, pk)
    chosen = parse_period(period)
    if not can(request.user, "review", project.unit):
        raise PermissionDenied(_("您没有审核该项目完成情况的权限"))
    waiting = list(
        PeriodResult.objects.restrict(request.user, "review")
        .filter(
            indicator__project=project,
            indicator__withdrawn=False,
            period_kind=chosen.kind,
            period_index=chosen.index,
            status=ResultStatusChoices.SUBMITTED,
        )
        .exclude(entered_by=request.user)
        .exclude(submitted_by=request.user)
        .select_related("indicator")
        .order_by("indicator__order", "pk")
    )
    if not waiting:
        messages.info(request, _("没有待您审核的完成情况"))
        return redirect(grid_url(project, chosen))
    try:
        do_approve_results(waiting, acting_user=request.user, reason=request.POST.get("reason", "").strip())
    except ResultBatchError as error:
        labels = {r.pk: r.indicator.label for r in waiting}
        for key, message in error.errors.items():
            messages.error(
                request, _("“%(name)s”未能审核通过：%(message)s") % {"name": labels[key], "message": message}
            )
        messages.error(request, _("本次审核未生效，所有完成情况保持原状"))
        return redirect(grid_url(project, chosen))
    messages.success(request, _("已审核通过%(n)d项完成情况") % {"n": len(waiting)})
    return redirect(grid_url(project, chosen))


@login_required
@require_POST
def result_review(request: SignedInRequest, pk: int) -> HttpResponse:
    """Approve (``decision=approve``) or return with a reason (``decision=return``) one submitted result."""
    result = get_object_or_404(
        PeriodResult.objects.restrict(request.user, "view").select_related("indicator__project__unit"), pk=pk
    )
    project = result.indicator.project
    if not can(request.user, "review", project.unit):
        raise PermissionDenied(_("您没有审核该项目完成情况的权限"))
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "").strip()
    where = _("“%(name)s”") % {"name": result.indicator.label}
    try:
        if decision == "approve":
            do_approve_result(result, acting_user=request.user, reason=reason)
            messages.success(request, _("%(what)s已审核通过") % {"what": where})
        elif decision == "return":
            if not reason:
                raise ValidationError(_("退回必须填写原因，填报人将看到该原因"))
            do_return_result(result, acting_user=request.user, reason=reason)
            messages.success(request, _("%(what)s已退回") % {"what": where})
        else:
            raise ValidationError(_("请选择审核通过或退回"))
    except ValidationError as error:
        messages.error(
            request, _("%(what)s：%(message)s") % {"what": where, "message": "；".join(error.messages)}
        )
    return redirect(grid_url(project, result.period) + f"#row-{result.indicator_id}")


# --- evidence ---------------------------------------------------------------------------------------------


def _evidence_cell(
    request: SignedInRequest, result: PeriodResult, error: str = "", status: int = 200
) -> HttpResponse:
    project = result.indicator.project
    locked = lock_covering(project, result.period) is not None
    row = next(
        r for r in _rows(request, project, result.period, locked) if r.result and r.result.pk == result.pk
    )
    return render(
        request,
        f"{GRID}#evidence-cell",
        {"row": row, "evidence_error": error, "project": project},
        status=status,
    )


@login_required
@require_POST
def evidence_upload(request: SignedInRequest, pk: int) -> HttpResponse:
    """Attach one or more files to a result (htmx answers with the row's evidence cell)."""
    result = get_object_or_404(
        PeriodResult.objects.restrict(request.user, "view").select_related("indicator__project__unit"), pk=pk
    )
    project = result.indicator.project
    if not can(request.user, "change", project.unit):
        raise PermissionDenied(_("您没有为该项目上传佐证材料的权限"))
    files = request.FILES.getlist("file")
    error = ""
    if not files:
        error = _("请选择要上传的文件")
    else:
        try:
            for upload in files:
                do_attach_evidence(result, upload, acting_user=request.user, reason=_("上传佐证材料"))
        except ValidationError as refused:
            error = "；".join(refused.messages)
    if getattr(request, "htmx", False):
        # htmx swaps only 2xx answers: the refusal is said inside the cell it concerns.
        return _evidence_cell(request, result, error)
    if error:
        messages.error(request, error)
    return redirect(grid_url(project, result.period) + f"#row-{result.indicator_id}")


@login_required
@require_POST
def evidence_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    """Remove an evidence file from a result that is not yet submitted."""
    item = get_object_or_404(
        Evidence.objects.restrict(request.user, "view").select_related("result__indicator__project__unit"),
        pk=pk,
    )
    result = item.result
    project = result.indicator.project
    if not can(request.user, "change", project.unit):
        raise PermissionDenied(_("您没有删除该项目佐证材料的权限"))
    error = ""
    try:
        do_remove_evidence(item, acting_user=request.user, reason=_("删除佐证材料"))
    except ValidationError as refused:
        error = "；".join(refused.messages)
    if getattr(request, "htmx", False):
        return _evidence_cell(request, result, error)
    if error:
        messages.error(request, error)
    return redirect(grid_url(project, result.period) + f"#row-{result.indicator_id}")
