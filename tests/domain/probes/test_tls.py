"""TLS facts from the probe's own HTTP connection, against real loopback servers and a test CA."""

from __future__ import annotations

import asyncio
import datetime as dt

from jixiao.domain.probes.tls import check_tls, hostname_matches

from .conftest import Sites, checks_of, run_probe


def test_it_trusts_a_certificate_signed_by_the_given_ca_file(sites: Sites) -> None:
    result = run_probe(sites.tls_valid + "/", ca_file=str(sites.pki.ca_file))
    assert result.ok
    assert result.tls is not None
    assert result.tls.valid_chain is True
    assert result.tls.hostname_ok is True
    assert result.tls.protocol == "TLSv1.3"
    assert result.tls.expires == sites.pki.valid.not_after
    assert not [c for c in checks_of(result) if c.startswith("tls.")]


def test_it_counts_days_left_from_the_clock_it_is_given(sites: Sites) -> None:
    now = sites.pki.valid.not_after - dt.timedelta(days=10, hours=1)
    result = run_probe(sites.tls_valid + "/", ca_file=str(sites.pki.ca_file), now=now)
    assert result.tls is not None
    assert result.tls.days_left == 10
    expiry = [f for f in result.findings if f.check == "tls.expiry"]
    assert [(f.severity, f.message.endswith("（不足 14 天）")) for f in expiry] == [("medium", True)]


def test_it_does_not_trust_the_test_ca_without_the_ca_file(sites: Sites) -> None:
    result = run_probe(sites.tls_valid + "/")
    assert result.ok  # the page is still read
    assert result.tls is not None
    assert result.tls.valid_chain is False
    assert "tls.chain" in checks_of(result)


def test_it_reports_an_expired_certificate_and_still_reads_the_page(sites: Sites) -> None:
    result = run_probe(sites.tls_expired + "/", ca_file=str(sites.pki.ca_file))
    assert result.ok
    assert result.status == 200
    assert result.tls is not None
    assert result.tls.valid_chain is False
    assert result.tls.chain_error == "certificate has expired"
    assert result.tls.days_left is not None
    assert result.tls.days_left < 0
    severities = {f.check: f.severity for f in result.findings}
    assert severities["tls.expiry"] == "critical"
    assert severities["tls.chain"] == "high"


def test_it_reports_a_certificate_for_another_host(sites: Sites) -> None:
    result = run_probe(sites.tls_wrong_host + "/", ca_file=str(sites.pki.ca_file))
    assert result.tls is not None
    assert result.tls.valid_chain is True
    assert result.tls.hostname_ok is False
    assert result.tls.names == ("other.example",)
    assert "tls.hostname" in checks_of(result)


def test_it_reports_a_self_signed_certificate(sites: Sites) -> None:
    result = run_probe(sites.tls_self_signed + "/", ca_file=str(sites.pki.ca_file))
    assert result.tls is not None
    assert result.tls.valid_chain is False
    assert result.tls.chain_error == "self-signed certificate"
    assert result.tls.hostname_ok is True


def test_it_reaches_and_flags_a_server_limited_to_tls_1_1(sites: Sites) -> None:
    # The local OpenSSL 3 still speaks TLS 1.1 at security level 0, on both sides.
    result = run_probe(sites.tls_old + "/", ca_file=str(sites.pki.ca_file))
    assert result.ok
    assert result.tls is not None
    assert result.tls.protocol == "TLSv1.1"
    assert result.tls.valid_chain is None  # no verifying handshake was possible at that protocol
    protocol = [f for f in result.findings if f.check == "tls.protocol"]
    assert [f.severity for f in protocol] == ["high"]


def test_it_accepts_tls_1_2_without_a_protocol_finding(sites: Sites) -> None:
    result = run_probe(sites.tls12 + "/", ca_file=str(sites.pki.ca_file))
    assert result.tls is not None
    assert result.tls.protocol == "TLSv1.2"
    assert result.tls.valid_chain is True
    assert "tls.protocol" not in checks_of(result)


def test_the_standalone_handshake_gives_the_same_facts(sites: Sites) -> None:
    port = int(sites.tls_wrong_host.rsplit(":", 1)[1])
    info = asyncio.run(check_tls("127.0.0.1", port, ca_file=str(sites.pki.ca_file), timeout=2))
    assert (info.valid_chain, info.hostname_ok, info.protocol) == (True, False, "TLSv1.3")


def test_the_standalone_handshake_reads_a_refused_chain(sites: Sites) -> None:
    port = int(sites.tls_self_signed.rsplit(":", 1)[1])
    info = asyncio.run(check_tls("127.0.0.1", port, ca_file=str(sites.pki.ca_file), timeout=2))
    assert info.valid_chain is False
    assert info.chain_error == "self-signed certificate"
    assert info.expires is not None


def test_wildcards_cover_exactly_one_label() -> None:
    names = ("*.example.gov.cn",)
    assert hostname_matches("www.example.gov.cn", names)
    assert not hostname_matches("example.gov.cn", names)
    assert not hostname_matches("a.b.example.gov.cn", names)
    assert hostname_matches("WWW.Example.gov.cn.", names)


def test_an_ip_address_only_matches_an_ip_entry() -> None:
    assert not hostname_matches("127.0.0.1", ("127.0.0.1",))
