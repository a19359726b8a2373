"""``python -m jixiao.manage monitor [--once] [--workers N]``: the scheduler and workers in one process."""

from __future__ import annotations

import asyncio
import gc
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jixiao.security.monitor import Monitor


class Command(BaseCommand):
    help = "监测已登记的网络资产：调度到期检查并执行（--once 执行一轮后退出）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="one scheduler pass, work the queue empty, exit"
        )
        parser.add_argument("--workers", type=int, default=2, help="batches probed at the same time")
        parser.add_argument("--batch-size", type=int, default=200, help="assets per task")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between scheduler passes")

    def handle(self, *args: Any, **options: Any) -> None:
        # Django, the models and the probe engine's modules live as long as the process: frozen, they are
        # left out of every garbage collection, which otherwise walks them again and again while batches
        # allocate results (about a sixth of the probe loop's time without this).
        gc.collect()
        gc.freeze()
        monitor = Monitor(workers=options["workers"], batch_size=options["batch_size"], tick=options["tick"])

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await monitor.run(once=options["once"], stop=stop)

        asyncio.run(main())
        stats = monitor.stats
        self.stdout.write(
            f"monitor: {stats.ticks} pass(es), {stats.enqueued} batch(es) enqueued, {stats.batches} probed "
            f"({stats.assets} asset check(s)), {stats.failed} failed"
        )
