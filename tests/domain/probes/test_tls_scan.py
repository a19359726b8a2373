"""Full TLS enumeration against real loopback servers: protocols, accepted suites, Mozilla-profile findings."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from jixiao.domain.probes.findings import finding_key
from jixiao.domain.probes.tls_scan import TlsScan, scan_tls, weaknesses_of

from . import certs
from .conftest import headers_app, server_context, silent
from .servers import ServerThread

TLS12_SUITES = ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-SHA384")
TLS11_SUITES = ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES128-GCM-SHA256")


@dataclass
class ScanSites:
    tls12_restricted: int
    tls11_allowed: int
    tls13_only: int
    hang: int
    counting: int
    in_flight: dict[str, int]


@pytest.fixture(scope="module")
def scan_sites(pki: certs.TestPki) -> Iterator[ScanSites]:
    thread = ServerThread()
    in_flight = {"now": 0, "max": 0}

    async def counting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Never answers the hello: each handshake stays in flight until the client's timeout closes it.
        in_flight["now"] += 1
        in_flight["max"] = max(in_flight["max"], in_flight["now"])
        try:
            while await reader.read(65536):  # until the client gives up and closes
                pass
        finally:
            in_flight["now"] -= 1

    def limited(
        minimum: ssl.TLSVersion, maximum: ssl.TLSVersion, suites: tuple[str, ...] | None = None
    ) -> int:
        context = server_context(pki.valid, minimum=minimum, maximum=maximum)
        if suites is not None:
            context.set_ciphers(":".join(suites) + ":@SECLEVEL=0")
        return thread.app(headers_app(), context)

    try:
        yield ScanSites(
            tls12_restricted=limited(ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2, TLS12_SUITES),
            tls11_allowed=limited(ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_3, TLS11_SUITES),
            tls13_only=limited(ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_3),
            hang=thread.raw(silent),
            counting=thread.raw(counting),
            in_flight=in_flight,
        )
    finally:
        thread.stop()


def scan(port: int, *, timeout: float = 2.0, max_connections: int = 4, max_handshakes: int = 400) -> TlsScan:
    return asyncio.run(
        scan_tls(
            "127.0.0.1",
            port,
            timeout=timeout,
            max_connections=max_connections,
            max_handshakes=max_handshakes,
        )
    )


def test_it_finds_exactly_the_suites_of_a_tls_1_2_server_and_flags_cbc_and_missing_tls_1_3(
    scan_sites: ScanSites,
) -> None:
    result = scan(scan_sites.tls12_restricted)

    assert result.supported == ("TLSv1.2",)
    assert result.ciphers_for("TLSv1.2") == tuple(sorted(TLS12_SUITES))
    assert not result.truncated
    assert result.error is None
    severities = {(f.check, f.severity) for f in result.findings}
    assert severities == {("tls.weak_cipher", "medium"), ("tls.no_tls13", "low")}
    weak = next(f for f in result.findings if f.check == "tls.weak_cipher")
    assert "ECDHE-ECDSA-AES256-SHA384" in weak.message
    assert "GCM" not in weak.message
    asset = f"127.0.0.1:{scan_sites.tls12_restricted}"
    assert weak.key == finding_key(asset, "tls.weak_cipher", "cbc")


def test_it_flags_tls_1_1_as_high_and_enumerates_its_suites(scan_sites: ScanSites) -> None:
    result = scan(scan_sites.tls11_allowed)

    assert result.supported == ("TLSv1.1", "TLSv1.2", "TLSv1.3")
    assert [p.accepted for p in result.protocols if p.protocol == "TLSv1"] == [False]
    # A GCM suite cannot be negotiated below TLS 1.2, so it is not even offered there.
    assert result.ciphers_for("TLSv1.1") == ("ECDHE-ECDSA-AES128-SHA",)
    assert result.ciphers_for("TLSv1.2") == ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA")
    old = [f for f in result.findings if f.check == "tls.old_protocol"]
    assert [(f.severity, f.message.split(" ")[0]) for f in old] == [("high", "TLSv1.1")]
    assert "tls.no_tls13" not in {f.check for f in result.findings}
    assert {f.check for f in result.findings} == {"tls.old_protocol", "tls.weak_cipher"}


def test_keys_are_stable_across_scans(scan_sites: ScanSites) -> None:
    first = scan(scan_sites.tls11_allowed)
    second = scan(scan_sites.tls11_allowed)
    assert sorted(f.key for f in first.findings) == sorted(f.key for f in second.findings)


def test_a_tls_1_3_only_server_has_no_findings_and_reports_its_negotiated_suite(
    scan_sites: ScanSites,
) -> None:
    result = scan(scan_sites.tls13_only)

    assert result.supported == ("TLSv1.3",)
    tls13 = next(p for p in result.protocols if p.protocol == "TLSv1.3")
    assert tls13.cipher is not None
    assert tls13.cipher.startswith("TLS_")
    assert result.ciphers == ()  # nothing below 1.3 to enumerate
    assert result.handshakes == 4  # one per protocol, no suite enumeration
    assert result.findings == ()


def test_a_server_that_hangs_the_handshake_gives_a_bounded_result(scan_sites: ScanSites) -> None:
    started = time.monotonic()
    result = scan(scan_sites.hang, timeout=0.5)
    elapsed = time.monotonic() - started

    assert elapsed < 3.0  # four pinned handshakes in parallel, each cut at 0.5 s
    assert result.supported == ()
    assert result.error == "TLS handshake timed out"
    assert result.findings == ()
    assert result.handshakes == 4


def test_it_keeps_at_most_max_connections_handshakes_in_flight(scan_sites: ScanSites) -> None:
    scan_sites.in_flight["max"] = 0
    result = scan(scan_sites.counting, timeout=0.3, max_connections=2)

    assert result.handshakes == 4
    assert scan_sites.in_flight["max"] == 2


def test_the_handshake_cap_cuts_the_enumeration_short(scan_sites: ScanSites) -> None:
    result = scan(scan_sites.tls12_restricted, max_handshakes=10)

    assert result.handshakes == 10
    assert result.truncated
    assert result.supported == ("TLSv1.2",)


def test_it_names_the_weaknesses_of_a_suite() -> None:
    def weak(name: str, symmetric: str | None, kea: str, auth: str) -> tuple[str, ...]:
        return weaknesses_of({"name": name, "symmetric": symmetric, "kea": kea, "auth": auth})

    assert weak("ECDHE-RSA-AES128-GCM-SHA256", "aes-128-gcm", "kx-ecdhe", "auth-rsa") == ()
    assert weak("AES128-SHA", "aes-128-cbc", "kx-rsa", "auth-rsa") == ("cbc", "no_forward_secrecy")
    assert weak("DES-CBC3-SHA", "des-ede3-cbc", "kx-rsa", "auth-rsa") == (
        "3des",
        "cbc",
        "no_forward_secrecy",
    )
    assert weak("RC4-SHA", "rc4", "kx-rsa", "auth-rsa") == ("rc4", "no_forward_secrecy")
    assert weak("EXP-RC4-MD5", "rc4-40", "kx-rsa", "auth-rsa") == ("export", "rc4", "no_forward_secrecy")
    assert weak("NULL-SHA256", None, "kx-rsa", "auth-rsa") == ("null", "no_forward_secrecy")
    assert weak("ADH-AES128-GCM-SHA256", "aes-128-gcm", "kx-dhe", "auth-null") == ("anonymous",)
