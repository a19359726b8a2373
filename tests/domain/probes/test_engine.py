"""The engine: timings, one shared session, polite concurrency, the JSON shape, failure confirmation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from jixiao.domain.probes import (
    ALL_CHECKS,
    Check,
    FailureTracker,
    ProbeEngine,
    ProbeOptions,
    ProbeResult,
    ProbeTarget,
    Transition,
    finding_key,
    result_to_dict,
)
from jixiao.domain.probes import http as http_module
from jixiao.domain.probes.exposure import check_exposure
from jixiao.domain.probes.findings import asset_of
from jixiao.domain.probes.http import ErrorKind, FetchResult, Response

from .conftest import QUICK, LoopbackResolver, Sites, run_probe

AVAILABILITY = frozenset({Check.AVAILABILITY})


def test_an_https_probe_times_every_phase_but_dns_for_an_ip(sites: Sites) -> None:
    result = run_probe(sites.tls_valid + "/", ca_file=str(sites.pki.ca_file), checks=AVAILABILITY)
    timings = result.timings
    assert timings.dns is None
    assert timings.connect is not None
    assert timings.tls is not None
    assert timings.first_byte is not None
    assert timings.total is not None
    assert 0 < timings.connect + timings.tls + timings.first_byte <= timings.total


def test_an_http_probe_has_no_tls_phase(sites: Sites) -> None:
    result = run_probe(sites.deface + "/before", checks=AVAILABILITY)
    assert result.timings.tls is None
    assert result.timings.connect is not None
    assert result.tls is None


def test_a_second_probe_reuses_the_connection_and_its_tls_details(sites: Sites) -> None:
    async def go() -> tuple[ProbeResult, ProbeResult]:
        async with ProbeEngine() as engine:
            options = ProbeOptions(
                ca_file=str(sites.pki.ca_file), checks=AVAILABILITY | {Check.TLS}, timeouts=QUICK
            )
            first = await engine.probe(sites.tls_valid + "/", options)
            second = await engine.probe(sites.tls_valid + "/", options)
            return first, second

    first, second = asyncio.run(go())
    assert first.timings.tls is not None
    assert second.timings.connect is None
    assert second.timings.tls is None
    assert second.tls is not None
    assert second.tls == first.tls


def test_probe_many_keeps_input_order_and_both_limits(sites: Sites) -> None:
    stats = sites.concurrency_stats
    port = sites.concurrency_port
    urls = [f"http://{host}:{port}/{i}" for i in range(6) for host in ("a.test", "b.test", "c.test")]

    async def go() -> list[ProbeResult]:
        async with ProbeEngine(resolver=LoopbackResolver(), concurrency=2, per_host=1) as engine:
            return await engine.probe_many(urls, options=ProbeOptions(checks=AVAILABILITY, timeouts=QUICK))

    results = asyncio.run(go())
    assert [r.url for r in results] == urls
    assert all(r.ok for r in results)
    assert stats["max:all"] == 2
    assert max(stats["max:a.test"], stats["max:b.test"], stats["max:c.test"]) == 1


def test_probe_many_takes_per_target_options(sites: Sites) -> None:
    async def go() -> list[ProbeResult]:
        async with ProbeEngine() as engine:
            return await engine.probe_many(
                [
                    ProbeTarget(
                        sites.tls_valid + "/",
                        ProbeOptions(ca_file=str(sites.pki.ca_file), checks=AVAILABILITY | {Check.TLS}),
                    ),
                    ProbeTarget(sites.tls_valid + "/", ProbeOptions(checks=AVAILABILITY | {Check.TLS})),
                ]
            )

    trusted, untrusted = asyncio.run(go())
    assert trusted.tls is not None
    assert trusted.tls.valid_chain is True
    assert untrusted.tls is not None
    assert untrusted.tls.valid_chain is False


def test_the_result_serialises_to_the_documented_shape(sites: Sites) -> None:
    result = run_probe(sites.site + "/", ca_file=str(sites.pki.ca_file))
    data = json.loads(json.dumps(result_to_dict(result), ensure_ascii=False))
    assert list(data) == ["url", "ok", "status", "timings", "tls", "headers", "content", "findings"]
    assert list(data["timings"]) == ["dns", "connect", "tls", "first_byte", "total"]
    assert data["timings"]["tls"] is None
    assert isinstance(data["timings"]["total"], float)
    assert data["tls"] is None
    assert list(data["headers"]) == ["score", "grade", "tests"]
    assert all(list(t) == ["name", "pass", "modifier"] for t in data["headers"]["tests"])
    assert list(data["content"]) == ["hash", "hidden_links"]
    assert data["content"]["hidden_links"][0] == {
        "href": "http://www.amdc-casino.test/hidden",
        "text": "澳门赌场 博彩",
        "why": "<div> display:none（不显示）；违规关键词 澳门赌场",
    }
    assert all(list(f) == ["check", "severity", "key", "message"] for f in data["findings"])
    assert data["findings"][0]["severity"] == "critical"  # worst first


def test_the_tls_part_serialises_with_an_iso_date(sites: Sites) -> None:
    data = result_to_dict(
        run_probe(sites.tls_valid + "/", ca_file=str(sites.pki.ca_file), checks=AVAILABILITY | {Check.TLS})
    )
    assert data["tls"] == {
        "expires": sites.pki.valid.not_after.isoformat(),
        "days_left": data["tls"]["days_left"],
        "valid_chain": True,
        "hostname_ok": True,
        "protocol": "TLSv1.3",
    }
    assert data["tls"]["days_left"] in (89, 90)


def test_a_finding_key_depends_on_asset_check_and_detail_only() -> None:
    key = finding_key("www.gov.test", "exposure", "/.git/config")
    assert key == finding_key("www.gov.test", "exposure", "/.git/config")
    assert len(key) == 20
    assert key != finding_key("www.gov.test", "exposure", "/.env")
    assert key != finding_key("gov.test", "exposure", "/.git/config")
    assert asset_of("HTTPS://WWW.Gov.Test:443/a?b") == "www.gov.test"
    assert asset_of("http://www.gov.test:8080/") == "www.gov.test:8080"


def test_three_failures_in_a_row_open_and_two_successes_close() -> None:
    tracker: FailureTracker[str] = FailureTracker(threshold=3, recover=2)
    outcomes = [False, False, True, False, False, False, False, True, False, True, True, True]
    transitions = [tracker.observe("site", ok) for ok in outcomes]
    assert transitions == [
        None,
        None,
        None,
        None,
        None,
        Transition.OPENED,
        None,
        None,
        None,
        None,
        Transition.CLOSED,
        None,
    ]
    assert not tracker.is_failing("site")


def test_the_tracker_keeps_assets_apart() -> None:
    tracker: FailureTracker[str] = FailureTracker(threshold=1, recover=1)
    assert tracker.observe("a", False) == Transition.OPENED
    assert tracker.is_failing("a")
    assert not tracker.is_failing("b")


def test_the_tracker_rejects_a_zero_threshold() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FailureTracker(threshold=0)


def test_a_name_is_resolved_and_timed(sites: Sites) -> None:
    port = sites.deface.rsplit(":", 1)[1]
    result = run_probe(f"http://www.gov.test:{port}/before", checks=AVAILABILITY)
    assert result.ok
    assert result.timings.dns is not None
    assert result.timings.connect is not None


def test_without_the_connector_hook_tls_is_counted_in_connect(
    sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A future aiohttp without the private protocol factory: the probe still times the connection.
    monkeypatch.setattr(http_module, "instrument_connector", lambda connector: False)
    result = run_probe(sites.tls_valid + "/", ca_file=str(sites.pki.ca_file), checks=AVAILABILITY)
    assert result.ok
    assert result.timings.connect is not None
    assert result.timings.tls is None
    assert result.timings.first_byte is not None


def test_stream_yields_every_target_once_and_keeps_the_window(sites: Sites) -> None:
    port = sites.concurrency_port
    urls = [f"http://{host}:{port}/s{i}" for i in range(5) for host in ("a.test", "b.test", "c.test")]
    started: list[int] = []

    async def go() -> list[tuple[int, ProbeResult]]:
        async with ProbeEngine(resolver=LoopbackResolver(), concurrency=2, per_host=1) as engine:
            real = engine._polite

            async def counting(
                index: int, target: str | ProbeTarget, options: ProbeOptions | None
            ) -> tuple[int, ProbeResult]:
                started.append(len(asyncio.all_tasks()))
                return await real(index, target, options)

            engine._polite = counting  # type: ignore[method-assign]
            return [
                item
                async for item in engine.stream(
                    urls, options=ProbeOptions(checks=AVAILABILITY, timeouts=QUICK), window=3
                )
            ]

    items = asyncio.run(go())
    assert sorted(index for index, _ in items) == list(range(len(urls)))
    assert all(result.url == urls[index] and result.ok for index, result in items)
    # The main task, the server's own tasks and at most three probes: never the whole list at once.
    assert max(started) < len(urls)


def test_leaving_a_stream_early_cancels_what_is_still_running(sites: Sites) -> None:
    port = sites.concurrency_port
    urls = [f"http://a.test:{port}/early{i}" for i in range(10)]

    async def go() -> tuple[int, int]:
        async with ProbeEngine(resolver=LoopbackResolver(), concurrency=4, per_host=4) as engine:
            before = len(asyncio.all_tasks())
            stream = engine.stream(urls, options=ProbeOptions(checks=AVAILABILITY, timeouts=QUICK))
            async for _ in stream:
                break
            await stream.aclose()
            await asyncio.sleep(0)
            return before, len(asyncio.all_tasks())

    before, after = asyncio.run(go())
    assert after <= before


def test_a_busy_host_does_not_hold_back_the_others(sites: Sites) -> None:
    # One global slot: a probe waiting for its busy host must not sit on it while another host is free.
    port = sites.concurrency_port
    urls = [f"http://a.test:{port}/busy{i}" for i in range(4)] + [f"http://b.test:{port}/free"]
    order: list[str] = []

    async def go() -> None:
        async with ProbeEngine(resolver=LoopbackResolver(), concurrency=2, per_host=1) as engine:
            async for _, result in engine.stream(
                urls, options=ProbeOptions(checks=AVAILABILITY, timeouts=QUICK)
            ):
                order.append(result.url)

    asyncio.run(go())
    assert order.index(urls[-1]) <= 1


def test_completed_names_the_checks_that_reached_a_verdict(sites: Sites) -> None:
    healthy = run_probe(sites.deface + "/before", checks=ALL_CHECKS - {Check.EXPOSURE})
    assert healthy.completed == ALL_CHECKS - {Check.EXPOSURE}

    # Nothing listens on the reset server's paths: the page never arrives, only availability has a verdict.
    broken = run_probe(sites.reset + "/", checks=ALL_CHECKS)
    assert not broken.ok
    assert broken.completed == {Check.AVAILABILITY, Check.TLS}


def test_exposure_paths_without_an_answer_leave_exposure_without_a_verdict() -> None:
    not_found = Response(
        url="", status=404, headers=CIMultiDictProxy(CIMultiDict()), body=b"", truncated=False
    )

    def fetcher(answering: bool) -> Callable[[str], Awaitable[FetchResult]]:
        async def fetch(url: str) -> FetchResult:
            if answering or not url.endswith("/.git/config"):
                return FetchResult(url=url, response=not_found)
            return FetchResult(url=url, response=None, error="timed out", error_kind=ErrorKind.TIMEOUT)

        return fetch

    answered = asyncio.run(check_exposure("http://a.example", fetcher(True)))
    assert answered.complete
    assert answered.exposed == ()
    silent = asyncio.run(check_exposure("http://a.example", fetcher(False)))
    assert not silent.complete
    assert silent.unanswered == 1
