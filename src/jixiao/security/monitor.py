"""The monitor: scheduler and workers in one asyncio process (``python -m jixiao.manage monitor``).

The scheduler claims due assets and enqueues ``probe_batch`` tasks through the Django tasks API; workers take
tasks from the same database queue that ``db_worker`` processes on other machines, and run a batch through
the same pipeline (``pipeline.BatchJob``): probing on the event loop (one engine per batch), database work in
threads (one thread on SQLite: one writer, one connection; a small pool on PostgreSQL). Periodic jobs run on
the scheduler's tick: acting on the monitor's state changes (incidents, drafted notices), the incident
clocks, and enqueueing the re-checks of notices past their deadline (the re-checks themselves are tasks).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from jixiao.orgs.actors import SYSTEM
from jixiao.security.pipeline import BatchJob
from jixiao.security.scheduling import enqueue_due
from jixiao.security.tasks import probe_batch

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class MonitorStats:
    ticks: int = 0
    enqueued: int = 0
    batches: int = 0
    assets: int = 0
    failed: int = 0
    periodic: dict[str, int] = field(default_factory=dict)


def periodic_jobs() -> dict[str, Callable[[Any], Any]]:
    """Jobs run on every scheduler tick with ``now``: the monitor's state changes, incident SLA clocks, and
    enqueueing overdue notice re-checks. Each is database work only: nothing here waits on the network."""
    from jixiao.security.actions.incidents import do_check_incident_clocks
    from jixiao.security.jobs import process_monitor_events
    from jixiao.security.tasks import enqueue_notice_rechecks

    return {
        "monitor_events": lambda now: process_monitor_events(now=now),
        "incident_clocks": lambda now: do_check_incident_clocks(now, acting_user=SYSTEM),
        "notice_rechecks": enqueue_notice_rechecks,
        "inbox_reminders": _reminders_hourly,
        "board_snapshot": _board_snapshot,
    }


def _board_snapshot(now: dt.datetime | None) -> dict[str, int]:
    """The live board's shared snapshot, rebuilt and published when the data changed (at most every
    ``JIXIAO_SECURITY_BOARD_SECONDS``), so that no web request pays for it (``security.board``)."""
    from jixiao.security import board

    return {"rebuilt": int(board.refresh())}


_last_reminders: dt.datetime | None = None


def _reminders_hourly(now: dt.datetime) -> dict[str, int]:
    """The 待办 inbox's reminders, at most once an hour (each is sent once; the hour only bounds the work)."""
    global _last_reminders
    if _last_reminders is not None and now - _last_reminders < dt.timedelta(hours=1):
        return {}
    _last_reminders = now
    from jixiao.web.actions.reminders import do_send_reminders

    return dict(
        do_send_reminders(
            acting_user=SYSTEM, reason="待办提醒（监测进程每小时）", today=timezone.localdate(now)
        )
    )


class Monitor:
    def __init__(self, *, workers: int = 2, batch_size: int = 200, tick: float = 5.0) -> None:
        self.workers = max(workers, 1)
        self.batch_size = batch_size
        self.tick = tick
        self.stats = MonitorStats()
        self.worker_id = f"monitor-{uuid.uuid4().hex[:12]}"
        # SQLite has one writer: one database thread; PostgreSQL takes a thread per worker and the scheduler.
        threads = 1 if connection.vendor == "sqlite" else self.workers + 1
        self.db = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="monitor-db")

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        def run() -> T:
            close_old_connections()
            try:
                return fn(*args)
            finally:
                close_old_connections()

        return await asyncio.get_running_loop().run_in_executor(self.db, run)

    # --- scheduler ---

    def _schedule(self) -> int:
        now = timezone.now()
        claims = enqueue_due(now, batch_size=self.batch_size)
        for name, job in periodic_jobs().items():
            try:
                done = job(now)
            except Exception:
                logger.exception("periodic job %s failed", name)
                continue
            count = sum(done.values()) if isinstance(done, dict) else len(done or ())
            self.stats.periodic[name] = self.stats.periodic.get(name, 0) + count
        return len(claims)

    # --- workers ---

    def _take(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=DEFAULT_TASK_BACKEND_ALIAS, queue_name=DEFAULT_TASK_QUEUE_NAME
        )
        with exclusive_transaction(tasks.db):
            found = tasks.get_locked()
            if found is not None:
                found.claim(self.worker_id)
        return found

    async def run_one(self, db_task: DBTaskResult) -> None:
        if db_task.task_path != probe_batch.module_path:
            # Anything else on the queue runs as db_worker would run it.
            from django_tasks_db.management.commands.db_worker import Worker

            worker = Worker(
                queue_names=[DEFAULT_TASK_QUEUE_NAME],
                interval=0,
                batch=True,
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False,
                max_tasks=None,
                worker_id=self.worker_id,
                excluded_queue_names=[],
            )
            await self.call(worker.run_task, db_task)
            return
        schedule_ids, group, token = db_task.args_kwargs["args"]
        try:
            summary, probed = await BatchJob(tuple(schedule_ids), group, token).run_async(self.call)
            await self.call(db_task.set_successful, summary)
            self.stats.batches += 1
            self.stats.assets += probed
            await self.call(_board_snapshot, None)  # the batch's states and findings, on the live board
        except Exception as exc:
            logger.exception("probe batch %s failed", db_task.pk)
            self.stats.failed += 1
            await self.call(db_task.set_failed, exc)

    async def worker(self, stop: asyncio.Event, drain: bool) -> None:
        while not stop.is_set():
            db_task = await self.call(self._take)
            if db_task is None:
                if drain:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=min(self.tick, 1.0))
                continue
            await self.run_one(db_task)

    async def run(self, *, once: bool = False, stop: asyncio.Event | None = None) -> MonitorStats:
        """``once``: one scheduler pass, then work until the queue is empty. Otherwise run until ``stop``."""
        stop = stop or asyncio.Event()
        try:
            if once:
                self.stats.enqueued += await self.call(self._schedule)
                self.stats.ticks += 1
                await asyncio.gather(*(self.worker(stop, drain=True) for _ in range(self.workers)))
                return self.stats
            workers = [asyncio.create_task(self.worker(stop, drain=False)) for _ in range(self.workers)]
            while not stop.is_set():
                self.stats.enqueued += await self.call(self._schedule)
                self.stats.ticks += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.tick)
            await asyncio.gather(*workers)
            return self.stats
        finally:
            self.db.shutdown(wait=True)
