"""GET/HEAD with per-phase timings, manual redirects, a deadline on every phase and a cap on every body.

One ``aiohttp.ClientSession`` serves every probe of an engine; a ``TraceConfig`` stamps DNS and connection
times, and a wrapper around the connector's protocol factory stamps the end of the TCP connect, which
splits the connection time into connect and TLS.
"""

from __future__ import annotations

import asyncio
import contextvars
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from multidict import CIMultiDictProxy

from jixiao.domain.probes.model import Hop, Timeouts, Timings
from jixiao.domain.probes.tls import PeerTls, TlsContexts, peer_from_ssl_object, verify_message

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_REDIRECT_BODY_CAP = 4096
_READ_CHUNK = 64 * 1024


class ErrorKind(StrEnum):
    """Why a fetch produced no final response."""

    INVALID_URL = "invalid_url"
    DNS = "dns"
    CONNECT = "connect"
    TLS = "tls"
    TIMEOUT = "timeout"
    PROTOCOL = "protocol"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"


@dataclass(slots=True)
class PhaseClock:
    """perf_counter stamps of one request attempt; filled by the trace callbacks and the fetch itself."""

    start: float
    is_https: bool = False
    dns_start: float | None = None
    dns_end: float | None = None
    conn_start: float | None = None
    tcp_end: float | None = None
    conn_end: float | None = None
    headers_at: float | None = None
    end: float | None = None
    ssl_object: object = None


_CLOCK: contextvars.ContextVar[PhaseClock | None] = contextvars.ContextVar("probe_phase_clock", default=None)


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response with its body cut at the cap; ``truncated`` says bytes were left unread."""

    url: str
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    truncated: bool
    peer: PeerTls | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The end of a fetch: the final response or an error, the redirect hops and the summed timings.

    ``peer`` is the TLS of the first https connection to the URL's own host (what the asset serves).
    """

    url: str
    response: Response | None
    hops: tuple[Hop, ...] = ()
    error: str | None = None
    error_kind: ErrorKind | None = None
    timings: Timings = field(default_factory=Timings)
    peer: PeerTls | None = None

    @property
    def final_url(self) -> str | None:
        return self.response.url if self.response is not None else None


def trace_config() -> aiohttp.TraceConfig:
    """Trace callbacks that stamp the ``PhaseClock`` passed as ``trace_request_ctx``."""
    config = aiohttp.TraceConfig()

    def stamp(attribute: str, only_first: bool = False) -> Callable[..., Any]:
        async def callback(session: aiohttp.ClientSession, context: SimpleNamespace, params: object) -> None:
            clock = context.trace_request_ctx
            if isinstance(clock, PhaseClock) and not (only_first and getattr(clock, attribute) is not None):
                setattr(clock, attribute, time.perf_counter())

        return callback

    config.on_dns_resolvehost_start.append(stamp("dns_start", only_first=True))
    config.on_dns_resolvehost_end.append(stamp("dns_end"))
    config.on_connection_create_start.append(stamp("conn_start", only_first=True))
    config.on_connection_create_end.append(stamp("conn_end"))
    return config


def instrument_connector(connector: aiohttp.TCPConnector) -> bool:
    """Stamp the end of TCP connect: asyncio builds the protocol after connecting and before TLS.

    aiohttp has no trace signal between the two; if its private factory attribute ever goes away the
    probe still works and reports the TLS handshake inside ``connect`` (returns False then).
    """
    original = getattr(connector, "_factory", None)
    if original is None or not callable(original):
        return False

    def factory() -> object:
        clock = _CLOCK.get()
        if clock is not None:
            clock.tcp_end = time.perf_counter()
        return original()

    connector._factory = factory  # type: ignore[assignment]
    return True


class _TlsCapturingRequest(aiohttp.ClientRequest):
    """Notes the connection's ``ssl_object`` as the request is sent, new or reused connection alike.

    After a small response aiohttp hands the connection back to the pool before the caller sees it,
    so ``response.connection`` is often already None; this is the one moment the connection is known.
    """

    async def send(self, conn: aiohttp.connector.Connection) -> aiohttp.ClientResponse:
        clock = _CLOCK.get()
        if clock is not None and clock.is_https and conn.transport is not None:
            clock.ssl_object = conn.transport.get_extra_info("ssl_object")
        return await super().send(conn)


