"""The target declaration (绩效目标申报) of a project, through ``TARGET_WORKFLOW``: 填报人 送审 the targets, an
审核人 approves them or returns them with a reason. Once submitted or approved, a re-import no longer changes
the project: it proposes a target adjustment (``actions.imports``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit.transitions import transition
from jixiao.domain.workflow import Edge
from jixiao.orgs.actors import Actor, actor_label, person
from jixiao.performance.models import Project
from jixiao.performance.workflows import TARGET_WORKFLOW, TargetVerb

__all__ = ["do_approve_targets", "do_return_targets", "do_submit_targets"]


def _move(project: Project, verb: TargetVerb, *, acting_user: Actor, reason: str) -> Project:
    now = timezone.now()
    updates: dict[str, Any]
    if verb == TargetVerb.SUBMIT:
        updates = {"target_submitted_by": person(acting_user), "target_submitted_at": now}
    else:
        updates = {"target_reviewed_by": person(acting_user), "target_reviewed_at": now}
    if verb == TargetVerb.RETURN:
        updates["target_return_reason"] = (reason or "").strip()

    def guard(locked: Project, edge: Edge) -> None:
        own = person(acting_user)
        if edge.verb == TargetVerb.APPROVE and own is not None and own.pk == locked.target_submitted_by_id:
            raise ValidationError(
                f"项目“{locked.name}”的绩效目标由 {actor_label(acting_user)} 送审，不能由本人审核通过",
                code="own_targets",
            )

    return transition(
        project,
        TARGET_WORKFLOW,
        verb,
        acting_user=acting_user,
        reason=reason,
        state_field="target_status",
        updates=updates,
        guard=guard,
        details={"project": project.pk},
    )


@transaction.atomic
def do_submit_targets(project: Project, *, acting_user: Actor, reason: str = "") -> Project:
    """草稿 (or 已退回) → 已送审, by someone who may submit on the project's unit (填报人, 单位负责人)."""
    return _move(project, TargetVerb.SUBMIT, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_approve_targets(project: Project, *, acting_user: Actor, reason: str = "") -> Project:
    """已送审 → 已审核, by a reviewer who did not submit them (four eyes)."""
    return _move(project, TargetVerb.APPROVE, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_return_targets(project: Project, *, acting_user: Actor, reason: str) -> Project:
    """已送审 or 已审核 → 已退回, with the reason the editor reads (required); the form may be re-imported."""
    return _move(project, TargetVerb.RETURN, acting_user=acting_user, reason=reason)
