"""Confinement: a registered site cannot aim the monitor anywhere else.

Real servers on two loopback addresses: 127.0.0.1 is the registered site, 127.0.0.2 stands for a host
nobody registered (an internal service, say). Each server counts every request it gets.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from jixiao.domain.probes import ProbeEngine, ProbeOptions, ProbeResult
from jixiao.domain.probes.confine import DEFAULT_DENY, Confinement

from .conftest import QUICK, checks_of
from .servers import ServerThread

PAGE = "<!doctype html><html><head><title>某县网信办</title></head><body><p>网络安全</p></body></html>"


@dataclass
class Counter:
    paths: list[str] = field(default_factory=list)

    def app(self, handler: object = None) -> web.Application:
        async def any_path(request: web.Request) -> web.StreamResponse:
            self.paths.append(request.path)
            if handler is not None:
                return await handler(request)  # type: ignore[operator]
            return web.Response(text=PAGE, content_type="text/html")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", any_path)
        return app


@dataclass
class Hosts:
    servers: ServerThread
    other: Counter
    other_port: int

    def site(self, handler: object = None) -> tuple[Counter, int]:
        counter = Counter()
        return counter, self.servers.app(counter.app(handler), host="127.0.0.1")


@pytest.fixture
def hosts() -> Iterator[Hosts]:
    servers = ServerThread()
    other = Counter()
    port = servers.app(other.app(), host="127.0.0.2")
    try:
        yield Hosts(servers, other, port)
    finally:
        servers.stop()


class NameResolver(AbstractResolver):
    """Resolves the test names to the loopback address given; nothing else."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"test resolver: {host} is not a test name")
        address = self.names[host]
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
        ]

    async def close(self) -> None:
        return None


def probe(url: str, resolver: AbstractResolver | None = None, **fields: object) -> ProbeResult:
    fields.setdefault("timeouts", QUICK)
    fields.setdefault("check_http_redirect", False)

    async def go() -> ProbeResult:
        async with ProbeEngine(resolver=resolver or NameResolver({})) as engine:
            return await engine.probe(url, ProbeOptions(**fields))  # type: ignore[arg-type]

    return asyncio.run(go())


def redirect_to(target: str) -> object:
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            raise web.HTTPFound(target)
        return web.Response(status=404, text="not found")

    return handler


def test_a_redirect_to_an_unregistered_host_is_a_finding_and_never_requested(hosts: Hosts) -> None:
    elsewhere = f"http://127.0.0.2:{hosts.other_port}/landing"
    site, port = hosts.site(redirect_to(elsewhere))
    result = probe(f"http://127.0.0.1:{port}/")
    assert "redirect.unregistered_host" in checks_of(result)
    finding = next(f for f in result.findings if f.check == "redirect.unregistered_host")
    assert elsewhere in finding.message
    assert "跳转到未登记的主机" in finding.message
    assert hosts.other.paths == []
    # The exposure check asked the registered host, and only it.
    assert "/.git/config" in site.paths


def test_a_redirect_to_a_registered_extra_host_is_followed(hosts: Hosts) -> None:
    _, port = hosts.site(redirect_to(f"http://127.0.0.2:{hosts.other_port}/landing"))
    result = probe(f"http://127.0.0.1:{port}/", extra_hosts=("127.0.0.2",))
    assert "redirect.unregistered_host" not in checks_of(result)
    assert result.final_url == f"http://127.0.0.2:{hosts.other_port}/landing"
    assert "/landing" in hosts.other.paths


def test_a_spider_sent_elsewhere_is_cloaking_and_the_other_host_is_not_asked(hosts: Hosts) -> None:
    elsewhere = f"http://127.0.0.2:{hosts.other_port}/casino"

    async def handler(request: web.Request) -> web.StreamResponse:
        if "Baiduspider" in request.headers.get("User-Agent", ""):
            raise web.HTTPFound(elsewhere)
        return web.Response(text=PAGE, content_type="text/html")

    _, port = hosts.site(handler)
    result = probe(f"http://127.0.0.1:{port}/")
    cloaking = [f for f in result.findings if f.check == "cloaking"]
    assert [f.message for f in cloaking] == [
        f"search spiders are sent to {elsewhere}, visitors to http://127.0.0.1:{port}/"
    ]
    assert hosts.other.paths == []


def test_a_denied_address_is_never_connected_to(hosts: Hosts) -> None:
    site, port = hosts.site()
    result = probe(f"http://127.0.0.1:{port}/", deny_networks=DEFAULT_DENY)
    assert checks_of(result) == ["confinement.denied_address"]
    assert "受限地址" in (result.error or "")
    assert site.paths == []


def test_a_name_that_resolves_to_a_denied_address_is_refused(hosts: Hosts) -> None:
    site, port = hosts.site()
    resolver = NameResolver({"www.county.test": "127.0.0.1"})
    result = probe(f"http://www.county.test:{port}/", resolver, deny_networks=DEFAULT_DENY)
    assert checks_of(result) == ["confinement.denied_address"]
    assert "127.0.0.1" in (result.error or "")
    assert site.paths == []
    assert resolver.asked == ["www.county.test"]


