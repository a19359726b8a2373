"""The live board: a snapshot of every active asset's board figures, shared by every person's poll, and the poll.

The snapshot (ids and figures of every active asset, grouped by owner unit, tag and state, each group's worst
rows ranked) is checked at most every ``JIXIAO_SECURITY_BOARD_SECONDS`` (5 s unless set; 0 checks on every
poll and rebuilds at once, as the tests want) by a few aggregates that tell whether the data changed. It is
built outside the web requests: the monitor process rebuilds it after its stored batches and on its ticks
(``refresh``) and publishes it to a file (``JIXIAO_SECURITY_BOARD_FILE``, by default ``var/security-board.pickle``)
that every web process loads when its own copy is out of date; a web process that finds no published copy of
the current data rebuilds it in a background thread and serves its previous copy meanwhile (only a process
with no copy at all builds one within the request). Why a file and not Django's cache: ``docs/decisions.md``.

A poll (``poll``) then costs what is the person's own: their visible units (one query), the open incidents
(one query) and, when the snapshot or their units changed, the 20 worst rows read again through
``restrict()`` and rendered; the rendered rows are kept in the cache under the snapshot's version, the
person's visible units (ids and names) and the filters, so two people with the same units share them and
nothing else of a person is in them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import heapq
import itertools
import logging
import os
import pickle
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import unrestricted_actor
from jixiao.security.choices import ACTIVE_FINDING_STATUSES, IncidentStatusChoices, SeverityChoices
from jixiao.security.models import Asset, AssetState, Finding, Incident

__all__ = ["BoardAsset", "Group", "Snapshot", "poll", "refresh", "snapshot"]

logger = logging.getLogger(__name__)

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
    total_ms: int | None = None
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


# --- building the snapshot ---------------------------------------------------------------------------------

_lock = threading.Lock()  # one build at a time in a process
_current: Snapshot | None = None


def max_age() -> float:
    return float(settings.JIXIAO_SECURITY_BOARD_SECONDS)


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
    for pk, owner_id, tags, failing, checked, expires, grade, name, total_ms in (
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
            "state__last_total_ms",
        )
        .iterator(chunk_size=2000)
    ):
        rows[pk] = BoardAsset(
            pk,
            owner_id,
            tuple(tags or ()),
            bool(failing),
            checked is not None,
            expires,
            grade or "",
            name,
            total_ms,
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


def reset() -> None:
    """Forget this process's snapshot (tests: each test's database is another)."""
    global _current, _refreshed_at
    _current = None
    _refreshed_at = -float("inf")


def _install(shared: Snapshot) -> Snapshot:
    global _current
    shared.built = time.monotonic()
    _current = shared
    return shared


def snapshot() -> Snapshot:
    """The current snapshot, checked against the data at most every ``max_age()`` seconds.

    When the data changed, a background thread loads the published copy if it is of the current data (the
    monitor's, or another process's), else builds one and publishes it; the previous copy answers meanwhile.
    Only a process without any copy (or with ``max_age() == 0``, the tests') does that within the request.
    """
    current = _current
    if current is not None and time.monotonic() - current.built < max_age():
        return current
    version = _version()
    if current is not None and current.version == version:
        current.built = time.monotonic()
        return current
    if current is not None and max_age() > 0:
        _replace_in_background(version)
        current.built = time.monotonic()  # asked again after ``max_age()``; the thread installs its copy
        return current
    with _lock:
        if _current is not None and _current.version == version:
            return _current
        return _install(_load_or_build(version))


def _load_or_build(version: tuple[Any, ...]) -> Snapshot:
    found = _read_published(version)
    if found is not None:
        return found
    built = _build(version)
    publish(built)
    return built


def _replace_in_background(version: tuple[Any, ...]) -> None:
    if not _lock.acquire(blocking=False):  # a thread is at it already
        return

    def run() -> None:
        try:
            _install(_load_or_build(version))
        except Exception:
            logger.exception("replacing the security board's snapshot failed")
        finally:
            connection.close()  # this thread's own connection
            _lock.release()

    threading.Thread(target=run, name="security-board", daemon=True).start()


_refreshed_at = -float("inf")


def refresh(*, at_most_every: float | None = None) -> bool:
    """The monitor's hook: after a stored batch and on each tick, rebuild and publish the snapshot when the
    data changed since the published one, at most every ``at_most_every`` seconds (``max_age()`` unless
    given). Returns whether it rebuilt."""
    global _refreshed_at
    interval = max_age() if at_most_every is None else at_most_every
    if time.monotonic() - _refreshed_at < interval:
        return False
    _refreshed_at = time.monotonic()
    version = _version()
    current = _current
    if (current is not None and current.version == version) or _published_version() == version:
        return False
    with _lock:
        built = _build(version)
        publish(built)
        _install(built)
    return True


# --- sharing the snapshot between processes -------------------------------------------------------------

FORMAT = 1  # raised when the snapshot's classes change shape: a file of another format is not read


def published_path() -> Path | None:
    """Where the snapshot of this database is published: ``JIXIAO_SECURITY_BOARD_FILE`` (setting or
    environment) if set; else ``None`` for an in-memory database (the tests'), which no other process can
    read, and a file in ``var`` named by the database's identity, so that two databases served from one
    ``var`` folder never read each other's snapshot."""
    configured = settings.JIXIAO_SECURITY_BOARD_FILE
    if configured:
        return Path(configured)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        return None
    database = connection.settings_dict
    identity = repr((connection.vendor, database.get("NAME"), database.get("HOST"), database.get("PORT")))
    digest = hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()
    return Path(settings.VAR_DIR) / f"security-board-{digest}.pickle"


def publish(shared: Snapshot) -> None:
    """Write the snapshot for the other processes: a header (format, version), then the snapshot; the file is
    replaced at once (a reader sees the old file or the new one, never half of one) and only the
    application's user may read it (``mkstemp``: mode 0600)."""
    path = published_path()
    if path is None:
        return
    temporary = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".security-board-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump((FORMAT, shared.version), out, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(shared, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        logger.exception("publishing the security board's snapshot failed")
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _published_version() -> tuple[Any, ...] | None:
    path = published_path()
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            head = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        return None
    if not (isinstance(head, tuple) and len(head) == 2 and head[0] == FORMAT):
        return None
    return tuple(head[1])


def _read_published(version: tuple[Any, ...]) -> Snapshot | None:
    """The published snapshot if it is of ``version`` (the data as it is now), else ``None``."""
    path = published_path()
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            head = pickle.load(handle)
            if head != (FORMAT, version):
                return None
            found = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        return None
    return found if isinstance(found, Snapshot) else None


# --- the poll ---------------------------------------------------------------------------------------------

ROWS_SHOWN = 20
INCIDENTS_SHOWN = 10
STATES = ("up", "down", "unknown")
ROWS_KEPT_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Filters:
    unit: int | None = None
    tag: str = ""
    state: str = ""

    @classmethod
    def of(cls, params: Any) -> Filters:
        """The board's filters from the query (as the board's form sends them); anything else is ignored."""
        unit = str(params.get("unit") or "").strip()
        state = str(params.get("state") or "")
        return cls(
            int(unit) if unit.isdigit() else None,
            str(params.get("tag") or "").strip()[:100],
            state if state in STATES else "",
        )


def visible_units(user: Any, unit: int | None) -> dict[int, str]:
    """The units whose assets the person may see (``restrict(user, "view")``), by id with their names; with
    ``unit``, that unit's subtree if the person sees it, else none."""
    units = Unit.objects.unrestricted() if unrestricted_actor(user) else Unit.objects.restrict(user, "view")
    found = list(units.order_by().values_list("pk", "path", "name"))
    if unit is not None:
        top = next((path for pk, path, _ in found if pk == unit), None)
        found = [row for row in found if top is not None and row[1].startswith(top)]
    return {pk: name for pk, _, name in found}


def _groups(shared: Snapshot, units: dict[int, str], chosen: Filters, soon: dt.datetime) -> list[Group]:
    if chosen.tag and chosen.state:  # both: the members of the tag's groups in that state
        group = Group()
        for unit_id in units:
            tagged = shared.groups.get((unit_id, chosen.tag, ""))
            for member in tagged.members if tagged is not None else ():
                if member.state() == chosen.state:
                    group.add(member, soon)
        group.rank()
        return [group]
    key = (chosen.tag, chosen.state)
    return [g for u in units if (g := shared.groups.get((u, *key))) is not None]


def _rows_html(
    user: Any, shared: Snapshot, groups: list[Group], units: dict[int, str], chosen: Filters
) -> str:
    """The worst rows, rendered; kept under the snapshot's version, the visible units (ids and names) and the
    filters, until a certificate's day count shown in them changes. The snapshot gives the order and the
    findings; each row's asset (name, owner, state) is read again through ``restrict()`` when rendered."""
    now = timezone.now()
    identity = repr((shared.version, sorted(units.items()), chosen.tag, chosen.state))
    key = "security-board-rows:" + hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
    kept = cache.get(key)
    if kept is not None and now.timestamp() < kept[1]:
        return str(kept[0])
    worst = list(itertools.islice(heapq.merge(*(g.worst for g in groups), key=lambda a: a.rank), ROWS_SHOWN))
    current = {
        row["pk"]: row
        for row in Asset.objects.restrict(user, "view")
        .filter(pk__in=[w.pk for w in worst])
        .values(
            "pk",
            "name",
            "owner_id",
            "state__failing",
            "state__last_checked_at",
            "state__last_total_ms",
            "state__cert_expires",
            "state__header_grade",
        )
    }
    until = now + dt.timedelta(seconds=ROWS_KEPT_SECONDS)
    rows = []
    for figures in worst:
        asset = current.get(figures.pk)
        if asset is None or asset["owner_id"] not in units:  # gone or moved since the snapshot
            continue
        expires = asset["state__cert_expires"]
        days = (expires - now).days if expires is not None else None
        if expires is not None and days is not None:
            # the day count drops at expires - days; "soon" starts at expires - 30 days
            changes = (expires - dt.timedelta(days=days), expires - CERT_SOON)
            until = min([until, *(t for t in changes if t > now)])
        rows.append(
            {
                "pk": figures.pk,
                "name": asset["name"],
                "owner": units[asset["owner_id"]],
                "checked": asset["state__last_checked_at"] is not None,
                "down": bool(asset["state__failing"]),
                "total_ms": asset["state__last_total_ms"],
                "cert_days": days,
                "cert_soon": expires is not None and expires < now + CERT_SOON,
                "grade": asset["state__header_grade"],
                "critical": figures.findings.get("critical", 0),
                "high": figures.findings.get("high", 0),
                "live": figures.live(),
            }
        )
    html = render_to_string("security/board.html#rows", {"rows": rows})
    cache.set(key, (html, until.timestamp()), ROWS_KEPT_SECONDS)
    return html


def _incidents_html(user: Any, shared: Snapshot, units: dict[int, str], chosen: Filters) -> str:
    """The open incidents the person sees (the unit filter applied; with a tag or state, those of assets that
    match), soonest deadline first, rendered; the rendering is kept under what it shows."""
    found = (
        Incident.objects.restrict(user, "view")
        .exclude(status=IncidentStatusChoices.RESOLVED)
        .order_by("due_at", "pk")
        .values_list("pk", "title", "status", "due_at", "asset_id", "unit__name")
    )
    if chosen.unit is not None:
        found = found.filter(unit_id__in=list(units))
    if chosen.tag or chosen.state:
        scope = set(units)
        shown = [i for i in found[:200] if shared.matches(i[4], scope, chosen.tag, chosen.state)]
    else:
        shown = list(found[:INCIDENTS_SHOWN])
    shown = shown[:INCIDENTS_SHOWN]
    key = "security-board-incidents:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return str(kept)
    incidents = [
        {"pk": pk, "title": title, "status": IncidentStatusChoices(status).label, "due_at": due, "unit": unit}
        for pk, title, status, due, _, unit in shown
    ]
    html = render_to_string("security/board.html#incidents", {"incidents": incidents})
    cache.set(key, html, ROWS_KEPT_SECONDS)
    return html


def poll(user: Any, params: Any) -> dict[str, Any]:
    """What the live part of the board shows to ``user`` with the query ``params``: its figures and worst rows
    from the shared snapshot narrowed to the person's units and the filters, and the open incidents."""
    chosen = Filters.of(params)
    units = visible_units(user, chosen.unit)
    now = timezone.now()
    shared = snapshot()
    groups = _groups(shared, units, chosen, now + CERT_SOON)
    totals = {
        name: sum(getattr(g, name) for g in groups)
        for name in ("total", "down", "unknown", "cert_soon", "grade_poor")
    }
    by_severity: dict[str, int] = {}
    for g in groups:
        for severity, n in g.findings.items():
            by_severity[severity] = by_severity.get(severity, 0) + n
    return {
        "totals": totals,
        "up": totals["total"] - totals["down"] - totals["unknown"],
        "severities": [(value, label, by_severity.get(value, 0)) for value, label in SeverityChoices.choices],
        "rows_html": mark_safe(_rows_html(user, shared, groups, units, chosen)),  # our own template's output
        "incidents_html": mark_safe(_incidents_html(user, shared, units, chosen)),  # our own template's
        "now": now,
        "query": params.urlencode() if hasattr(params, "urlencode") else "",
    }