def new_session(
    *, limit: int = 200, resolver: aiohttp.abc.AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """The one session of an engine; limits per host are kept by the engine, not by the connector."""
    connector = aiohttp.TCPConnector(
        limit=limit,
        limit_per_host=0,
        ttl_dns_cache=300,
        resolver=resolver,
        keepalive_timeout=15,
        enable_cleanup_closed=False,
    )
    instrument_connector(connector)
    return aiohttp.ClientSession(
        connector=connector,
        request_class=_TlsCapturingRequest,
        trace_configs=[trace_config()],
        cookie_jar=aiohttp.DummyCookieJar(),  # probes are independent: no cookie may leak between them
        auto_decompress=True,
        raise_for_status=False,
        timeout=aiohttp.ClientTimeout(total=None),
    )


def is_invalid_name(host: str) -> bool:
    """RFC 6761: names under ``.invalid`` never resolve, so the resolver is not even asked."""
    lowered = host.rstrip(".").lower()
    return lowered == "invalid" or lowered.endswith(".invalid")


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    contexts: TlsContexts,
    timeouts: Timeouts,
    max_bytes: int,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    max_redirects: int = 5,
    follow_redirects: bool = True,
    ca_file: str | None = None,
) -> FetchResult:
    """Fetch ``url``, following redirects by hand so each hop is seen, timed and bounded.

    Never raises for network trouble: every failure comes back as ``error``/``error_kind``.
    """
    if method not in ("GET", "HEAD"):
        raise ValueError(f"probes only use GET and HEAD, not {method}")
    clocks: list[PhaseClock] = []
    hops: list[Hop] = []
    started = time.perf_counter()
    current = url
    seen = {url}
    asset_host = (urlsplit(url).hostname or "").lower()
    asset_peer: PeerTls | None = None

    def result(
        response: Response | None, error: str | None = None, kind: ErrorKind | None = None
    ) -> FetchResult:
        return FetchResult(
            url=url,
            response=response,
            hops=tuple(hops),
            error=error,
            error_kind=kind,
            timings=_sum_timings(clocks, started),
            peer=asset_peer,
        )

    try:
        async with asyncio.timeout(timeouts.total):
            while True:
                problem = _check_url(current)
                if problem is not None:
                    return result(None, *problem)
                outcome = await _request_with_tls_fallback(
                    session, current, method, headers, timeouts, max_bytes, contexts, ca_file, clocks
                )
                if isinstance(outcome, _Failure):
                    return result(None, outcome.message, outcome.kind)
                response = outcome
                same_host = (urlsplit(current).hostname or "").lower() == asset_host
                if response.peer is not None and asset_peer is None and same_host:
                    asset_peer = response.peer
                location = response.headers.get("Location")
                if not follow_redirects or response.status not in REDIRECT_STATUSES or not location:
                    return result(response)
                target = urljoin(current, location.strip())
                hops.append(Hop(url=current, status=response.status, location=target))
                if target in seen:
                    return result(None, f"redirect loop back to {target}", ErrorKind.REDIRECT_LOOP)
                if len(hops) > max_redirects:
                    return result(None, f"more than {max_redirects} redirects", ErrorKind.TOO_MANY_REDIRECTS)
                seen.add(target)
                current = target
    except TimeoutError:
        return result(None, f"no complete answer within {timeouts.total:g} s", ErrorKind.TIMEOUT)


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str
    kind: ErrorKind


def _check_url(url: str) -> tuple[str, ErrorKind] | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"invalid URL {url!r}: {exc}", ErrorKind.INVALID_URL
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}", ErrorKind.INVALID_URL
    if is_invalid_name(parts.hostname):
        return f"DNS: {parts.hostname} is under .invalid and never resolves", ErrorKind.DNS
    return None


async def _request_with_tls_fallback(
    session: aiohttp.ClientSession,
    url: str,
    method: str,
    headers: Mapping[str, str] | None,
    timeouts: Timeouts,
    max_bytes: int,
    contexts: TlsContexts,
    ca_file: str | None,
    clocks: list[PhaseClock],
) -> Response | _Failure:
    is_https = url.startswith("https:")
    context = contexts.verifying(ca_file) if is_https else None
    outcome = await _request_once(
        session, url, method, headers, timeouts, max_bytes, context, clocks, True, None
    )
    if not is_https or not isinstance(outcome, _TlsRefused):
        return outcome
    # The verifying handshake was refused: read the page anyway (a defaced site with an expired
    # certificate is still defaced) and keep the reason, which is the chain finding.
    return await _request_once(
        session,
        url,
        method,
        headers,
        timeouts,
        max_bytes,
        contexts.legacy(),
        clocks,
        outcome.verified,
        outcome.reason,
    )


@dataclass(frozen=True, slots=True)
class _TlsRefused(_Failure):
    verified: bool | None = None
    reason: str | None = None


