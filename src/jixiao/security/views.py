"""The security staff's pages (安全值守): live board, asset registry, findings triage, notices and the units'
answers, security warnings with read confirmations, incidents on the clock, monthly reports, the indicators.

Every view starts from ``Model.objects.restrict(request.user, action)``: what a person may not see answers 404;
a change the person may not make answers 403. Every change goes through an action (``security.actions``);
after a successful POST the page redirects (PRG); a refused change shows its reason in Chinese and changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.audit.models import AuditEvent
from jixiao.domain.probes.catalog import explain
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import can, units_for, unrestricted_actor
from jixiao.performance.models import Indicator
from jixiao.security import indicators as security_indicators
from jixiao.security.actions import advisories, assets, findings, incidents, monthly, notices
from jixiao.security.board import poll as board_poll
from jixiao.security.choices import (
    ACTIVE_FINDING_STATUSES,
    IncidentClassChoices,
    IncidentStatusChoices,
    NoticeStatusChoices,
    SeverityChoices,
    WarningStatusChoices,
)
from jixiao.security.filtersets import AssetFilter, FindingFilter, board_filter
from jixiao.security.forms import (
    AnswerForm,
    AssetForm,
    ImportForm,
    NoticeForm,
    ReasonForm,
    ReportForm,
    TriageForm,
    WarningForm,
)
from jixiao.security.models import (
    Asset,
    Finding,
    Incident,
    MonthlyReport,
    Notice,
    NoticeEvidence,
    SecurityWarning,
    WarningReceipt,
)
from jixiao.security.registry import RegistryRow, read_registry
from jixiao.security.selectors import hours
from jixiao.security.tables import AssetTable, FindingTable, NoticeTable
from jixiao.web.export import attachment
from jixiao.workdays.selectors import deadline_after

PER_PAGE = 25
SEVERITY_ORDER = list(SeverityChoices.values)


def me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _error(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def _refused(request: HttpRequest, error: Exception) -> HttpResponse:
    """A refused change: 403 for a permission, 422 for anything the action would not do; nothing changed."""
    if isinstance(error, PermissionDenied):
        return _error(request, _("无权操作"), str(error) or _("您没有这项操作的权限。"), 403)
    messages = getattr(error, "messages", None) or [str(error)]
    return _error(request, _("操作未完成"), "；".join(str(m) for m in messages), 422)


def _may(user: Any, action: str, unit: Unit) -> bool:
    return can(user, action, unit)  # type: ignore[arg-type]


M = TypeVar("M", bound=Model)


def _visible(request: HttpRequest, model: type[M], pk: int, *related: str) -> M:
    """The row ``pk`` of ``model`` if the person may see it (``restrict(user, "view")``), else 404."""
    manager = cast(Any, model).objects  # the unit-scoped manager (``restrict``)
    return cast(M, get_object_or_404(manager.restrict(request.user, "view").select_related(*related), pk=pk))


def _step(
    request: HttpRequest,
    obj: Any,
    action: Callable[..., object] | None,
    *,
    unit: Unit,
    permission: str,
    refusal: str,
    page: str,
    no_reason: str | Callable[[], HttpResponse],
) -> HttpResponse:
    """One step with a reason on an object the person sees (already loaded through ``restrict()``).

    The person must hold ``permission`` on ``unit`` (403 with ``refusal``); an unknown step (``action`` None)
    answers 404; a missing reason answers 422, with the message ``no_reason`` or the page it renders; then
    ``action(obj, acting_user=…, reason=…)`` runs: a refusal shows its reason and changes nothing, success
    redirects to the object's page ``page`` (PRG).
    """
    if not _may(request.user, permission, unit):
        raise PermissionDenied(refusal)
    if action is None:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        if callable(no_reason):
            return no_reason()
        return _error(request, _("操作未完成"), no_reason, 422)
    try:
        action(obj, acting_user=me(request), reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as error:
        return _refused(request, error)
    return HttpResponseRedirect(reverse(page, args=[obj.pk]))


def security_units(user: Any) -> Any:
    return units_for(user, "security")


def registry_units(user: Any) -> Any:
    """Units whose assets the person may register: own (``change``) or as the office (``security``)."""
    if unrestricted_actor(user):
        return Unit.objects.unrestricted()
    keys = {*units_for(user, "change").values_list("pk", flat=True)}
    keys |= set(units_for(user, "security").values_list("pk", flat=True))
    return Unit.objects.unrestricted().filter(pk__in=keys)


def is_security_staff(user: Any) -> bool:
    return bool(unrestricted_actor(user) or security_units(user).exists())


# --- the live board ---------------------------------------------------------------------------------------


@require_GET
@login_required
def board(request: HttpRequest) -> HttpResponse:
    context = {"filter": board_filter(request.user, request.GET), **board_poll(request.user, request.GET)}
    return render(request, "security/board.html", context)


@require_GET
@login_required
def board_partial(request: HttpRequest) -> HttpResponse:
    """What htmx polls every 15 s: the live part alone, rendered without the page's context processors (the
    top bar is not in it), from the shared snapshot (``security.board.poll``)."""
    return HttpResponse(render_to_string("security/board.html#live", board_poll(request.user, request.GET)))


# --- assets -----------------------------------------------------------------------------------------------


@require_GET
@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    filterset = AssetFilter(
        request.GET or None,
        queryset=Asset.objects.restrict(request.user, "view").select_related("owner", "state"),
        user=request.user,
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    table = AssetTable(queryset)
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "security/asset_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": queryset.count(),
            "may_register": registry_units(request.user).exists(),
        },
    )


def _asset_initial(asset: Asset) -> dict[str, Any]:
    return {
        "name": asset.name,
        "kind": asset.kind,
        "owner": asset.owner_id,
        "url": asset.url,
        "extra_urls": "\n".join(asset.extra_urls or []),
        "tags": "、".join(asset.tags or []),
        "category": asset.category,
        "importance": asset.importance,
        "schedule_class": asset.schedule_class,
        "contact_name": asset.contact_name,
        "contact_phone": asset.contact_phone,
        "contact_email": asset.contact_email,
        "active": asset.active,
        "internal": asset.internal,
    }


def _may_mark_internal(user: Any) -> bool:
    return bool(unrestricted_actor(user) or units_for(user, "admin").exists())


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
@login_required
def asset_create(request: HttpRequest) -> HttpResponse:
    units = registry_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("您无权登记网络资产"))
    form = AssetForm(request.POST or None, units=units, may_mark_internal=_may_mark_internal(request.user))
    if request.method == "POST" and form.is_valid():
        values = form.values()
        name, url, owner = values.pop("name"), values.pop("url"), values.pop("owner")
        try:
            asset = assets.do_create_asset(
                name, url, owner=owner, acting_user=me(request), reason=form.cleaned_data["reason"], **values
            )
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("security:asset", args=[asset.pk]))
    status = 422 if request.method == "POST" else 200
    return render(request, "security/asset_form.html", {"form": form, "asset": None}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _visible(request, Asset, pk, "owner")
    may_edit = _may(request.user, "security", asset.owner) or _may(request.user, "change", asset.owner)
    form = None
    if may_edit:
        form = AssetForm(
            request.POST or None,
            initial=_asset_initial(asset),
            units=registry_units(request.user),
            may_mark_internal=_may_mark_internal(request.user),
        )
    elif request.method == "POST":
        raise PermissionDenied(_("您无权修改该网络资产"))
    if request.method == "POST" and form is not None and form.is_valid():
        values = form.values()
        try:
            assets.do_update_asset(
                asset, acting_user=me(request), reason=form.cleaned_data["reason"], **values
            )
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("security:asset", args=[asset.pk]))
    runs = list(asset.check_runs.order_by("-started", "-pk")[:10])
    live = list(
        Finding.objects.restrict(request.user, "view")
        .filter(asset=asset)
        .order_by("status", "-last_seen", "pk")[:50]
    )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "security/asset_detail.html",
        {
            "asset": asset,
            "state": getattr(asset, "state", None),
            "form": form,
            "runs": runs,
            "findings": live,
        },
        status=status,
    )


IMPORT_DIR = "jixiao-asset-import-"


def _import_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "jixiao-asset-imports"
    folder.mkdir(exist_ok=True, mode=0o700)
    return folder


def _preview(path: Path, shown_name: str) -> tuple[list[RegistryRow], list[str]]:
    units = list(Unit.objects.unrestricted().values_list("pk", "code", "name"))
    reader = read_registry([path], units)
    errors = [str(e).replace(str(path), shown_name) for e in reader.errors]
    return reader.rows, errors


@require_http_methods(["GET", "POST"])
@login_required
def asset_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row, every error in Chinese, nothing stored) → confirm → ``do_import_assets``."""
    if not registry_units(request.user).exists():
        raise PermissionDenied(_("您无权登记网络资产"))
    context: dict[str, Any] = {"form": ImportForm(), "rows": None, "errors": []}
    if request.method == "POST" and request.POST.get("confirm"):
        token = request.POST.get("token", "")
        stored = request.session.get("asset_import", {})
        if not token or stored.get("token") != token:
            return _error(request, _("导入已失效"), _("请重新上传登记表。"), 409)
        path = Path(stored["path"])
        try:
            result = assets.do_import_assets(
                path, acting_user=me(request), reason=stored.get("reason") or _("批量登记网络资产")
            )
        except PermissionDenied as error:
            return _refused(request, error)
        except (ValidationError, Exception) as error:  # AssetImportError and friends: shown, nothing stored
            messages = getattr(error, "errors", None)
            text = (
                "；".join(str(e).replace(str(path), stored["name"]) for e in messages)
                if messages
                else str(error)
            )
            return _error(request, _("导入未完成"), text, 422)
        finally:
            request.session.pop("asset_import", None)
            path.unlink(missing_ok=True)
        context["result"] = result
        return render(request, "security/asset_import.html", context)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = Path(upload.name or "登记表.xlsx").name
            suffix = Path(name).suffix.lower()
            if suffix not in {".xlsx", ".xls", ".csv"}:
                form.add_error("file", _("只接受 xlsx、xls 或 csv 文件"))
                return render(request, "security/asset_import.html", context, status=422)
            with tempfile.NamedTemporaryFile(
                delete=False, dir=_import_folder(), prefix=IMPORT_DIR, suffix=suffix
            ) as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            path = Path(handle.name)
            rows, errors = _preview(path, name)
            context.update({"rows": rows, "errors": errors, "file_name": name})
            if errors:
                path.unlink(missing_ok=True)
                return render(request, "security/asset_import.html", context, status=422)
            token = path.name
            request.session["asset_import"] = {
                "token": token,
                "path": str(path),
                "name": name,
                "reason": form.cleaned_data["reason"],
            }
            known = set(
                Asset.objects.unrestricted()
                .filter(url__in=[r.values["url"] for r in rows])
                .values_list("url", flat=True)
            )
            owners = dict(Unit.objects.unrestricted().values_list("pk", "name"))
            context.update(
                {
                    "token": token,
                    "preview": [
                        {
                            "row": r,
                            "owner": owners.get(r.values["owner_id"], r.owner_text),
                            "known": r.values["url"] in known,
                        }
                        for r in rows
                    ],
                }
            )
            return render(request, "security/asset_import.html", context)
        return render(request, "security/asset_import.html", context, status=422)
    return render(request, "security/asset_import.html", context)


