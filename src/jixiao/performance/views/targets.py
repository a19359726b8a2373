"""The target declaration pages: a project declared in a form, its targets edited with the review findings
shown as one types, 送审, the reviewer's grades with approval or return, and adjustments of approved targets.

Every view starts from ``Project.objects.restrict(user, "view")``: what a person may not see answers 404;
what they see but may not change answers 403. Changes go through the actions of ``actions/targets.py`` and
``actions/adjustments.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.domain.forms.model import FormDocument, Location
from jixiao.domain.review import RULES_BY_ID, Finding, Severity, review
from jixiao.domain.targets.grammar import parse_target
from jixiao.domain.targets.model import TargetKind, TargetValue
from jixiao.orgs.permissions import can
from jixiao.performance.actions.adjustments import do_propose_target_adjustment
from jixiao.performance.actions.imports import (
    FormImportError,
    do_approve_target_adjustment,
    do_reject_target_adjustment,
)
from jixiao.performance.actions.targets import (
    EDITABLE,
    ProjectDraft,
    do_create_project,
    do_review_targets,
    do_save_targets,
    do_submit_targets,
    draft_document,
)
from jixiao.performance.choices import (
    AdjustmentStatusChoices,
    HorizonChoices,
    OperatorChoices,
    TargetStatusChoices,
)
from jixiao.performance.forms.targets import (
    AdjustmentDecisionForm,
    GoalsForm,
    ProjectHeaderForm,
    ReviewForm,
    Row,
    drafts,
    rows_from,
)
from jixiao.performance.models import Indicator, Project, TargetAdjustment, TargetAdjustmentLine

SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_NAMES = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
)
_OPERATORS = dict(OperatorChoices.choices)


# --- what the pages show about a target and a finding -------------------------------------------------------


def reading(target: TargetValue) -> str:
    """The typed reading of a target, as a person checks it: ``定量 ≥ 40,000 家``, ``定性``, ``不适用``."""
    if target.kind == TargetKind.NOT_APPLICABLE:
        text = _("不适用（未填写）") if not target.raw.strip() else _("不适用")
    elif target.kind == TargetKind.QUALITATIVE:
        text = _("定性")
        if target.period is not None:
            start, end = target.period.start, target.period.end
            text += f"（{start.year}年{start.month}月—{end.year}年{end.month}月）"
        elif target.date is not None:
            text += f"（{target.date.year}年{target.date.month}月{target.date.day}日）"
    else:
        value = "" if target.value is None else _figure(target.value)
        operator = _OPERATORS.get(str(target.operator), "") if target.operator else ""
        text = f"{_('定量')} {operator} {value} {target.unit or ''}".replace("  ", " ").strip()
    if target.warnings:
        text += _("（读取时有修正，请核对）")
    return text


def _figure(value: Any) -> str:
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def place(location: Location | None) -> str:
    """Where a finding or a read error points, in Chinese: ``第3行``, ``宿州.xlsx，工作表“目标”，第7行，单元格C7``
    (``Location.describe``; a value typed on the web page names no file)."""
    if location is None:
        return _("全表")
    from dataclasses import replace

    from jixiao.performance.actions.targets import WEB_SOURCE

    if location.file == WEB_SOURCE:
        location = replace(location, file="")
    return location.describe() or _("全表")


@dataclass(frozen=True)
class FindingView:
    severity: str
    severity_label: str
    rule: str
    where: str
    message: str


def finding_views(findings: list[Finding]) -> list[FindingView]:
    ordered = sorted(findings, key=lambda f: Severity(f.severity).rank)
    return [
        FindingView(
            severity=str(f.severity),
            severity_label=SEVERITY_LABELS.get(Severity(f.severity), _("提示")),
            rule=RULES_BY_ID[f.rule].title if f.rule in RULES_BY_ID else _("审核规则"),
            where=" ".join(x for x in (place(f.location), f"“{f.indicator}”" if f.indicator else "") if x),
            message=f.message,
        )
        for f in ordered
    ]


def _import_error_text(error: FormImportError) -> str:
    """An import refusal in Chinese: the action's own Chinese message, or what kind of value was refused."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in error.message) and not error.message.isascii():
        letters = sum(ch.isascii() and ch.isalpha() for ch in error.message)
        if letters < len(error.message) / 3:
            return error.message
    return _("表中有无法存储的值（%(field)s），请检查金额、分值和文字长度") % {
        "field": error.field or _("全表")
    }


