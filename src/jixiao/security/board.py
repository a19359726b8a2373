"""The live board's snapshot: every active asset's board figures in one compact list, shared by every person's
poll and rebuilt only when the data changed and the snapshot is older than ``JIXIAO_SECURITY_BOARD_SECONDS``
(5 s unless set; 0 rebuilds on every change).

A poll then costs what is the person's own (their units, the worst rows' details, the open incidents), not a
pass over 10,000 assets and their findings: the snapshot holds ids and figures only, and every name shown is
read again through ``restrict()``. Whether the data changed is told by a few aggregates on indexed columns.
"""

from __future__ import annotations

import datetime as dt
import heapq
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q

from jixiao.security.choices import ACTIVE_FINDING_STATUSES, SeverityChoices
from jixiao.security.models import Asset, AssetState, Finding

__all__ = ["BoardAsset", "Group", "Snapshot", "snapshot"]

SEVERITIES = tuple(SeverityChoices.values)
ROWS = 50  # the worst assets kept per group
CERT_SOON = dt.timedelta(days=30)
POOR_GRADES = frozenset({"D+", "D", "D-", "F"})
NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(slots=True)
class BoardAsset:
    pk: int
    owner_id: int
    tags: tuple[str, ...]
    failing: bool
    checked: bool
    cert_expires: dt.datetime | None
    grade: str
    name: str
    findings: dict[str, int] = field(default_factory=dict)  # live findings by severity

    rank: tuple[Any, ...] = ()

    def live(self) -> int:
        return sum(self.findings.values())

    def state(self) -> str:
        return "down" if self.failing else ("up" if self.checked else "unknown")


@dataclass(slots=True)
class Group:
    """The figures of the assets of one owner unit (and one tag or one state): counts and the worst rows."""

    total: int = 0
    down: int = 0
    unknown: int = 0
    cert_soon: int = 0
    grade_poor: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    members: list[BoardAsset] = field(default_factory=list)
    worst: list[BoardAsset] = field(default_factory=list)  # the ``ROWS`` worst members, worst first

    def add(self, asset: BoardAsset, soon: dt.datetime) -> None:
        self.total += 1
        self.down += asset.failing
        self.unknown += not asset.checked
        self.cert_soon += asset.cert_expires is not None and asset.cert_expires < soon
        self.grade_poor += asset.grade in POOR_GRADES
        for severity, n in asset.findings.items():
            self.findings[severity] = self.findings.get(severity, 0) + n
        self.members.append(asset)

    def rank(self) -> None:
        self.worst = heapq.nsmallest(ROWS, self.members, key=lambda a: a.rank)


@dataclass
class Snapshot:
    """Groups by (owner unit id, tag, state): ``(owner, "", "")`` for every asset of the owner, ``(owner, tag,
    "")`` per tag and ``(owner, "", state)`` per state (up, down, unknown); each keeps its worst rows sorted."""

    version: tuple[Any, ...]
    built: float
    groups: dict[tuple[int, str, str], Group]
    by_pk: dict[int, BoardAsset]

    def matches(self, pk: int | None, units: set[int], tag: str, state: str) -> bool:
        asset = self.by_pk.get(pk) if pk is not None else None
        return (
            asset is not None
            and asset.owner_id in units
            and (not tag or tag in asset.tags)
            and (not state or asset.state() == state)
        )


_lock = threading.Lock()
_current: Snapshot | None = None


def max_age() -> float:
    return float(getattr(settings, "JIXIAO_SECURITY_BOARD_SECONDS", 5))


def _version() -> tuple[Any, ...]:
    assets = Asset.objects.unrestricted().aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
    states = AssetState.objects.unrestricted().aggregate(
        down=Count("pk", filter=Q(failing=True)), checked=Max("last_checked_at")
    )
    findings = Finding.objects.unrestricted().aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("status_changed_at"), seen=Max("first_seen")
    )
    return (*assets.values(), *states.values(), *findings.values())


def _build(version: tuple[Any, ...]) -> Snapshot:
    rows: dict[int, BoardAsset] = {}
    for pk, owner_id, tags, failing, checked, expires, grade, name in (
        Asset.objects.unrestricted()
        .filter(active=True)
        .order_by()
        .values_list(
            "pk",
            "owner_id",
            "tags",
            "state__failing",
            "state__last_checked_at",
            "state__cert_expires",
            "state__header_grade",
            "name",
        )
        .iterator(chunk_size=2000)
    ):
        rows[pk] = BoardAsset(
            pk, owner_id, tuple(tags or ()), bool(failing), checked is not None, expires, grade or "", name
        )
    for asset_id, severity, n in (
        Finding.objects.unrestricted()
        .filter(status__in=ACTIVE_FINDING_STATUSES)
        .order_by()
        .values("asset_id", "severity")
        .annotate(n=Count("pk"))
        .values_list("asset_id", "severity", "n")
    ):
        row = rows.get(asset_id)
        if row is not None:
            row.findings[severity] = n
    soon = dt.datetime.now(dt.UTC) + CERT_SOON
    groups: dict[tuple[int, str, str], Group] = {}
    for asset in rows.values():
        asset.rank = (
            not asset.failing,
            -asset.findings.get("critical", 0),
            -asset.findings.get("high", 0),
            -asset.live(),
            asset.cert_expires or NEVER,
            asset.name,
            asset.pk,
        )
        keys = [(asset.owner_id, "", ""), (asset.owner_id, "", asset.state())]
        keys += [(asset.owner_id, tag, "") for tag in asset.tags]
        for key in keys:
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group()
            group.add(asset, soon)
    for group in groups.values():
        group.rank()
    return Snapshot(version, time.monotonic(), groups, rows)


def snapshot() -> Snapshot:
    """The current snapshot: rebuilt when the data changed and the last one is older than ``max_age()``."""
    global _current
    current = _current
    if current is not None and time.monotonic() - current.built < max_age():
        return current
    version = _version()
    if current is not None and current.version == version:
        current.built = time.monotonic()
        return current
    with _lock:
        if _current is not None and _current.version == version:
            return _current
        _current = _build(version)
        return _current
