"""GET/HEAD with per-phase timings, manual redirects, a deadline on every phase and a cap on every body.

One ``aiohttp.ClientSession`` serves every probe of an engine. The phase times come from three stamps on
the request's ``PhaseClock`` (found through a context variable, so nothing is passed through aiohttp):
a wrapper around the resolver stamps DNS, a wrapper around the connector's protocol factory stamps the
end of the TCP connect (asyncio builds the protocol after connecting and before TLS), and the request
class stamps the moment a ready connection is handed to it. aiohttp's ``TraceConfig`` would give the
same stamps through a dozen signal dispatches per request, which cost more than the rest of the fetch.
"""

from __future__ import annotations

import asyncio
import contextvars
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urljoin

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from jixiao.domain.probes.confine import Confinement, DeniedAddress
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
    DENIED = "denied_address"


@dataclass(slots=True)
class PhaseClock:
    """perf_counter stamps of one request attempt; filled by the resolver, the connector and the request.

    ``tcp_end`` is only stamped for a new connection; ``conn_end`` is when the connection (new or reused)
    was handed to the request.
    """

    start: float
    is_https: bool = False
    dns_start: float | None = None
    dns_end: float | None = None
    tcp_end: float | None = None
    conn_end: float | None = None
    # Set when the connector could not be instrumented: ``tcp_end`` then came after the TLS handshake.
    tls_in_connect: bool = False
    headers_at: float | None = None
    end: float | None = None
    ssl_object: object = None


