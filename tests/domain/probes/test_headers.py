"""Observatory grading: exact scores for hand-computed header sets, live and as a pure function."""

from __future__ import annotations

import datetime as dt

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from jixiao.domain.probes.content import ScriptRef
from jixiao.domain.probes.headers import Redirection, grade_for, grade_headers
from jixiao.domain.probes.model import Check, HeaderGrade, Hop
from jixiao.domain.probes.serialize import redirection_from_dict, redirection_to_dict

from .conftest import Sites, run_probe

HEADERS_ONLY = frozenset({Check.AVAILABILITY, Check.HEADERS})
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def modifiers(grade: HeaderGrade) -> dict[str, int]:
    return {t.name: t.modifier for t in grade.tests}


def test_a_bare_http_page_scores_ten_and_fails(sites: Sites) -> None:
    # CSP −25, HSTS impossible without https −20, XFO −20, XCTO −5, no redirection to https −20 → 10.
    result = run_probe(sites.redirector + "/bare", checks=HEADERS_ONLY)
    assert result.headers is not None
    assert (result.headers.score, result.headers.grade) == (10, "F")
    assert modifiers(result.headers) == {
        "content-security-policy": -25,
        "strict-transport-security": -20,
        "x-frame-options": -20,
        "x-content-type-options": -5,
        "referrer-policy": 0,
        "cookies": 0,
        "redirection": -20,
        "cross-origin-resource-sharing": 0,
        "subresource-integrity": 0,
    }


def test_a_fully_hardened_site_gets_every_bonus(sites: Sites) -> None:
    # No penalty → 100; bonuses: CSP default-src 'none' +10, frame-ancestors +5, no-referrer +5,
    # cookie with every flag +5, SRI on the external script +5 → 130, A+.
    result = run_probe(sites.redirector + "/h/full", checks=HEADERS_ONLY, ca_file=str(sites.pki.ca_file))
    assert result.final_url == sites.headers_https + "/h/full"
    assert result.headers is not None
    assert (result.headers.score, result.headers.grade) == (130, "A+")
    results = {t.name: t.result for t in result.headers.tests}
    assert results["redirection"] == "redirection-to-https"
    assert results["subresource-integrity"] == "sri-implemented-and-external-scripts-loaded-securely"


def test_bonuses_do_not_count_below_ninety(sites: Sites) -> None:
    # unsafe-eval −10, no X-Content-Type-Options −5 → 85 before bonuses, so the referrer +5 is dropped.
    result = run_probe(
        sites.redirector + "/h/eval-blocked", checks=HEADERS_ONLY, ca_file=str(sites.pki.ca_file)
    )
    assert result.headers is not None
    assert modifiers(result.headers)["referrer-policy"] == 5
    assert (result.headers.score, result.headers.grade) == (85, "A-")


def test_bonuses_count_from_exactly_ninety(sites: Sites) -> None:
    # unsafe-eval −10 → 90, then no-referrer +5 → 95.
    result = run_probe(sites.redirector + "/h/eval-ok", checks=HEADERS_ONLY, ca_file=str(sites.pki.ca_file))
    assert result.headers is not None
    assert (result.headers.score, result.headers.grade) == (95, "A")


def test_a_first_hop_that_stays_on_http_costs_ten(sites: Sites) -> None:
    # As eval-ok, plus −10 for http → http → https: 80 before bonuses, so no +5 either.
    result = run_probe(
        sites.redirector + "/via-http/eval-ok", checks=HEADERS_ONLY, ca_file=str(sites.pki.ca_file)
    )
    assert result.headers is not None
    assert modifiers(result.headers)["redirection"] == -10
    assert (result.headers.score, result.headers.grade) == (80, "B+")


def test_the_score_never_drops_below_zero(sites: Sites) -> None:
    # CSP −25, HSTS short −10, XFO −20, referrer unsafe −5, session cookie without Secure −40,
    # origin reflected with credentials −50, external http script −20 → −70, floored at 0.
    result = run_probe(sites.redirector + "/h/bad", checks=HEADERS_ONLY, ca_file=str(sites.pki.ca_file))
    assert result.headers is not None
    assert modifiers(result.headers) == {
        "content-security-policy": -25,
        "strict-transport-security": -10,
        "x-frame-options": -20,
        "x-content-type-options": 0,
        "referrer-policy": -5,
        "cookies": -40,
        "redirection": 0,
        "cross-origin-resource-sharing": -50,
        "subresource-integrity": -20,
    }
    assert (result.headers.score, result.headers.grade) == (0, "F")


def _grade(headers: dict[str, str] | list[tuple[str, str]], **kwargs: object) -> HeaderGrade:
    items = list(headers.items()) if isinstance(headers, dict) else headers
    options: dict[str, object] = {
        "is_html": True,
        "redirection": Redirection(checked=True, final_url="https://a.example/"),
        "cors_origin": "https://probe.invalid",
    }
    options.update(kwargs)
    return grade_headers("https://a.example/", CIMultiDictProxy(CIMultiDict(items)), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (135, "A+"),
        (100, "A+"),
        (99, "A"),
        (90, "A"),
        (85, "A-"),
        (80, "B+"),
        (79, "B"),
        (70, "B"),
        (65, "B-"),
        (60, "C+"),
        (50, "C"),
        (45, "C-"),
        (40, "D+"),
        (30, "D"),
        (25, "D-"),
        (24, "F"),
        (0, "F"),
    ],
)
def test_the_grade_table_has_the_reference_floors(score: int, grade: str) -> None:
    assert grade_for(score) == grade


