"""TLS facts of an asset from one handshake: expiry, chain trust, hostname match and protocol version.

The HTTP fetch hands over the ``ssl_object`` of its own connection, so a separate handshake
(``check_tls``) is only needed when the HTTP exchange died before giving one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import ipaddress
import ssl
import warnings
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.x509.oid import NameOID

from jixiao.domain.probes.findings import FindingSink, Severity
from jixiao.domain.probes.model import TlsInfo

PROTOCOL_RANK = {"SSLv2": 0, "SSLv3": 1, "TLSv1": 2, "TLSv1.1": 3, "TLSv1.2": 4, "TLSv1.3": 5}
MIN_PROTOCOL = "TLSv1.2"


@dataclass(frozen=True, slots=True)
class PeerTls:
    """What a connection's ``ssl_object`` told us.

    ``verified`` is True when the handshake itself verified the chain, False when verification failed
    (``verify_error`` says why) and None when no verifying handshake could be made (old protocol only).
    """

    der: bytes | None
    protocol: str | None
    verified: bool | None
    verify_error: str | None = None


class TlsContexts:
    """SSL contexts shared by every probe: building one (loading a CA store) costs milliseconds.

    The verifying context leaves hostname checking to ``hostname_matches`` so that a single successful
    handshake answers both "is the chain trusted" and "does it name this host". The legacy context lets
    a probe still read the page and certificate of a server with a broken chain or an old protocol.
    """

    def __init__(self) -> None:
        self._verifying: dict[str | None, ssl.SSLContext] = {}
        self._legacy: ssl.SSLContext | None = None

    def verifying(self, ca_file: str | None = None) -> ssl.SSLContext:
        context = self._verifying.get(ca_file)
        if context is None:
            # A CA file replaces the system store, as an internal asset behind a private CA needs.
            context = ssl.create_default_context(cafile=ca_file)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_REQUIRED
            self._verifying[ca_file] = context
        return context

    def legacy(self) -> ssl.SSLContext:
        if self._legacy is None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            # TLS 1.0/1.1 need security level 0 in OpenSSL 3; the monitor must reach such servers to report them.
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
            self._legacy = context
        return self._legacy


def peer_from_ssl_object(
    ssl_object: object, *, verified: bool | None, verify_error: str | None
) -> PeerTls | None:
    """Read the peer certificate and protocol from an ``ssl.SSLObject``/``SSLSocket`` (None if not TLS)."""
    if not isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
        return None
    der = ssl_object.getpeercert(binary_form=True)
    return PeerTls(der=der, protocol=ssl_object.version(), verified=verified, verify_error=verify_error)


@dataclass(frozen=True, slots=True)
class _Certificate:
    expires: dt.datetime
    subject: str
    issuer: str
    dns_names: tuple[str, ...]
    ip_addresses: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]


@lru_cache(maxsize=4096)
def _parse_certificate(digest: bytes, der: bytes) -> _Certificate:
    # Keyed by digest too so the cache compares 32 bytes, not the certificate, on a hit.
    del digest
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = tuple(san.get_values_for_type(x509.DNSName))
        ips = tuple(san.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        dns_names, ips = (), ()
    return _Certificate(
        expires=cert.not_valid_after_utc,
        subject=_common_name(cert.subject),
        issuer=_common_name(cert.issuer),
        dns_names=dns_names,
        ip_addresses=tuple(ip for ip in ips if isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address)),
    )


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if values:
        value = values[0].value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return name.rfc4514_string()


def hostname_matches(
    host: str,
    dns_names: tuple[str, ...],
    ip_addresses: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...] = (),
) -> bool:
    """RFC 6125 matching against the subjectAltName only, as browsers do (no fallback to the common name).

    A wildcard stands for exactly one whole left-most label: ``*.example.cn`` covers ``www.example.cn``
    but neither ``example.cn`` nor ``a.b.example.cn``.
    """
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        return address in ip_addresses
    wanted = host.rstrip(".").lower()
    for name in dns_names:
        pattern = name.rstrip(".").lower()
        if pattern == wanted:
            return True
        if pattern.startswith("*.") and "." in pattern[2:]:
            label, _, rest = wanted.partition(".")
            if label and rest == pattern[2:]:
                return True
    return False


def describe(peer: PeerTls, host: str, *, now: dt.datetime | None = None) -> TlsInfo:
    """Turn what the connection gave into the reportable facts."""
    if not peer.der:
        return TlsInfo(
            valid_chain=peer.verified,
            protocol=peer.protocol,
            chain_error=peer.verify_error,
            error="the server sent no certificate",
        )
    try:
        cert = _parse_certificate(hashlib.sha256(peer.der).digest(), peer.der)
    except ValueError as exc:
        return TlsInfo(valid_chain=False, protocol=peer.protocol, error=f"unreadable certificate: {exc}")
    moment = now or dt.datetime.now(dt.UTC)
    days_left = (cert.expires - moment) // dt.timedelta(days=1)
    return TlsInfo(
        expires=cert.expires,
        days_left=days_left,
        valid_chain=peer.verified,
        hostname_ok=hostname_matches(host, cert.dns_names, cert.ip_addresses),
        protocol=peer.protocol,
        chain_error=peer.verify_error,
        subject=cert.subject,
        issuer=cert.issuer,
        names=cert.dns_names + tuple(str(ip) for ip in cert.ip_addresses),
    )


def verify_message(exc: BaseException) -> str:
    """The most specific reason OpenSSL gave (``certificate has expired``, ``self-signed certificate`` …)."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    return str(exc) or type(exc).__name__


