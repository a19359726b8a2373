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


class ResultVerb(StrEnum):
    SUBMIT = "result.submitted"
    APPROVE = "result.approved"
    RETURN = "result.returned"
    REOPEN = "result.reopened"


R = ResultStatusChoices

RESULT_WORKFLOW = Workflow(
    name="period_result",
    label="指标完成情况",
    states=_labels(R),
    edges=(
        Edge(
            ResultVerb.SUBMIT,
            frozenset({R.DRAFT, R.RETURNED}),
            R.SUBMITTED,
            "submit",
            reason=False,
            label="提交",
        ),
        Edge(
            ResultVerb.APPROVE, frozenset({R.SUBMITTED}), R.APPROVED, "review", reason=False, label="审核通过"
        ),
        # A reviewer may reopen an approved result too: the reason is what the editor reads.
        Edge(ResultVerb.RETURN, frozenset({R.SUBMITTED, R.APPROVED}), R.RETURNED, "review", label="退回"),
        # The editor corrects a returned result: it becomes a draft again.
        Edge(ResultVerb.REOPEN, frozenset({R.RETURNED}), R.DRAFT, "change", reason=False, label="修改"),
    ),
    initial=R.DRAFT,
)


class TargetVerb(StrEnum):
    SUBMIT = "targets.submitted"
    APPROVE = "targets.approved"
    RETURN = "targets.returned"


T = TargetStatusChoices

TARGET_WORKFLOW = Workflow(
    name="project_targets",
    label="绩效目标",
    states=_labels(T),
    edges=(
        Edge(
            TargetVerb.SUBMIT,
            frozenset({T.DRAFT, T.RETURNED}),
            T.SUBMITTED,
            "submit",
            reason=False,
            label="送审",
        ),
        Edge(
            TargetVerb.APPROVE, frozenset({T.SUBMITTED}), T.APPROVED, "review", reason=False, label="审核通过"
        ),
        Edge(TargetVerb.RETURN, frozenset({T.SUBMITTED, T.APPROVED}), T.RETURNED, "review", label="退回"),
    ),
    initial=T.DRAFT,
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
ROUND_WORKFLOW = Workflow(
    name="monitoring_round",
    label="运行监控",
    states=_labels(MR),
    edges=(
        Edge(
            RoundVerb.SUBMIT,
            frozenset({MR.DRAFT, MR.RETURNED}),
            MR.SUBMITTED,
            "submit",
            reason=False,
            label="送审",
        ),
        Edge(
            RoundVerb.APPROVE,
            frozenset({MR.SUBMITTED}),
            MR.APPROVED,
            "review",
            reason=False,
            label="审核通过",
        ),
        Edge(RoundVerb.RETURN, frozenset({MR.SUBMITTED, MR.APPROVED}), MR.RETURNED, "review", label="退回"),
    ),
    initial=MR.DRAFT,
)


class RectificationVerb(StrEnum):
    ANSWER = "rectification.answered"
    ACCEPT = "rectification.accepted"
    RETURN = "rectification.returned"


RC = RectificationStatusChoices

# 待整改 → 已反馈 (the unit's answer with evidence) → 已通过, or 已退回 with a reason and answered again.
RECTIFICATION_WORKFLOW = Workflow(
    name="rectification",
    label="整改事项",
    states=_labels(RC),
    edges=(
        Edge(
            RectificationVerb.ANSWER,
            frozenset({RC.OPEN, RC.RETURNED}),
            RC.ANSWERED,
            "submit",
            reason=False,
            label="提交整改反馈",
        ),
        Edge(
            RectificationVerb.ACCEPT,
            frozenset({RC.ANSWERED}),
            RC.ACCEPTED,
            "review",
            reason=False,
            label="整改通过",
        ),
        Edge(RectificationVerb.RETURN, frozenset({RC.ANSWERED}), RC.RETURNED, "review", label="退回整改"),
    ),
    initial=RC.OPEN,
)
