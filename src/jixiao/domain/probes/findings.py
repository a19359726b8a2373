"""What a probe reports: a ``Finding`` per problem, keyed by a stable hash so repeated checks deduplicate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from jixiao.domain.probes.urls import split_url


class Severity(StrEnum):
    """How urgent a finding is; critical findings (defacement, exposed source) start the incident clock."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the worst, so that sorting by rank puts critical findings first."""
        return _ORDER.index(self)


_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem seen on one asset.

    ``key`` identifies the problem across runs (same asset, check and detail → same key), so that a
    scheduler can keep first/last seen and reopen a finding when it comes back.
    """

    check: str
    severity: Severity
    key: str
    message: str


def asset_of(url: str) -> str:
    """The asset part of a URL for keys: lower-case host, with the port only when it is not the default."""
    return split_url(url).asset


def finding_key(asset: str, check: str, detail: str) -> str:
    """A stable 20-hex-digit key for (asset, check, detail); not a secret, only a deduplication handle."""
    digest = hashlib.blake2b(f"{asset}\x1f{check}\x1f{detail}".encode(), digest_size=10)
    return digest.hexdigest()


class FindingSink:
    """Collects findings for one asset, computing each key from the asset and the detail once."""

    __slots__ = ("asset", "findings")

    def __init__(self, url: str) -> None:
        self.asset = asset_of(url)
        self.findings: list[Finding] = []

    def add(self, check: str, severity: Severity, detail: str, message: str) -> Finding:
        found = Finding(check, severity, finding_key(self.asset, check, detail), message)
        self.findings.append(found)
        return found