_CLOCK: contextvars.ContextVar[PhaseClock | None] = contextvars.ContextVar("probe_phase_clock", default=None)
# The confinement of the fetch in progress: the resolver and the request class check addresses against it.
_CONFINE: contextvars.ContextVar[Confinement | None] = contextvars.ContextVar(
    "probe_confinement", default=None
)


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
    ``blocked_redirect`` is a redirect target off the registered hosts: not requested, and ``response``
    is the redirect that pointed there.
    """

    url: str
    response: Response | None
    hops: tuple[Hop, ...] = ()
    error: str | None = None
    error_kind: ErrorKind | None = None
    timings: Timings = field(default_factory=Timings)
    peer: PeerTls | None = None
    blocked_redirect: str | None = None

    @property
    def final_url(self) -> str | None:
        return self.response.url if self.response is not None else None


class TimedResolver(aiohttp.abc.AbstractResolver):
    """Stamps the DNS phase of the request being connected around the real resolver's answer.

    aiohttp only calls the resolver on a cache miss, and once for all requests waiting on the same name,
    so a cached or shared answer shows no DNS time, as with its own trace signals.
    """

    def __init__(self, inner: aiohttp.abc.AbstractResolver | None = None) -> None:
        self._inner = inner if inner is not None else aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[aiohttp.abc.ResolveResult]:
        clock = _CLOCK.get()
        if clock is not None and clock.dns_start is None:
            clock.dns_start = time.perf_counter()
        try:
            answers = await self._inner.resolve(host, port, family)
        finally:
            if clock is not None:
                clock.dns_end = time.perf_counter()
        confine = _CONFINE.get()
        if confine is not None:
            for answer in answers:
                if confine.denied(str(answer["host"])):
                    raise DeniedAddress(host, str(answer["host"]))
        return answers

    async def close(self) -> None:
        await self._inner.close()


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


def _connection_trace() -> aiohttp.TraceConfig:
    """The fallback when ``instrument_connector`` cannot work: the end of a new connection, TLS included."""
    config = aiohttp.TraceConfig()

    async def created(session: aiohttp.ClientSession, context: object, params: object) -> None:
        clock = _CLOCK.get()
        if clock is not None and clock.tcp_end is None:
            clock.tcp_end = time.perf_counter()
            clock.tls_in_connect = True

    config.on_connection_create_end.append(created)
    return config


class _TlsCapturingRequest(aiohttp.ClientRequest):
    """Notes the connection's ``ssl_object`` as the request is sent, new or reused connection alike.

    After a small response aiohttp hands the connection back to the pool before the caller sees it,
    so ``response.connection`` is often already None; this is the one moment the connection is known.
    """

    async def send(self, conn: aiohttp.connector.Connection) -> aiohttp.ClientResponse:
        confine = _CONFINE.get()
        if confine is not None and confine.deny and conn.transport is not None:
            # A cached or shared DNS answer skips the resolver: the peer actually reached is checked too.
            peer = conn.transport.get_extra_info("peername")
            if peer and confine.denied(str(peer[0])):
                raise DeniedAddress(self.url.host or "", str(peer[0]))
        clock = _CLOCK.get()
        if clock is not None:
            clock.conn_end = time.perf_counter()
            if clock.is_https and conn.transport is not None:
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
        resolver=TimedResolver(resolver),
        keepalive_timeout=15,
        enable_cleanup_closed=False,
    )
    traces = [] if instrument_connector(connector) else [_connection_trace()]
    return aiohttp.ClientSession(
        connector=connector,
        request_class=_TlsCapturingRequest,
        trace_configs=traces,
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
    confine: Confinement | None = None,
) -> FetchResult:
    """Fetch ``url``, following redirects by hand so each hop is seen, timed and bounded.

    Never raises for network trouble: every failure comes back as ``error``/``error_kind``. One deadline
    guards the whole fetch; while a request waits for its response headers the deadline is pulled in to
    ``connect + first_byte`` from its start (a server that drips its headers a byte at a time defeats a
    per-read timeout), and pushed back out to ``total`` once the headers are in.

    With ``confine``, a redirect off the registered hosts is not followed (``blocked_redirect``) and no
    connection is made to a denied address (``ErrorKind.DENIED``).
    """
    if method not in ("GET", "HEAD"):
        raise ValueError(f"probes only use GET and HEAD, not {method}")
    clocks: list[PhaseClock] = []
    hops: list[Hop] = []
    started = time.perf_counter()
    current = url
    seen = {url}
    asset_host: str | None = None
    asset_peer: PeerTls | None = None
    request_headers: Mapping[str, str] = headers if headers is not None else {}
    deadline = _Deadline(asyncio.get_running_loop().time() + timeouts.total)
    confine_token = _CONFINE.set(confine)
    try:
        async with asyncio.timeout_at(deadline.total_at) as deadline.timeout:
            while True:
                target_url = _check_url(current)
                if isinstance(target_url, tuple):
                    return _finish(url, None, hops, clocks, started, asset_peer, *target_url)
                if confine is not None and confine.denied(target_url.host or ""):
                    return _finish(
                        url,
                        None,
                        hops,
                        clocks,
                        started,
                        asset_peer,
                        f"拒绝连接：{target_url.host} 是受限地址（环回、链路本地或内网），资产未标为内网资产",
                        ErrorKind.DENIED,
                    )
                if asset_host is None:
                    asset_host = target_url.host or ""
                is_https = target_url.scheme == "https"
                outcome = await _request_once(
                    session,
                    current,
                    target_url,
                    method,
                    request_headers,
                    timeouts,
                    max_bytes,
                    contexts.verifying(ca_file) if is_https else None,
                    clocks,
                    deadline,
                    True,
                    None,
                )
                if is_https and isinstance(outcome, _TlsRefused):
                    # The verifying handshake was refused: read the page anyway (a defaced site with an
                    # expired certificate is still defaced) and keep the reason, which is the chain finding.
                    outcome = await _request_once(
                        session,
                        current,
                        target_url,
                        method,
                        request_headers,
                        timeouts,
                        max_bytes,
                        contexts.legacy(),
                        clocks,
                        deadline,
                        outcome.verified,
                        outcome.reason,
                    )
                if isinstance(outcome, _Failure):
                    return _finish(
                        url, None, hops, clocks, started, asset_peer, outcome.message, outcome.kind
                    )
                response = outcome
                if response.peer is not None and asset_peer is None and target_url.host == asset_host:
                    asset_peer = response.peer
                location = response.headers.get("Location")
                if not follow_redirects or response.status not in REDIRECT_STATUSES or not location:
                    return _finish(url, response, hops, clocks, started, asset_peer)
                target = urljoin(current, location.strip())
                hops.append(Hop(url=current, status=response.status, location=target))
                if confine is not None and not confine.allows(target):
                    return _finish(url, response, hops, clocks, started, asset_peer, blocked=target)
                if target in seen:
                    return _finish(
                        url,
                        None,
                        hops,
                        clocks,
                        started,
                        asset_peer,
                        f"redirect loop back to {target}",
                        ErrorKind.REDIRECT_LOOP,
                    )
                if len(hops) > max_redirects:
                    return _finish(
                        url,
                        None,
                        hops,
                        clocks,
                        started,
                        asset_peer,
                        f"more than {max_redirects} redirects",
                        ErrorKind.TOO_MANY_REDIRECTS,
                    )
                seen.add(target)
                current = target
    except TimeoutError:
        if deadline.waiting_for is not None:
            message = f"no response headers within {deadline.waiting_for:g} s"
        else:
            message = f"no complete answer within {timeouts.total:g} s"
        return _finish(url, None, hops, clocks, started, asset_peer, message, ErrorKind.TIMEOUT)
    finally:
        _CONFINE.reset(confine_token)


def _finish(
    url: str,
    response: Response | None,
    hops: list[Hop],
    clocks: list[PhaseClock],
    started: float,
    peer: PeerTls | None,
    error: str | None = None,
    kind: ErrorKind | None = None,
    *,
    blocked: str | None = None,
) -> FetchResult:
    return FetchResult(
        url=url,
        response=response,
        hops=tuple(hops),
        error=error,
        error_kind=kind,
        timings=_sum_timings(clocks, started),
        peer=peer,
        blocked_redirect=blocked,
    )


@dataclass(slots=True)
class _Deadline:
    """The fetch's one timeout and the two times it moves between; ``waiting_for`` is set (to the seconds
    allowed) while a request waits for its headers under the pulled-in one."""

    total_at: float
    timeout: asyncio.Timeout | None = None
    waiting_for: float | None = None

    def wait_for_headers(self, seconds: float) -> None:
        headers_at = asyncio.get_running_loop().time() + seconds
        if self.timeout is not None and headers_at < self.total_at:
            self.timeout.reschedule(headers_at)
            self.waiting_for = seconds

    def headers_in(self) -> None:
        if self.timeout is not None and self.waiting_for is not None:
            self.waiting_for = None
            self.timeout.reschedule(self.total_at)


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str
    kind: ErrorKind


def _check_url(url: str) -> URL | tuple[str, ErrorKind]:
    try:
        parsed = URL(url)
        host = parsed.host
        parsed.port  # noqa: B018 - a port out of range raises ValueError
    except (ValueError, TypeError) as exc:
        return f"invalid URL {url!r}: {exc}", ErrorKind.INVALID_URL
    if parsed.scheme not in ("http", "https") or not host:
        return f"not an http(s) URL: {url!r}", ErrorKind.INVALID_URL
    if is_invalid_name(host):
        return f"DNS: {host} is under .invalid and never resolves", ErrorKind.DNS
    return parsed


@dataclass(frozen=True, slots=True)
class _TlsRefused(_Failure):
    verified: bool | None = None
    reason: str | None = None


_REQUEST_TIMEOUTS: dict[tuple[float, float], aiohttp.ClientTimeout] = {}


def _request_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
    key = (timeouts.connect, timeouts.read)
    found = _REQUEST_TIMEOUTS.get(key)
    if found is None:
        found = _REQUEST_TIMEOUTS[key] = aiohttp.ClientTimeout(
            total=None, sock_connect=timeouts.connect, sock_read=timeouts.read
        )
    return found


async def _request_once(
    session: aiohttp.ClientSession,
    text: str,
    url: URL,
    method: str,
    headers: Mapping[str, str],
    timeouts: Timeouts,
    max_bytes: int,
    ssl_context: ssl.SSLContext | None,
    clocks: list[PhaseClock],
    deadline: _Deadline,
    verified: bool | None,
    verify_error: str | None,
) -> Response | _Failure:
    clock = PhaseClock(start=time.perf_counter(), is_https=ssl_context is not None)
    clocks.append(clock)
    token = _CLOCK.set(clock)
    response: aiohttp.ClientResponse | None = None
    complete = False
    try:
        deadline.wait_for_headers(timeouts.connect + timeouts.first_byte)
        try:
            response = await session.request(
                method,
                url,
                headers=headers,
                allow_redirects=False,
                ssl=ssl_context if ssl_context is not None else True,
                timeout=_request_timeout(timeouts),
            )
        finally:
            _CLOCK.reset(token)
        clock.headers_at = time.perf_counter()
        deadline.headers_in()
        peer = None
        if ssl_context is not None:
            peer = peer_from_ssl_object(clock.ssl_object, verified=verified, verify_error=verify_error)
            clock.ssl_object = None  # the details are copied; do not keep the connection's object alive
        cap = min(max_bytes, _REDIRECT_BODY_CAP) if response.status in REDIRECT_STATUSES else max_bytes
        body, truncated = await _read_capped(response, 0 if method == "HEAD" else cap)
        complete = not truncated
        clock.end = time.perf_counter()
        return Response(
            url=text,
            status=response.status,
            headers=response.headers,
            body=body,
            truncated=truncated,
            peer=peer,
        )
    except DeniedAddress as exc:
        return _Failure(
            f"拒绝连接：{exc.host} 解析到受限地址 {exc.address}（环回、链路本地或内网），资产未标为内网资产",
            ErrorKind.DENIED,
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
    length = response.content_length
    if length is not None and length <= cap and not response.headers.get("Content-Encoding"):
        # The parser stops at Content-Length, so reading it all is bounded by the cap already.
        return await response.read(), False
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
        dns = _add(dns, _ms(clock.dns_start, clock.dns_end))
        if clock.tcp_end is not None:  # a new connection: a reused one has no connect or TLS phase
            connect_from = clock.dns_end if clock.dns_end is not None else clock.start
            connect = _add(connect, _ms(connect_from, clock.tcp_end))
            if clock.is_https and not clock.tls_in_connect:
                tls = _add(tls, _ms(clock.tcp_end, clock.conn_end))
        waiting_from = clock.conn_end if clock.conn_end is not None else clock.start
        first_byte = _add(first_byte, _ms(waiting_from, clock.headers_at))
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
