"""The one batch pipeline: load a claimed batch, probe it, store the results and release its schedule rows.

``BatchJob`` serves both runners: the ``probe_batch`` task on any ``db_worker`` (``BatchJob.run``: the
probes under ``asyncio.run``) and the ``monitor`` process (``BatchJob.run_async``: the probes on the
monitor's event loop, the database steps in its database threads). One ``ProbeEngine`` per batch: one
connection pool and DNS cache for the whole batch, freed when it ends. The database is touched before and
after probing, never while a transaction would have to wait on the network. The store writes the batch's
state changes (``MonitorEvent``) in its own transaction, for the periodic job to act on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from jixiao.domain.probes import (
    ContentRules,
    ProbeEngine,
    ProbeOptions,
    ProbeResult,
    ProbeTarget,
    Redirection,
    redirection_from_dict,
)
from jixiao.domain.probes.confine import DEFAULT_DENY
from jixiao.domain.probes.tls_scan import TlsScan, as_probe_result, scan_tls
from jixiao.security.choices import CheckGroupChoices
from jixiao.security.models import Asset, AssetSchedule, AssetState
from jixiao.security.scheduling import GROUP_CHECKS, TRACKED_GROUPS, release
from jixiao.security.store import Probed, baseline_of, record_probe_results

logger = logging.getLogger(__name__)


def engine_settings() -> dict[str, Any]:
    """``JIXIAO_SECURITY_ENGINE`` (``concurrency``, ``per_host``) for the ``ProbeEngine`` of a batch."""
    configured: dict[str, Any] = settings.JIXIAO_SECURITY_ENGINE or {}
    return {
        "concurrency": int(configured.get("concurrency", 100)),
        "per_host": int(configured.get("per_host", 2)),
    }


# A site's port 80 rarely changes: the daily full check asks it afresh, the hourly header grades reuse that.
DEFAULT_REDIRECTION_AGE = dt.timedelta(days=1)


def redirection_age() -> dt.timedelta:
    """``JIXIAO_SECURITY_REDIRECTION_SECONDS``: how long an observed http→https redirection is reused."""
    seconds = settings.JIXIAO_SECURITY_REDIRECTION_SECONDS
    return DEFAULT_REDIRECTION_AGE if seconds is None else dt.timedelta(seconds=float(seconds))


def known_redirection(state: AssetState | None, group: str, now: dt.datetime) -> Redirection | None:
    """The stored redirection while it is young enough; never for a full check (a notice re-check among
    them), which must see the site as it is now."""
    if state is None or group == CheckGroupChoices.FULL:
        return None
    known = redirection_from_dict(state.redirection)
    if known is None or not known.checked or known.observed_at is None:
        return None
    return known if now - known.observed_at < redirection_age() else None


def options_for(asset: Asset, group: str, now: dt.datetime | None = None) -> ProbeOptions:
    """How to probe this asset for this check group: its baseline, its own hosts, the group's checks."""
    own = tuple(sorted({(urlsplit(u).hostname or "") if "://" in u else u for u in asset.extra_urls} - {""}))
    state = getattr(asset, "state", None)
    # Confinement: redirects stay on the registered hosts, and only an internal asset may lead the probe
    # to loopback, link-local or private addresses.
    deny = () if asset.internal else tuple(settings.JIXIAO_SECURITY_DENY_NETWORKS or DEFAULT_DENY)
    return ProbeOptions(
        checks=GROUP_CHECKS[group],
        baseline=baseline_of(state),
        redirection=known_redirection(state, group, now or timezone.now()),
        content=ContentRules(own_domains=own),
        extra_hosts=tuple(asset.extra_urls),
        deny_networks=deny,
        **(settings.JIXIAO_SECURITY_PROBE_OPTIONS or {}),
    )


def tls_scan_settings() -> dict[str, Any]:
    """``JIXIAO_SECURITY_TLS_SCAN`` (``timeout``, ``max_connections``, ``max_handshakes`` per server)."""
    configured: dict[str, Any] = settings.JIXIAO_SECURITY_TLS_SCAN or {}
    return {
        "timeout": float(configured.get("timeout", 5.0)),
        "max_connections": int(configured.get("max_connections", 4)),
        "max_handshakes": int(configured.get("max_handshakes", 400)),
    }


