"""Result and option dataclasses of the probe engine: what one check of one network asset returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from jixiao.domain.probes.findings import Finding
from jixiao.domain.probes.keywords import DEFAULT_KEYWORDS, KeywordLists


class Check(StrEnum):
    """The checks a probe can run; a scheduler picks a set per cadence (exposure daily, the rest often)."""

    AVAILABILITY = "availability"
    TLS = "tls"
    HEADERS = "headers"
    CONTENT = "content"
    HIDDEN_LINKS = "hidden_links"
    CLOAKING = "cloaking"
    EXPOSURE = "exposure"


ALL_CHECKS: frozenset[Check] = frozenset(Check)

# The finding names only the weekly TLS enumeration gives: a routine TLS check cannot tell whether they
# are gone, only the enumeration's own result can.
SCAN_FINDINGS = frozenset({"tls.old_protocol", "tls.weak_cipher", "tls.profile", "tls.no_tls13"})
_CHECK_OF_PREFIX = {
    "availability": Check.AVAILABILITY,
    "tls": Check.TLS,
    "headers": Check.HEADERS,
    "content": Check.CONTENT,
    "hidden_link": Check.HIDDEN_LINKS,
    "cloaking": Check.CLOAKING,
    "exposure": Check.EXPOSURE,
}


def check_of(finding_check: str) -> Check | None:
    """The check whose complete run would have reported a finding of this name again, were it still there;
    ``None`` for findings no routine probe can clear (the TLS enumeration's, the engine's own trouble)."""
    if finding_check in SCAN_FINDINGS:
        return None
    return _CHECK_OF_PREFIX.get(finding_check.split(".", 1)[0])


# Cloaking costs a second request and exposure one per path: too dear for a patrol every few minutes.
ROUTINE_CHECKS: frozenset[Check] = ALL_CHECKS - {Check.CLOAKING, Check.EXPOSURE}


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds allowed per phase; ``budget`` caps one whole probe, every request of every check included."""

    connect: float = 5.0  # DNS, TCP and the TLS handshake of one new connection
    first_byte: float = 10.0  # from the connection being ready to the response headers being complete
    read: float = 10.0  # silence allowed between two reads of a body
    total: float = 15.0  # one fetch, its redirects included; stops a server that drips bytes
    budget: float = 40.0


@dataclass(frozen=True, slots=True)
class Timings:
    """Milliseconds spent per phase, summed over redirect hops; ``None`` when a phase did not happen.

    ``first_byte`` is the wait from the connection being ready to the response headers (the server's
    think time), ``total`` is the whole fetch. A reused keep-alive connection has no dns/connect/tls.
    """

    dns: float | None = None
    connect: float | None = None
    tls: float | None = None
    first_byte: float | None = None
    total: float | None = None


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """The certificate and protocol seen on one TLS connection.

    ``valid_chain`` is ``None`` when the chain could not be judged (the server only spoke a protocol too
    old for the verifying handshake); ``error`` says why a handshake failed outright.
    """

    expires: dt.datetime | None = None
    days_left: int | None = None
    valid_chain: bool | None = None
    hostname_ok: bool | None = None
    protocol: str | None = None
    chain_error: str | None = None
    subject: str | None = None
    issuer: str | None = None
    names: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class HeaderTest:
    """One HTTP Observatory test: its outcome name (``hsts-not-implemented``) and score modifier."""

    name: str
    passed: bool
    modifier: int
    result: str


@dataclass(frozen=True, slots=True)
class HeaderGrade:
    score: int
    grade: str
    tests: tuple[HeaderTest, ...]


@dataclass(frozen=True, slots=True)
class HiddenLink:
    """A link that is both hidden from people and points to a bad destination (暗链)."""

    href: str
    text: str
    why: str


@dataclass(frozen=True, slots=True)
class KeywordHit:
    category: str  # defacement, gambling, porn
    keyword: str


