"""The performance app's 待办 items of the target declaration: targets to submit (heads), to review
(reviewers of the unit), returned targets (editors and heads), and target adjustments to review.

Each provider starts from ``restrict(user, action)``: a person only sees work they may do. One query each.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Membership
from jixiao.performance.choices import AdjustmentStatusChoices, TargetStatusChoices
from jixiao.performance.models import Project, TargetAdjustment
from jixiao.web.inbox import InboxItem, Step, provider

LIMIT = 200  # per provider: the home page lists what waits, it is not a report


def _label(project: Project) -> str:
    return f"{project.year}年 {project.name}" if project.year else project.name


def _item(project: Project, step: Step, what: str, url: str, since: Any, reason: str = "") -> InboxItem:
    """The inbox item of work on ``project``'s targets: named by year and project, under its unit."""
    return InboxItem(
        step=step,
        what=what,
        subject=_label(project),
        url=url,
        unit=project.unit.name,
        reason=reason,
        since=since,
    )


def _head_units(user: Any) -> Q | None:
    """Projects of units (and their subtrees) where ``user`` is 单位负责人 (or 管理)."""
    paths = (
        Membership.objects.unrestricted()
        .filter(user_id=user.pk, role__in=(RoleChoices.HEAD, RoleChoices.ADMIN))
        .values_list("unit__path", flat=True)
    )
    found = [Q(unit__path__startswith=p) for p in paths]
    return reduce(or_, found) if found else None


@provider
def targets_to_submit(user: Any) -> Iterable[InboxItem]:
    heads = _head_units(user)
    if heads is None:
        return []
    projects = (
        Project.objects.restrict(user, "submit")
        .filter(heads, target_status=TargetStatusChoices.DRAFT)
        .select_related("unit")
        .order_by("updated_at", "pk")[:LIMIT]
    )
    what = _("送审绩效目标")
    return [
        _item(p, Step.TO_SUBMIT, what, reverse("web:project", args=[p.pk]) + "#targets", p.updated_at)
        for p in projects
    ]


@provider
def targets_to_review(user: Any) -> Iterable[InboxItem]:
    projects = (
        Project.objects.restrict(user, "review")
        .filter(target_status=TargetStatusChoices.SUBMITTED)
        .exclude(target_submitted_by_id=user.pk)
        .select_related("unit")
        .order_by("target_submitted_at", "pk")[:LIMIT]
    )
    what = _("审核绩效目标")
    return [
        _item(
            p, Step.TO_REVIEW, what, reverse("performance:targets_review", args=[p.pk]), p.target_submitted_at
        )
        for p in projects
    ]


@provider
def returned_targets(user: Any) -> Iterable[InboxItem]:
    projects = (
        Project.objects.restrict(user, "change")
        .filter(target_status=TargetStatusChoices.RETURNED)
        .select_related("unit")
        .order_by("target_reviewed_at", "pk")[:LIMIT]
    )
    what = _("修改被退回的绩效目标")
    return [
        _item(
            p,
            Step.RETURNED,
            what,
            reverse("performance:targets", args=[p.pk]),
            p.target_reviewed_at,
            reason=p.target_return_reason,
        )
        for p in projects
    ]


@provider
def adjustments_to_review(user: Any) -> Iterable[InboxItem]:
    adjustments = (
        TargetAdjustment.objects.restrict(user, "review")
        .filter(status=AdjustmentStatusChoices.PROPOSED)
        .exclude(proposed_by_id=user.pk)
        .select_related("project", "project__unit")
        .order_by("proposed_at", "pk")[:LIMIT]
    )
    what = _("审核目标调整")
    return [
        _item(
            a.project,
            Step.TO_REVIEW,
            what,
            reverse("performance:adjustment", args=[a.project_id, a.pk]),
            a.proposed_at,
        )
        for a in adjustments
    ]
