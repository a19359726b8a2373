"""Fixtures for the probe tests: a test PKI, loopback servers for every scenario, a loopback-only resolver."""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from jixiao.domain.probes import ProbeEngine, ProbeOptions, ProbeResult, Timeouts

from .certs import Leaf, TestPki, make_pki
from .servers import ServerThread

TEST_NAMES = frozenset({"localhost", "gov.test", "www.gov.test", "a.test", "b.test", "c.test"})
QUICK = Timeouts(connect=2.0, first_byte=2.0, read=2.0, total=4.0, budget=10.0)


class LoopbackResolver(AbstractResolver):
    """Resolves only the test names, to 127.0.0.1; anything else is refused and remembered."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in TEST_NAMES:
            raise OSError(f"test resolver: {host} is not a loopback test name")
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


def run_probe(url: str, *, resolver: LoopbackResolver | None = None, **fields: Any) -> ProbeResult:
    """One probe on a fresh engine; https probes skip the http://host:80 redirection check by default."""
    fields.setdefault("timeouts", QUICK)
    fields.setdefault("check_http_redirect", False)

    async def go() -> ProbeResult:
        async with ProbeEngine(resolver=resolver or LoopbackResolver()) as engine:
            return await engine.probe(url, ProbeOptions(**fields))

    return asyncio.run(go())


def checks_of(result: ProbeResult) -> list[str]:
    return [f.check for f in result.findings]


# ---------------------------------------------------------------- pages

