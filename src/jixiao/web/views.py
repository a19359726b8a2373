"""The pages: sign-in, home, the project list and page, reports and evidence downloads.

Every view starts from ``Model.objects.restrict(request.user, "view")``: what a person may not see answers
404, exactly like what does not exist. The pages only read; changes go through the actions.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from jixiao.domain.forms.model import Location
from jixiao.domain.review import RULES_BY_ID, Finding, Severity, review
from jixiao.performance import models as perf
from jixiao.performance.actions.evaluation import build_self_evaluation
from jixiao.performance.choices import HorizonChoices
from jixiao.performance.documents import target_form
from jixiao.performance.selectors import build_monitoring_snapshot, default_cutoff_month
from jixiao.performance.summary import page_stamp
from jixiao.reports.data import ReportDataError
from jixiao.reports.fonts import FontNotFoundError
from jixiao.web import documents, history, inbox, selectors
from jixiao.web.export import attachment, table_xlsx
from jixiao.web.filtersets import ProjectFilter
from jixiao.web.forms import SignInForm
from jixiao.web.pagecache import kept_page
from jixiao.web.tables import ProjectTable


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


SEVERITY_LABELS = {Severity.ERROR: _("错误"), Severity.WARNING: _("警告"), Severity.INFO: _("提示")}
PER_PAGE = 25


class SignInView(auth_views.LoginView):
    """``/accounts/login/``: 422 with the form again after a failure, 429 while throttled."""

    form_class = SignInForm
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 429 if getattr(form, "throttled", False) else 422
        return response


@require_GET
@login_required
@kept_page("home")
def home(request: HttpRequest) -> HttpResponse:
    cutoff = default_cutoff_month()
    return render(
        request,
        "web/home.html",
        {
            "cutoff": cutoff,
            **selectors.home_data(request.user, cutoff),
            **_inbox_context(request, limit=HOME_INBOX_ITEMS),
        },
    )


HOME_INBOX_ITEMS = 8
INBOX_STEPS = {*(step.name for step in inbox.Step), "OVERDUE"}


def _inbox_context(request: HttpRequest, *, limit: int | None) -> dict[str, Any]:
    """The inbox's tabs and the items of the chosen one (``?step=``), at most ``limit`` of them."""
    items = inbox.items_for(request.user)
    counts = inbox.counts(items)
    step = request.GET.get("step", "")
    step = step if step in INBOX_STEPS else ""
    if step == "OVERDUE":
        chosen = [i for i in items if i.overdue]
    elif step:
        chosen = [i for i in items if i.step.name == step]
    else:
        chosen = items
    tabs = [{"key": "", "label": _("全部"), "count": len(items)}]
    tabs += [{"key": s.name, "label": s.label, "count": counts[s.name]} for s in inbox.Step]
    tabs.append({"key": "OVERDUE", "label": _("逾期"), "count": counts["OVERDUE"]})
    shown = chosen if limit is None else chosen[:limit]
    return {
        "tabs": tabs,
        "step": step,
        "shown": shown,
        "more": len(chosen) - len(shown),
        "compact": limit is not None,
    }


@require_GET
@login_required
@kept_page("inbox")
def inbox_page(request: HtmxHttpRequest) -> HttpResponse:
    """``/inbox/``: everything waiting for this person; an htmx request for one tab gets the list alone."""
    compact = request.htmx and request.GET.get("compact") == "1"
    context = _inbox_context(request, limit=HOME_INBOX_ITEMS if compact else None)
    template = "web/_inbox.html" if request.htmx else "web/inbox.html"
    return render(request, template, context)


@require_GET
@login_required
@kept_page("projects")
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    cutoff = default_cutoff_month()
    scope = selectors.scope_of(request.user, cutoff)
    visible = selectors.fresh_projects(request.user, scope)
    choices = selectors.list_choices(request.user, visible, scope)
    filterset = ProjectFilter(request.GET or None, queryset=visible, user=request.user, choices=choices)
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    table = ProjectTable(selectors.list_rows(projects))
    if request.GET.get("export") == "xlsx":
        tables.RequestConfig(request, paginate=False).configure(table)
        return table_xlsx(table, str(_("项目")), str(_("项目列表")))
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = {
        "filter": filterset,
        "table": table,
        "cutoff": cutoff,
        # Counted once, by the paginator (the header and the page links read the same figure).
        "count": table.paginator.count,
        "query": query.urlencode(),
    }
    template = "web/project_list.html#results" if request.htmx else "web/project_list.html"
    return render(request, template, context)


