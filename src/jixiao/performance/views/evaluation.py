"""The year-end self-evaluation of a project (绩效自评) and its rectification items (整改).

``/projects/<id>/evaluation/`` shows the scores computed from the records, each with its explanation; the
unit writes its texts and deviation analyses; a reviewer lowers an over-achieving score with a reason (the
rule's score and the new one shown side by side), finalises (refused, with the review errors listed, while
errors remain unless overridden with a reason) or reopens with a reason, and opens rectification items that
the unit answers with text and evidence files and the reviewer accepts or sends back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jixiao.performance.actions.evaluation import (
    build_self_evaluation,
    do_adjust_indicator_score,
    do_finalise_evaluation,
    do_record_evaluation_line,
    do_reopen_evaluation,
    do_update_evaluation,
    evaluation_indicators,
    review_errors,
)
from jixiao.performance.actions.rectification import (
    do_accept_rectification,
    do_answer_rectification,
    do_attach_rectification_evidence,
    do_open_rectification,
    do_return_rectification,
)
from jixiao.performance.choices import EvaluationStatusChoices, RectificationStatusChoices
from jixiao.performance.forms.evaluation import (
    AdjustForm,
    AnswerForm,
    FinaliseForm,
    RectificationForm,
    TextsForm,
)
from jixiao.performance.models import (
    Evaluation,
    EvaluationLine,
    Project,
    RectificationEvidence,
    RectificationItem,
)
from jixiao.performance.views._common import can, forbidden, form_errors, messages_of, visible_project
from jixiao.performance.workflows import EVALUATION_WORKFLOW
from jixiao.web.selectors import figure_text

_ANSWERABLE = (RectificationStatusChoices.OPEN, RectificationStatusChoices.RETURNED)


def _page(
    request: HttpRequest,
    project: Project,
    *,
    errors: list[str] | None = None,
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    user: Any = request.user
    stored = Evaluation.objects.restrict(user, "view").filter(project=project).first()
    state = stored.status if stored is not None else EvaluationStatusChoices.DRAFT
    final = state == EvaluationStatusChoices.FINALISED
    scored = build_self_evaluation(project)
    indicators = evaluation_indicators(project)
    lines = {
        line.indicator_id: line
        for line in EvaluationLine.objects.restrict(user, "view")
        .filter(evaluation__project=project)
        .select_related("adjusted_by")
    }
    rows = []
    for indicator, result in zip(indicators, scored.indicators, strict=True):
        score = result.score
        actual = result.row.actual
        unit = indicator.target_unit if isinstance(actual, Decimal) else ""
        rows.append(
            {
                "indicator": indicator,
                "score": score,
                "actual": figure_text(actual, unit),
                "line": lines.get(indicator.pk),
                "rule_score": score.rule_value if score.adjustment is not None else score.value,
                "adjustable": score.over_achievement and score.value is not None,
            }
        )
    may_review = can(request, "review", project)
    may_change = can(request, "change", project)
    items = list(
        RectificationItem.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("opened_by", "answered_by", "reviewed_by")
        .order_by("opened_at", "pk")
    )
    files: dict[int, list[RectificationEvidence]] = {}
    for item in RectificationEvidence.objects.restrict(user, "view").filter(item__in=items):
        files.setdefault(item.item_id, []).append(item)
    given = forms or {}
    context = {
        "project": project,
        "stored": stored,
        "state": state,
        "state_label": EVALUATION_WORKFLOW.state_label(state),
        "final": final,
        "kept": (stored.scores or {}) if final and stored is not None else {},
        "scored": scored,
        "rows": rows,
        "review_errors": review_errors(project),
        "may_review": may_review and not final,
        "may_reopen": may_review and final,
        "may_change": may_change and not final,
        "may_open_items": may_review,
        "may_answer": may_change,
        "errors": errors or [],
        "texts_form": given.get("texts")
        or TextsForm(
            initial={
                name: getattr(stored, name, "")
                for name in ("conclusion", "problems", "improvements", "budget_explanation")
            }
        ),
        "finalise_form": given.get("finalise") or FinaliseForm(),
        "item_form": given.get("item") or RectificationForm(),
        "items": [(i, files.get(i.pk, []), i.status in _ANSWERABLE) for i in items],
        "today": timezone.localdate(),
    }
    return render(request, "performance/evaluation_page.html", context, status=status)


@require_GET
@login_required
def evaluation_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, visible_project(request, pk))


def _act(request: HttpRequest, project: Project, call: Any, **forms: Any) -> HttpResponse:
    """Run an action: back to the page on success (PRG), the page with the errors (422) or 403 otherwise."""
    try:
        call()
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        return _page(request, project, errors=messages_of(error), status=422, forms=forms)
    return redirect("performance:evaluation", pk=project.pk)


@require_POST
@login_required
def save_texts(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    if not can(request, "change", project):
        return forbidden(request, PermissionDenied("您无权填写该项目的绩效自评"))
    form = TextsForm(request.POST)
    if not form.is_valid():
        return _page(request, project, errors=form_errors(form), status=422, forms={"texts": form})
    user: Any = request.user

    def call() -> None:
        with transaction.atomic():
            do_update_evaluation(project, **form.cleaned_data, acting_user=user)
            for indicator in evaluation_indicators(project):
                text = request.POST.get(f"analysis-{indicator.pk}")
                if text is None:
                    continue
                line = EvaluationLine.objects.unrestricted().filter(
                    evaluation__project=project, indicator=indicator
                )
                before = line.values_list("deviation_analysis", flat=True).first() or ""
                if text.strip() != before:
                    do_record_evaluation_line(indicator, deviation_analysis=text, acting_user=user)

    return _act(request, project, call, texts=form)


@require_POST
@login_required
def adjust_score(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    project = visible_project(request, pk)
    if not can(request, "review", project):
        return forbidden(request, PermissionDenied("只有审核人可以调整得分"))
    target = get_object_or_404(project.indicators.filter(horizon="annual", withdrawn=False), pk=indicator)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        return _page(
            request, project, errors=[f"“{target.label}”：{e}" for e in form_errors(form)], status=422
        )
    data = form.cleaned_data
    return _act(
        request,
        project,
        lambda: do_adjust_indicator_score(
            target, data["score"], acting_user=cast(Any, request.user), reason=data["reason"]
        ),
    )


@require_POST
@login_required
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    if not can(request, "review", project):
        return forbidden(request, PermissionDenied("只有审核人可以定稿"))
    form = FinaliseForm(request.POST)
    form.is_valid()
    override = form.cleaned_data.get("override_reason", "")
    return _act(
        request,
        project,
        lambda: do_finalise_evaluation(
            project, acting_user=cast(Any, request.user), override_reason=override
        ),
        finalise=form,
    )


@require_POST
@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    if not can(request, "review", project):
        return forbidden(request, PermissionDenied("只有审核人可以重新打开绩效自评"))
    reason = request.POST.get("reason", "")
    return _act(
        request,
        project,
        lambda: do_reopen_evaluation(project, acting_user=cast(Any, request.user), reason=reason),
    )


@require_POST
@login_required
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    project = visible_project(request, pk)
    if not can(request, "review", project):
        return forbidden(request, PermissionDenied("您无权下达整改"))
    form = RectificationForm(request.POST)
    if not form.is_valid():
        return _page(request, project, errors=form_errors(form), status=422, forms={"item": form})
    return _act(
        request,
        project,
        lambda: do_open_rectification(project, **form.cleaned_data, acting_user=cast(Any, request.user)),
        item=form,
    )


def _item(request: HttpRequest, pk: int) -> RectificationItem:
    return get_object_or_404(
        RectificationItem.objects.restrict(request.user, "view").select_related("project__unit"), pk=pk
    )


@require_POST
@login_required
def answer_item(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's answer with its evidence files: stored together, or (a file refused) nothing at all."""
    item = _item(request, pk)
    project = item.project
    if not can(request, "submit", project):
        return forbidden(request, PermissionDenied("您无权反馈整改"))
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, project, errors=form_errors(form), status=422)
    user: Any = request.user

    def call() -> None:
        with transaction.atomic():
            for upload in request.FILES.getlist("files"):
                do_attach_rectification_evidence(item, upload, acting_user=user)
            do_answer_rectification(item, answer=form.cleaned_data["answer"], acting_user=user)

    return _act(request, project, call)


@require_POST
@login_required
def review_item(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    item = _item(request, pk)
    user: Any = request.user
    if verb not in ("accepted", "returned"):
        raise Http404("no such step")
    if not can(request, "review", item.project):
        return forbidden(request, PermissionDenied("只有审核人可以审核整改反馈"))
    reason = request.POST.get("reason", "")
    if verb == "accepted":
        return _act(
            request, item.project, lambda: do_accept_rectification(item, acting_user=user, reason=reason)
        )
    if verb == "returned":
        return _act(
            request, item.project, lambda: do_return_rectification(item, acting_user=user, reason=reason)
        )
    raise Http404("no such step")


@require_GET
@login_required
def item_evidence(request: HttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(RectificationEvidence.objects.restrict(request.user, "view"), pk=pk)
    response = FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)
    response["Content-Type"] = found.content_type or "application/octet-stream"
    return response
