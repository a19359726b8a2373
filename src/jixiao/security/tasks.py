"""Background work of the security app through the Django tasks API, run by ``db_worker`` on any machine or by
the ``monitor`` process's workers.

``probe_batch`` (enqueued by ``scheduling.enqueue_due``) probes one claimed batch through the one batch
pipeline (``pipeline.BatchJob``); ``recheck_notice`` re-checks a notice whose deadline has passed (enqueued
by the scheduler, never run inside its tick); ``process_monitor_events`` acts on the monitor's state changes
(the scheduler also runs it on every tick).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jixiao.orgs.actors import SYSTEM
from jixiao.security.models import Notice
from jixiao.security.pipeline import BatchJob

logger = logging.getLogger(__name__)

__all__ = [
    "enqueue_notice_rechecks",
    "probe_batch",
    "process_monitor_events",
    "recheck_notice",
]

AUTO_RECHECK_REASON = "整改期限到期自动复核"


@task()
def probe_batch(schedule_ids: list[int], group: str, token: str) -> dict[str, Any]:
    """The task a scheduler enqueues per batch of due assets."""
    return BatchJob(tuple(schedule_ids), group, token).run()


@task()
def recheck_notice(notice_id: int) -> dict[str, Any]:
    """Re-check a sent notice as the system (its deadline has passed)."""
    from jixiao.security.actions.notices import do_recheck_notice

    notice = Notice.objects.unrestricted().get(pk=notice_id)
    outcome = do_recheck_notice(notice, acting_user=SYSTEM, reason=AUTO_RECHECK_REASON)
    return {
        "notice": notice_id,
        "verified": outcome.verified,
        "still_present": outcome.still_present,
        "unverifiable": outcome.unverifiable,
        "closed": outcome.closed,
    }


@task()
def process_monitor_events() -> dict[str, int]:
    """Act on the monitor's unprocessed state changes (``jobs.process_monitor_events``)."""
    from jixiao.security import jobs

    return jobs.process_monitor_events()


def enqueue_notice_rechecks(now: dt.datetime | None = None) -> list[int]:
    """Enqueue ``recheck_notice`` for every notice due for its deadline re-check; returns their ids.

    The request time is stored with the enqueue, so the next tick does not ask again.
    """
    from jixiao.security.jobs import due_notice_rechecks

    now = now or timezone.now()
    due = due_notice_rechecks(now)
    for notice_id in due:
        with transaction.atomic():
            Notice.objects.unrestricted().filter(pk=notice_id).update(recheck_requested_at=now)
            transaction.on_commit(lambda pk=notice_id: recheck_notice.enqueue(pk))  # type: ignore[misc]
    if due:
        logger.info("enqueued the re-check of %d notice(s)", len(due))
    return due