@dataclass
class IndicatorLine:
    indicator: perf.Indicator
    first_of_level1: bool
    first_of_level2: bool
    light: Any = None
    actual: str = "—"
    findings: list[Finding] = field(default_factory=list)


def _indicator_lines(
    indicators: list[perf.Indicator], findings: dict[int, list[Finding]], snapshot: Any
) -> list[IndicatorLine]:
    by_pk = {row.indicator.pk: row for row in snapshot.rows}
    lines = []
    last1 = last2 = None
    for indicator in indicators:
        line = IndicatorLine(
            indicator,
            first_of_level1=indicator.level1 != last1,
            first_of_level2=(indicator.level1, indicator.level2) != last2,
            findings=findings.get(indicator.pk, []),
        )
        row = by_pk.get(indicator.pk)
        if row is not None:
            line.light = row.light
            unit = indicator.target_unit if isinstance(row.actual, Decimal) else ""
            line.actual = selectors.figure_text(row.actual, unit)
        last1, last2 = indicator.level1, (indicator.level1, indicator.level2)
        lines.append(line)
    return lines


_HORIZON_RANK = {HorizonChoices.MEDIUM_TERM.value: 0, HorizonChoices.ANNUAL.value: 1}


def _findings(
    project: perf.Project, indicators: list[perf.Indicator]
) -> tuple[dict[int, list[Finding]], list[Finding]]:
    """The review of the project's target form, each finding beside the indicator it is about.

    A name can stand in both horizons (中期 and 年度 培训成本), so each indicator of the reviewed form is
    tagged with its row's id as its location (the form is built in stored order, 中期 before 年度 per row).
    """
    form = target_form(project)
    ordered = sorted(indicators, key=lambda i: (i.order, _HORIZON_RANK.get(i.horizon, 2), i.pk))
    tagged = len(ordered) == len(form.indicators)
    if tagged:
        for domain, stored in zip(form.indicators, ordered, strict=True):
            domain.location = Location(file=f"indicator:{stored.pk}")
    by_indicator: dict[int, list[Finding]] = defaultdict(list)
    by_name = {i.name: i.pk for i in ordered if i.name}
    general = []
    for finding in review(form):
        where = finding.location.file if tagged and finding.location is not None else ""
        if where.startswith("indicator:"):
            by_indicator[int(where.removeprefix("indicator:"))].append(finding)
        elif finding.indicator and finding.indicator in by_name:
            by_indicator[by_name[finding.indicator]].append(finding)
        else:
            general.append(finding)
    return by_indicator, general


def _computed_parts(
    project: perf.Project, cutoff: int, indicators: list[perf.Indicator]
) -> tuple[Any, dict[int, list[Finding]], list[Finding], Any]:
    """The project page's computed parts: monitoring snapshot, review findings, self-evaluation.

    Kept in Django's cache under the stamp of the data they are of (``summary.page_stamp``): every change
    that could alter them forgets the project's summary, so the next view computes them again. Only the
    project's own data goes in (the same for everyone who may see the project); the indicator pks the
    findings are keyed by are part of the key.
    """
    pks = ",".join(str(i.pk) for i in indicators)
    key = f"jixiao:project-page:{page_stamp(project, cutoff)}:{hashlib.sha256(pks.encode()).hexdigest()[:16]}"
    parts = cache.get(key)
    if parts is None:
        snapshot = build_monitoring_snapshot(project, cutoff)
        by_indicator, general = _findings(project, indicators)
        parts = (snapshot, dict(by_indicator), general, build_self_evaluation(project))
        cache.set(key, parts)
    return parts


