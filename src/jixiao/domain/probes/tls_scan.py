"""Weekly full TLS enumeration: which protocols and cipher suites a server accepts, judged against Mozilla's
"intermediate" profile. Standard ``ssl`` only (sslyze is AGPL-3.0); certificates are the routine check's job.

Limits: only what the local OpenSSL can offer is tested (OpenSSL 3 no longer has RC4, 3DES or EXPORT
suites, so a server accepting those is only caught if it accepts nothing better on that protocol), and TLS
1.3 suites cannot be chosen from Python, so for TLS 1.3 only the negotiated suite is reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jixiao.domain.probes.findings import Finding, FindingSink, Severity
from jixiao.domain.probes.model import Check, ProbeResult, Timings, TlsInfo
from jixiao.domain.probes.tls import _sni

# (name as OpenSSL reports it, the version to pin, whether this OpenSSL can still speak it)
PROTOCOLS: tuple[tuple[str, ssl.TLSVersion, bool], ...] = (
    ("TLSv1", ssl.TLSVersion.TLSv1, ssl.HAS_TLSv1),
    ("TLSv1.1", ssl.TLSVersion.TLSv1_1, ssl.HAS_TLSv1_1),
    ("TLSv1.2", ssl.TLSVersion.TLSv1_2, ssl.HAS_TLSv1_2),
    ("TLSv1.3", ssl.TLSVersion.TLSv1_3, ssl.HAS_TLSv1_3),
)
OLD_PROTOCOLS = frozenset({"TLSv1", "TLSv1.1"})

# Mozilla Server Side TLS "intermediate" (version 5.7): TLS 1.2 and 1.3, these TLS 1.2 suites.
INTERMEDIATE_PROTOCOLS = frozenset({"TLSv1.2", "TLSv1.3"})
INTERMEDIATE_TLS12_CIPHERS = frozenset(
    {
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256",
        "DHE-RSA-AES256-GCM-SHA384",
    }
)
# Why a suite is weak → the words used in the finding message.
WEAKNESSES = {
    "null": "不加密（NULL）",
    "export": "出口级弱加密（EXPORT）",
    "rc4": "RC4",
    "3des": "3DES",
    "cbc": "CBC 模式",
    "anonymous": "不认证（匿名）",
    "no_forward_secrecy": "无前向保密（静态 RSA 密钥交换）",
}
_OFFER_ALL = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
DEFAULT_MAX_HANDSHAKES = 400


@dataclass(frozen=True, slots=True)
class ProtocolSupport:
    """One pinned-version handshake: ``accepted`` is None when it could not be tried (local OpenSSL)."""

    protocol: str
    accepted: bool | None
    cipher: str | None = None  # the suite the server chose when offered everything
    error: str | None = None


@dataclass(frozen=True, slots=True)
class AcceptedCipher:
    protocol: str
    name: str
    weaknesses: tuple[str, ...]  # keys of ``WEAKNESSES``


@dataclass(frozen=True, slots=True)
class TlsScan:
    """What the enumeration found. ``truncated`` says the handshake cap stopped it before the end;
    ``error`` is set when the server answered no handshake at all (then there are no findings)."""

    host: str
    port: int
    protocols: tuple[ProtocolSupport, ...]
    ciphers: tuple[AcceptedCipher, ...]
    handshakes: int
    truncated: bool
    findings: tuple[Finding, ...]
    error: str | None = None

    @property
    def supported(self) -> tuple[str, ...]:
        return tuple(p.protocol for p in self.protocols if p.accepted)

    def ciphers_for(self, protocol: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.ciphers if c.protocol == protocol)


@lru_cache(maxsize=1)
def _candidates() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(name, minimum protocol, weaknesses) of every TLS ≤ 1.2 suite the local OpenSSL can offer."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers(_OFFER_ALL)
    found = []
    for cipher in context.get_ciphers():
        name, kea, auth = cipher["name"], cipher.get("kea", ""), cipher.get("auth", "")
        # TLS 1.3 suites ignore set_ciphers; PSK and SRP suites need a shared secret the client has not.
        if name.startswith("TLS_") or any(k in f"{kea} {auth}" for k in ("psk", "srp")):
            continue
        found.append((name, cipher["protocol"], weaknesses_of(cipher)))
    return tuple(found)


def weaknesses_of(cipher: Mapping[str, object]) -> tuple[str, ...]:
    """Why a suite (an ``SSLContext.get_ciphers()`` entry) is weak; empty for an AEAD suite with ECDHE/DHE."""
    name = str(cipher.get("name", "")).upper()
    symmetric = str(cipher.get("symmetric") or "none").lower()
    kea, auth = str(cipher.get("kea", "")), str(cipher.get("auth", ""))
    found = []
    if symmetric == "none" or "NULL" in name.split("-"):
        found.append("null")
    if "EXP" in name.split("-"):
        found.append("export")
    if "RC4" in name or symmetric.startswith("rc4"):
        found.append("rc4")
    if "DES-CBC3" in name or "3DES" in name or symmetric.startswith("des"):
        found.append("3des")
    if symmetric.endswith("-cbc"):
        found.append("cbc")
    if auth == "auth-null":
        found.append("anonymous")
    if kea in ("kx-rsa", "kx-psk", "kx-rsa-psk"):
        found.append("no_forward_secrecy")
    return tuple(found)


def _context(version: ssl.TLSVersion, ciphers: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # Security level 0 lets OpenSSL 3 offer TLS 1.0/1.1 and the old suites we are looking for.
    context.set_ciphers(ciphers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = version
        context.maximum_version = version
    return context


class _Budget:
    """The per-server limits: at most ``max_connections`` handshakes in flight, ``cap`` in all."""

    def __init__(self, max_connections: int, cap: int) -> None:
        self.gate = asyncio.Semaphore(max(1, max_connections))
        self.cap = cap
        self.used = 0
        self.truncated = False

    def take(self) -> bool:
        if self.used >= self.cap:
            self.truncated = True
            return False
        self.used += 1
        return True


async def _try(
    host: str,
    port: int,
    context: ssl.SSLContext,
    server_name: str,
    timeout: float,
    budget: _Budget,
) -> tuple[str | None, str | None]:
    """One handshake: (negotiated suite, None) or (None, why it failed). Closed without sending data."""
    async with budget.gate:
        try:
            async with asyncio.timeout(timeout):
                _, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=_sni(server_name)
                )
        except TimeoutError:
            return None, "TLS handshake timed out"
        except ssl.SSLError as exc:
            return None, str(exc.reason or exc)
        except OSError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        try:
            ssl_object = writer.get_extra_info("ssl_object")
            cipher = ssl_object.cipher() if isinstance(ssl_object, ssl.SSLObject) else None
        finally:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
                async with asyncio.timeout(min(timeout, 1.0)):
                    await writer.wait_closed()
    if cipher is None:
        return None, "no TLS session on the connection"
    return str(cipher[0]), None


async def scan_tls(
    host: str,
    port: int,
    *,
    server_name: str | None = None,
    timeout: float = 5.0,
    max_connections: int = 4,
    max_handshakes: int = DEFAULT_MAX_HANDSHAKES,
    asset: str | None = None,
) -> TlsScan:
    """Enumerate protocols (one pinned handshake each) and, for TLS ≤ 1.2, suites (one offered at a time).

    Never raises for what the server does. ``asset`` is the URL the findings are keyed by (default
    ``https://host:port/``, which keys like the routine probe of that URL).
    """
    name = server_name or host
    budget = _Budget(max_connections, max_handshakes)
    sink = FindingSink(asset or f"https://{_bracket(host)}:{port}/")

    async def probe_protocol(label: str, version: ssl.TLSVersion, available: bool) -> ProtocolSupport:
        if not available:
            return ProtocolSupport(label, None, error="not available in the local OpenSSL")
        if not budget.take():
            return ProtocolSupport(label, None, error="handshake cap reached")
        cipher, error = await _try(host, port, _context(version, _OFFER_ALL), name, timeout, budget)
        return ProtocolSupport(label, cipher is not None, cipher, error)

    protocols = tuple(await asyncio.gather(*(probe_protocol(*p) for p in PROTOCOLS)))
    if not any(p.accepted for p in protocols):
        errors = sorted({p.error for p in protocols if p.error})
        return TlsScan(host, port, protocols, (), budget.used, budget.truncated, (), "; ".join(errors))

    accepted: list[AcceptedCipher] = []
    by_label = {p.protocol: p for p in protocols}
    # TLS 1.2 first: when the cap cuts the scan short, the protocol that matters most is complete.
    for label, version, _ in sorted(PROTOCOLS[:3], key=lambda p: p[1], reverse=True):
        if not by_label[label].accepted:
            continue
        candidates = [
            (cipher, weak)
            for cipher, minimum, weak in _candidates()
            if label == "TLSv1.2" or minimum != "TLSv1.2"
        ]

        async def offer(cipher: str, weak: tuple[str, ...], label: str, version: ssl.TLSVersion) -> None:
            if not budget.take():
                return
            context = _context(version, f"{cipher}:@SECLEVEL=0")
            chosen, _ = await _try(host, port, context, name, timeout, budget)
            if chosen is not None:
                accepted.append(AcceptedCipher(label, chosen, weak))

        await asyncio.gather(*(offer(c, w, label, version) for c, w in candidates))
    order = {label: rank for rank, (label, _, _) in enumerate(PROTOCOLS)}
    ciphers = tuple(sorted(accepted, key=lambda c: (order[c.protocol], c.name)))
    _findings(protocols, ciphers, sink)
    return TlsScan(host, port, protocols, ciphers, budget.used, budget.truncated, tuple(sink.findings))


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _findings(
    protocols: tuple[ProtocolSupport, ...], ciphers: tuple[AcceptedCipher, ...], sink: FindingSink
) -> None:
    """One finding per problem class, keyed by the class, so a weekly rerun deduplicates."""
    for support in protocols:
        if support.accepted and support.protocol in OLD_PROTOCOLS:
            sink.add(
                "tls.old_protocol",
                Severity.HIGH,
                support.protocol,
                f"{support.protocol} 仍可使用；Mozilla 中级配置只允许 TLS 1.2 和 1.3",
            )
    for weakness, words in WEAKNESSES.items():
        names = sorted({c.name for c in ciphers if weakness in c.weaknesses})
        if names:
            sink.add(
                "tls.weak_cipher",
                Severity.MEDIUM,
                weakness,
                f"接受弱加密套件（{words}）：{', '.join(names)}",
            )
    extra = sorted(
        {c.name for c in ciphers if c.protocol == "TLSv1.2" and not c.weaknesses} - INTERMEDIATE_TLS12_CIPHERS
    )
    if extra:
        sink.add(
            "tls.profile",
            Severity.INFO,
            "intermediate:tls12-ciphers",
            f"TLS 1.2 套件不在 Mozilla 中级配置列表中（并非弱套件）：{', '.join(extra)}",
        )
    tls13 = next((p for p in protocols if p.protocol == "TLSv1.3"), None)
    if tls13 is not None and tls13.accepted is False:
        sink.add("tls.no_tls13", Severity.LOW, "TLSv1.3", "不支持 TLS 1.3")


def as_probe_result(url: str, scan: TlsScan) -> ProbeResult:
    """The scan in the shape the findings store takes: ``ok`` when some handshake succeeded, the best
    protocol as ``tls.protocol``, no page, no timings."""
    best = scan.supported[-1] if scan.supported else None
    return ProbeResult(
        url=url,
        ok=scan.error is None,
        status=None,
        timings=Timings(),
        tls=TlsInfo(protocol=best, error=scan.error),
        headers=None,
        content=None,
        findings=scan.findings,
        error=scan.error,
        # A scan that ran to its end is the verdict on its own findings, the ones in ``model.SCAN_FINDINGS``.
        completed=frozenset({Check.TLS}) if scan.error is None and not scan.truncated else frozenset(),
    )