@dataclass(frozen=True, slots=True)
class ScriptRef:
    """A ``<script src>`` of the page, for the Observatory SRI test."""

    src: str
    integrity: bool


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the analysis of one page body yielded, beyond its text: enough to skip parsing the same bytes.

    ``rules`` is a digest of everything the analysis depended on besides the bytes (content rules, content
    type, the site's hosts, whether hidden links were looked for): a summary taken under other rules is
    not reused.
    """

    rules: str
    keywords: tuple[KeywordHit, ...] = ()
    hidden_links: tuple[HiddenLink, ...] = ()
    scripts: tuple[ScriptRef, ...] = ()
    is_html: bool = True


@dataclass(frozen=True, slots=True)
class Baseline:
    """What a later probe compares a page with: kept by the scheduler from the previous good result.

    With ``analysis`` set, a page whose raw bytes hash to ``raw_hash`` is not parsed again: its text,
    keywords and hidden links are taken from here (the steady state of a patrol every few minutes).
    """

    raw_hash: str
    text_hash: str
    text: str
    analysis: PageSummary | None = None


@dataclass(frozen=True, slots=True)
class ContentResult:
    """The page as text: its normalised hash, the change from the baseline, keywords and hidden links.

    ``similarity`` is 1.0 for an unchanged page and ``None`` without a baseline; ``reused`` says the
    analysis was taken from the baseline's summary because the raw bytes had not changed.
    """

    hash: str
    raw_hash: str
    text: str
    similarity: float | None = None
    keywords: tuple[KeywordHit, ...] = ()
    hidden_links: tuple[HiddenLink, ...] = ()
    is_html: bool = True
    reused: bool = False


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect on the way to the final page."""

    url: str
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class Redirection:
    """How the plain-http URL of a site behaved: its hops and where it ended (None: no http answer).

    ``checked`` is False when nobody asked (an https probe with ``check_http_redirect`` off);
    ``observed_at`` is when the site was asked, so that whoever keeps the answer knows its age.
    """

    checked: bool
    hops: tuple[Hop, ...] = ()
    final_url: str | None = None
    observed_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ContentRules:
    """Per-asset content settings: dynamic regions to ignore, domains that are the site's own, word lists.

    ``ignore_selectors`` take a CSS subset (``tag``, ``#id``, ``.class``, ``tag.class``, ``[attr=value]``,
    descendants separated by spaces); ``ignore_patterns`` are regular expressions removed from the text.
    """

    ignore_selectors: tuple[str, ...] = ()
    ignore_patterns: tuple[str, ...] = ()
    sort_lines: bool = False
    own_domains: tuple[str, ...] = ()
    bad_domains: tuple[str, ...] = ()
    keywords: KeywordLists = DEFAULT_KEYWORDS


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    """How to probe one asset. The defaults are for a registered public website.

    ``check_http_redirect`` makes an https probe also ask ``http://host/`` once, for the Observatory
    redirection test, unless ``redirection`` already says how that URL behaved: a site's port 80 rarely
    changes, so the scheduler keeps the answer for a while (as it keeps ``baseline``) and the site is asked
    once a day, not on every check. ``hsts_preloaded`` lists hosts known to be on the browsers' preload list;
    ``exposure_paths`` picks paths from the catalogue in ``exposure.py`` (``None``: all of them).
    ``now`` pins the clock for certificate expiry (tests). ``extra_hosts`` and ``deny_networks`` confine the
    probe (``confine.py``): redirects and path checks stay on registered hosts, denied addresses are never
    connected to.
    """

    checks: frozenset[Check] = ALL_CHECKS
    timeouts: Timeouts = field(default_factory=Timeouts)
    max_body_bytes: int = 2 * 1024 * 1024
    exposure_max_bytes: int = 16 * 1024
    max_redirects: int = 5
    ca_file: str | None = None
    baseline: Baseline | None = None
    content: ContentRules = field(default_factory=ContentRules)
    user_agent: str = "Mozilla/5.0 (compatible; jixiao-probe/1.0; registered-asset monitoring)"
    spider_user_agent: str = (
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
    )
    check_http_redirect: bool = True
    redirection: Redirection | None = None
    hsts_preloaded: frozenset[str] = frozenset()
    cors_origin: str = "https://cors-check.jixiao.invalid"
    exposure_paths: tuple[str, ...] | None = None
    expiry_warn_days: tuple[int, int, int] = (30, 14, 7)
    now: dt.datetime | None = None
    # Confinement (confine.py): hosts registered besides the URL's own (``host`` or ``host:port``), and the
    # networks no connection may reach (the caller passes DEFAULT_DENY unless the asset is internal).
    extra_hosts: tuple[str, ...] = ()
    deny_networks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Everything one probe of one asset found. ``ok`` means the page answered below status 400.

    ``truncated`` says the main body hit ``max_body_bytes`` (``body_bytes`` is what was kept);
    ``baseline`` is what the next probe should compare with; ``redirection`` is the http→https behaviour
    the header grade used (asked now, or the one given in the options). ``completed`` names the checks
    that ran to a verdict: a finding of one of them that is not in ``findings`` is gone, while a check that
    was cut short (no page, a budget stop, unanswered paths) says nothing either way.
    """

    url: str
    ok: bool
    status: int | None
    timings: Timings
    tls: TlsInfo | None
    headers: HeaderGrade | None
    content: ContentResult | None
    findings: tuple[Finding, ...]
    final_url: str | None = None
    hops: tuple[Hop, ...] = ()
    error: str | None = None
    truncated: bool = False
    body_bytes: int = 0
    baseline: Baseline | None = None
    redirection: Redirection | None = None
    completed: frozenset[Check] = frozenset()
