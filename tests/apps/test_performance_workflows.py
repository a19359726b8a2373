"""The performance workflows as data: the four that share the 送审/审核/退回 shape are built by one function; these
tests pin what each allows (who moves it, from where, with or without a reason), whatever builds it."""

from __future__ import annotations

import pytest

from jixiao.domain.workflow import Workflow
from jixiao.performance.workflows import (
    RECTIFICATION_WORKFLOW,
    RESULT_WORKFLOW,
    ROUND_WORKFLOW,
    TARGET_WORKFLOW,
)


def _edges(workflow: Workflow) -> list[tuple[str, set[str], str, str, bool, str]]:
    return [
        (e.verb.value, {str(s) for s in e.sources}, str(e.target), e.action, e.reason, e.label)
        for e in workflow.edges
    ]


@pytest.mark.parametrize(
    ("workflow", "prefix", "submit_label"),
    [(TARGET_WORKFLOW, "targets", "送审"), (ROUND_WORKFLOW, "monitoring_round", "送审")],
)
def test_targets_and_monitoring_rounds_are_submitted_reviewed_and_returned_with_a_reason(
    workflow: Workflow, prefix: str, submit_label: str
) -> None:
    assert workflow.initial == "draft"
    assert _edges(workflow) == [
        (f"{prefix}.submitted", {"draft", "returned"}, "submitted", "submit", False, submit_label),
        (f"{prefix}.approved", {"submitted"}, "approved", "review", False, "审核通过"),
        (f"{prefix}.returned", {"submitted", "approved"}, "returned", "review", True, "退回"),
    ]


def test_a_returned_result_becomes_a_draft_again_when_the_editor_corrects_it() -> None:
    assert _edges(RESULT_WORKFLOW) == [
        ("result.submitted", {"draft", "returned"}, "submitted", "submit", False, "提交"),
        ("result.approved", {"submitted"}, "approved", "review", False, "审核通过"),
        ("result.returned", {"submitted", "approved"}, "returned", "review", True, "退回"),
        ("result.reopened", {"returned"}, "draft", "change", False, "修改"),
    ]
    assert set(RESULT_WORKFLOW.states) == {"draft", "submitted", "approved", "returned"}


def test_an_accepted_rectification_is_not_returned_again() -> None:
    assert RECTIFICATION_WORKFLOW.initial == "open"
    assert _edges(RECTIFICATION_WORKFLOW) == [
        ("rectification.answered", {"open", "returned"}, "answered", "submit", False, "提交整改反馈"),
        ("rectification.accepted", {"answered"}, "accepted", "review", False, "整改通过"),
        ("rectification.returned", {"answered"}, "returned", "review", True, "退回整改"),
    ]
