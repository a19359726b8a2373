"""``ProbeResult`` → plain JSON-ready dicts, in the shape the API and the findings store expect."""

from __future__ import annotations

from typing import Any

from jixiao.domain.probes.model import ProbeResult


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
