"""Adjusting approved targets in the browser (目标调整): the edited targets of a project whose declaration is
submitted or approved do not change it; they become a proposed ``TargetAdjustment`` (the same rows a re-import
proposes: indicator by indicator 新增/修改/删除, old → new), with the reason the reviewer reads. A reviewer who
is not the proposer approves or rejects it (``actions.imports.do_approve_target_adjustment`` /
``do_reject_target_adjustment``); approving applies it through the import's merge.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.orgs.actors import Actor, require_actor
from jixiao.orgs.permissions import require
from jixiao.performance.actions.targets import EDITABLE, WEB_SOURCE, IndicatorDraft, draft_document
from jixiao.performance.models import Project, TargetAdjustment

__all__ = ["do_propose_target_adjustment"]


@transaction.atomic
def do_propose_target_adjustment(
    project: Project, rows: Sequence[IndicatorDraft], *, acting_user: Actor, reason: str
) -> TargetAdjustment:
    """Propose ``rows`` as the new targets of a submitted or approved project; the reason is required.

    Nothing of the project changes. Refused (nothing stored) when the declaration is still editable (草稿,
    已退回: edit it directly), when the rows change nothing, or when the same change was already proposed.
    """
    require_actor(acting_user)
    from jixiao.performance.actions.imports import do_import_forms  # imports reads the targets workflow

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写调整原因", code="reason")
    locked = Project.objects.unrestricted().select_for_update().select_related("unit").get(pk=project.pk)
    require(acting_user, "change", locked.unit, "绩效目标")
    if locked.target_status in EDITABLE:
        raise ValidationError(
            f"项目“{locked.name}”的绩效目标{locked.get_target_status_display()}，可以直接修改，无需申请调整",
            code="editable",
        )
    doc = draft_document(rows, project=locked)
    result = do_import_forms(
        [doc], acting_user=acting_user, reason=reason, unit=locked.unit, batch_label=WEB_SOURCE
    )
    if not result.proposed:
        # Rolled back with the batch: an unchanged form, or one already proposed or rejected.
        raise ValidationError("调整后的目标与现有目标相同，或同样的调整已经提出过", code="unchanged")
    return result.proposed[0]