# --- findings ---------------------------------------------------------------------------------------------


@require_GET
@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    filterset = FindingFilter(
        request.GET or None,
        queryset=Finding.objects.restrict(request.user, "view").select_related("asset__owner"),
        user=request.user,
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if not request.GET.get("status"):
        queryset = queryset.filter(status__in=ACTIVE_FINDING_STATUSES)
    table = FindingTable(queryset)
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "security/finding_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": queryset.count(),
            "may_notify": is_security_staff(request.user),
        },
    )


@require_GET
@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _visible(request, Finding, pk, "asset__owner", "confirmed_by")
    return _finding_page(request, finding, TriageForm())


def _finding_page(request: HttpRequest, finding: Finding, form: Any, status: int = 200) -> HttpResponse:
    may_triage = _may(request.user, "security", finding.asset.owner)
    return render(
        request,
        "security/finding_detail.html",
        {
            "finding": finding,
            "explanation": explain(finding.check_name, finding.message),
            "may_triage": may_triage and finding.status in ACTIVE_FINDING_STATUSES,
            "form": form,
            "notices": list(Notice.objects.restrict(request.user, "view").filter(findings=finding)),
        },
        status=status,
    )


@require_POST
@login_required
def finding_triage(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _visible(request, Finding, pk, "asset__owner")
    if not _may(request.user, "security", finding.asset.owner):
        raise PermissionDenied(_("您无权研判该安全发现"))
    form = TriageForm(request.POST)
    if not form.is_valid():
        return _finding_page(request, finding, form, status=422)
    action = {
        "confirm": findings.do_confirm_finding,
        "false_positive": findings.do_mark_false_positive,
        "risk_accepted": findings.do_accept_risk,
    }[form.cleaned_data["decision"]]
    try:
        action(finding, acting_user=me(request), reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as error:
        return _refused(request, error)
    return HttpResponseRedirect(reverse("security:finding", args=[finding.pk]))


# --- notices ----------------------------------------------------------------------------------------------


def _deadline(working_days: int) -> dt.datetime:
    """The end of the working day ``working_days`` working days from today (Asia/Shanghai)."""
    day = deadline_after(timezone.localdate(), working_days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30)))


