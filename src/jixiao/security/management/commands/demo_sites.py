"""``python -m jixiao.manage demo_sites``: local demo sites on 127.0.0.1, registered as assets, kept serving.

With ``--monitor`` the same process also runs the monitor, so one command gives a live demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jixiao.security.demo import DEFAULT_BASE_PORT, DemoServers, register_demo_assets


class Command(BaseCommand):
    help = "在 127.0.0.1 上启动演示网站（正常的和有问题的），登记为演示单位的网络资产并持续提供服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT, help="first of six ports")
        parser.add_argument("--monitor", action="store_true", help="also run the monitor in this process")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--tick", type=float, default=5.0)
        parser.add_argument(
            "--seconds", type=float, default=None, help="stop after this long (default: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        servers = DemoServers(options["base_port"])
        try:
            sites = servers.start()
            register_demo_assets(sites)
            for site in sites:
                self.stdout.write(f"{site.url:32} {site.name}  ({site.expected})")
            self.stdout.write("demo sites are serving; Ctrl-C stops them")
            if options["monitor"]:
                self._monitor(options)
            else:
                done = threading.Event()
                signal.signal(signal.SIGTERM, lambda *_: done.set())
                with contextlib.suppress(KeyboardInterrupt):
                    done.wait(options["seconds"])
        finally:
            servers.stop()

    def _monitor(self, options: dict[str, Any]) -> None:
        from jixiao.security.monitor import Monitor

        monitor = Monitor(workers=options["workers"], tick=options["tick"])

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            if options["seconds"] is not None:
                loop.call_later(options["seconds"], stop.set)
            await monitor.run(stop=stop)

        asyncio.run(main())
