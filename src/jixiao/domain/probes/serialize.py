"""``ProbeResult`` → plain JSON-ready dicts, in the shape the API and the findings store expect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jixiao.domain.probes.model import (
    HiddenLink,
    Hop,
    KeywordHit,
    PageSummary,
    ProbeResult,
    Redirection,
    ScriptRef,
)


def result_to_dict(result: ProbeResult) -> dict[str, Any]:
    """The documented shape: timings in milliseconds (null when a phase did not happen), dates in ISO 8601."""
    tls = result.tls
    headers = result.headers
    content = result.content
    return {
        "url": result.url,
        "ok": result.ok,
        "status": result.status,
        "timings": {
            "dns": result.timings.dns,
            "connect": result.timings.connect,
            "tls": result.timings.tls,
            "first_byte": result.timings.first_byte,
            "total": result.timings.total,
        },
        "tls": None
        if tls is None
        else {
            "expires": tls.expires.isoformat() if tls.expires is not None else None,
            "days_left": tls.days_left,
            "valid_chain": tls.valid_chain,
            "hostname_ok": tls.hostname_ok,
            "protocol": tls.protocol,
        },
        "headers": None
        if headers is None
        else {
            "score": headers.score,
            "grade": headers.grade,
            "tests": [{"name": t.name, "pass": t.passed, "modifier": t.modifier} for t in headers.tests],
        },
        "content": None
        if content is None
        else {
            "hash": content.hash,
            "hidden_links": [{"href": h.href, "text": h.text, "why": h.why} for h in content.hidden_links],
        },
        "findings": [
            {"check": f.check, "severity": str(f.severity), "key": f.key, "message": f.message}
            for f in result.findings
        ],
    }


def summary_to_dict(summary: PageSummary) -> dict[str, Any]:
    """A baseline's page summary as JSON, for storing between runs (``summary_from_dict`` reads it back)."""
    return {
        "rules": summary.rules,
        "keywords": [[hit.category, hit.keyword] for hit in summary.keywords],
        "hidden_links": [{"href": h.href, "text": h.text, "why": h.why} for h in summary.hidden_links],
        "scripts": [[ref.src, ref.integrity] for ref in summary.scripts],
        "is_html": summary.is_html,
    }


def summary_from_dict(data: object) -> PageSummary | None:
    """The stored summary back, or ``None`` when it is missing or malformed: the page is then parsed again."""
    if not isinstance(data, dict):
        return None
    try:
        return PageSummary(
            rules=str(data["rules"]),
            keywords=tuple(KeywordHit(str(c), str(k)) for c, k in data["keywords"]),
            hidden_links=tuple(
                HiddenLink(href=str(h["href"]), text=str(h["text"]), why=str(h["why"]))
                for h in data["hidden_links"]
            ),
            scripts=tuple(ScriptRef(str(src), bool(integrity)) for src, integrity in data["scripts"]),
            is_html=bool(data["is_html"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def redirection_to_dict(redirection: Redirection) -> dict[str, Any]:
    """An observed http→https redirection as JSON, kept between runs (``redirection_from_dict`` reads it)."""
    return {
        "checked": redirection.checked,
        "hops": [[h.url, h.status, h.location] for h in redirection.hops],
        "final_url": redirection.final_url,
        "observed_at": redirection.observed_at.isoformat() if redirection.observed_at else None,
    }


def redirection_from_dict(data: object) -> Redirection | None:
    """The stored redirection back, or ``None`` when missing or malformed: the site is then asked again."""
    if not isinstance(data, dict):
        return None
    try:
        final = data["final_url"]
        observed = data.get("observed_at")
        return Redirection(
            checked=bool(data["checked"]),
            hops=tuple(Hop(str(u), int(s), str(loc)) for u, s, loc in data["hops"]),
            final_url=None if final is None else str(final),
            observed_at=dt.datetime.fromisoformat(observed) if observed else None,
        )
    except (KeyError, TypeError, ValueError):
        return None
