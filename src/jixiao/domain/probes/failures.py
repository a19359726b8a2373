"""Consecutive-failure bookkeeping: an outage is confirmed after N failures in a row, closed after M successes.

Pure and synchronous, so that a scheduler can keep one tracker per worker and persist its ``state``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Transition(StrEnum):
    OPENED = "opened"  # the failure is now confirmed: alert
    CLOSED = "closed"  # the asset has recovered: resolve


@dataclass(frozen=True, slots=True)
class TrackState:
    failing: bool = False
    failures: int = 0  # consecutive
    successes: int = 0  # consecutive


class FailureTracker(Generic[K]):
    """Gatus-style thresholds: ``threshold`` failures in a row open a failure, ``recover`` successes close it.

    A single blip neither alerts nor, once alerting, resolves; counters reset whenever the outcome flips.
    """

    def __init__(self, threshold: int = 3, recover: int = 2) -> None:
        if threshold < 1 or recover < 1:
            raise ValueError("threshold and recover must be at least 1")
        self.threshold = threshold
        self.recover = recover
        self._states: dict[K, TrackState] = {}

    def state(self, key: K) -> TrackState:
        return self._states.get(key, TrackState())

    def is_failing(self, key: K) -> bool:
        return self.state(key).failing

    def observe(self, key: K, ok: bool) -> Transition | None:
        """Record one check outcome; returns the transition it caused, if any."""
        before = self.state(key)
        if ok:
            successes = before.successes + 1
            if before.failing and successes >= self.recover:
                self._states[key] = TrackState(failing=False, failures=0, successes=successes)
                return Transition.CLOSED
            self._states[key] = TrackState(failing=before.failing, failures=0, successes=successes)
            return None
        failures = before.failures + 1
        if not before.failing and failures >= self.threshold:
            self._states[key] = TrackState(failing=True, failures=failures, successes=0)
            return Transition.OPENED
        self._states[key] = TrackState(failing=before.failing, failures=failures, successes=0)
        return None

    def forget(self, key: K) -> None:
        self._states.pop(key, None)
