"""The pure workflow definition: edges, sources, labels, and what an object in a state may do."""

from __future__ import annotations

from enum import StrEnum

import pytest

from jixiao.domain.workflow import Edge, TransitionRefused, Workflow


class Verb(StrEnum):
    SUBMIT = "thing.submit"
    APPROVE = "thing.approve"
    RETURN = "thing.return"


FLOW = Workflow(
    name="thing",
    label="事项",
    states={"draft": "草稿", "submitted": "已送审", "approved": "已审核"},
    edges=(
        Edge(Verb.SUBMIT, frozenset({"draft"}), "submitted", "submit", reason=False, label="送审"),
        Edge(Verb.APPROVE, frozenset({"submitted"}), "approved", "review", reason=False, label="审核通过"),
        Edge(Verb.RETURN, frozenset({"submitted"}), "draft", "review", label="退回"),
    ),
    initial="draft",
)


def test_it_returns_the_edge_a_state_allows() -> None:
    edge = FLOW.edge(Verb.SUBMIT, "draft")
    assert (edge.target, edge.action, edge.reason) == ("submitted", "submit", False)


def test_it_refuses_an_edge_from_the_wrong_state_in_chinese() -> None:
    with pytest.raises(TransitionRefused) as refused:
        FLOW.edge(Verb.APPROVE, "draft")
    assert refused.value.message == "事项当前为“草稿”，不能审核通过（只有“已送审”的事项可以）"
    assert refused.value.code == "bad_transition"


def test_it_refuses_an_unknown_verb() -> None:
    with pytest.raises(TransitionRefused) as refused:
        FLOW.edge("thing.delete", "draft")
    assert refused.value.code == "unknown_verb"


def test_it_lists_what_a_state_may_do_in_order() -> None:
    assert [e.verb for e in FLOW.verbs_from("submitted")] == [Verb.APPROVE, Verb.RETURN]
    assert FLOW.verbs_from("approved") == []


def test_it_reaches_every_state_from_the_initial_one() -> None:
    assert FLOW.reachable() == {"draft", "submitted", "approved"}


def test_it_rejects_an_edge_naming_an_unknown_state() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("x", "x", {"a": "A"}, (Edge(Verb.SUBMIT, frozenset({"a"}), "b", "submit"),), "a")


def test_it_rejects_a_verb_defined_twice() -> None:
    edge = Edge(Verb.SUBMIT, frozenset({"a"}), "a", "submit")
    with pytest.raises(ValueError, match="defined twice"):
        Workflow("x", "x", {"a": "A"}, (edge, edge), "a")