@require_GET
@login_required
@kept_page("project")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = get_object_or_404(selectors.visible_projects(user), pk=pk)
    cutoff = default_cutoff_month()
    indicators = list(
        perf.Indicator.objects.restrict(user, "view")
        .filter(project=project, withdrawn=False)
        .order_by("horizon", "order", "pk")
    )
    snapshot, by_indicator, general, evaluation = _computed_parts(project, cutoff, indicators)
    horizons = [
        (label, _indicator_lines([i for i in indicators if i.horizon == value], by_indicator, snapshot))
        for value, label in (
            (HorizonChoices.ANNUAL, _("年度指标")),
            (HorizonChoices.MEDIUM_TERM, _("中期指标")),
        )
    ]
    results = list(
        perf.PeriodResult.objects.restrict(user, "view")
        .filter(indicator__project=project)
        .select_related("indicator", "entered_by", "reviewed_by")
        .order_by("indicator__horizon", "indicator__order", "period_kind", "period_index")
    )
    evidence: dict[int, list[perf.Evidence]] = defaultdict(list)
    for item in perf.Evidence.objects.restrict(user, "view").filter(result__in=[r.pk for r in results]):
        evidence[item.result_id].append(item)
    stored_evaluation = perf.Evaluation.objects.restrict(user, "view").filter(project=project).first()
    context = {
        "project": project,
        "cutoff": cutoff,
        "snapshot": snapshot,
        "funds": list(
            perf.ProjectFunds.objects.restrict(user, "view").filter(project=project).order_by("horizon")
        ),
        "fund_uses": list(
            perf.FundUse.objects.restrict(user, "view").filter(project=project).order_by("order")
        ),
        "spending_plan": list(
            perf.SpendingStep.objects.restrict(user, "view").filter(project=project).order_by("order")
        ),
        "horizons": [(label, lines) for label, lines in horizons if lines],
        "general_findings": general,
        "finding_count": sum(len(v) for v in by_indicator.values()) + len(general),
        "results": [(r, evidence.get(r.pk, [])) for r in results],
        "evaluation": evaluation,
        "stored_evaluation": stored_evaluation,
        "documents": list(documents.KINDS.values()),
        "history": history.entries(history.project_events(user, project)),
        "severity_labels": SEVERITY_LABELS,
        "rule_titles": {rule_id: rule.title for rule_id, rule in RULES_BY_ID.items()},
    }
    return render(request, "web/project_detail.html", context)


@require_GET
@login_required
def reports(request: HttpRequest) -> HttpResponse:
    projects = selectors.visible_projects(request.user).order_by("unit__path", "-year", "name", "pk")
    search = request.GET.get("q", "").strip()
    for word in search.split():
        projects = projects.filter(
            Q(name__icontains=word) | Q(code__icontains=word) | Q(unit__name__icontains=word)
        )
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/reports.html",
        {"page": page, "q": search, "documents": list(documents.KINDS.values())},
    )


@require_GET
@login_required
def report_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    project = get_object_or_404(selectors.visible_projects(request.user), pk=pk)
    document = documents.KINDS.get(kind)
    if document is None:
        return render(
            request,
            "web/error.html",
            {"title": _("没有这种文档"), "message": _("请从报表页面选择要下载的文档。")},
            status=404,
        )
    try:
        name, content = documents.render(project, document)
    except ReportDataError as error:
        return render(
            request,
            "web/error.html",
            {"title": _("无法生成%(document)s") % {"document": document.title}, "message": str(error)},
            status=409,
        )
    except FontNotFoundError:
        return render(
            request,
            "web/error.html",
            {
                "title": _("无法生成%(document)s") % {"document": document.title},
                "message": _("服务器缺少生成 PDF 所需的中文字体，请联系系统管理员。"),
            },
            status=503,
        )
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = attachment(name)
    return response


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(perf.Evidence.objects.restrict(request.user, "view"), pk=pk)
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    # Stored with its checked type, but always handed over as a download, never shown inline.
    response["Content-Type"] = item.content_type or "application/octet-stream"
    return response
