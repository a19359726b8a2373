"""The import pages: upload several form files at once (with a progress bar), a preview before anything is
stored (per file: the form, unit, project, indicators, review findings and what it would create or change; a
file that cannot be read says why and where), then the chosen files stored through ``do_import_forms``.

Between preview and confirm the uploaded bytes wait in a staging folder under ``MEDIA_ROOT/import-staging``,
named by a random token and tied to the person who uploaded them (anyone else gets 404); the folder is removed
after the import and any folder older than ``STAGING_HOURS`` is removed on the next upload.

The preview runs ``do_import_forms`` on each file inside a transaction that is always rolled back, so what it
says the file would do is what the import does (units found, projects matched, adjustments proposed).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

import jixiao.domain.forms
from jixiao.domain.forms.model import FormDocument, FormReadError
from jixiao.domain.review import review
from jixiao.orgs.permissions import units_for
from jixiao.performance.actions.imports import FormImportError, ImportResult, do_import_forms
from jixiao.performance.choices import FormKindChoices
from jixiao.performance.forms.imports import UploadForm
from jixiao.performance.models import Project, TargetAdjustment
from jixiao.performance.views.targets import (
    FindingView,
    _import_error_text,
    _me,
    _posted,
    finding_views,
)

STAGING_DIR = "import-staging"
STAGING_HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_KINDS = dict(FormKindChoices.choices)


# --- staging ----------------------------------------------------------------------------------------------


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING_DIR


def _expire_old(now: float | None = None) -> None:
    """Remove staged uploads older than ``STAGING_HOURS`` (whoever left them)."""
    root = _staging_root()
    if not root.is_dir():
        return
    limit = (now or time.time()) - STAGING_HOURS * 3600
    for folder in root.iterdir():
        meta = _meta_of(folder)
        if meta is None or meta.get("created", 0) < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _meta_of(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _stage(user_pk: int, uploads: list[Any]) -> str:
    token = secrets.token_urlsafe(24)
    folder = _staging_root() / token
    folder.mkdir(parents=True, mode=0o700)
    files = []
    for number, upload in enumerate(uploads, 1):
        # One numbered folder per file, the file under its own name made safe: the reader names the file in
        # its messages, and no name can reach outside the folder.
        name = _safe_name(upload.name, number)
        (folder / str(number)).mkdir(mode=0o700)
        stored = f"{number}/{name}"
        with (folder / stored).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        files.append({"name": name, "stored": stored})
    meta = {"user": user_pk, "created": time.time(), "files": files}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def _safe_name(name: str | None, number: int) -> str:
    base = _UNSAFE.sub("_", Path((name or "").replace("\\", "/")).name).strip(" .")
    return base[:150] or f"文件{number}"


def _staged(request: HttpRequest, token: str) -> tuple[Path, dict[str, Any]]:
    """The staged upload of this person, or 404 (unknown, expired, or someone else's)."""
    if not _TOKEN.match(token):
        raise Http404
    folder = _staging_root() / token
    meta = _meta_of(folder)
    if meta is None or meta.get("user") != request.user.pk:
        raise Http404
    if meta.get("created", 0) < time.time() - STAGING_HOURS * 3600:
        shutil.rmtree(folder, ignore_errors=True)
        raise Http404
    return folder, meta


# --- reading and the dry run ------------------------------------------------------------------------------


def read_error_text(error: FormReadError) -> str:
    """The reader's own Chinese refusal, with its place in Chinese."""
    return str(error)


class _Rollback(Exception):
    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome


@dataclass
class FormPreview:
    kind: str
    unit: str
    project: str
    indicators: int
    findings: list[FindingView]
    outcome: str = ""


@dataclass
class FilePreview:
    name: str
    stored: str
    forms: list[FormPreview] = field(default_factory=list)
    error: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return not self.error

    @property
    def finding_count(self) -> int:
        return sum(len(f.findings) for f in self.forms)


def _outcomes(result: ImportResult) -> dict[str, str]:
    """Project name → what storing it does, read from the rolled-back import."""
    out: dict[str, str] = {}
    for project in result.created:
        out[project.name] = _("新建项目（%(unit)s）") % {"unit": project.unit.name}
    for project in result.updated:
        out[project.name] = _("更新已有项目（目标为草稿或已退回，直接更新）")
    for project in result.unchanged:
        out[project.name] = _("与已有项目相同，不会改动")
    proposed = {a.project_id: a for a in result.proposed}
    for project in result.held:
        adjustment = proposed.get(project.pk)
        if adjustment is not None:
            count = adjustment.lines.count()
            out[project.name] = _(
                "项目目标%(status)s，不直接修改：将提出目标调整（%(n)d 处改动），由审核人批准后生效"
            ) % {"status": project.get_target_status_display(), "n": count}
        else:
            out[project.name] = _("项目目标%(status)s；同样的调整已提出过，不再重复提出") % {
                "status": project.get_target_status_display()
            }
    return out


def _units(result: ImportResult) -> dict[str, str]:
    return {p.name: p.unit.name for p in result.projects}


def _dry_run(forms: list[FormDocument], user: Any) -> tuple[dict[str, str], dict[str, str], list[str]]:
    try:
        with transaction.atomic():
            result = do_import_forms(forms, acting_user=user, reason=_("导入预览"), batch_label=_("导入预览"))
            raise _Rollback((_outcomes(result), _units(result), list(result.unit_matches)))
    except _Rollback as done:
        outcome: tuple[dict[str, str], dict[str, str], list[str]] = done.outcome
        return outcome


def _read(folder: Path, entry: dict[str, Any]) -> list[FormDocument]:
    path = (folder / str(entry["stored"])).resolve()
    if folder.resolve() not in path.parents:
        raise FormReadError(_("不是本次上传的文件"))
    # Read through the module, not a name bound at import: the readers are one module's functions.
    return jixiao.domain.forms.read_forms(path)


def preview_file(folder: Path, entry: dict[str, Any], user: Any) -> FilePreview:
    preview = FilePreview(name=entry["name"], stored=entry["stored"])
    try:
        forms = _read(folder, entry)
    except FormReadError as error:
        preview.error = read_error_text(error)
        return preview
    outcomes: dict[str, str] = {}
    units: dict[str, str] = {}
    try:
        outcomes, units, preview.notes = _dry_run(forms, user)
    except FormImportError as error:
        preview.error = _("不能导入：%(why)s") % {"why": _import_error_text(error)}
    except PermissionDenied as error:
        preview.error = _("不能导入：%(why)s") % {"why": str(error) or _("无权修改该单位的项目")}
    for doc in forms:
        name = doc.project.name or _("（未写项目名称）")
        preview.forms.append(
            FormPreview(
                kind=str(_KINDS.get(str(doc.kind), _("绩效表"))),
                unit=units.get(name) or doc.project.unit or _("（未写单位）"),
                project=name,
                indicators=len(doc.indicators),
                findings=finding_views(review(doc)),
                outcome=outcomes.get(name, ""),
            )
        )
    return preview


# --- the pages --------------------------------------------------------------------------------------------


def _may_import(user: Any) -> None:
    if not units_for(user, "change").exists():
        raise PermissionDenied(_("您没有可以导入项目的单位"))


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """``/imports/``: choose the files; after the upload, the preview."""
    _may_import(request.user)
    form = UploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            _expire_old()
            token = _stage(_me(request).pk, form.cleaned_data["uploads"])
            url = reverse("performance:import_preview", args=[token])
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return redirect(url)
        if getattr(request, "htmx", False):
            # htmx swaps no 4xx answer by default: the form with its errors comes back as a 200 partial.
            return render(request, "performance/import_upload.html#upload-form", {"form": form})
        return render(request, "performance/import_upload.html", {"form": form}, status=422)
    return render(request, "performance/import_upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """``/imports/<token>/``: what each file holds and would do; confirming stores the chosen files."""
    _may_import(request.user)
    folder, meta = _staged(request, token)
    entries = list(meta.get("files", []))
    errors: list[str] = []
    if request.method == "POST":
        chosen = set(request.POST.getlist("file"))
        picked = [e for e in entries if e["stored"] in chosen]
        if not picked:
            errors.append(_("请至少选择一个可以导入的文件"))
        else:
            try:
                forms = [doc for entry in picked for doc in _read(folder, entry)]
                result = do_import_forms(
                    forms, acting_user=_me(request), reason=_("网页导入"), batch_label=_("网页导入")
                )
            except FormReadError as error:
                errors.append(read_error_text(error))
            except FormImportError as error:
                errors.append(_("没有导入任何文件：%(why)s") % {"why": _import_error_text(error)})
            except PermissionDenied as error:
                errors.append(_("没有导入任何文件：%(why)s") % {"why": str(error)})
            else:
                shutil.rmtree(folder, ignore_errors=True)
                return redirect("performance:import_done", result.batch.pk)
    files = [preview_file(folder, entry, request.user) for entry in entries]
    return render(
        request,
        "performance/import_preview.html",
        {"files": files, "errors": errors, "token": token},
        status=422 if errors else 200,
    )


@require_GET
@login_required
def done(request: HttpRequest, batch: int) -> HttpResponse:
    """``/imports/batches/<id>/``: what an import stored, as far as this person may see it."""
    projects = list(
        Project.objects.restrict(request.user, "view")
        .filter(last_import_id=batch)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    adjustments = list(
        TargetAdjustment.objects.restrict(request.user, "view")
        .filter(batch_id=batch)
        .select_related("project")
        .order_by("pk")
    )
    return render(request, "performance/import_done.html", {"projects": projects, "adjustments": adjustments})
