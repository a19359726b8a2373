"""Hostile targets: the engine never crashes, always answers with an error finding, in bounded time and memory."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import pytest

from jixiao.domain.probes import ProbeEngine, ProbeOptions, ProbeResult, Timeouts

from .conftest import BIG_PAGE_BYTES, LoopbackResolver, Sites, run_probe

TIGHT = Timeouts(connect=0.5, first_byte=0.5, read=0.5, total=1.0, budget=2.0)
CAP = 256 * 1024


def hostile_urls(sites: Sites) -> dict[str, str]:
    return {
        "slowloris": sites.slowloris + "/",
        "endless_fast": sites.endless_fast + "/",
        "endless_drip": sites.endless_drip + "/",
        "tls_hang": sites.tls_hang + "/",
        "redirect_loop": sites.loop + "/a",
        "reset": sites.reset + "/",
        "closed": sites.closed + "/",
        "dns": "http://nothing.invalid/",
        "big": sites.big + "/",
    }


EXPECTED_CHECK = {
    "slowloris": "availability.timeout",
    "endless_fast": "availability.oversize",
    "endless_drip": "availability.timeout",
    "tls_hang": "availability.timeout",
    "redirect_loop": "availability.redirect_loop",
    "reset": "availability.protocol",
    "closed": "availability.protocol",
    "dns": "availability.dns",
    "big": "availability.oversize",
}


def test_every_hostile_target_gets_a_result_with_an_error_finding_in_bounded_time(sites: Sites) -> None:
    urls = hostile_urls(sites)
    resolver = LoopbackResolver()

    async def go() -> list[ProbeResult]:
        async with ProbeEngine(resolver=resolver, concurrency=20, per_host=2) as engine:
            options = ProbeOptions(timeouts=TIGHT, max_body_bytes=CAP, check_http_redirect=False)
            return await engine.probe_many(list(urls.values()), options=options)

    started = time.perf_counter()
    results = asyncio.run(go())
    elapsed = time.perf_counter() - started
    assert elapsed < 3 * TIGHT.total
    by_name = dict(zip(urls, results, strict=True))
    for name, result in by_name.items():
        checks = [f.check for f in result.findings]
        assert EXPECTED_CHECK[name] in checks, (name, result.error, checks)
        assert "probe.error" not in checks, (name, result.findings)
    assert resolver.asked == []  # .invalid never reaches a resolver, and the rest are IP literals
    for name in ("endless_fast", "big"):
        assert by_name[name].truncated
        assert by_name[name].body_bytes == CAP
    assert "TLS handshake not finished" in (by_name["tls_hang"].error or "")
    assert by_name["tls_hang"].timings.connect is not None
    assert by_name["tls_hang"].timings.tls is None


@pytest.mark.parametrize("name", ["slowloris", "endless_drip", "tls_hang"])
def test_a_stalling_target_alone_is_cut_off_by_its_timeouts(sites: Sites, name: str) -> None:
    started = time.perf_counter()
    result = run_probe(hostile_urls(sites)[name], timeouts=TIGHT)
    assert time.perf_counter() - started < 3 * TIGHT.total
    assert not result.ok
    assert result.status is None


# The probe runs in a child process, so that the peak counts the client alone: the test server lives in
# this process and its own buffers, and when it frees them, are no part of what the probe holds.
_MEASURE_PROBE = """
import asyncio, json, sys, tracemalloc
from jixiao.domain.probes import ProbeEngine, ProbeOptions, Timeouts
from jixiao.domain.probes.model import ROUTINE_CHECKS

async def main():
    async with ProbeEngine() as engine:
        tracemalloc.start()
        result = await engine.probe(sys.argv[1], ProbeOptions(
            checks=ROUTINE_CHECKS, max_body_bytes=int(sys.argv[2]), check_http_redirect=False,
            timeouts=Timeouts(connect=0.5, first_byte=0.5, read=0.5, total=1.0, budget=2.0)))
        peak = tracemalloc.get_traced_memory()[1]
    print(json.dumps({"ok": result.ok, "truncated": result.truncated, "body": result.body_bytes, "peak": peak}))

asyncio.run(main())
"""


def test_a_ten_megabyte_page_is_read_only_up_to_the_cap(sites: Sites) -> None:
    cap = 1024 * 1024
    child = subprocess.run(
        [sys.executable, "-c", _MEASURE_PROBE, sites.big + "/", str(cap)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    measured = json.loads(child.stdout.strip().splitlines()[-1])
    assert (measured["ok"], measured["truncated"], measured["body"]) == (True, True, cap)
    # The page is 10 MB; reading 1 MB of it and analysing that takes a few MB, never the page.
    assert measured["peak"] < 8 * 1024 * 1024 < BIG_PAGE_BYTES


def test_the_dns_failure_names_the_reason() -> None:
    result = run_probe("http://nothing.invalid/")
    assert result.error == "DNS: nothing.invalid is under .invalid and never resolves"


def test_a_name_the_resolver_refuses_is_a_dns_finding() -> None:
    resolver = LoopbackResolver()
    result = run_probe("http://unknown.test/", resolver=resolver)
    assert resolver.asked == ["unknown.test"]
    assert [f.check for f in result.findings] == ["availability.dns"]
