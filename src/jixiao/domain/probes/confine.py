"""Where a probe may go: the asset's registered hosts, and addresses it may connect to.

A registered site, or whoever controls its DNS, must not be able to aim the monitor at anything else: a
redirect is followed only to a registered host (the URL's own host, which its http↔https twin shares,
and the extra hosts registered with the asset); path checks run only against the registered host; and every
address a name resolves to, or a connection reaches, is checked against a deny list (loopback, link-local,
private ranges), which an administrator lifts only for an asset marked internal.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from yarl import URL

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Addresses a public website's name must never lead the monitor to.
DEFAULT_DENY: tuple[str, ...] = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::1/128",
    "::/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
)


class DeniedAddress(Exception):
    """A connection to an address on the deny list was refused before any byte of a request was sent."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} → {address}")
        self.host = host
        self.address = address


@lru_cache(maxsize=64)
def networks(texts: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Parsed networks (a bad entry raises ValueError naming it); cached, options repeat across probes."""
    parsed: list[IPNetwork] = []
    for text in texts:
        try:
            parsed.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as error:
            raise ValueError(f"deny list: {text!r} is not a network ({error})") from None
    return tuple(parsed)


def _host(url: URL) -> str | None:
    host = (url.host or "").rstrip(".").lower()
    return host or None


@dataclass(frozen=True, slots=True)
class Confinement:
    """The hosts a probe may request (any port, either scheme), and the networks it may not connect to."""

    hosts: frozenset[str]
    deny: tuple[IPNetwork, ...] = ()

    @classmethod
    def for_asset(cls, url: str, extra_hosts: Iterable[str] = (), deny: Iterable[str] = ()) -> Confinement:
        """The registered URL's host (its http↔https twin is the same host) and the extra hosts registered
        with the asset (``host``, ``host:port`` or a URL)."""
        hosts: set[str] = set()
        for text in (url, *extra_hosts):
            text = text.strip()
            if not text:
                continue
            try:
                found = _host(URL(text if "://" in text else f"http://{text}"))
            except (ValueError, TypeError):
                continue
            if found:
                hosts.add(found)
        return cls(frozenset(hosts), networks(tuple(deny)))

    def allows(self, url: str | URL) -> bool:
        """Whether ``url`` is on a registered host (only such URLs are ever requested)."""
        try:
            found = _host(url if isinstance(url, URL) else URL(url))
        except (ValueError, TypeError):
            return False
        return found is not None and found in self.hosts

    def denied(self, address: str) -> bool:
        """Whether connecting to ``address`` (an IP literal) is forbidden."""
        if not self.deny:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.deny if network.version == ip.version)