GOV_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>某市网信办</title></head><body>
<h1>网络安全宣传周</h1>
<p>本周开展网络安全知识进社区活动。</p>
<p><a href="http://www.amdc-casino.test/visible">澳门赌场 visible link</a></p>
<div style="display:none"><a href="http://www.amdc-casino.test/hidden">澳门赌场 博彩</a></div>
<div style="position:absolute; left:-1000px"><a href="http://news.gov.test/zt">博彩 治理专题</a></div>
</body></html>"""

NOT_FOUND_PAGE = "<html><head><title>404</title></head><body><h1>页面不存在 page not found</h1></body></html>"
GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"

NEWS_LINES = [
    "市委网信办召开网络安全工作会议",
    "会议传达学习了上级关于网络安全工作的部署要求",
    "会议指出要压实网络安全责任制",
    "会议要求各单位开展网站安全自查",
    "下一步将组织开展网络安全应急演练",
    "同时加强关键信息基础设施安全保护",
    "联系电话 0557-0000000",
]


def news_page(lines: list[str]) -> str:
    body = "\n".join(f"<p>{line}</p>" for line in lines)
    return f"<html><head><title>工作动态</title></head><body><h1>工作动态</h1>\n{body}\n</body></html>"


DEFACED_PAGE = """<html><head><title>Hacked by Team X</title></head><body style="background:#000">
<h1>Hacked by Team X</h1><p>本站已被黑 澳门赌场 百家乐 在线开户</p></body></html>"""

SPIDER_PAGE = GOV_PAGE.replace(
    "<h1>网络安全宣传周</h1>", "<h1>网络安全宣传周</h1><p>六合彩 时时彩 百家乐 真人娱乐 注册送彩金</p>"
)

HEADER_PAGE = "<html><head><title>h</title></head><body><p>security headers</p></body></html>"
SRI_PAGE = """<html><head><title>h</title>
<script src="https://cdn.example.org/lib.js" integrity="sha384-abc" crossorigin="anonymous"></script>
<script src="/app.js"></script></head><body><p>with scripts</p></body></html>"""
HTTP_SCRIPT_PAGE = (
    """<html><head><script src="http://cdn.example.org/x.js"></script></head><body>x</body></html>"""
)

HEADER_SETS: dict[str, tuple[dict[str, str], list[str], str]] = {
    # name: (headers, set-cookie values, page)
    "full": (
        {
            "Content-Security-Policy": "default-src 'none'; script-src 'self' https://cdn.example.org; "
            "style-src 'self'; img-src 'self'; frame-ancestors 'none'",
            "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
        ["sessionid=abc; Path=/; Secure; HttpOnly; SameSite=Strict"],
        SRI_PAGE,
    ),
    "eval-blocked": (
        {
            "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'",
            "Strict-Transport-Security": "max-age=31536000",
            "X-Frame-Options": "SAMEORIGIN",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        },
        [],
        HEADER_PAGE,
    ),
    "eval-ok": (
        {
            "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'",
            "Strict-Transport-Security": "max-age=31536000",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
        [],
        HEADER_PAGE,
    ),
    "bad": (
        {
            "Strict-Transport-Security": "max-age=86400",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "unsafe-url",
            "Access-Control-Allow-Credentials": "true",
        },
        ["PHPSESSID=abc; Path=/"],
        HTTP_SCRIPT_PAGE,
    ),
}


# ---------------------------------------------------------------- apps


def _html(text: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8", headers=headers)


def site_app() -> web.Application:
    async def index(request: web.Request) -> web.Response:
        return _html(GOV_PAGE)

    async def git_config(request: web.Request) -> web.Response:
        return web.Response(text=GIT_CONFIG, content_type="text/plain")

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_get("/.git/config", git_config)
    return app


def catch_all_app(text: str, content_type: str) -> web.Application:
    async def anything(request: web.Request) -> web.Response:
        return web.Response(text=text, content_type=content_type)

    app = web.Application()
    app.router.add_get("/{tail:.*}", anything)
    return app


def cloak_app() -> web.Application:
    async def index(request: web.Request) -> web.Response:
        spider = "Baiduspider" in request.headers.get("User-Agent", "")
        return _html(SPIDER_PAGE if spider else GOV_PAGE)

    app = web.Application()
    app.router.add_get("/", index)
    return app


def deface_app() -> web.Application:
    pages = {
        "/before": news_page(NEWS_LINES),
        "/edited": news_page([*NEWS_LINES[:-1], "联系电话 0557-1111111"]),
        "/after": DEFACED_PAGE,
    }

    async def page(request: web.Request) -> web.Response:
        return _html(pages[request.path])

    app = web.Application()
    for path in pages:
        app.router.add_get(path, page)
    return app


def headers_app() -> web.Application:
    async def graded(request: web.Request) -> web.Response:
        headers, cookies, page = HEADER_SETS[request.match_info["name"]]
        response = _html(page, headers=headers)
        if request.match_info["name"] == "bad" and "Origin" in request.headers:
            response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
        for cookie in cookies:
            response.headers.add("Set-Cookie", cookie)
        return response

    app = web.Application()
    app.router.add_get("/h/{name}", graded)
    app.router.add_get("/", _ok)
    return app


async def _ok(request: web.Request) -> web.Response:
    return _html("<html><body><p>ok</p></body></html>")


def redirector_app(https_port: int) -> web.Application:
    async def to_https(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"https://127.0.0.1:{https_port}/h/{request.match_info['name']}")

    async def via_http(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/h/{request.match_info['name']}")

    async def bare(request: web.Request) -> web.Response:
        return _html(HEADER_PAGE)

    app = web.Application()
    app.router.add_get("/h/{name}", to_https)
    app.router.add_get("/via-http/{name}", via_http)
    app.router.add_get("/bare", bare)
    return app


def loop_app() -> web.Application:
    async def a(request: web.Request) -> web.Response:
        raise web.HTTPFound("/b")

    async def b(request: web.Request) -> web.Response:
        raise web.HTTPFound("/a")

    app = web.Application()
    app.router.add_get("/a", a)
    app.router.add_get("/b", b)
    return app


BIG_PAGE_BYTES = 10 * 1024 * 1024
_CHUNK = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"


def big_app() -> web.Application:
    async def big(request: web.Request) -> web.StreamResponse:
        # Streamed so the server itself holds 64 KiB, not 10 MB, while the client's memory is measured.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = BIG_PAGE_BYTES
        await response.prepare(request)
        sent = 0
        try:
            while sent < BIG_PAGE_BYTES:
                piece = _CHUNK[: BIG_PAGE_BYTES - sent]
                await response.write(piece)
                sent += len(piece)
        except (ConnectionError, RuntimeError):
            pass
        return response

    app = web.Application()
    app.router.add_get("/", big)
    return app


def concurrency_app(stats: dict[str, int]) -> web.Application:
    async def slow(request: web.Request) -> web.Response:
        host = request.host.split(":")[0]
        stats[host] = stats.get(host, 0) + 1
        stats["all"] = stats.get("all", 0) + 1
        stats[f"max:{host}"] = max(stats.get(f"max:{host}", 0), stats[host])
        stats["max:all"] = max(stats.get("max:all", 0), stats["all"])
        try:
            await asyncio.sleep(0.05)
            return _html("<html><body>slow</body></html>")
        finally:
            stats[host] -= 1
            stats["all"] -= 1

    app = web.Application()
    app.router.add_get("/{tail:.*}", slow)
    return app


# ---------------------------------------------------------------- raw hostile servers


async def _read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def slowloris(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.05)


async def endless_fast(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        chunk = b"<p>" + b"y" * 16_000 + b"</p>"
        while True:
            writer.write(chunk)
            await writer.drain()


async def endless_drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
    while True:
        writer.write(b"1\r\nz\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)  # accepts, then never says a word: a TLS handshake that hangs


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)  # mid-exchange, so the reset is not mistaken for a refused connect
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close → RST
    writer.transport.abort()


async def close_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


# ---------------------------------------------------------------- TLS contexts


def server_context(
    leaf: Leaf, *, minimum: ssl.TLSVersion | None = None, maximum: ssl.TLSVersion | None = None
) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(leaf.cert, leaf.key)
    if minimum is not None or maximum is not None:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if minimum is not None:
                context.minimum_version = minimum
            if maximum is not None:
                context.maximum_version = maximum
    return context


@dataclass
class Sites:
    """Base URLs of every scenario server."""

    pki: TestPki
    site_port: int
    soft404: str
    catch_all_git: str
    cloak: str
    deface: str
    headers_https: str
    redirector: str
    loop: str
    big: str
    concurrency_port: int
    concurrency_stats: dict[str, int]
    slowloris: str
    endless_fast: str
    endless_drip: str
    tls_hang: str
    reset: str
    closed: str
    tls_valid: str
    tls_expired: str
    tls_wrong_host: str
    tls_self_signed: str
    tls_old: str
    tls12: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def site(self) -> str:
        return f"http://www.gov.test:{self.site_port}"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_pki(Path(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="session")
def sites(pki: TestPki) -> Iterator[Sites]:
    thread = ServerThread()
    try:
        https_port = thread.app(headers_app(), server_context(pki.valid))
        stats: dict[str, int] = {}

        def http(app: web.Application) -> str:
            return f"http://127.0.0.1:{thread.app(app)}"

        def https(leaf: Leaf, **limits: ssl.TLSVersion) -> str:
            return f"https://127.0.0.1:{thread.app(headers_app(), server_context(leaf, **limits))}"

        yield Sites(
            pki=pki,
            site_port=thread.app(site_app()),
            soft404=http(catch_all_app(NOT_FOUND_PAGE, "text/html")),
            catch_all_git=http(catch_all_app(GIT_CONFIG, "text/plain")),
            cloak=http(cloak_app()),
            deface=http(deface_app()),
            headers_https=f"https://127.0.0.1:{https_port}",
            redirector=http(redirector_app(https_port)),
            loop=http(loop_app()),
            big=http(big_app()),
            concurrency_port=thread.app(concurrency_app(stats)),
            concurrency_stats=stats,
            slowloris=f"http://127.0.0.1:{thread.raw(slowloris)}",
            endless_fast=f"http://127.0.0.1:{thread.raw(endless_fast)}",
            endless_drip=f"http://127.0.0.1:{thread.raw(endless_drip)}",
            tls_hang=f"https://127.0.0.1:{thread.raw(silent)}",
            reset=f"http://127.0.0.1:{thread.raw(reset)}",
            closed=f"http://127.0.0.1:{thread.raw(close_at_once)}",
            tls_valid=f"https://127.0.0.1:{https_port}",
            tls_expired=https(pki.expired),
            tls_wrong_host=https(pki.wrong_host),
            tls_self_signed=https(pki.self_signed),
            tls_old=https(pki.valid, minimum=ssl.TLSVersion.TLSv1_1, maximum=ssl.TLSVersion.TLSv1_1),
            tls12=https(pki.valid, minimum=ssl.TLSVersion.TLSv1_2, maximum=ssl.TLSVersion.TLSv1_2),
        )
    finally:
        thread.stop()
