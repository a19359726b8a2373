"""Helpers of the security tests: probe results built by hand, as the engine would return them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from jixiao.domain.probes import Baseline, Check, ProbeResult, Severity, Timings, finding_key
from jixiao.domain.probes import Finding as ProbeFinding
from jixiao.domain.probes.findings import asset_of
from jixiao.security.models import Asset

# The ``committed`` fixture: a block whose on-commit work runs, and whose notifications have been sent.
Committed = Callable[[], contextlib.AbstractContextManager[None]]

DOWN = ("availability.connect", Severity.HIGH, "connect", "site unreachable: connection refused")
NO_CSP = ("headers.csp", Severity.MEDIUM, "csp", "Content-Security-Policy header missing")
GIT = ("exposure.git", Severity.CRITICAL, ".git/config", "/.git/config is exposed")


def found(url: str, check: str, severity: Severity, detail: str, message: str) -> ProbeFinding:
    return ProbeFinding(check, severity, finding_key(asset_of(url), check, detail), message)


def result(
    asset: Asset,
    *,
    ok: bool = True,
    findings: Sequence[tuple[str, Severity, str, str]] = (),
    baseline: Baseline | None = None,
    completed: frozenset[Check] = frozenset(),
) -> ProbeResult:
    return ProbeResult(
        url=asset.url,
        ok=ok,
        status=200 if ok else None,
        timings=Timings(dns=None, connect=1.5, tls=None, first_byte=3.0, total=5.0),
        tls=None,
        headers=None,
        content=None,
        findings=tuple(found(asset.url, *f) for f in findings),
        final_url=asset.url if ok else None,
        error=None if ok else "connection refused",
        baseline=baseline,
        completed=completed,
    )


class CountingServer:
    """An aiohttp server on 127.0.0.1 in a background thread: counts GET requests per path, answers 503
    while ``down`` is set, exposes ``/.git/config`` while ``git_exposed`` is set, keeps the JSON posted to
    ``/hook`` (webhooks), and answers ``/slow`` only after ``slow_seconds``."""

    def __init__(self) -> None:
        import asyncio
        import threading

        from aiohttp import web

        self.hits: dict[str, int] = {}
        self.posts: list[dict[str, object]] = []
        self.git_exposed = False
        self.down = False
        self.slow_seconds = 5.0
        self._lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

        async def page(request: web.Request) -> web.Response:
            with self._lock:
                self.hits[request.path] = self.hits.get(request.path, 0) + 1
            if self.down:
                return web.Response(text="unavailable", status=503)
            return web.Response(text="<html><body><p>ok</p></body></html>", content_type="text/html")

        async def git_config(request: web.Request) -> web.Response:
            if not self.git_exposed:
                return web.Response(
                    text="<html><body>404</body></html>", status=404, content_type="text/html"
                )
            return web.Response(text="[core]\n\trepositoryformatversion = 0\n\tbare = false\n")

        async def hook(request: web.Request) -> web.Response:
            self.posts.append(await request.json())
            return web.Response(text="ok")

        async def slow(request: web.Request) -> web.Response:
            await asyncio.sleep(self.slow_seconds)
            return web.Response(text="late")

        async def start() -> int:
            app = web.Application()
            app.router.add_get("/.git/config", git_config)
            app.router.add_post("/hook", hook)
            app.router.add_post("/slow", slow)
            app.router.add_get("/{tail:.*}", page)
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            server = site._server
            assert server is not None
            return int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]

        self.port = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