async def check_tls(
    host: str,
    port: int = 443,
    *,
    server_name: str | None = None,
    ca_file: str | None = None,
    timeout: float = 5.0,
    contexts: TlsContexts | None = None,
    now: dt.datetime | None = None,
) -> TlsInfo:
    """One verifying handshake (a second, non-verifying one only when the first is refused), no HTTP.

    Use when the HTTP exchange gave no TLS details; the handshake is closed without sending a request.
    """
    if _is_invalid_name(host):
        return TlsInfo(error=f"name resolution refused for {host!r} (.invalid never resolves)")
    contexts = contexts or TlsContexts()
    name = server_name or host
    try:
        peer = await _handshake(
            host, port, contexts.verifying(ca_file), name, timeout, verified=True, error=None
        )
    except ssl.SSLCertVerificationError as exc:
        fallback_reason: tuple[bool | None, str] = (False, verify_message(exc))
    except ssl.SSLError as exc:
        fallback_reason = (None, verify_message(exc))
    except ConnectionResetError:
        # Servers limited to TLS 1.0/1.1 reset a modern hello instead of answering it.
        fallback_reason = (None, "handshake broken: ConnectionResetError")
    except (OSError, TimeoutError) as exc:
        return TlsInfo(error=_describe_os_error(exc))
    else:
        return describe(peer, name, now=now)
    verified, reason = fallback_reason
    try:
        peer = await _handshake(host, port, contexts.legacy(), name, timeout, verified=verified, error=reason)
    except (OSError, TimeoutError) as exc:
        return TlsInfo(valid_chain=verified, chain_error=reason, error=_describe_os_error(exc))
    return describe(peer, name, now=now)


async def _handshake(
    host: str,
    port: int,
    context: ssl.SSLContext,
    server_name: str,
    timeout: float,
    *,
    verified: bool | None,
    error: str | None,
) -> PeerTls:
    async with asyncio.timeout(timeout):
        _, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=_sni(server_name))
    try:
        peer = peer_from_ssl_object(
            writer.get_extra_info("ssl_object"), verified=verified, verify_error=error
        )
    finally:
        writer.close()
        # A TLS close sends close_notify; wait briefly so the socket is really closed, not leaked.
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
            async with asyncio.timeout(min(timeout, 1.0)):
                await writer.wait_closed()
    if peer is None:
        raise ssl.SSLError("no TLS session on the connection")
    return peer


def _sni(name: str) -> str | None:
    # Python refuses an IP address as SNI only on some builds; sending none for an IP is what browsers do.
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return name
    return None


def _is_invalid_name(host: str) -> bool:
    lowered = host.rstrip(".").lower()
    return lowered == "invalid" or lowered.endswith(".invalid")


def _describe_os_error(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "TLS handshake timed out"
    return f"{type(exc).__name__}: {exc}"


def tls_findings(info: TlsInfo, sink: FindingSink, *, warn_days: tuple[int, int, int] = (30, 14, 7)) -> None:
    """Expiry at 30/14/7 days and past, an untrusted chain, a foreign name and a protocol below TLS 1.2."""
    if info.error and info.protocol is None:
        sink.add("tls.handshake", Severity.HIGH, "handshake", f"TLS 握手失败：{info.error}")
        return
    if info.days_left is not None and info.expires is not None:
        first, second, third = warn_days
        when = info.expires.date().isoformat()
        if info.days_left < 0:
            sink.add("tls.expiry", Severity.CRITICAL, "expired", f"证书已于 {when} 过期")
        elif info.days_left <= third:
            sink.add(
                "tls.expiry",
                Severity.HIGH,
                f"within:{third}",
                f"证书将于 {when} 过期（不足 {third} 天）",
            )
        elif info.days_left <= second:
            sink.add(
                "tls.expiry",
                Severity.MEDIUM,
                f"within:{second}",
                f"证书将于 {when} 过期（不足 {second} 天）",
            )
        elif info.days_left <= first:
            sink.add(
                "tls.expiry",
                Severity.LOW,
                f"within:{first}",
                f"证书将于 {when} 过期（不足 {first} 天）",
            )
    if info.valid_chain is False:
        sink.add("tls.chain", Severity.HIGH, "untrusted", f"证书链不受信任：{info.chain_error}")
    if info.hostname_ok is False:
        names = "、".join(info.names[:5]) or "无 subjectAltName"
        sink.add(
            "tls.hostname",
            Severity.HIGH,
            "mismatch",
            f"证书不包含本网站的域名（证书上的名称：{names}）",
        )
    if info.protocol and PROTOCOL_RANK.get(info.protocol, 99) < PROTOCOL_RANK[MIN_PROTOCOL]:
        sink.add(
            "tls.protocol",
            Severity.HIGH,
            info.protocol,
            f"协商使用 {info.protocol}；低于 {MIN_PROTOCOL} 的协议已淘汰",
        )
