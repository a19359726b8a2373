"""Rectification (整改): a review opens items (problem, requirement, deadline); the unit answers with text and
evidence files; the reviewer accepts the answer or sends it back with a reason (``RECTIFICATION_WORKFLOW``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import RectificationSourceChoices, RectificationStatusChoices
from jixiao.performance.evidence import check_evidence, store_evidence
from jixiao.performance.guards import require
from jixiao.performance.models import Project, RectificationEvidence, RectificationItem
from jixiao.performance.workflows import RECTIFICATION_WORKFLOW, RectificationVerb

__all__ = [
    "do_accept_rectification",
    "do_answer_rectification",
    "do_attach_rectification_evidence",
    "do_open_rectification",
    "do_return_rectification",
]

_OPEN = (RectificationStatusChoices.OPEN, RectificationStatusChoices.RETURNED)


@transaction.atomic
def do_open_rectification(
    project: Project,
    *,
    problem: str,
    requirement: str,
    deadline: dt.date,
    source: str = RectificationSourceChoices.EVALUATION,
    acting_user: Actor,
    reason: str = "",
) -> RectificationItem:
    """A reviewer opens a rectification item on ``project``: what is wrong, what must be done, by when."""
    require(acting_user, "review", project)
    missing = [name for name, text in (("存在问题", problem), ("整改要求", requirement)) if not text.strip()]
    if missing:
        raise ValidationError(f"请填写{'、'.join(missing)}", code="required")
    if source not in RectificationSourceChoices.values:
        raise ValidationError("整改来源无效")
    if deadline < timezone.localdate():
        raise ValidationError(f"整改期限{deadline:%Y年%-m月%-d日}已过，请选择今天或以后的日期")
    item = RectificationItem.objects.create(
        project=project,
        source=source,
        problem=problem.strip(),
        requirement=requirement.strip(),
        deadline=deadline,
        opened_by=person(acting_user),
    )
    audit.record(
        acting_user,
        "rectification.opened",
        item,
        reason=reason,
        unit=project.unit,
        changes={"problem": [None, item.problem], "requirement": [None, item.requirement]},
        details={"deadline": deadline, "source": source},
    )
    return item


def _refuse_if_closed(item: RectificationItem) -> None:
    if item.status not in _OPEN:
        raise ValidationError(
            f"整改事项“{item.problem[:30]}”{item.get_status_display()}，不能再修改反馈", code="closed"
        )


@transaction.atomic
def do_attach_rectification_evidence(
    item: RectificationItem, upload: UploadedFile, *, acting_user: Actor, reason: str = ""
) -> RectificationEvidence:
    """A checked evidence file (``performance.evidence``) attached to an item still waiting for its answer."""
    item = RectificationItem.objects.unrestricted().select_related("project__unit").get(pk=item.pk)
    require(acting_user, "change", item.project)
    _refuse_if_closed(item)
    content_type = check_evidence(upload)
    evidence = store_evidence(
        RectificationEvidence(item=item, uploaded_by=person(acting_user)), upload, content_type
    )
    audit.record(
        acting_user,
        "rectification.evidence_attached",
        evidence,
        reason=reason,
        unit=item.project.unit,
        details={"item": item.pk, "file": evidence.file.name, "size": evidence.size, "type": content_type},
    )
    return evidence


@transaction.atomic
def do_answer_rectification(
    item: RectificationItem, *, answer: str, acting_user: Actor, reason: str = ""
) -> RectificationItem:
    """The unit answers (反馈): 待整改 or 已退回 → 已反馈, with the text of what was done (required)."""
    if not answer.strip():
        raise ValidationError("请填写整改反馈：做了什么、结果如何", code="answer_required")
    return transition(
        item,
        RECTIFICATION_WORKFLOW,
        RectificationVerb.ANSWER,
        acting_user=acting_user,
        reason=reason,
        updates={"answer": answer.strip(), "answered_by": person(acting_user), "answered_at": timezone.now()},
    )


def _review(
    item: RectificationItem, verb: RectificationVerb, *, acting_user: Actor, reason: str
) -> RectificationItem:
    updates: dict[str, object] = {"reviewed_by": person(acting_user), "reviewed_at": timezone.now()}
    if verb == RectificationVerb.RETURN:
        updates["return_reason"] = (reason or "").strip()
    return transition(
        item, RECTIFICATION_WORKFLOW, verb, acting_user=acting_user, reason=reason, updates=updates
    )


@transaction.atomic
def do_accept_rectification(
    item: RectificationItem, *, acting_user: Actor, reason: str = ""
) -> RectificationItem:
    """The reviewer accepts the answer: 已反馈 → 已通过."""
    return _review(item, RectificationVerb.ACCEPT, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_return_rectification(item: RectificationItem, *, acting_user: Actor, reason: str) -> RectificationItem:
    """The reviewer sends the answer back (reason required): 已反馈 → 已退回, answered again by the unit."""
    return _review(item, RectificationVerb.RETURN, acting_user=acting_user, reason=reason)
