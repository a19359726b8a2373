"""The probe engine: every check of one asset in one pass, and many assets concurrently and politely.

One ``ProbeEngine`` owns one aiohttp session (one connection pool, one DNS cache, shared SSL contexts and
a cache of page analyses), so that thousands of probes pay for set-up once. No Django here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections import deque
from collections.abc import AsyncIterator, Coroutine, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin

import aiohttp

from jixiao.domain.probes.confine import Confinement
from jixiao.domain.probes.content import (
    AnalysisCache,
    PageFacts,
    analyse,
    content_findings,
    find_keywords,
    hidden_link_findings,
    reuse,
    rules_digest,
    similarity,
    summary_of,
    with_baseline,
)
from jixiao.domain.probes.exposure import check_exposure, paths_named
from jixiao.domain.probes.failures import FailureTracker, TrackState, Transition
from jixiao.domain.probes.findings import FindingSink, Severity
from jixiao.domain.probes.headers import grade_headers, header_findings
from jixiao.domain.probes.http import REDIRECT_STATUSES, ErrorKind, FetchResult, fetch, new_session
from jixiao.domain.probes.model import (
    Baseline,
    Check,
    ContentResult,
    HeaderGrade,
    Hop,
    ProbeOptions,
    ProbeResult,
    Redirection,
    Timings,
    TlsInfo,
)
from jixiao.domain.probes.tls import TlsContexts, check_tls, describe, tls_findings
from jixiao.domain.probes.urls import host_of, split_url

__all__ = [
    "FailureTracker",
    "ProbeEngine",
    "ProbeTarget",
    "TrackState",
    "Transition",
    "probe",
    "probe_many",
]

# Below this similarity a page served to a search spider is a different page, not a dynamic widget.
CLOAKING_SIMILARITY = 0.7
_UNREACHABLE = frozenset({ErrorKind.DNS, ErrorKind.CONNECT, ErrorKind.INVALID_URL})


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """One asset with its own options (baseline, CA file, ignore rules) for ``probe_many``."""

    url: str
    options: ProbeOptions | None = None


class ProbeEngine:
    """Shared machinery for many probes. Use as ``async with ProbeEngine() as engine``.

    ``concurrency`` bounds probes in flight; ``per_host`` bounds probes of one host name in flight (each
    probe sends its requests one after another, so that is also the request concurrency per host).
    ``resolver`` replaces aiohttp's DNS resolver (tests pin it to loopback).
    """

    def __init__(
        self,
        *,
        concurrency: int = 200,
        per_host: int = 2,
        resolver: aiohttp.abc.AbstractResolver | None = None,
        cache_size: int = 2048,
    ) -> None:
        if concurrency < 1 or per_host < 1:
            raise ValueError("concurrency and per_host must be at least 1")
        self.concurrency = concurrency
        self.per_host = per_host
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self.contexts = TlsContexts()
        self.analyses = AnalysisCache(cache_size)
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._host_users: dict[str, int] = {}

    async def __aenter__(self) -> ProbeEngine:
        self.session()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = new_session(limit=max(self.concurrency * 2, 100), resolver=self._resolver)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def probe(self, url: str, options: ProbeOptions | None = None) -> ProbeResult:
        """Run every selected check once against ``url``. Never raises for anything the target does."""
        options = options or ProbeOptions()
        run = _Run(self, url, options)
        try:
            async with asyncio.timeout(options.timeouts.budget):
                await run.run()
        except TimeoutError:
            run.sink.add(
                "probe.budget",
                Severity.MEDIUM,
                "budget",
                f"probe stopped after its {options.timeouts.budget:g} s budget; later checks did not run",
            )
        except Exception as exc:  # a bug of ours must not take the batch down with it
            run.sink.add(
                "probe.error",
                Severity.MEDIUM,
                type(exc).__name__,
                f"probe failed: {type(exc).__name__}: {exc}",
            )
        return run.result()

    async def probe_many(
        self, targets: Iterable[str | ProbeTarget], *, options: ProbeOptions | None = None
    ) -> list[ProbeResult]:
        """Probe every target, in input order, at most ``concurrency`` at once and ``per_host`` per host."""
        jobs = list(targets)
        results: list[ProbeResult | None] = [None] * len(jobs)
        async for index, result in self.stream(jobs, options=options):
            results[index] = result
        return [r for r in results if r is not None]

    async def stream(
        self,
        targets: Iterable[str | ProbeTarget],
        *,
        options: ProbeOptions | None = None,
        window: int | None = None,
    ) -> AsyncIterator[tuple[int, ProbeResult]]:
        """Probe every target and yield ``(index in targets, result)`` as each probe finishes.

        Memory stays bounded however many targets there are: ``window`` targets (default eight times
        ``concurrency``) are read ahead and queued by host, a probe is started only when its host has a
        free place, so no task sits waiting on a busy host while another host could go (hosts take turns),
        and a result is the caller's as soon as it is yielded. Leaving the loop early cancels the probes
        still running.
        """
        lookahead = max(window or self.concurrency * 8, 1)
        jobs = enumerate(targets)
        exhausted = False
        finished: asyncio.Queue[asyncio.Task[tuple[int, ProbeResult]]] = asyncio.Queue()
        running: dict[asyncio.Task[tuple[int, ProbeResult]], str] = {}
        queued: dict[str, deque[tuple[int, str | ProbeTarget]]] = {}
        busy: dict[str, int] = {}  # probes running per host
        turns: deque[str] = deque()  # hosts with queued targets and a free place, in turn
        waiting = 0

        def read_ahead() -> None:
            nonlocal exhausted, waiting
            while not exhausted and waiting < lookahead:
                try:
                    index, target = next(jobs)
                except StopIteration:
                    exhausted = True
                    return
                host = _host_key(target.url if isinstance(target, ProbeTarget) else target)
                line = queued.get(host)
                if line is None:
                    line = queued[host] = deque()
                    if busy.get(host, 0) < self.per_host:
                        turns.append(host)
                line.append((index, target))
                waiting += 1

        def start() -> None:
            nonlocal waiting
            while len(running) < self.concurrency and turns:
                host = turns.popleft()
                line = queued[host]
                index, target = line.popleft()
                waiting -= 1
                busy[host] = busy.get(host, 0) + 1
                if not line:
                    del queued[host]
                elif busy[host] < self.per_host:
                    turns.append(host)
                task = asyncio.create_task(self._polite(index, target, options))
                running[task] = host
                task.add_done_callback(finished.put_nowait)

        try:
            read_ahead()
            start()
            while running:
                task = await finished.get()
                host = running.pop(task)
                busy[host] -= 1
                if not busy[host]:
                    del busy[host]
                if host in queued and busy.get(host, 0) == self.per_host - 1:
                    turns.append(host)  # it was full and has more to do
                read_ahead()
                start()
                yield task.result()
        finally:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def _polite(
        self, index: int, target: str | ProbeTarget, options: ProbeOptions | None
    ) -> tuple[int, ProbeResult]:
        if isinstance(target, ProbeTarget):
            url, options = target.url, target.options or options
        else:
            url = target
        host = _host_key(url)
        semaphore = self._hosts.get(host)
        if semaphore is None:
            semaphore = self._hosts[host] = asyncio.Semaphore(self.per_host)
        self._host_users[host] = self._host_users.get(host, 0) + 1
        try:
            # The host first: a probe waiting for its host must not hold a slot other hosts could use.
            async with semaphore, self._global:
                return index, await self.probe(url, options)
        finally:
            self._host_users[host] -= 1
            if not self._host_users[host]:
                # Keep the table as small as the hosts in flight, not every host ever probed.
                del self._host_users[host]
                del self._hosts[host]


def _host_key(url: str) -> str:
    return split_url(url).host or url


class _Run:
    """The state of one probe, kept outside the coroutine so a budget timeout still yields a result."""

    def __init__(self, engine: ProbeEngine, url: str, options: ProbeOptions) -> None:
        self.engine = engine
        self.url = url
        self.options = options
        self.sink = FindingSink(url)
        self.main: FetchResult | None = None
        self.tls: TlsInfo | None = None
        self.headers: HeaderGrade | None = None
        self.content: ContentResult | None = None
        # The main page's full analysis and the digest of its rules, for the next probe's baseline.
        self.facts: PageFacts | None = None
        self.rules_digest = ""
        self.redirection: Redirection | None = None
        self.completed: set[Check] = set()
        self.confine = Confinement.for_asset(url, options.extra_hosts, options.deny_networks)

    def _get(
        self,
        url: str,
        *,
        user_agent: str | None = None,
        max_bytes: int | None = None,
        follow: bool = True,
        extra: dict[str, str] | None = None,
    ) -> Coroutine[Any, Any, FetchResult]:
        # A plain function handing back fetch's coroutine: one frame less per request to await and collect.
        headers = {"User-Agent": user_agent or self.options.user_agent, "Accept": "text/html,*/*;q=0.8"}
        headers.update(extra or {})
        return fetch(
            self.engine.session(),
            url,
            contexts=self.engine.contexts,
            timeouts=self.options.timeouts,
            max_bytes=self.options.max_body_bytes if max_bytes is None else max_bytes,
            headers=headers,
            max_redirects=self.options.max_redirects,
            follow_redirects=follow,
            ca_file=self.options.ca_file,
            confine=self.confine,
        )

    async def run(self) -> None:
        checks = self.options.checks
        self.main = main = await self._get(self.url, extra={"Origin": self.options.cors_origin})
        self._availability(main)
        self.completed.add(Check.AVAILABILITY)
        if Check.TLS in checks:
            await self._tls(main)
            if self.tls is not None or split_url(self.url).scheme == "http":
                self.completed.add(Check.TLS)
        response = main.response
        if response is None:
            return
        final_url = response.url
        if main.blocked_redirect is not None:
            # The page is elsewhere, on a host nobody registered: nothing of it is read, and only the
            # registered host is asked for exposed paths.
            await self._exposure(self.url)
            return
        wants_page = checks & {Check.CONTENT, Check.HIDDEN_LINKS, Check.HEADERS, Check.CLOAKING}
        facts = (
            self._analyse(response.body, response.headers.get("Content-Type"), final_url, main_page=True)
            if wants_page
            else None
        )
        if facts is not None and (Check.CONTENT in checks or Check.HIDDEN_LINKS in checks):
            content = with_baseline(facts.content, self.options.baseline)
            if Check.CONTENT not in checks:
                content = replace(content, keywords=())
            if Check.HIDDEN_LINKS not in checks:
                content = replace(content, hidden_links=())
            self.content = content
            if Check.CONTENT in checks:
                content_findings(content, self.options.baseline, self.options.content, self.sink)
            hidden_link_findings(content.hidden_links, self.sink)
            self.completed.update(checks & {Check.CONTENT, Check.HIDDEN_LINKS})
        if Check.HEADERS in checks:
            self.redirection = redirection = await self._redirection(main)
            self.headers = grade_headers(
                final_url,
                response.headers,
                is_html=facts.content.is_html if facts is not None else False,
                scripts=facts.scripts if facts is not None else (),
                redirection=redirection,
                cors_origin=self.options.cors_origin,
                hsts_preloaded=host_of(final_url) in self.options.hsts_preloaded,
            )
            header_findings(self.headers, self.sink)
            self.completed.add(Check.HEADERS)
        if Check.CLOAKING in checks and facts is not None and await self._cloaking(main, facts):
            self.completed.add(Check.CLOAKING)
        await self._exposure(final_url if self.confine.allows(final_url) else self.url)

    async def _exposure(self, url: str) -> None:
        """Ask for exposed paths at ``url``'s origin, which is always a registered one."""
        if Check.EXPOSURE not in self.options.checks or not self.confine.allows(url):
            return
        scan = await check_exposure(
            split_url(url).origin,
            lambda u: self._get(u, max_bytes=self.options.exposure_max_bytes, follow=False),
            paths=paths_named(self.options.exposure_paths),
            sink=self.sink,
        )
        if scan.complete:
            self.completed.add(Check.EXPOSURE)

    def _availability(self, main: FetchResult) -> None:
        response = main.response
        if main.blocked_redirect is not None:
            self.sink.add(
                "redirect.unregistered_host",
                Severity.HIGH,
                host_of(main.blocked_redirect),
                f"跳转到未登记的主机：{main.blocked_redirect}（未访问；如确属本网站，请登记该主机）",
            )
        if response is None:
            kind = main.error_kind or ErrorKind.PROTOCOL
            if kind == ErrorKind.DENIED:
                self.sink.add("confinement.denied_address", Severity.HIGH, "denied", str(main.error))
                return
            self.sink.add(f"availability.{kind}", Severity.HIGH, str(kind), f"site unreachable: {main.error}")
            return
        if response.status >= 500:
            self.sink.add(
                "availability.status", Severity.HIGH, str(response.status), f"server error {response.status}"
            )
        elif response.status >= 400:
            self.sink.add(
                "availability.status",
                Severity.MEDIUM,
                str(response.status),
                f"client error {response.status}",
            )
        elif response.status in REDIRECT_STATUSES and main.blocked_redirect is None:
            self.sink.add(
                "availability.status", Severity.LOW, "redirect", "redirect without a usable Location"
            )
        if response.truncated:
            self.sink.add(
                "availability.oversize",
                Severity.MEDIUM,
                "oversize",
                f"page larger than {self.options.max_body_bytes} bytes; only the first part was checked",
            )

    async def _tls(self, main: FetchResult) -> None:
        parts = split_url(main.url)
        host = parts.host
        now = self.options.now or dt.datetime.now(dt.UTC)
        if main.peer is not None:
            self.tls = describe(main.peer, host, now=now)
        elif (
            parts.scheme == "https"
            and main.error_kind not in _UNREACHABLE
            and main.error_kind != ErrorKind.TIMEOUT
        ):
            # The HTTP exchange died after connecting (reset, garbage): one bare handshake tells the rest.
            self.tls = await check_tls(
                host,
                parts.port or 443,
                ca_file=self.options.ca_file,
                timeout=self.options.timeouts.connect,
                contexts=self.engine.contexts,
                now=now,
            )
        elif main.response is not None and main.response.peer is not None:
            final_host = host_of(main.response.url)
            self.tls = describe(main.response.peer, final_host, now=now)
        if self.tls is not None:
            tls_findings(self.tls, self.sink, warn_days=self.options.expiry_warn_days)

    def _analyse(
        self, body: bytes, content_type: str | None, url: str, *, main_page: bool = False
    ) -> PageFacts:
        own_hosts = tuple({host_of(self.url), host_of(url)} - {""})
        with_hidden = Check.HIDDEN_LINKS in self.options.checks
        raw_hash = hashlib.sha256(body).hexdigest()
        # Only the origin matters to the analysis (relative links are the site's own and never reported),
        # so every path of a site that serves the same bytes shares one entry.
        origin = split_url(url).origin + "/"
        if main_page:
            self.rules_digest = rules_digest(
                self.options.content, content_type, origin, own_hosts, with_hidden
            )
            baseline = self.options.baseline
            # The steady state: a page checked every few minutes rarely changes, and its baseline (kept
            # across engines and processes by the caller) already holds everything the parse would find.
            reused = reuse(baseline, raw_hash, self.rules_digest) if baseline is not None else None
            if reused is not None:
                self.facts = reused
                return reused
        raw_key = (
            raw_hash,
            origin,
            self.options.content,
            own_hosts,
            with_hidden,
        )
        cached = self.engine.analyses.get(raw_key)
        if cached is not None:
            return cached
        facts = analyse(
            body,
            content_type,
            url,
            self.options.content,
            own_hosts=own_hosts,
            with_hidden_links=with_hidden,
            raw_hash=raw_hash,
        )
        self.engine.analyses.put(raw_key, facts)
        if main_page:
            self.facts = facts
        return facts

    async def _redirection(self, main: FetchResult) -> Redirection:
        parts = split_url(self.url)
        now = self.options.now or dt.datetime.now(dt.UTC)
        if parts.scheme == "http":
            return Redirection(checked=True, hops=main.hops, final_url=main.final_url, observed_at=now)
        if not self.options.check_http_redirect:
            return Redirection(checked=False)
        if self.options.redirection is not None and self.options.redirection.checked:
            return self.options.redirection
        # Follow only while the site stays on http: the https page itself was fetched already.
        host = f"[{parts.host}]" if ":" in parts.host else parts.host
        current = f"http://{host}/"
        hops: list[Hop] = []
        for _ in range(self.options.max_redirects + 1):
            step = await self._get(current, max_bytes=0, follow=False)
            if step.response is None:
                final = None if not hops else current
                return Redirection(checked=True, hops=tuple(hops), final_url=final, observed_at=now)
            location = step.response.headers.get("Location")
            if step.response.status not in REDIRECT_STATUSES or not location:
                return Redirection(checked=True, hops=tuple(hops), final_url=current, observed_at=now)
            target = urljoin(current, location.strip())
            hops.append(Hop(url=current, status=step.response.status, location=target))
            if split_url(target).scheme == "https" or not self.confine.allows(target):
                return Redirection(checked=True, hops=tuple(hops), final_url=target, observed_at=now)
            current = target
        return Redirection(checked=True, hops=tuple(hops), final_url=current, observed_at=now)

    async def _cloaking(self, main: FetchResult, facts: PageFacts) -> bool:
        """Compare the page a search spider is served; False when the spider's fetch got no answer."""
        spider = await self._get(self.url, user_agent=self.options.spider_user_agent)
        response = spider.response
        if response is None or main.response is None:
            return False
        if spider.blocked_redirect is not None:
            self.sink.add(
                "cloaking",
                Severity.HIGH,
                f"redirect:{host_of(spider.blocked_redirect)}",
                f"search spiders are sent to {spider.blocked_redirect}, visitors to {main.response.url}",
            )
            return True
        if host_of(response.url) != host_of(main.response.url):
            self.sink.add(
                "cloaking",
                Severity.HIGH,
                f"redirect:{host_of(response.url)}",
                f"search spiders are sent to {response.url}, visitors to {main.response.url}",
            )
            return True
        if response.body == main.response.body:
            return True
        seen = self._analyse(response.body, response.headers.get("Content-Type"), response.url).content
        if seen.hash == facts.content.hash:
            return True
        visible_words = {hit.keyword for hit in facts.content.keywords}
        spider_only = [
            hit.keyword
            for hit in find_keywords(seen.text, self.options.content)
            if hit.keyword not in visible_words
        ]
        score = similarity(facts.content.text, seen.text)
        if spider_only:
            self.sink.add(
                "cloaking",
                Severity.CRITICAL,
                "words:" + ",".join(sorted(spider_only)),
                f"search spiders are served words visitors never see: {', '.join(spider_only[:5])}",
            )
        elif score < CLOAKING_SIMILARITY:
            self.sink.add(
                "cloaking",
                Severity.MEDIUM,
                seen.hash,
                f"search spiders are served a different page ({score:.0%} similar to what visitors get)",
            )
        return True

    def result(self) -> ProbeResult:
        main = self.main
        response = main.response if main is not None else None
        ok = response is not None and response.status < 400
        baseline = None
        given = self.options.baseline
        if ok and self.content is not None and self.content.reused and given is not None:
            baseline = given  # the same bytes under the same rules: the baseline stands as it was
        elif ok and self.content is not None:
            baseline = Baseline(
                raw_hash=self.content.raw_hash,
                text_hash=self.content.hash,
                text=self.content.text,
                analysis=summary_of(self.facts, self.rules_digest) if self.facts is not None else None,
            )
        ordered = tuple(sorted(self.sink.findings, key=lambda f: (f.severity.rank, f.check, f.key)))
        return ProbeResult(
            url=self.url,
            ok=ok,
            status=response.status if response is not None else None,
            timings=main.timings if main is not None else Timings(),
            tls=self.tls,
            headers=self.headers,
            content=self.content,
            findings=ordered,
            final_url=response.url if response is not None else None,
            hops=main.hops if main is not None else (),
            error=main.error if main is not None else None,
            truncated=response.truncated if response is not None else False,
            body_bytes=len(response.body) if response is not None else 0,
            baseline=baseline,
            redirection=self.redirection,
            completed=frozenset(self.completed),
        )


async def probe(
    url: str, *, options: ProbeOptions | None = None, engine: ProbeEngine | None = None
) -> ProbeResult:
    """Probe one URL. Without an ``engine`` a throw-away one is made: fine once, wasteful in a loop."""
    if engine is not None:
        return await engine.probe(url, options)
    async with ProbeEngine(concurrency=1, per_host=1) as own:
        return await own.probe(url, options)


async def probe_many(
    urls: Iterable[str | ProbeTarget],
    *,
    concurrency: int = 200,
    per_host: int = 2,
    options: ProbeOptions | None = None,
    engine: ProbeEngine | None = None,
) -> list[ProbeResult]:
    """Probe many URLs with a global and a per-host limit; results come back in input order."""
    if engine is not None:
        return await engine.probe_many(urls, options=options)
    async with ProbeEngine(concurrency=concurrency, per_host=per_host) as own:
        return await own.probe_many(urls, options=options)
