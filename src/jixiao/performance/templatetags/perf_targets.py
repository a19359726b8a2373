"""The target declaration on the project page: its state, the steps this person may take, the review outcome
and the adjustments (``{% load perf_targets %}{% targets_panel project %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from jixiao.orgs.permissions import can, units_for
from jixiao.performance.choices import TargetStatusChoices
from jixiao.performance.models import Project, TargetAdjustment
from jixiao.performance.models.reviews import TargetReview, TargetReviewLine

register = template.Library()

T = TargetStatusChoices


@register.inclusion_tag("performance/targets_panel.html", takes_context=True)
def targets_panel(context: dict[str, Any], project: Project) -> dict[str, Any]:
    user = context["request"].user
    status = project.target_status
    may_change = can(user, "change", project.unit)
    review = (
        TargetReview.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("reviewer")
        .prefetch_related(Prefetch("lines", queryset=TargetReviewLine.objects.restrict(user, "view")))
        .first()
    )
    return {
        "project": project,
        "may_submit": status in (T.DRAFT, T.RETURNED) and can(user, "submit", project.unit),
        "may_review": status == T.SUBMITTED and can(user, "review", project.unit),
        "may_edit": status in (T.DRAFT, T.RETURNED) and may_change,
        "may_adjust": status == T.APPROVED and may_change,
        "review": review,
        "adjustments": list(
            TargetAdjustment.objects.restrict(user, "view")
            .filter(project=project)
            .order_by("-proposed_at")[:10]
        ),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.filter
def who(user: Any, fallback: str = "") -> str:
    """A person's name (full name, else user name); the recorded label, else 系统, when there is no person."""
    if user is None:
        return fallback or "系统"
    return (user.get_full_name() or "").strip() or user.get_username()


@register.inclusion_tag("performance/targets_links.html", takes_context=True)
def declaration_links(context: dict[str, Any]) -> dict[str, Any]:
    """新建项目 and 导入 for a person who may declare targets in some unit; nothing for anyone else."""
    return {"may_declare": units_for(context["request"].user, "change").exists()}