@require_http_methods(["GET", "POST"])
@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    """Group chosen findings into a draft notice to their responsible unit."""
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(x) for x in source.getlist("finding") if x.isdigit()]
    chosen = list(
        Finding.objects.restrict(request.user, "security")
        .filter(pk__in=ids)
        .select_related("asset__owner")
        .order_by("asset__owner__path", "pk")
    )
    if not chosen:
        return _error(
            request, _("请先选择安全发现"), _("在安全发现列表中勾选要通报的问题，再点“生成通报”。"), 422
        )
    owners = {f.asset.owner for f in chosen}
    if len(owners) > 1:
        names = "、".join(sorted(u.name for u in owners))
        return _error(
            request,
            _("所选问题属于多个单位"),
            _("一份通报只发给一个责任单位；所选问题分属：%(names)s。请按单位分别生成通报。")
            % {"names": names},
            422,
        )
    unit = owners.pop()
    contact = chosen[0].asset
    form = NoticeForm(
        request.POST if "title" in request.POST else None,
        initial={
            "title": _("关于%(unit)s网络安全问题的通报") % {"unit": unit.name},
            "contact_name": contact.contact_name,
            "contact_phone": contact.contact_phone,
            "contact_email": contact.contact_email,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notices.do_create_notice(
                unit,
                chosen,
                deadline=_deadline(data["working_days"]),
                title=data["title"],
                body=data["body"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                acting_user=me(request),
                reason=data["reason"],
            )
        except (PermissionDenied, ValidationError) as error:
            return _refused(request, error)
        return HttpResponseRedirect(reverse("security:notice", args=[notice.pk]))
    status = 422 if form.is_bound else 200
    return render(
        request,
        "security/notice_form.html",
        {"form": form, "unit": unit, "findings": chosen},
        status=status,
    )


@require_GET
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Notice.objects.restrict(request.user, "view")
        .select_related("unit")
        .annotate(finding_count=Count("findings", distinct=True))
    )
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        queryset = queryset.filter(status=NoticeStatusChoices.SENT, deadline__lt=timezone.now())
    status = request.GET.get("status", "")
    if status in NoticeStatusChoices.values:
        queryset = queryset.filter(status=status)
    table = NoticeTable(queryset.order_by("-created_at", "-pk"))
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "security/notice_list.html",
        {
            "table": table,
            "overdue": overdue,
            "status": status,
            "statuses": NoticeStatusChoices.choices,
            "count": queryset.count(),
        },
    )


def _notice_page(
    request: HttpRequest, notice: Notice, answer_form: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    is_staff = _may(user, "security", notice.unit)
    may_answer = _may(user, "change", notice.unit) and notice.status == NoticeStatusChoices.SENT
    found = list(notice.findings.select_related("asset").order_by("asset__name", "pk"))
    answers = list(
        notice.answers.select_related("answered_by").prefetch_related("files").order_by("answered_at", "pk")
    )
    return render(
        request,
        "security/notice_detail.html",
        {
            "notice": notice,
            "findings": [(f, explain(f.check_name, f.message)) for f in found],
            "answers": answers,
            "may_send": is_staff and notice.status == NoticeStatusChoices.DRAFT,
            "may_recheck": is_staff and notice.status == NoticeStatusChoices.SENT,
            "may_answer": may_answer,
            "answer_form": answer_form or AnswerForm(),
            "reason_form": ReasonForm(),
            "overdue": notice.status == NoticeStatusChoices.SENT and notice.deadline < timezone.now(),
        },
        status=status,
    )


def _visible_notice(request: HttpRequest, pk: int) -> Notice:
    return _visible(request, Notice, pk, "unit")


@require_GET
@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_page(request, _visible_notice(request, pk))


def _notice_step(request: HttpRequest, pk: int, action: Callable[..., object], refusal: str) -> HttpResponse:
    """A step of the security staff on a notice; without a reason the notice's page shows again."""
    notice = _visible_notice(request, pk)
    return _step(
        request,
        notice,
        action,
        unit=notice.unit,
        permission="security",
        refusal=refusal,
        page="security:notice",
        no_reason=lambda: _notice_page(request, notice, status=422),
    )


@require_POST
@login_required
def notice_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_step(request, pk, notices.do_send_notice, _("您无权发出通报"))


@require_POST
@login_required
def notice_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_step(request, pk, notices.do_recheck_notice, _("您无权复核通报"))


@require_POST
@login_required
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _visible_notice(request, pk)
    if not _may(request.user, "change", notice.unit):
        raise PermissionDenied(_("只有被通报单位可以反馈整改情况"))
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _notice_page(request, notice, form, status=422)
    try:
        notices.do_answer_notice(
            notice, form.cleaned_data["text"], form.cleaned_data["files"], acting_user=me(request)
        )
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _notice_page(request, notice, form, status=422)
    return HttpResponseRedirect(reverse("security:notice", args=[notice.pk]))


@require_GET
@login_required
def notice_evidence(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(NoticeEvidence.objects.restrict(request.user, "view"), pk=pk)
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Content-Type"] = item.content_type or "application/octet-stream"
    return response


# --- security warnings ------------------------------------------------------------------------------------


@require_GET
@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    warnings = list(
        SecurityWarning.objects.restrict(request.user, "view")
        .select_related("issuer")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            read_count=Count("receipts", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(warnings, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "security/warning_list.html",
        {"page": page, "may_issue": is_security_staff(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def warning_create(request: HttpRequest) -> HttpResponse:
    issuers = security_units(request.user)
    if not issuers.exists():
        raise PermissionDenied(_("您无权发布安全预警"))
    form = WarningForm(
        request.POST or None, issuers=issuers, recipients=Unit.objects.restrict(request.user, "view")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warning = advisories.do_create_warning(
                data["issuer"],
                data["title"],
                data["body"],
                recipients=data["recipients"],
                severity=data["severity"],
                acting_user=me(request),
                reason=data["reason"],
            )
        except (PermissionDenied, ValidationError) as error:
            return _refused(request, error)
        return HttpResponseRedirect(reverse("security:warning", args=[warning.pk]))
    status = 422 if request.method == "POST" else 200
    return render(request, "security/warning_form.html", {"form": form}, status=status)


def _confirmable_units(user: Any, warning: SecurityWarning) -> list[Unit]:
    """Recipient units the person belongs to (``view`` through a membership) that have not confirmed yet."""
    if warning.status != WarningStatusChoices.PUBLISHED:
        return []
    mine = units_for(user, "view")
    done = WarningReceipt.objects.unrestricted().filter(warning=warning).values("unit_id")
    return list(warning.recipients.filter(pk__in=mine.values("pk")).exclude(pk__in=done).order_by("path"))


@require_GET
@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _visible(request, SecurityWarning, pk, "issuer")
    is_issuer = _may(request.user, "security", warning.issuer)
    receipts = {
        r.unit_id: r
        for r in WarningReceipt.objects.unrestricted()
        .filter(warning=warning)
        .select_related("confirmed_by", "unit")
    }
    recipients = list(warning.recipients.order_by("path"))
    if not is_issuer:
        # A recipient sees its own units' confirmations, not the other recipients'.
        mine = set(units_for(request.user, "view").values_list("pk", flat=True))
        recipients = [u for u in recipients if u.pk in mine]
    rows = [(u, receipts.get(u.pk)) for u in recipients]
    return render(
        request,
        "security/warning_detail.html",
        {
            "warning": warning,
            "rows": rows,
            "read": sum(1 for _, r in rows if r is not None),
            "unread": [u for u, r in rows if r is None],
            "is_issuer": is_issuer,
            "may_publish": is_issuer and warning.status == WarningStatusChoices.DRAFT,
            "may_withdraw": is_issuer and warning.status == WarningStatusChoices.PUBLISHED,
            "confirmable": _confirmable_units(request.user, warning),
            "reason_form": ReasonForm(),
        },
    )


def _visible_warning(request: HttpRequest, pk: int) -> SecurityWarning:
    return _visible(request, SecurityWarning, pk, "issuer")


WARNING_STEPS = {"publish": advisories.do_publish_warning, "withdraw": advisories.do_withdraw_warning}


@require_POST
@login_required
def warning_publish(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    warning = _visible_warning(request, pk)
    return _step(
        request,
        warning,
        WARNING_STEPS.get(verb),
        unit=warning.issuer,
        permission="security",
        refusal=_("您无权发布或撤回该安全预警"),
        page="security:warning",
        no_reason=_("请填写原因"),
    )


@require_POST
@login_required
def warning_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _visible_warning(request, pk)
    units = {u.pk: u for u in _confirmable_units(request.user, warning)}
    chosen = request.POST.get("unit", "")
    unit = units.get(int(chosen)) if chosen.isdigit() else None
    if unit is None:
        raise PermissionDenied(_("您所在单位不是该预警的接收单位，或已确认阅读"))
    try:
        advisories.do_confirm_warning_read(warning, unit, acting_user=me(request), reason="已阅读")
    except (PermissionDenied, ValidationError) as error:
        return _refused(request, error)
    return HttpResponseRedirect(reverse("security:warning", args=[warning.pk]))


# --- incidents --------------------------------------------------------------------------------------------


def mttr_table(queryset: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Mean time to resolve (hours) by incident class and month of opening, from the stored times."""
    groups: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    labels = dict(IncidentClassChoices.choices)
    for incident in queryset.filter(resolved_at__isnull=False).order_by("opened_at"):
        month = timezone.localtime(incident.opened_at).strftime("%Y年%m月")
        groups[(month, incident.incident_class)].append(hours(incident.resolved_at - incident.opened_at))
    rows: list[dict[str, Any]] = []
    for (month, kind), values in sorted(groups.items()):
        mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
        rows.append({"month": month, "kind": str(labels.get(kind, kind)), "count": len(values), "mttr": mean})
    months: list[str] = sorted({r["month"] for r in rows})
    kinds: list[str] = sorted({r["kind"] for r in rows})
    series = [
        {
            "name": kind,
            "data": [
                next((float(r["mttr"]) for r in rows if r["month"] == m and r["kind"] == kind), None)
                for m in months
            ],
        }
        for kind in kinds
    ]
    return rows, {"title": "平均处置用时（小时）", "months": months, "series": series}


@require_GET
@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    queryset = Incident.objects.restrict(request.user, "view").select_related("unit", "asset")
    state = request.GET.get("state", "open")
    shown = queryset.exclude(status=IncidentStatusChoices.RESOLVED) if state == "open" else queryset
    page = Paginator(shown.order_by("-opened_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    rows, chart = mttr_table(queryset)
    return render(
        request,
        "security/incident_list.html",
        {"page": page, "state": state, "mttr": rows, "chart": chart, "now": timezone.now()},
    )


INCIDENT_EVENT_LABELS = {
    "incident.opened": "发现并登记",
    "incident.acknowledged": "响应",
    "incident.contained": "控制",
    "incident.resolved": "处置完成",
    "incident.escalated": "即将超时，已升级提醒",
    "incident.breached": "已超过处置时限",
}

INCIDENT_STEPS = {
    "acknowledge": incidents.do_acknowledge_incident,
    "contain": incidents.do_contain_incident,
    "resolve": incidents.do_resolve_incident,
}


@require_GET
@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _visible(request, Incident, pk, "unit", "asset")
    may_handle = _may(request.user, "change", incident.unit)
    events = list(
        AuditEvent.objects.restrict(request.user, "view")
        .filter(content_type=ContentType.objects.get_for_model(Incident), object_id=incident.pk)
        .order_by("at", "pk")
    )
    s = IncidentStatusChoices
    return render(
        request,
        "security/incident_detail.html",
        {
            "incident": incident,
            "steps": [
                ("acknowledge", _("响应"), may_handle and incident.status == s.OPEN),
                ("contain", _("控制"), may_handle and incident.status in (s.OPEN, s.ACKNOWLEDGED)),
                ("resolve", _("处置完成"), may_handle and incident.status != s.RESOLVED),
            ],
            "resolved": incident.status == s.RESOLVED,
            "events": [(e, INCIDENT_EVENT_LABELS.get(e.action, _("记录"))) for e in events],
            "reason_form": ReasonForm(),
            "handling_hours": hours(incident.handling_time) if incident.handling_time else None,
        },
    )


@require_POST
@login_required
def incident_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    incident = _visible(request, Incident, pk, "unit", "asset")
    if step not in INCIDENT_STEPS:  # an unknown step is not there, whoever asks
        raise Http404
    return _step(
        request,
        incident,
        INCIDENT_STEPS[step],
        unit=incident.unit,
        permission="change",
        refusal=_("只有责任单位可以处置该事件"),
        page="security:incident",
        no_reason=_("请填写处置说明"),
    )


# --- monthly reports --------------------------------------------------------------------------------------

REPORT_FORMATS = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "write_monthly_report_docx",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "write_monthly_report_xlsx",
    ),
    "pdf": ("application/pdf", "write_monthly_report_pdf"),
}


@require_http_methods(["GET", "POST"])
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    units = security_units(request.user)
    form = ReportForm(request.POST or None, units=units) if units.exists() else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您无权生成网络安全月报"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = monthly.do_generate_monthly_report(
                    data["unit"], data["year"], data["month"], acting_user=me(request), reason=data["reason"]
                )
            except (PermissionDenied, ValidationError) as error:
                return _refused(request, error)
            return HttpResponseRedirect(reverse("security:report", args=[report.pk]))
    reports = MonthlyReport.objects.restrict(request.user, "view").select_related("unit")
    page = Paginator(reports.order_by("-year", "-month", "unit__path"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    status = 422 if request.method == "POST" else 200
    return render(request, "security/report_list.html", {"page": page, "form": form}, status=status)


SHOWN_FIGURES = (
    ("assets_registered", "登记的网络资产（家）"),
    ("assets_monitored", "有监测记录的网络资产（家）"),
    ("checks_run", "检查次数"),
    ("findings_found", "新发现问题（个）"),
    ("notices_sent", "发出通报（份）"),
    ("risks_notified", "通报风险和事件（起）"),
    ("warnings_issued", "发布安全预警（次）"),
    ("incidents_opened", "发生安全事件（起）"),
    ("incidents_handled", "处置完成安全事件（起）"),
    ("key_incidents_within_sla", "重点事件在6小时内处置（起）"),
    ("incidents_breached", "超时事件（起）"),
)


@require_GET
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, MonthlyReport, pk, "unit")
    data = report.data or {}
    current, previous = data.get("current", {}), data.get("previous", {})
    severity = dict(SeverityChoices.choices)
    return render(
        request,
        "security/report_detail.html",
        {
            "report": report,
            "figures": [(label, current.get(key), previous.get(key)) for key, label in SHOWN_FIGURES],
            "by_severity": [(severity[k], v) for k, v in (data.get("findings_by_severity") or {}).items()],
            "coverage": data.get("coverage_percent"),
            "rectification": data.get("rectification_percent"),
            "may_publish": _may(request.user, "security", report.unit) and report.status == "draft",
            "formats": list(REPORT_FORMATS),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@login_required
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible(request, MonthlyReport, pk, "unit")
    return _step(
        request,
        report,
        monthly.do_publish_monthly_report,
        unit=report.unit,
        permission="security",
        refusal=_("您无权发布该月报"),
        page="security:report",
        no_reason=_("请填写发布原因"),
    )


@require_GET
@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _visible(request, MonthlyReport, pk, "unit")
    if fmt not in REPORT_FORMATS:
        raise Http404
    from jixiao.reports import monthly as writers
    from jixiao.reports.fonts import FontNotFoundError

    content_type, writer = REPORT_FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="jixiao-monthly-") as folder:
        target = Path(folder) / f"report.{fmt}"
        try:
            getattr(writers, writer)(report, target)
        except FontNotFoundError:
            return _error(
                request, _("无法生成月报"), _("服务器缺少生成 PDF 所需的中文字体，请联系系统管理员。"), 503
            )
        content = target.read_bytes()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment(
        f"{report.unit.name}{report.year}年{report.month}月网络安全月报.{fmt}"
    )
    return response


# --- indicators -------------------------------------------------------------------------------------------


@require_GET
@login_required
def indicator_records(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _visible(request, Indicator, pk, "project__unit")
    value = security_indicators.value_for(indicator)
    if value is None:
        raise Http404
    records = security_indicators.records_for(value, request.user)
    return render(
        request,
        "security/indicator_records.html",
        {
            "indicator": indicator,
            "value": value,
            "records": records,
            "rows": list(zip(records.rows, records.links, strict=True)),
        },
    )