# --- the editor: shared by the new-project page and the targets page ---------------------------------------


def _readings(rows: list[Row]) -> dict[str, str]:
    return {
        row.key: reading(parse_target(row.target, indicator=row.name or None, level2=row.level2 or None))
        for row in rows
    }


def _editor_context(rows: list[Row], doc: FormDocument | None, errors: list[str]) -> dict[str, Any]:
    findings = finding_views(review(doc)) if doc is not None else []
    return {
        "rows": rows,
        "readings": _readings(rows),
        "findings": findings,
        "row_errors": errors,
        "horizons": HorizonChoices.choices,
        "level1_names": LEVEL1_NAMES,
        "level2_names": LEVEL2_NAMES,
    }


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (bound even when empty, so that its errors show), else ``None``."""
    return request.POST if request.method == "POST" else None


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _visible(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.restrict(request.user, "view").select_related("unit"), pk=pk)


def _stored_rows(project: Project) -> list[Row]:
    indicators = project.indicators.filter(withdrawn=False)
    ordered = sorted(indicators, key=lambda i: (i.order, i.horizon != HorizonChoices.MEDIUM_TERM, i.pk))
    return [Row.of(i) for i in ordered]


def _idents(project: Project) -> set[int]:
    return set(project.indicators.filter(withdrawn=False).values_list("pk", flat=True))


@require_GET
@login_required
def target_row(request: HttpRequest) -> HttpResponse:
    """``/projects/targets/row/``: one empty indicator row (htmx appends it to the table)."""
    horizon = request.GET.get("horizon", HorizonChoices.ANNUAL.value)
    if horizon not in HorizonChoices.values:
        horizon = HorizonChoices.ANNUAL.value
    row = Row.new(horizon)
    return render(
        request,
        "performance/targets_row.html",
        {"row": row, "readings": _readings([row]), "horizons": HorizonChoices.choices},
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """``/projects/new/``: a project declared in a form (a 草稿 of a unit the person may change)."""
    form = ProjectHeaderForm(
        _posted(request), user=request.user, initial={"year": timezone.localdate().year + 1}
    )
    field = form.fields["unit"]
    if not field.queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("您没有可以填报项目的单位"))
    if request.method == "POST":
        rows = rows_from(request.POST, set())
        indicators, errors = drafts(rows)
        if form.is_valid() and not errors:
            try:
                project = do_create_project(
                    form.cleaned_data["unit"], form.draft(), indicators, acting_user=_me(request)
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            except FormImportError as error:
                form.add_error(None, _import_error_text(error))
            else:
                return redirect("web:project", project.pk)
        doc = draft_document(indicators, header=_header_or_blank(form)) if not errors else None
        context = {"form": form, **_editor_context(rows, doc, errors)}
        return render(request, "performance/targets_new.html", context, status=422)
    rows = [Row.new() for _ in range(3)]
    return render(request, "performance/targets_new.html", {"form": form, **_editor_context(rows, None, [])})


def _header_or_blank(form: ProjectHeaderForm) -> ProjectDraft:
    data = getattr(form, "cleaned_data", {}) or {}
    return ProjectDraft(
        name=str(data.get("name") or form.data.get("name") or ""),
        year=int(data.get("year") or 2000),
        goal_annual=str(data.get("goal_annual") or form.data.get("goal_annual") or ""),
        goal_medium_term=str(data.get("goal_medium_term") or form.data.get("goal_medium_term") or ""),
    )


@require_POST
@login_required
def project_new_check(request: HttpRequest) -> HttpResponse:
    """``/projects/new/check/`` (htmx): the review findings and the typed readings of the form as typed."""
    form = ProjectHeaderForm(request.POST, user=request.user)
    if not form.fields["unit"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("您没有可以填报项目的单位"))
    form.is_valid()
    rows = rows_from(request.POST, set())
    indicators, errors = drafts(rows)
    doc = draft_document(indicators, header=_header_or_blank(form))
    return render(request, "performance/targets_check.html", _editor_context(rows, doc, errors))


@require_http_methods(["GET", "POST"])
@login_required
def targets_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """``/projects/<id>/targets/``: edit the targets of a 草稿 or 已退回 declaration; of a submitted or approved
    one, propose an adjustment with a reason (the targets stay as they are until a reviewer approves it)."""
    project = _visible(request, pk)
    if not can(request.user, "change", project.unit):
        raise PermissionDenied(_("您可以查看该项目，但无权修改其绩效目标"))
    adjusting = project.target_status not in EDITABLE
    goals = GoalsForm(
        _posted(request),
        initial={"goal_annual": project.goal_annual, "goal_medium_term": project.goal_medium_term},
    )
    reason = ""
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        rows = rows_from(request.POST, _idents(project))
        indicators, errors = drafts(rows)
        reason = request.POST.get("reason", "").strip()
        if goals.is_valid() and not errors:
            try:
                if adjusting:
                    adjustment = do_propose_target_adjustment(
                        project, indicators, acting_user=_me(request), reason=reason
                    )
                    return redirect("performance:adjustment", project.pk, adjustment.pk)
                header = ProjectDraft(
                    name=project.name,
                    year=project.year or 0,
                    goal_annual=goals.cleaned_data["goal_annual"].strip(),
                    goal_medium_term=goals.cleaned_data["goal_medium_term"].strip(),
                )
                do_save_targets(project, indicators, acting_user=_me(request), header=header)
                return redirect(reverse("web:project", args=[project.pk]) + "#indicators")
            except ValidationError as error:
                errors.append(error.messages[0])
            except FormImportError as error:
                errors.append(_import_error_text(error))
        status = 422
        doc = draft_document(indicators, project=project) if indicators or not rows else None
    else:
        rows = _stored_rows(project)
        doc = draft_document(drafts(rows)[0], project=project)
    context = {
        "project": project,
        "adjusting": adjusting,
        "goals": goals,
        "reason": reason,
        "errors": errors,
        **_editor_context(rows, doc, []),
    }
    return render(request, "performance/targets_edit.html", context, status=status)


@require_POST
@login_required
def targets_check(request: HttpRequest, pk: int) -> HttpResponse:
    """``/projects/<id>/targets/check/`` (htmx): the review findings of the targets as typed, nothing stored."""
    project = _visible(request, pk)
    if not can(request.user, "change", project.unit):
        raise PermissionDenied
    rows = rows_from(request.POST, _idents(project))
    indicators, errors = drafts(rows)
    doc = draft_document(indicators, project=project)
    return render(request, "performance/targets_check.html", _editor_context(rows, doc, errors))


@require_POST
@login_required
def targets_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """``/projects/<id>/targets/submit/``: 送审 (草稿 or 已退回 → 已送审)."""
    project = _visible(request, pk)
    if not can(request.user, "submit", project.unit):
        raise PermissionDenied(_("您无权送审该项目的绩效目标"))
    try:
        do_submit_targets(project, acting_user=_me(request))
    except ValidationError as error:
        return _refused(request, project, error.messages[0])
    return redirect("web:project", project.pk)


def _refused(request: HttpRequest, project: Project, message: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": _("无法完成操作"), "message": message, "back": reverse("web:project", args=[project.pk])},
        status=409,
    )


@require_http_methods(["GET", "POST"])
@login_required
def targets_review(request: HttpRequest, pk: int) -> HttpResponse:
    """``/projects/<id>/targets/review/``: grade 完整性/相关性/适当性/可行性 优/良/中/差 with comments, then
    审核通过 or 退回 (a comment is required to return)."""
    project = _visible(request, pk)
    if not can(request.user, "review", project.unit):
        raise PermissionDenied(_("您无权审核该项目的绩效目标"))
    form = ReviewForm(_posted(request))
    status = 200
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        if form.is_valid():
            try:
                do_review_targets(
                    project,
                    form.grades(),
                    approve=approve,
                    acting_user=_me(request),
                    reason=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return redirect(reverse("web:project", args=[project.pk]) + "#targets")
        status = 422
    rows = _stored_rows(project)
    doc = draft_document(drafts(rows)[0], project=project)
    context = {
        "project": project,
        "form": form,
        "reviewable": project.target_status == TargetStatusChoices.SUBMITTED,
        "rows": rows,
        "readings": _readings(rows),
        "findings": finding_views(review(doc)),
    }
    return render(request, "performance/targets_review.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def adjustment_detail(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """``/projects/<id>/adjustments/<aid>/``: the adjustment as a diff (old → new per indicator) with its
    reason; a reviewer who did not propose it approves or rejects it with a reason."""
    project = _visible(request, pk)
    adjustment = get_object_or_404(
        TargetAdjustment.objects.restrict(request.user, "view")
        .filter(project=project)
        .select_related("batch", "proposed_by", "reviewed_by")
        .prefetch_related(
            Prefetch("lines", queryset=TargetAdjustmentLine.objects.restrict(request.user, "view"))
        ),
        pk=aid,
    )
    may_review = can(request.user, "review", project.unit)
    own = adjustment.proposed_by_id is not None and adjustment.proposed_by_id == request.user.pk
    form = AdjustmentDecisionForm(_posted(request))
    status = 200
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(_("您无权审核目标调整"))
        if form.is_valid():
            act = (
                do_approve_target_adjustment
                if request.POST.get("decision") == "approve"
                else do_reject_target_adjustment
            )
            try:
                act(adjustment, acting_user=_me(request), reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return redirect("performance:adjustment", project.pk, adjustment.pk)
        status = 422
    context = {
        "project": project,
        "adjustment": adjustment,
        "lines": [_line_view(line) for line in adjustment.lines.all()],
        "reason": adjustment.batch.reason if adjustment.batch is not None else "",
        "form": form,
        "may_decide": may_review and not own and adjustment.status == AdjustmentStatusChoices.PROPOSED,
        "own": own,
    }
    return render(request, "performance/targets_adjustment.html", context, status=status)


_FIELD_LABELS = {f.name: str(f.verbose_name) for f in Indicator._meta.concrete_fields}
_FIELD_LABELS.update({f.name: str(f.verbose_name) for f in Project._meta.concrete_fields})
_SHOWN_FIELDS = (
    "level1",
    "level2",
    "name",
    "target_raw",
    "target_kind",
    "target_operator",
    "target_value",
    "target_unit",
    "weight",
    "description",
    "basis",
    "goal_annual",
    "goal_medium_term",
)
_VALUE_LABELS = {
    "target_kind": {"quantitative": "定量", "qualitative": "定性", "not_applicable": "不适用"},
    "target_operator": dict(OperatorChoices.choices),
}


@dataclass(frozen=True)
class LineView:
    change: str
    change_label: str
    subject: str
    old_raw: str
    new_raw: str
    fields: list[tuple[str, str, str]]


def _value_text(name: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    labels = _VALUE_LABELS.get(name)
    if labels is not None:
        return str(labels.get(str(value), "—"))
    return str(value)


def _line_view(line: TargetAdjustmentLine) -> LineView:
    old = line.old if isinstance(line.old, dict) else {}
    new = line.new if isinstance(line.new, dict) else {}
    names = [n for n in _SHOWN_FIELDS if n in old or n in new]
    subject = line.subject
    if subject.isascii():  # a header value of the project, named by its field
        subject = _FIELD_LABELS.get(subject.rsplit(".", 1)[-1], _("项目信息"))
    return LineView(
        change=line.change,
        change_label=line.get_change_display(),
        subject=subject.replace("/", " / "),
        old_raw=line.old_raw,
        new_raw=line.new_raw,
        fields=[
            (_FIELD_LABELS.get(n, n), _value_text(n, old.get(n)), _value_text(n, new.get(n))) for n in names
        ],
    )