def test_a_nonce_neutralises_unsafe_inline() -> None:
    grade = _grade({"Content-Security-Policy": "default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'"})
    assert {t.name: t.result for t in grade.tests}[
        "content-security-policy"
    ] == "csp-implemented-with-no-unsafe"


def test_data_in_script_src_is_as_bad_as_unsafe_inline() -> None:
    grade = _grade({"Content-Security-Policy": "default-src 'self'; script-src 'self' data:"})
    assert modifiers(grade)["content-security-policy"] == -20


def test_a_policy_without_script_or_default_src_counts_as_unsafe() -> None:
    grade = _grade({"Content-Security-Policy": "img-src 'self'"})
    assert modifiers(grade)["content-security-policy"] == -20


def test_the_last_known_referrer_policy_wins() -> None:
    assert modifiers(_grade({"Referrer-Policy": "unsafe-url, strict-origin"}))["referrer-policy"] == 5
    assert modifiers(_grade({"Referrer-Policy": "no-referrer, unsafe-url"}))["referrer-policy"] == -5
    assert modifiers(_grade({"Referrer-Policy": "nonsense"}))["referrer-policy"] == -5


def test_a_session_cookie_without_httponly_costs_thirty() -> None:
    grade = _grade([("Set-Cookie", "JSESSIONID=1; Secure"), ("Set-Cookie", "lang=zh; Secure; SameSite=Lax")])
    assert modifiers(grade)["cookies"] == -30


def test_a_plain_cookie_without_secure_costs_twenty() -> None:
    assert modifiers(_grade([("Set-Cookie", "lang=zh; HttpOnly")]))["cookies"] == -20


def test_hsts_shorter_than_six_months_costs_ten_and_a_preloaded_host_earns_five() -> None:
    assert (
        modifiers(_grade({"Strict-Transport-Security": "max-age=15767999"}))["strict-transport-security"]
        == -10
    )
    assert (
        modifiers(_grade({"Strict-Transport-Security": "max-age=15768000"}))["strict-transport-security"] == 0
    )
    assert modifiers(_grade({}, hsts_preloaded=True))["strict-transport-security"] == 5


def test_an_external_script_without_integrity_earns_nothing() -> None:
    grade = _grade({}, scripts=(ScriptRef("https://cdn.example.org/a.js", integrity=False),))
    assert modifiers(grade)["subresource-integrity"] == 0


def test_redirection_that_ends_on_http_costs_twenty() -> None:
    hops = (Hop("http://a.example/", 301, "http://b.example/"),)
    grade = _grade({}, redirection=Redirection(checked=True, hops=hops, final_url="http://b.example/"))
    assert modifiers(grade)["redirection"] == -20


def test_a_site_without_http_needs_no_redirection() -> None:
    grade = _grade({}, redirection=Redirection(checked=True, final_url=None))
    assert {t.name: t.result for t in grade.tests}["redirection"] == "redirection-not-needed-no-http"


def test_an_https_probe_asks_http_once_and_says_when(sites: Sites) -> None:
    result = run_probe(
        sites.headers_https + "/h/full",
        checks=HEADERS_ONLY,
        ca_file=str(sites.pki.ca_file),
        check_http_redirect=True,
        now=NOW,
    )
    assert result.redirection is not None
    assert result.redirection.checked
    assert result.redirection.observed_at == NOW


def test_a_known_redirection_is_used_instead_of_asking_again(sites: Sites) -> None:
    # What the scheduler kept from an earlier check: http://host/ sent visitors to another http page.
    known = Redirection(
        checked=True,
        hops=(Hop(url="http://127.0.0.1/", status=302, location="http://127.0.0.1/home"),),
        final_url="http://127.0.0.1/home",
        observed_at=NOW,
    )
    result = run_probe(
        sites.headers_https + "/h/full",
        checks=HEADERS_ONLY,
        ca_file=str(sites.pki.ca_file),
        check_http_redirect=True,
        redirection=known,
    )
    assert result.redirection is known
    assert result.headers is not None
    assert {t.name: t.result for t in result.headers.tests}["redirection"] == "redirection-not-to-https"


def test_a_known_redirection_survives_the_round_trip_through_json() -> None:
    known = Redirection(
        checked=True,
        hops=(Hop(url="http://a.example/", status=301, location="https://a.example/"),),
        final_url="https://a.example/",
        observed_at=NOW,
    )
    assert redirection_from_dict(redirection_to_dict(known)) == known
    assert redirection_from_dict({"checked": True}) is None
    assert redirection_from_dict(None) is None
