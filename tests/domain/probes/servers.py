"""Real servers on 127.0.0.1 for the probe tests, run on their own event loop in a background thread.

A separate loop keeps a misbehaving test server (one that drips bytes) from sharing the probe's loop,
as a real remote server would.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")
RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class ServerThread:
    """Starts aiohttp apps and raw TCP servers on ephemeral loopback ports; stops them all at the end."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="probe-test-servers", daemon=True)
        self._thread.start()
        self._runners: list[web.AppRunner] = []
        self._raw: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def app(
        self, app: web.Application, ssl_context: ssl.SSLContext | None = None, host: str = "127.0.0.1"
    ) -> int:
        return self.call(self._start_app(app, ssl_context, host))

    def raw(self, handler: RawHandler) -> int:
        return self.call(self._start_raw(handler))

    async def _start_app(self, app: web.Application, ssl_context: ssl.SSLContext | None, host: str) -> int:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        sock = socket.socket()
        sock.bind((host, 0))
        sock.listen(256)
        await web.SockSite(runner, sock, ssl_context=ssl_context).start()
        self._runners.append(runner)
        return int(sock.getsockname()[1])

    async def _start_raw(self, handler: RawHandler) -> int:
        async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.CancelledError, OSError):
                pass
            finally:
                self._tasks.discard(task)
                writer.close()

        server = await asyncio.start_server(tracked, "127.0.0.1", 0)
        self._raw.append(server)
        return int(server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        async def shutdown() -> None:
            for task in list(self._tasks):
                task.cancel()
            for server in self._raw:
                server.close()
            for runner in self._runners:
                with contextlib.suppress(Exception):
                    await runner.cleanup()

        with contextlib.suppress(Exception):
            self.call(shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self.loop.close()