async def scan_tls_assets(assets: Sequence[Asset]) -> list[ProbeResult]:
    """The weekly TLS enumeration of registered https assets, one scan per distinct host and port.

    Assets on the same server share one scan, so the per-server connection limit holds across them; an
    http asset has nothing to enumerate and gets an empty, successful result.
    """
    options = tls_scan_settings()
    servers: dict[tuple[str, int], str] = {}
    for asset in assets:
        parts = urlsplit(asset.url)
        if parts.scheme == "https" and parts.hostname:
            servers.setdefault((parts.hostname, parts.port or 443), asset.url)
    gate = asyncio.Semaphore(engine_settings()["concurrency"])

    async def one(server: tuple[str, int], url: str) -> tuple[tuple[str, int], TlsScan]:
        async with gate:
            return server, await scan_tls(server[0], server[1], asset=url, **options)

    scans = dict(await asyncio.gather(*(one(server, url) for server, url in servers.items())))
    results = []
    for asset in assets:
        parts = urlsplit(asset.url)
        scan = scans.get((parts.hostname or "", parts.port or 443)) if parts.scheme == "https" else None
        if scan is None:
            results.append(as_probe_result(asset.url, TlsScan("", 0, (), (), 0, False, ())))
        else:
            results.append(as_probe_result(asset.url, scan))
    return results


async def probe_assets(
    assets: Sequence[Asset], group: str, *, engine: ProbeEngine | None = None
) -> list[ProbeResult]:
    """Probe registered assets (only these: nothing else is ever fetched), on one engine."""
    if group == CheckGroupChoices.TLS_FULL:
        return await scan_tls_assets(assets)
    targets = [ProbeTarget(a.url, options_for(a, group)) for a in assets]
    if engine is not None:
        return await engine.probe_many(targets)
    async with ProbeEngine(**engine_settings()) as own:
        return await own.probe_many(targets)


AsyncCall = Callable[..., Awaitable[Any]]


def load_claimed(schedule_ids: Sequence[int], token: str) -> list[Asset]:
    """The active assets of a claimed batch; rows whose lease was lost (another token) are left out."""
    ids = (
        AssetSchedule.objects.unrestricted()
        .filter(pk__in=list(schedule_ids), claim_token=token, asset__active=True)
        .values_list("asset_id", flat=True)
    )
    return list(Asset.objects.unrestricted().filter(pk__in=list(ids)).select_related("state").order_by("pk"))


def store_batch(
    assets: Sequence[Asset],
    results: Sequence[ProbeResult],
    schedule_ids: Sequence[int],
    group: str,
    token: str,
    started: dt.datetime,
) -> dict[str, Any]:
    """Record a probed batch and release its schedule rows; returns a JSON summary for the task result."""
    finished = timezone.now()
    outcome = record_probe_results(
        [
            Probed(
                a,
                r,
                checks=GROUP_CHECKS[group],
                group=group,
                finished=finished,
                track=group in TRACKED_GROUPS,
            )
            for a, r in zip(assets, results, strict=True)
        ],
        run_started=started,
    )
    released = release(schedule_ids, token, finished)
    summary = {
        "group": group,
        "assets": len(assets),
        "released": released,
        "opened": outcome.opened,
        "reopened": outcome.reopened,
        "confirmed_down": outcome.confirmed_down,
        "recovered": outcome.recovered,
        "seconds": round((finished - started).total_seconds(), 3),
    }
    logger.info("probe batch done: %s", summary)
    return summary


@dataclass(frozen=True, slots=True)
class BatchJob:
    """One claimed batch: its schedule rows, check group and lease token (the ``probe_batch`` task's args)."""

    schedule_ids: tuple[int, ...]
    group: str
    token: str

    def run(self) -> dict[str, Any]:
        """Load, probe (``asyncio.run`` over one engine) and store, in the calling thread."""
        assets = load_claimed(self.schedule_ids, self.token)
        started = timezone.now()
        results = asyncio.run(probe_assets(assets, self.group)) if assets else []
        return store_batch(assets, results, self.schedule_ids, self.group, self.token, started)

    async def run_async(self, call: AsyncCall) -> tuple[dict[str, Any], int]:
        """The same steps on a running event loop; ``call`` runs each database step off the loop.

        Returns the summary and the number of assets probed.
        """
        started = timezone.now()
        assets = await call(load_claimed, self.schedule_ids, self.token)
        results = await probe_assets(assets, self.group) if assets else []
        summary = await call(store_batch, assets, results, self.schedule_ids, self.group, self.token, started)
        return summary, len(assets)


def run_claimed_batch(schedule_ids: Sequence[int], group: str, token: str) -> dict[str, Any]:
    """Probe the assets of a claimed batch and record the results (what a worker does with ``probe_batch``)."""
    return BatchJob(tuple(schedule_ids), group, token).run()
