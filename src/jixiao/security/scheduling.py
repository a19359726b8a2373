"""When each check group of each asset is due, and claiming due work safely across many workers.

``enqueue_due(now)`` claims due schedule rows in batches and enqueues one task per batch. On PostgreSQL the
claim is ``SELECT … FOR UPDATE SKIP LOCKED`` plus a lease (``claimed_until``): two schedulers never take the
same row, and a row stays taken until its worker finishes or the lease runs out (a crashed worker's assets
come back after the lease). SQLite serialises writers, so the same code is safe in one process there.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from jixiao.domain.probes import ALL_CHECKS, Check
from jixiao.security.choices import CheckGroupChoices, ScheduleClassChoices
from jixiao.security.models import Asset, AssetSchedule

logger = logging.getLogger(__name__)

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

# Interval per schedule class and check group. Key assets: availability every minute, content every ten
# minutes, TLS and headers hourly, everything including exposure daily; the full TLS enumeration (up to a
# few hundred handshakes per server) weekly for every class.
SCHEDULES: dict[str, dict[str, dt.timedelta]] = {
    ScheduleClassChoices.KEY: {
        CheckGroupChoices.AVAILABILITY: MINUTE,
        CheckGroupChoices.CONTENT: 10 * MINUTE,
        CheckGroupChoices.TLS: HOUR,
        CheckGroupChoices.FULL: DAY,
        CheckGroupChoices.TLS_FULL: 7 * DAY,
    },
    ScheduleClassChoices.ORDINARY: {
        CheckGroupChoices.AVAILABILITY: 5 * MINUTE,
        CheckGroupChoices.CONTENT: 30 * MINUTE,
        CheckGroupChoices.TLS: 6 * HOUR,
        CheckGroupChoices.FULL: DAY,
        CheckGroupChoices.TLS_FULL: 7 * DAY,
    },
    ScheduleClassChoices.LOW: {
        CheckGroupChoices.AVAILABILITY: 30 * MINUTE,
        CheckGroupChoices.CONTENT: 6 * HOUR,
        CheckGroupChoices.TLS: DAY,
        CheckGroupChoices.FULL: 7 * DAY,
        CheckGroupChoices.TLS_FULL: 7 * DAY,
    },
}

# The probe checks of each group. Availability is part of every probe (the main fetch), so every group
# feeds the failure tracker, except the TLS enumeration (``TRACKED_GROUPS``), which fetches no page.
GROUP_CHECKS: dict[str, frozenset[Check]] = {
    CheckGroupChoices.AVAILABILITY: frozenset({Check.AVAILABILITY}),
    CheckGroupChoices.CONTENT: frozenset({Check.AVAILABILITY, Check.CONTENT, Check.HIDDEN_LINKS}),
    CheckGroupChoices.TLS: frozenset({Check.AVAILABILITY, Check.TLS, Check.HEADERS}),
    CheckGroupChoices.FULL: ALL_CHECKS,
    CheckGroupChoices.TLS_FULL: frozenset({Check.TLS}),
}
TRACKED_GROUPS = frozenset(GROUP_CHECKS) - {CheckGroupChoices.TLS_FULL}

DEFAULT_BATCH_SIZE = 200
DEFAULT_LEASE = 10 * MINUTE


def interval(schedule_class: str, group: str) -> dt.timedelta:
    """The configured interval: ``JIXIAO_SECURITY_SCHEDULES`` (class → group → seconds) overrides the table."""
    configured: dict[str, dict[str, float]] = settings.JIXIAO_SECURITY_SCHEDULES or {}
    seconds = configured.get(schedule_class, {}).get(group)
    if seconds is not None:
        return dt.timedelta(seconds=seconds)
    return SCHEDULES.get(schedule_class, SCHEDULES[ScheduleClassChoices.ORDINARY])[group]


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=float(settings.JIXIAO_SECURITY_LEASE_SECONDS))


def create_schedules(asset_ids: Sequence[int], now: dt.datetime) -> None:
    """One schedule row per check group for each new asset, all due at ``now``.

    ``INSERT … SELECT`` per chunk: 40,000 assets make 160,000 rows without a Python object each. A backlog
    of new assets drains in order (claims take the most overdue first) and spreads itself over the interval.
    """
    table = connection.ops.quote_name(AssetSchedule._meta.db_table)
    asset_table = connection.ops.quote_name(Asset._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(c) for c in ("asset_id", "group", "next_due", "claim_token")
    )
    due = AssetSchedule._meta.get_field("next_due").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(asset_ids), 500):
            chunk = list(asset_ids[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            for group in CheckGroupChoices.values:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT id, %s, %s, %s FROM {asset_table} "
                    f"WHERE id IN ({marks})",
                    [group, due, "", *chunk],
                )


@dataclass(frozen=True, slots=True)
class Claim:
    """One batch of schedule rows taken by one scheduler pass, all of one check group."""

    group: str
    schedule_ids: tuple[int, ...]
    asset_ids: tuple[int, ...]
    token: str
    until: dt.datetime


def _due(now: dt.datetime) -> Any:
    return AssetSchedule.objects.unrestricted().filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        next_due__lte=now,
        asset__active=True,
    )


def claim_batch(
    now: dt.datetime, *, group: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> Claim | None:
    """Claim up to ``batch_size`` due rows of one group (the most overdue group first); ``None`` if none is due.

    Runs in its own transaction: the lease is committed before any probing starts.
    """
    lease = now + lease_length()
    token = uuid.uuid4().hex
    with transaction.atomic():
        if group is None:
            first = _due(now).order_by("next_due", "pk").values_list("group", flat=True).first()
            if first is None:
                return None
            group = first
        rows = _due(now).filter(group=group).order_by("next_due", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        taken = list(rows.values_list("pk", "asset_id")[:batch_size])
        if not taken:
            return None
        ids = [pk for pk, _ in taken]
        # The filter is repeated in the UPDATE: a row someone else leased between our read and our write
        # (possible without row locks) is not taken twice.
        updated = _due(now).filter(pk__in=ids).update(claimed_until=lease, claim_token=token)
        if updated != len(ids):
            ids_now = set(
                AssetSchedule.objects.unrestricted()
                .filter(pk__in=ids, claim_token=token)
                .values_list("pk", flat=True)
            )
            taken = [(pk, asset) for pk, asset in taken if pk in ids_now]
    if not taken:
        return None
    return Claim(
        group=group,
        schedule_ids=tuple(pk for pk, _ in taken),
        asset_ids=tuple(asset for _, asset in taken),
        token=token,
        until=lease,
    )


def release(claim_ids: Sequence[int], token: str, finished: dt.datetime) -> int:
    """Move the claimed rows to their next due time and drop the lease; rows whose lease was lost are left."""
    rows = list(
        AssetSchedule.objects.unrestricted()
        .filter(pk__in=list(claim_ids), claim_token=token)
        .values_list("pk", "group", "asset_id")
    )
    classes = dict(
        Asset.objects.unrestricted()
        .filter(pk__in={asset for _, _, asset in rows})
        .values_list("pk", "schedule_class")
    )
    updates = [
        AssetSchedule(
            pk=pk,
            next_due=finished + interval(classes.get(asset, ScheduleClassChoices.ORDINARY), group),
            claimed_until=None,
            claim_token="",
            last_run_at=finished,
        )
        for pk, group, asset in rows
    ]
    AssetSchedule.objects.unrestricted().bulk_update(
        updates, ["next_due", "claimed_until", "claim_token", "last_run_at"], batch_size=500
    )
    return len(updates)


def enqueue_due(
    now: dt.datetime | None = None, *, batch_size: int = DEFAULT_BATCH_SIZE, max_batches: int | None = None
) -> list[Claim]:
    """Claim every due row in batches and enqueue ``tasks.probe_batch`` once per batch; returns the claims.

    The task is enqueued after the claim commits, so a worker never sees a batch whose lease is not stored.
    """
    from jixiao.security.tasks import probe_batch

    now = now or timezone.now()
    claims: list[Claim] = []
    while max_batches is None or len(claims) < max_batches:
        claim = claim_batch(now, batch_size=batch_size)
        if claim is None:
            break
        claims.append(claim)
        probe_batch.enqueue(list(claim.schedule_ids), claim.group, claim.token)
    if claims:
        logger.info(
            "enqueued %d batch(es), %d asset check(s)", len(claims), sum(len(c.asset_ids) for c in claims)
        )
    return claims