async def _request_once(
    session: aiohttp.ClientSession,
    url: str,
    method: str,
    headers: Mapping[str, str] | None,
    timeouts: Timeouts,
    max_bytes: int,
    ssl_context: ssl.SSLContext | None,
    clocks: list[PhaseClock],
    verified: bool | None,
    verify_error: str | None,
) -> Response | _Failure:
    clock = PhaseClock(start=time.perf_counter(), is_https=ssl_context is not None)
    clocks.append(clock)
    token = _CLOCK.set(clock)
    request_timeout = aiohttp.ClientTimeout(
        total=None, connect=timeouts.connect, sock_connect=timeouts.connect, sock_read=timeouts.read
    )
    response: aiohttp.ClientResponse | None = None
    complete = False
    try:
        try:
            # A server that sends its headers a byte at a time defeats the per-read timeout: bound the wait.
            async with asyncio.timeout(timeouts.connect + timeouts.first_byte):
                response = await session.request(
                    method,
                    url,
                    headers=dict(headers or {}),
                    allow_redirects=False,
                    ssl=ssl_context if ssl_context is not None else True,
                    timeout=request_timeout,
                    trace_request_ctx=clock,
                )
        finally:
            _CLOCK.reset(token)
        clock.headers_at = time.perf_counter()
        peer = None
        if ssl_context is not None:
            peer = peer_from_ssl_object(clock.ssl_object, verified=verified, verify_error=verify_error)
            clock.ssl_object = None  # the details are copied; do not keep the connection's object alive
        cap = min(max_bytes, _REDIRECT_BODY_CAP) if response.status in REDIRECT_STATUSES else max_bytes
        body, truncated = await _read_capped(response, 0 if method == "HEAD" else cap)
        complete = not truncated
        clock.end = time.perf_counter()
        return Response(
            url=url,
            status=response.status,
            headers=response.headers,
            body=body,
            truncated=truncated,
            peer=peer,
        )
    except aiohttp.ClientConnectorCertificateError as exc:
        reason = verify_message(exc.certificate_error)
        return _TlsRefused(f"TLS: {reason}", ErrorKind.TLS, False, reason)
    except aiohttp.ClientConnectorSSLError as exc:
        reason = verify_message(exc.os_error) if exc.os_error is not None else str(exc)
        return _TlsRefused(f"TLS: {reason}", ErrorKind.TLS, None, reason)
    except aiohttp.ClientConnectorDNSError as exc:
        return _Failure(f"DNS: {_os_reason(exc)}", ErrorKind.DNS)
    except aiohttp.ConnectionTimeoutError:
        if clock.is_https and clock.tcp_end is not None:
            return _Failure(f"TLS handshake not finished within {timeouts.connect:g} s", ErrorKind.TIMEOUT)
        return _Failure(f"connection not established within {timeouts.connect:g} s", ErrorKind.TIMEOUT)
    except aiohttp.ClientConnectorError as exc:
        if clock.is_https and clock.tcp_end is not None:
            # TCP was up and the handshake broke: servers limited to TLS 1.0/1.1 reset a modern hello.
            reason = f"handshake broken: {_os_reason(exc)}"
            return _TlsRefused(f"TLS: {reason}", ErrorKind.TLS, None, reason)
        return _Failure(f"connect: {_os_reason(exc)}", ErrorKind.CONNECT)
    except (aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError):
        return _Failure(f"server silent for more than {timeouts.read:g} s", ErrorKind.TIMEOUT)
    except TimeoutError:
        return _Failure(
            f"no response headers within {timeouts.connect + timeouts.first_byte:g} s", ErrorKind.TIMEOUT
        )
    except aiohttp.ClientResponseError as exc:
        return _Failure(f"bad response: {exc.message or type(exc).__name__}", ErrorKind.PROTOCOL)
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        # ServerDisconnectedError, ClientPayloadError, a reset socket, a malformed URL from a Location…
        return _Failure(f"{type(exc).__name__}: {exc}".rstrip(": "), ErrorKind.PROTOCOL)
    finally:
        if response is not None:
            # close() rather than release(): an unread rest of a body must not go back to the pool.
            if complete:
                response.release()
            else:
                response.close()


def _os_reason(exc: aiohttp.ClientConnectorError) -> str:
    if exc.os_error is None:
        return str(exc)
    return exc.os_error.strerror or str(exc.os_error) or type(exc.os_error).__name__


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> tuple[bytes, bool]:
    """Read at most ``cap`` bytes; one byte more is asked for so that an exact fit is not called truncated."""
    if cap <= 0:
        return b"", not response.content.at_eof()
    buffer = bytearray()
    while len(buffer) <= cap:
        chunk = await response.content.read(min(_READ_CHUNK, cap + 1 - len(buffer)))
        if not chunk:
            return bytes(buffer), False
        buffer += chunk
    del buffer[cap:]
    return bytes(buffer), True


def _ms(start: float | None, end: float | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start) * 1000, 3)


def _sum_timings(clocks: list[PhaseClock], started: float) -> Timings:
    dns: float | None = None
    connect: float | None = None
    tls: float | None = None
    first_byte: float | None = None
    for clock in clocks:
        phase_dns = _ms(clock.dns_start, clock.dns_end)
        connect_from = clock.dns_end if clock.dns_end is not None else clock.conn_start
        connect_to = clock.tcp_end if clock.tcp_end is not None else clock.conn_end
        phase_connect = _ms(connect_from, connect_to)
        phase_tls = _ms(clock.tcp_end, clock.conn_end) if clock.is_https else None
        waiting_from = clock.conn_end if clock.conn_end is not None else clock.start
        phase_first = _ms(waiting_from, clock.headers_at)
        dns = _add(dns, phase_dns)
        connect = _add(connect, phase_connect)
        tls = _add(tls, phase_tls)
        first_byte = _add(first_byte, phase_first)
    return Timings(
        dns=dns,
        connect=connect,
        tls=tls,
        first_byte=first_byte,
        total=round((time.perf_counter() - started) * 1000, 3),
    )


def _add(total: float | None, part: float | None) -> float | None:
    if part is None:
        return total
    return part if total is None else round(total + part, 3)
