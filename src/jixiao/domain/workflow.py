"""Workflows as data: the states of an object, the edges between them, who may take each edge, and why.

A workflow is pure (no Django): ``Workflow.edge(verb, current)`` says whether an object in ``current`` may
take ``verb`` and returns the edge. The action layer (``jixiao.audit.transitions.transition``) locks the
object, checks the edge and the actor's role, writes the audit row and notifies on commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class TransitionRefused(Exception):
    """The object's state has no such edge; ``message`` says so in Chinese."""

    def __init__(self, message: str, *, code: str = "bad_transition") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Edge:
    """One allowed move: from any of ``sources`` to ``target`` by ``verb``.

    ``action`` is the permission the actor needs on the object's unit (``view``, ``change``, ``submit``,
    ``review``, ``finance``, ``security``, ``admin``). ``reason`` says whether the actor must give one;
    ``system`` whether the system actor may take the edge; ``people`` whether a person may.
    """

    verb: StrEnum
    sources: frozenset[str]
    target: str
    action: str
    reason: bool = True
    system: bool = True
    people: bool = True
    label: str = ""


@dataclass(frozen=True)
class Workflow:
    """The states (value → Chinese label) and the edges of one kind of object."""

    name: str
    label: str
    states: Mapping[str, str]
    edges: tuple[Edge, ...]
    initial: str
    _by_verb: dict[str, Edge] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_verb: dict[str, Edge] = {}
        for edge in self.edges:
            if str(edge.verb) in by_verb:
                raise ValueError(f"{self.name}: verb {edge.verb} is defined twice")
            unknown = (edge.sources | {edge.target}) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}: edge {edge.verb} names unknown states {sorted(unknown)}")
            by_verb[str(edge.verb)] = edge
        if self.initial not in self.states:
            raise ValueError(f"{self.name}: unknown initial state {self.initial}")
        object.__setattr__(self, "_by_verb", by_verb)

    def state_label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def edge(self, verb: StrEnum | str, current: str) -> Edge:
        """The edge ``verb`` from ``current``; ``TransitionRefused`` (in Chinese) when there is none."""
        found = self._by_verb.get(str(verb))
        if found is None:
            raise TransitionRefused(f"{self.label}没有“{verb}”这一步", code="unknown_verb")
        if current not in found.sources:
            allowed = "、".join(self.state_label(s) for s in sorted(found.sources))
            raise TransitionRefused(
                f"{self.label}当前为“{self.state_label(current)}”，不能{found.label or verb}"
                f"（只有“{allowed}”的{self.label}可以）"
            )
        return found

    def verbs_from(self, current: str) -> list[Edge]:
        """The edges an object in ``current`` may take, in definition order (what a page offers)."""
        return [edge for edge in self.edges if current in edge.sources]

    def reachable(self) -> set[str]:
        seen = {self.initial}
        frontier = [self.initial]
        while frontier:
            state = frontier.pop()
            for edge in self.edges:
                if state in edge.sources and edge.target not in seen:
                    seen.add(edge.target)
                    frontier.append(edge.target)
        return seen


def edges(*items: Edge) -> tuple[Edge, ...]:
    return tuple(items)


def states(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    return dict(pairs)
