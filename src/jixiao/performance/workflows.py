"""The workflows of the performance app as data: results, the target declaration of a project, the target
adjustments a re-import proposes, and the year-end self-evaluation. Objects change state only through ``jixiao.audit.transitions.transition``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import cast

from django.db import models

from jixiao.domain.workflow import Edge, Workflow
from jixiao.performance.choices import (
    AdjustmentStatusChoices,
    EvaluationStatusChoices,
    RectificationStatusChoices,
    ResultStatusChoices,
    RoundStatusChoices,
    TargetStatusChoices,
)


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """State → Chinese label (lazy; shown as text wherever a workflow names a state)."""
    return cast(dict[str, str], dict(choices.choices))


def _submit_and_review(
    name: str,
    label: str,
    choices: type[models.TextChoices],
    verbs: tuple[StrEnum, StrEnum, StrEnum],
    *,
    initial: str,
    submitted: str,
    approved: str,
    returned: str,
    labels: tuple[str, str, str] = ("送审", "审核通过", "退回"),
    reopen_approved: bool = True,
    more: tuple[Edge, ...] = (),
) -> Workflow:
    """The shape the unit's work and its review share: ``initial`` → ``submitted`` (送审, by ``submit``) →
    ``approved`` (审核通过, by ``review``), or → ``returned`` (退回, by ``review`` with a reason; from
    ``approved`` too when ``reopen_approved``) and submitted again. ``verbs`` are the submit, approve and
    return verbs, ``labels`` their names; ``more`` edges follow."""
    submit, approve, send_back = verbs
    returnable = {submitted, approved} if reopen_approved else {submitted}
    return Workflow(
        name=name,
        label=label,
        states=_labels(choices),
        edges=(
            Edge(submit, frozenset({initial, returned}), submitted, "submit", reason=False, label=labels[0]),
            Edge(approve, frozenset({submitted}), approved, "review", reason=False, label=labels[1]),
            Edge(send_back, frozenset(returnable), returned, "review", label=labels[2]),
            *more,
        ),
        initial=initial,
    )


class ResultVerb(StrEnum):
    SUBMIT = "result.submitted"
    APPROVE = "result.approved"
    RETURN = "result.returned"
    REOPEN = "result.reopened"


R = ResultStatusChoices

# 草稿 → 已提交 → 已审核, or 已退回 (from 已审核 too: the reason is what the editor reads), which the editor
# corrects: it becomes a draft again.
RESULT_WORKFLOW = _submit_and_review(
    "period_result",
    "指标完成情况",
    R,
    (ResultVerb.SUBMIT, ResultVerb.APPROVE, ResultVerb.RETURN),
    initial=R.DRAFT,
    submitted=R.SUBMITTED,
    approved=R.APPROVED,
    returned=R.RETURNED,
    labels=("提交", "审核通过", "退回"),
    more=(Edge(ResultVerb.REOPEN, frozenset({R.RETURNED}), R.DRAFT, "change", reason=False, label="修改"),),
)


class TargetVerb(StrEnum):
    SUBMIT = "targets.submitted"
    APPROVE = "targets.approved"
    RETURN = "targets.returned"


T = TargetStatusChoices

# 草稿 → 已送审 → 已审核, or 已退回 (from 已审核 too) with a reason and 送审 again.
TARGET_WORKFLOW = _submit_and_review(
    "project_targets",
    "绩效目标",
    T,
    (TargetVerb.SUBMIT, TargetVerb.APPROVE, TargetVerb.RETURN),
    initial=T.DRAFT,
    submitted=T.SUBMITTED,
    approved=T.APPROVED,
    returned=T.RETURNED,
)


class AdjustmentVerb(StrEnum):
    APPROVE = "target_adjustment.approved"
    REJECT = "target_adjustment.rejected"
    SUPERSEDE = "target_adjustment.superseded"


A = AdjustmentStatusChoices

ADJUSTMENT_WORKFLOW = Workflow(
    name="target_adjustment",
    label="目标调整",
    states=_labels(A),
    edges=(
        Edge(AdjustmentVerb.APPROVE, frozenset({A.PROPOSED}), A.APPROVED, "review", label="批准"),
        Edge(AdjustmentVerb.REJECT, frozenset({A.PROPOSED}), A.REJECTED, "review", label="驳回"),
        # A newer import of the same project replaces a proposal nobody has reviewed yet.
        Edge(AdjustmentVerb.SUPERSEDE, frozenset({A.PROPOSED}), A.SUPERSEDED, "change", label="替代"),
    ),
    initial=A.PROPOSED,
)


class EvaluationVerb(StrEnum):
    FINALISE = "evaluation.finalised"
    REOPEN = "evaluation.reopened"


# 填写中 → 已定稿, and back by a reviewer with a reason. The checks before a finalisation (everything scored,
# the texts written, the review findings of the project's form) are made by ``do_finalise_evaluation``.
EVALUATION_WORKFLOW = Workflow(
    name="evaluation",
    label="绩效自评",
    states={EvaluationStatusChoices.DRAFT.value: "填写中", EvaluationStatusChoices.FINALISED.value: "已定稿"},
    edges=(
        Edge(
            EvaluationVerb.FINALISE,
            frozenset({EvaluationStatusChoices.DRAFT.value}),
            EvaluationStatusChoices.FINALISED.value,
            "review",
            reason=False,
            label="定稿",
        ),
        Edge(
            EvaluationVerb.REOPEN,
            frozenset({EvaluationStatusChoices.FINALISED.value}),
            EvaluationStatusChoices.DRAFT.value,
            "review",
            reason=True,
            label="重新打开",
        ),
    ),
    initial=EvaluationStatusChoices.DRAFT.value,
)


class RoundVerb(StrEnum):
    SUBMIT = "monitoring_round.submitted"
    APPROVE = "monitoring_round.approved"
    RETURN = "monitoring_round.returned"


MR = RoundStatusChoices

# 填报中 → 已送审 → 已审核, or 已退回 (with a reason) and 送审 again. What must be filled before 送审 (纠偏措施
# where a deviation or an uncertain completion needs it) is checked by ``do_submit_monitoring_round``.
ROUND_WORKFLOW = _submit_and_review(
    "monitoring_round",
    "运行监控",
    MR,
    (RoundVerb.SUBMIT, RoundVerb.APPROVE, RoundVerb.RETURN),
    initial=MR.DRAFT,
    submitted=MR.SUBMITTED,
    approved=MR.APPROVED,
    returned=MR.RETURNED,
)


class RectificationVerb(StrEnum):
    ANSWER = "rectification.answered"
    ACCEPT = "rectification.accepted"
    RETURN = "rectification.returned"


RC = RectificationStatusChoices

# 待整改 → 已反馈 (the unit's answer with evidence) → 已通过, or 已退回 with a reason and answered again.
RECTIFICATION_WORKFLOW = _submit_and_review(
    "rectification",
    "整改事项",
    RC,
    (RectificationVerb.ANSWER, RectificationVerb.ACCEPT, RectificationVerb.RETURN),
    initial=RC.OPEN,
    submitted=RC.ANSWERED,
    approved=RC.ACCEPTED,
    returned=RC.RETURNED,
    labels=("提交整改反馈", "整改通过", "退回整改"),
    reopen_approved=False,
)
