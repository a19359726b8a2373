"""The workflow of a year-end self-evaluation (绩效自评): 填写中 → 已定稿, and back by a reviewer with a reason.

Pure data for ``jixiao.audit.transitions.transition``; the checks before a finalisation (everything scored,
the texts written, the review findings of the project's form) are made by ``do_finalise_evaluation``.
"""

from __future__ import annotations

from enum import StrEnum

from jixiao.domain.workflow import Edge, Workflow
from jixiao.performance.choices import EvaluationStatusChoices

__all__ = ["EVALUATION_WORKFLOW", "EvaluationVerb"]

DRAFT = EvaluationStatusChoices.DRAFT.value
FINALISED = EvaluationStatusChoices.FINALISED.value


class EvaluationVerb(StrEnum):
    FINALISE = "evaluation.finalised"
    REOPEN = "evaluation.reopened"


EVALUATION_WORKFLOW = Workflow(
    name="evaluation",
    label="绩效自评",
    states={DRAFT: "填写中", FINALISED: "已定稿"},
    edges=(
        Edge(EvaluationVerb.FINALISE, frozenset({DRAFT}), FINALISED, "review", reason=False, label="定稿"),
        Edge(EvaluationVerb.REOPEN, frozenset({FINALISED}), DRAFT, "review", reason=True, label="重新打开"),
    ),
    initial=DRAFT,
)
