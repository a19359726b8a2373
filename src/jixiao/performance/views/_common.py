"""What the performance views share: the project a person may see, errors in Chinese, the 403 answer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jixiao.orgs import permissions
from jixiao.performance.models import Project


def visible_project(request: HttpRequest, pk: int) -> Project:
    """The project if the person may see it, else 404 (like a project that does not exist)."""
    return get_object_or_404(Project.objects.restrict(request.user, "view").select_related("unit"), pk=pk)


def can(request: HttpRequest, action: str, project: Project) -> bool:
    return permissions.can(request.user, action, project.unit)  # type: ignore[arg-type]


def messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": "无权操作", "message": str(error) or "您没有进行此操作的权限。"},
        status=403,
    )


def form_errors(form: Any) -> list[str]:
    """A bound form's errors as sentences naming the field."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            found.append(f"{label}：{error}" if label else str(error))
    return found
