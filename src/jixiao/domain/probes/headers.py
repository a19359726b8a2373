"""Security headers graded like the Mozilla HTTP Observatory: base 100, the modifiers below, a letter grade.

Bonuses (positive modifiers) only count when the score before bonuses is at least 90, as upstream.
The modifier list is the office's reference (docs: security-monitoring.md), a subset of upstream's:
upstream-only outcomes (cookies protected by HSTS −5, external scripts without SRI −5, invalid-cert
penalties) are not applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from multidict import CIMultiDictProxy

from jixiao.domain.probes.catalog import header_seen
from jixiao.domain.probes.content import ScriptRef
from jixiao.domain.probes.findings import FindingSink, Severity
from jixiao.domain.probes.model import HeaderGrade, HeaderTest, Redirection
from jixiao.domain.probes.urls import split_url

SIX_MONTHS = 15_768_000  # seconds, upstream's threshold
GRADES: tuple[tuple[int, str], ...] = (
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
)
_PRIVATE_REFERRERS = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
)
_UNSAFE_REFERRERS = frozenset(
    {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
)
_HASH_OR_NONCE = ("'nonce-", "'sha256-", "'sha384-", "'sha512-")
_BROAD_SOURCES = frozenset({"*", "http:", "https:", "data:"})


def grade_for(score: int) -> str:
    for floor, grade in GRADES:
        if score >= floor:
            return grade
    return "F"


def grade_headers(
    url: str,
    headers: CIMultiDictProxy[str],
    *,
    is_html: bool,
    scripts: Sequence[ScriptRef] = (),
    redirection: Redirection,
    cors_origin: str,
    hsts_preloaded: bool = False,
) -> HeaderGrade:
    """Run every test on the final response of ``url`` and total the score."""
    getall = headers.getall
    get = headers.get
    header_tests = _header_tests(
        split_url(url).scheme == "https",
        hsts_preloaded,
        tuple(getall("Content-Security-Policy", ())),
        get("Strict-Transport-Security"),
        get("X-Frame-Options"),
        get("X-Content-Type-Options"),
        tuple(getall("Referrer-Policy", ())),
        tuple(getall("Set-Cookie", ())),
        get("Access-Control-Allow-Origin"),
        get("Access-Control-Allow-Credentials"),
        cors_origin,
    )
    # Reported in upstream's order: the six header tests, redirection, CORS, then SRI.
    tests = (*header_tests[:6], _redirection(redirection), header_tests[6], _sri(url, is_html, scripts))
    score = 100 + sum(t.modifier for t in tests if t.modifier < 0)
    if score >= 90:
        score += sum(t.modifier for t in tests if t.modifier > 0)
    return HeaderGrade(score=max(score, 0), grade=grade_for(score), tests=tests)


@lru_cache(maxsize=2048)
def _header_tests(
    is_https: bool,
    hsts_preloaded: bool,
    csp_values: tuple[str, ...],
    hsts: str | None,
    frame_options: str | None,
    content_type_options: str | None,
    referrer_values: tuple[str, ...],
    cookie_values: tuple[str, ...],
    allow_origin: str | None,
    allow_credentials: str | None,
    cors_origin: str,
) -> tuple[HeaderTest, ...]:
    """The tests that depend on the response headers alone, once per distinct set of values: sites on one
    platform send the same headers, and a site sends the same ones check after check."""
    csp = _policies(csp_values)
    return (
        _csp(csp),
        _hsts(hsts, is_https, hsts_preloaded),
        _frame_options(frame_options, csp),
        _content_type_options(content_type_options),
        _referrer_policy(referrer_values),
        _cookies(cookie_values),
        _cors(allow_origin, allow_credentials, cors_origin),
    )


@lru_cache(maxsize=256)
def _test(name: str, result: str, modifier: int, passed: bool | None = None) -> HeaderTest:
    # The outcomes are a small fixed set: one shared frozen object each.
    return HeaderTest(
        name=name, passed=modifier >= 0 if passed is None else passed, modifier=modifier, result=result
    )


@dataclass(frozen=True, slots=True)
class _Csp:
    """The Content-Security-Policy headers as sent (``present``) and parsed into policies."""

    present: bool
    policies: tuple[dict[str, list[str]], ...]


@lru_cache(maxsize=1024)
def _policies(values: tuple[str, ...]) -> _Csp:
    """Parse once per distinct header value: sites behind one platform send the same policy."""
    policies: list[dict[str, list[str]]] = []
    for value in values:
        for policy in value.split(","):
            directives: dict[str, list[str]] = {}
            for part in policy.split(";"):
                tokens = part.split()
                if tokens:
                    directives.setdefault(tokens[0].lower(), [t.lower() for t in tokens[1:]])
            policies.append(directives)
    return _Csp(present=bool(values), policies=tuple(policies))


def _csp(csp: _Csp) -> HeaderTest:
    name = "content-security-policy"
    if not csp.present:
        return _test(name, "csp-not-implemented", -25)
    policies = [p for p in csp.policies if p]
    if not policies:
        return _test(name, "csp-header-invalid", -25)
    # Several policies are all enforced, so the page is at least as safe as the safest one.
    return max((_one_policy(p) for p in policies), key=lambda t: t.modifier)


def _one_policy(directives: dict[str, list[str]]) -> HeaderTest:
    name = "content-security-policy"
    script = directives.get("script-src", directives.get("default-src"))
    if script is None:
        return _test(name, "csp-implemented-with-unsafe-inline", -20)
    strict_dynamic = "'strict-dynamic'" in script
    neutralised = strict_dynamic or any(t.startswith(_HASH_OR_NONCE) for t in script)
    unsafe_inline = "'unsafe-inline'" in script and not neutralised
    broad = not strict_dynamic and any(t in _BROAD_SOURCES for t in script)
    if unsafe_inline or broad:
        return _test(name, "csp-implemented-with-unsafe-inline", -20)
    if "'unsafe-eval'" in script:
        return _test(name, "csp-implemented-with-unsafe-eval", -10)
    style = directives.get("style-src", directives.get("default-src")) or []
    if "'unsafe-inline'" in style:
        return _test(name, "csp-implemented-with-unsafe-inline-in-style-src-only", 0)
    if directives.get("default-src") == ["'none'"]:
        return _test(name, "csp-implemented-with-no-unsafe-default-src-none", 10)
    return _test(name, "csp-implemented-with-no-unsafe", 5)


def _hsts(value: str | None, is_https: bool, preloaded: bool) -> HeaderTest:
    name = "strict-transport-security"
    if not is_https:
        return _test(name, "hsts-not-implemented-no-https", -20)
    if preloaded:
        return _test(name, "hsts-preloaded", 5)
    if value is None:
        return _test(name, "hsts-not-implemented", -20)
    max_age: int | None = None
    for directive in value.split(";"):
        key, _, raw = directive.strip().partition("=")
        if key.strip().lower() == "max-age":
            try:
                max_age = int(raw.strip().strip('"'))
            except ValueError:
                max_age = None
    if max_age is None or max_age < 0:
        return _test(name, "hsts-header-invalid", -20)
    if max_age < SIX_MONTHS:
        return _test(name, "hsts-implemented-max-age-less-than-six-months", -10)
    return _test(name, "hsts-implemented-max-age-at-least-six-months", 0)


def _frame_options(value: str | None, csp: _Csp) -> HeaderTest:
    name = "x-frame-options"
    if any("frame-ancestors" in p for p in csp.policies):
        return _test(name, "x-frame-options-implemented-via-csp", 5)
    if value is None:
        return _test(name, "x-frame-options-not-implemented", -20)
    lowered = value.strip().lower()
    if lowered in ("deny", "sameorigin"):
        return _test(name, "x-frame-options-sameorigin-or-deny", 0)
    if lowered.startswith("allow-from "):
        return _test(name, "x-frame-options-allow-from-origin", 0)
    return _test(name, "x-frame-options-header-invalid", -20)


def _content_type_options(value: str | None) -> HeaderTest:
    name = "x-content-type-options"
    if value is None:
        return _test(name, "x-content-type-options-not-implemented", -5)
    if value.strip().lower() == "nosniff":
        return _test(name, "x-content-type-options-nosniff", 0)
    return _test(name, "x-content-type-options-header-invalid", -5)


def _referrer_policy(values: Sequence[str]) -> HeaderTest:
    name = "referrer-policy"
    if not values:
        return _test(name, "referrer-policy-not-implemented", 0)
    # The last policy the browser understands wins.
    tokens = [t.strip().lower() for v in values for t in v.split(",") if t.strip()]
    known = [t for t in tokens if t in _PRIVATE_REFERRERS or t in _UNSAFE_REFERRERS]
    if not known:
        return _test(name, "referrer-policy-header-invalid", -5)
    if known[-1] in _PRIVATE_REFERRERS:
        return _test(name, "referrer-policy-private", 5)
    return _test(name, "referrer-policy-unsafe", -5)


@dataclass(frozen=True, slots=True)
class _Cookie:
    name: str
    secure: bool
    http_only: bool
    same_site: bool


def _parse_cookie(value: str) -> _Cookie | None:
    pieces = value.split(";")
    name, sep, _ = pieces[0].partition("=")
    if not sep or not name.strip():
        return None
    attributes: dict[str, str] = {}
    for piece in pieces[1:]:
        key, _, raw = piece.partition("=")
        attributes[key.strip().lower()] = raw.strip().lower()
    return _Cookie(
        name=name.strip(),
        secure="secure" in attributes,
        http_only="httponly" in attributes,
        same_site=attributes.get("samesite") in ("lax", "strict", "none"),
    )


def _is_session(cookie: _Cookie) -> bool:
    lowered = cookie.name.lower()
    return "sess" in lowered or "login" in lowered  # upstream's heuristic


def _cookies(values: Sequence[str]) -> HeaderTest:
    name = "cookies"
    cookies = [c for c in (_parse_cookie(v) for v in values) if c is not None]
    if not cookies:
        return _test(name, "cookies-not-found", 0)
    sessions = [c for c in cookies if _is_session(c)]
    if any(not c.secure for c in sessions):
        return _test(name, "cookies-session-without-secure-flag", -40)
    if any(not c.http_only for c in sessions):
        return _test(name, "cookies-session-without-httponly-flag", -30)
    if any(not c.secure for c in cookies):
        return _test(name, "cookies-without-secure-flag", -20)
    if all(c.same_site for c in cookies):
        return _test(name, "cookies-secure-with-httponly-sessions-and-samesite", 5)
    return _test(name, "cookies-secure-with-httponly-sessions", 0)


def _redirection(redirection: Redirection) -> HeaderTest:
    name = "redirection"
    if not redirection.checked:
        return _test(name, "redirection-not-checked", 0)
    if redirection.final_url is None:
        return _test(name, "redirection-not-needed-no-http", 0)
    final_https = split_url(redirection.final_url).scheme == "https"
    if not redirection.hops:
        return _test(
            name, "redirection-to-https" if final_https else "redirection-missing", 0 if final_https else -20
        )
    if not final_https:
        return _test(name, "redirection-not-to-https", -20)
    if split_url(redirection.hops[0].location).scheme != "https":
        return _test(name, "redirection-not-to-https-on-initial-redirection", -10)
    return _test(name, "redirection-to-https", 0)


def _cors(allow_origin: str | None, allow_credentials: str | None, probe_origin: str) -> HeaderTest:
    name = "cross-origin-resource-sharing"
    if allow_origin is None:
        return _test(name, "cross-origin-resource-sharing-not-implemented", 0)
    credentials = (allow_credentials or "").strip().lower() == "true"
    # A literal "*" with credentials is refused by browsers; reflecting a stranger's origin is not.
    if credentials and allow_origin.strip() == probe_origin:
        # Echoing a stranger's origin with credentials lets any site read a logged-in user's data.
        return _test(name, "cross-origin-resource-sharing-implemented-with-universal-access", -50)
    if allow_origin.strip() == "*":
        return _test(name, "cross-origin-resource-sharing-implemented-with-public-access", 0)
    return _test(name, "cross-origin-resource-sharing-implemented-with-restricted-access", 0)


def _sri(url: str, is_html: bool, scripts: Sequence[ScriptRef]) -> HeaderTest:
    name = "subresource-integrity"
    if not is_html:
        return _test(name, "sri-not-implemented-response-not-html", 0)
    if not scripts:
        return _test(name, "sri-not-implemented-but-no-scripts-loaded", 0)
    page_host = split_url(url).host
    external = []
    for script in scripts:
        src = script.src
        if ":" not in src and not src.startswith(("//", "\\")):
            continue  # a relative address: the page's own host
        target = split_url(urljoin(url, src))
        if target.host not in ("", page_host):
            external.append((target.scheme, script.integrity))
    if not external:
        return _test(name, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)
    if any(scheme != "https" for scheme, _ in external):
        return _test(name, "sri-not-implemented-and-external-scripts-not-loaded-securely", -20)
    if all(integrity for _, integrity in external):
        return _test(name, "sri-implemented-and-external-scripts-loaded-securely", 5)
    return _test(name, "sri-not-implemented-but-external-scripts-loaded-securely", 0, passed=False)


def header_findings(grade: HeaderGrade, sink: FindingSink) -> None:
    """One finding per failed test (deduplicated by its outcome), and one for a grade below C."""
    for test in grade.tests:
        if not test.passed:
            severity = Severity.MEDIUM if test.modifier <= -40 else Severity.LOW
            sink.add("headers." + test.name, severity, test.result, header_seen(test.result, test.modifier))
    if grade.score < 50:
        sink.add(
            "headers.grade",
            Severity.LOW,
            grade.grade,
            f"安全响应头评级 {grade.grade}（{grade.score}/100 分）",
        )