def test_an_internal_asset_without_a_deny_list_is_checked(hosts: Hosts) -> None:
    site, port = hosts.site()
    resolver = NameResolver({"www.county.test": "127.0.0.1"})
    result = probe(f"http://www.county.test:{port}/", resolver)
    assert result.ok
    assert "/" in site.paths


def test_a_registered_redirect_into_a_denied_range_is_refused(hosts: Hosts) -> None:
    _, port = hosts.site(redirect_to(f"http://127.0.0.2:{hosts.other_port}/landing"))
    result = probe(f"http://127.0.0.1:{port}/", extra_hosts=("127.0.0.2",), deny_networks=("127.0.0.2/32",))
    assert "confinement.denied_address" in checks_of(result)
    assert hosts.other.paths == []


def test_a_cached_answer_is_checked_at_the_connection(hosts: Hosts) -> None:
    site, port = hosts.site()
    resolver = NameResolver({"www.county.test": "127.0.0.1"})
    url = f"http://www.county.test:{port}/"

    async def go() -> tuple[ProbeResult, ProbeResult]:
        async with ProbeEngine(resolver=resolver) as engine:
            first = await engine.probe(url, ProbeOptions(timeouts=QUICK, checks=frozenset({"availability"})))  # type: ignore[arg-type]
            seen = len(site.paths)
            second = await engine.probe(url, ProbeOptions(timeouts=QUICK, deny_networks=DEFAULT_DENY))
            assert len(site.paths) == seen
            return first, second

    first, second = asyncio.run(go())
    assert first.ok
    assert checks_of(second) == ["confinement.denied_address"]
    assert resolver.asked == ["www.county.test"]  # the second probe's answer came from the DNS cache


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.gov.test/a", True),
        ("http://WWW.GOV.TEST:8080/b", True),
        ("https://cdn.gov.test/c", True),
        ("https://evil.test/", False),
        ("https://www.gov.test.evil.test/", False),
        ("not a url", False),
    ],
)
def test_the_registered_hosts_are_the_urls_own_and_the_extra_ones(url: str, allowed: bool) -> None:
    confine = Confinement.for_asset("http://www.gov.test/", extra_hosts=("cdn.gov.test:8443",))
    assert confine.allows(url) is allowed


@pytest.mark.parametrize(
    ("address", "denied"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.20.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("::ffff:10.0.0.1", True),
        ("fd00::1", True),
        ("203.0.113.7", False),
        ("2001:db8::1", False),
    ],
)
def test_the_default_deny_list_covers_loopback_link_local_and_private_ranges(
    address: str, denied: bool
) -> None:
    assert Confinement.for_asset("http://a.test/", deny=DEFAULT_DENY).denied(address) is denied


def test_a_bad_deny_entry_names_itself() -> None:
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33' is not a network"):
        Confinement.for_asset("http://a.test/", deny=("10.0.0.0/33",))


HOSTILE_LOCATIONS = [
    pytest.param("http://127.0.0.2:{port}/", id="plain"),
    pytest.param("//127.0.0.2:{port}/x", id="protocol-relative"),
    pytest.param("http://127.0.0.1@127.0.0.2:{port}/", id="userinfo"),
    pytest.param("http://127.0.0.1:{port}\\@127.0.0.2:{port}/", id="backslash"),
    pytest.param("http://[::ffff:127.0.0.2]:{port}/", id="ipv4-mapped-ipv6"),
    pytest.param("http://2130706434:{port}/", id="decimal-address"),
    pytest.param("http://0x7f000002:{port}/", id="hex-address"),
    pytest.param("HTTP://127.0.0.2:{port}/", id="upper-case-scheme"),
    pytest.param("/step?next=http://127.0.0.2:{port}/", id="second-hop"),
    pytest.param("ftp://127.0.0.2:{port}/", id="other-scheme"),
    pytest.param("file:///etc/passwd", id="file"),
]


@pytest.mark.parametrize("deny", [(), ("127.0.0.2/32",)], ids=["hosts-alone", "with-deny-list"])
@pytest.mark.parametrize("location", HOSTILE_LOCATIONS)
def test_no_hostile_redirect_reaches_an_unregistered_host(
    hosts: Hosts, location: str, deny: tuple[str, ...]
) -> None:
    elsewhere = location.format(port=hosts.other_port)

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            raise web.HTTPFound(elsewhere)
        if request.path == "/step":
            raise web.HTTPFound(request.query["next"])
        return web.Response(status=404, text="not found")

    site, port = hosts.site(handler)
    result = probe(f"http://127.0.0.1:{port}/", deny_networks=deny)
    assert hosts.other.paths == []
    assert "/.git/config" in site.paths  # the registered host is still checked
    assert result.final_url is None or result.final_url.startswith(f"http://127.0.0.1:{port}/")
