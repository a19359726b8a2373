"""Monitoring throughput: ``ProbeEngine.probe_many`` with ``ROUTINE_CHECKS`` against a bare aiohttp GET loop
and changedetection.io, over the same local target sites, in the same run.

    python bench/bench_probe.py [--count 10000] [--runs 3] [--concurrency 100] [--cdio /tmp/cdio --cdio-count 1000]
    python bench/bench_probe.py --profile 1000     # cProfile of probe_many over 1,000 targets

The targets are served by ``probe_targets.py`` in a process of its own (loopback only). Each measured pass runs
in a fresh child process (``--child``) that warms up on 200 other URLs with a separate session, then times one
pass over every URL and reports its own peak RSS (``ru_maxrss``) and CPU time. The sides take turns run by run
(bare, ours, bare, ours…); the median of ``--runs`` is reported. Both sides keep at most ``--concurrency``
requests in flight; the engine's ``per_host`` is set to the same number because every target shares the one
address 127.0.0.1 and the per-host limit would otherwise be the only limit measured.

changedetection.io (``--cdio``: a virtual environment with it installed) is started on loopback with a fresh
data directory, given ``--cdio-count`` watches through its REST API, asked to recheck them all, and timed from
its own ``last_checked`` stamps. Results go to ``bench/out/probe.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import resource
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import OUT, log, machine, table, write_json

HERE = Path(__file__).resolve().parent
GOAL_PER_SECOND = 1_000.0
GOAL_VS_CDIO = 10.0
GOAL_VS_BARE = 0.67
GOAL_RSS_MIB = 300.0
WARMUP = 200


# --- the targets -------------------------------------------------------------------------------------------


class Targets:
    """The target process: started with ``probe_targets.py``, stopped by its pid."""

    def __init__(self, count: int, ports: int, https_ports: int, keep_alive: bool) -> None:
        command = [
            sys.executable,
            str(HERE / "probe_targets.py"),
            f"--count={count + WARMUP}",
            f"--ports={ports}",
            f"--https-ports={https_ports}",
            f"--cert-dir={OUT / 'probe-tls'}",
        ]
        if keep_alive:
            command.append("--keep-alive")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the target process did not start")
        info = json.loads(line)
        urls: list[str] = info["urls"]
        # The first WARMUP sites are only for warming up, so no timed pass meets a page seen before.
        self.warmup, self.urls = urls[:WARMUP], urls[WARMUP:]
        self.ca_file: str | None = info["ca_file"]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the two measured sides, each in a child process -------------------------------------------------------


async def bare_pass(urls: Sequence[str], concurrency: int, ca_file: str | None) -> dict[str, int]:
    """GET and read the body of every URL, ``concurrency`` at once, one session; nothing else."""
    import aiohttp

    context = ssl.create_default_context(cafile=ca_file)
    gate = asyncio.Semaphore(concurrency)
    counts = {"ok": 0, "failed": 0, "bytes": 0}
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0, ssl=context)
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(url: str) -> None:
            async with gate:
                try:
                    async with session.get(url) as response:
                        body = await response.read()
                    counts["ok" if response.status < 400 else "failed"] += 1
                    counts["bytes"] += len(body)
                except (aiohttp.ClientError, TimeoutError):
                    counts["failed"] += 1

        await asyncio.gather(*(one(u) for u in urls))
    return counts


class _Tally:
    """What a pass saw, counted as each result arrives; the results themselves are not kept (as the bare
    loop keeps no body), which is how the scheduler consumes a batch: record, then let go."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "ok",
                "failed",
                "bytes",
                "content_hashed",
                "reused",
                "headers_graded",
                "tls_read",
                "hidden_link_findings",
            ),
            0,
        )

    def add(self, result: Any) -> None:
        counts = self.counts
        counts["ok" if result.ok else "failed"] += 1
        counts["bytes"] += result.body_bytes
        counts["content_hashed"] += result.content is not None
        counts["reused"] += result.content is not None and result.content.reused
        counts["headers_graded"] += result.headers is not None
        counts["tls_read"] += result.tls is not None and result.tls.valid_chain is True
        counts["hidden_link_findings"] += sum(1 for f in result.findings if f.check.startswith("hidden"))


async def _cycle(targets: Sequence[Any], concurrency: int, options: Any, keep: Callable[[Any], None]) -> None:
    """One monitoring cycle over ``targets`` on a fresh engine (an empty analysis cache), streamed."""
    from jixiao.domain.probes.engine import ProbeEngine

    async with ProbeEngine(concurrency=concurrency, per_host=concurrency) as engine:
        async for _, result in engine.stream(targets, options=options):
            keep(result)


async def ours_pass(urls: Sequence[str], concurrency: int, ca_file: str | None) -> dict[str, int]:
    """``ProbeEngine.stream`` with ``ROUTINE_CHECKS`` over every URL: a first cycle, every page parsed."""
    from jixiao.domain.probes.model import ROUTINE_CHECKS, ProbeOptions

    tally = _Tally()
    await _cycle(urls, concurrency, ProbeOptions(checks=ROUTINE_CHECKS, ca_file=ca_file), tally.add)
    return tally.counts


async def ours_without_hidden_pass(
    urls: Sequence[str], concurrency: int, ca_file: str | None
) -> dict[str, int]:
    """The same as ``ours_pass`` without the hidden-link check: what that check costs (``--ablate``)."""
    from jixiao.domain.probes.model import ROUTINE_CHECKS, Check, ProbeOptions

    tally = _Tally()
    options = ProbeOptions(checks=ROUTINE_CHECKS - {Check.HIDDEN_LINKS}, ca_file=ca_file)
    await _cycle(urls, concurrency, options, tally.add)
    return tally.counts


async def ours_without_redirect_pass(
    urls: Sequence[str], concurrency: int, ca_file: str | None
) -> dict[str, int]:
    """``ours_pass`` without asking http://host/ for https sites: what that extra request costs (``--ablate``)."""
    from jixiao.domain.probes.model import ROUTINE_CHECKS, ProbeOptions

    tally = _Tally()
    options = ProbeOptions(checks=ROUTINE_CHECKS, ca_file=ca_file, check_http_redirect=False)
    await _cycle(urls, concurrency, options, tally.add)
    return tally.counts


async def ours_steady_pass(
    urls: Sequence[str], concurrency: int, ca_file: str | None
) -> dict[str, int | float]:
    """A first ``ours_pass`` cycle, then the cycle after it, the one a patrol repeats (``--steady``).

    Each cycle gets a fresh engine, as every production batch does, so its in-memory analysis cache cannot
    help; the second cycle is given what the scheduler stores per asset after the first: the page baseline
    and the http→https answer. Only the second cycle is timed; the first one's seconds are reported beside.
    """
    from jixiao.domain.probes.engine import ProbeTarget
    from jixiao.domain.probes.model import ROUTINE_CHECKS, ProbeOptions

    options = ProbeOptions(checks=ROUTINE_CHECKS, ca_file=ca_file)
    targets: list[Any] = []

    def remember(result: Any) -> None:
        targets.append(
            ProbeTarget(
                result.url, replace(options, baseline=result.baseline, redirection=result.redirection)
            )
        )

    first_started = time.perf_counter()
    await _cycle(urls, concurrency, options, remember)
    first_seconds = time.perf_counter() - first_started
    # The stored state is the batch's input, like the URL list of the bare loop: frozen out of collection.
    gc.collect()
    gc.freeze()
    if _clock is not None:  # the garbage collections of the second cycle alone
        _clock.reset()
    tally = _Tally()
    cpu_before = sum(os.times()[:2])
    started = time.perf_counter()
    await _cycle(targets, concurrency, None, tally.add)
    seconds = time.perf_counter() - started
    return {
        **tally.counts,
        "first_cycle_seconds": round(first_seconds, 3),
        "steady_seconds": round(seconds, 3),
        "steady_cpu_seconds": round(sum(os.times()[:2]) - cpu_before, 3),
    }


PASSES: dict[str, Callable[[Sequence[str], int, str | None], Coroutine[Any, Any, dict[str, Any]]]] = {
    "bare": bare_pass,
    "ours": ours_pass,
    "ours_no_hidden": ours_without_hidden_pass,
    "ours_no_redirect": ours_without_redirect_pass,
    "ours_steady": ours_steady_pass,
}


class _GcClock:
    """A ``gc.callbacks`` entry adding up the time spent in garbage collection, per generation counted."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._started = 0.0

    def reset(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1


_clock: _GcClock | None = None  # the child's, so that the steady pass can time its second cycle alone


def child(side: str, spec_path: Path) -> int:
    spec = json.loads(spec_path.read_text())
    run = PASSES[side]
    # Imports, lxml, SSL contexts and the allocator are warmed on other sites with another session.
    asyncio.run(run(spec["warmup"], spec["concurrency"], spec["ca_file"]))
    # What lives for the whole process is frozen out of garbage collection, as ``monitor`` does at start;
    # both sides alike, so the comparison is of the loops and not of the heap they start with.
    gc.collect()
    gc.freeze()
    global _clock
    collecting = _clock = _GcClock()
    gc.callbacks.append(collecting)
    cpu_before = sum(os.times()[:2])
    started = time.perf_counter()
    counts: dict[str, Any] = asyncio.run(run(spec["urls"], spec["concurrency"], spec["ca_file"]))
    seconds = time.perf_counter() - started
    gc.callbacks.remove(collecting)
    cpu_seconds = sum(os.times()[:2]) - cpu_before
    if "steady_seconds" in counts:
        # The steady pass runs two cycles; what it measures is the second one alone (time, CPU and GC; the
        # target server's CPU still counts both).
        seconds = counts["steady_seconds"]
        cpu_seconds = counts["steady_cpu_seconds"]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "gc_seconds": round(collecting.seconds, 3),
                "gc_collections": collecting.collections,
                "counts": counts,
            }
        )
    )
    return 0


def timed_child(side: str, spec_path: Path, targets: Targets) -> dict[str, Any]:
    server_before = targets.cpu_seconds()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", side, "--spec", str(spec_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{side} pass failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["server_cpu_seconds"] = targets.cpu_seconds() - server_before
    return result


# --- changedetection.io -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return int(probe_socket.getsockname()[1])


def _api(port: int, key: str, method: str, path: str, body: object = None) -> Any:
    if isinstance(body, str):
        data, content_type = body.encode(), "text/plain"
    else:
        data, content_type = (json.dumps(body).encode() if body is not None else None), "application/json"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=data,
        method=method,
        headers={"x-api-key": key, "Content-Type": content_type},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        raw = response.read()
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return raw.decode("utf-8", "replace")


def _api_key(datastore: Path, deadline: float) -> str:
    # A fresh datastore writes its API key into changedetection.json (url-watches.json before 0.50).
    while time.monotonic() < deadline:
        for name in ("changedetection.json", "url-watches.json"):
            path = datastore / name
            try:
                data = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            key = data.get("settings", {}).get("application", {}).get("api_access_token")
            if key:
                return str(key)
        time.sleep(0.5)
    raise TimeoutError(f"no API key in {datastore}")


def _wave(port: int, key: str, expected: int, since: float, timeout: float) -> dict[str, Any]:
    """Wait until every watch has a ``last_checked`` ≥ ``since`` and the queue is empty; rate the wave.

    changedetection.io stamps ``last_checked`` with the whole second a check starts, so the rate is the
    checks over the span from the first to the last stamp plus one second (the last second's checks).
    """
    deadline = time.monotonic() + timeout
    stamps: list[float] = []
    errors = 0
    while time.monotonic() < deadline:
        time.sleep(2)
        try:
            listing = _api(port, key, "GET", "watch")
        except urllib.error.HTTPError:
            # Listing while its background import adds watches fails ("dictionary changed size during
            # iteration" in its API): ask again.
            continue
        # The stamps are rounded to the nearest second, so a check started just after ``since`` may be
        # stamped half a second before it; the waves are two seconds apart.
        checked = [w for w in listing.values() if float(w.get("last_checked") or 0) >= since - 0.75]
        stamps = sorted(float(w["last_checked"]) for w in checked)
        errors = sum(1 for w in checked if w.get("last_error"))
        if len(stamps) >= expected and _api(port, key, "GET", "systeminfo")["queue_size"] == 0:
            break
    finished = time.time()
    span = stamps[-1] - stamps[0] + 1 if stamps else float("nan")
    return {
        "checked": len(stamps),
        "errors": errors,
        "stamp_span_seconds": span,
        "per_second": len(stamps) / span if stamps else 0.0,
        # An upper bound on the time taken (polling every 2 s), so a lower bound on the rate.
        "wall_seconds": finished - since,
    }


def cdio_pass(
    venv: Path, urls: Sequence[str], *, ca_file: str | None, workers: int, timeout: float
) -> dict[str, Any]:
    """Start changedetection.io, import one watch per URL, and rate two waves from its own stamps.

    The first wave is the first check of every new watch (the scheduler queues them as soon as they are
    imported); the second is ``recheck_all`` over the same, now unchanged, pages.
    """
    datastore = Path(tempfile.mkdtemp(prefix="cdio-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DISABLE_VERSION_CHECK": "true",
        "ALLOW_IANA_RESTRICTED_ADDRESSES": "true",
        "FETCH_WORKERS": str(workers),
    }
    if ca_file:
        env["REQUESTS_CA_BUNDLE"] = ca_file  # its requests fetcher then trusts the targets' throw-away CA
    log_file = (OUT / "cdio.log").open("w")
    process = subprocess.Popen(
        [
            str(venv / "bin" / "changedetection.io"),
            *("-d", str(datastore), "-h", "127.0.0.1", "-p", str(port)),
            # A URL on the command line stops it adding its two default watches, which are on the internet.
            *("-u", urls[0]),
            # Warnings only: its per-check debug log is not what is being compared.
            *("-l", "WARNING"),
        ],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    started_at, started_wall = time.monotonic(), time.time()
    try:
        key = _api_key(datastore, started_at + 120)
        while True:
            try:
                info = _api(port, key, "GET", "systeminfo")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() - started_at > 120 or process.poll() is not None:
                    raise
                time.sleep(0.5)
        log(f"  changedetection.io {info.get('version')} up after {time.monotonic() - started_at:.1f} s")
        since = started_wall
        answer = _api(port, key, "POST", "import?dedupe=false", "\n".join(urls[1:]))
        log(f"  import: {str(answer)[:120]}")
        first = _wave(port, key, len(urls), since, timeout)
        log(f"  first checks: {first}")
        time.sleep(2)  # so the two waves' stamps cannot mix
        since = time.time()
        log(f"  recheck_all: {str(_api(port, key, 'GET', 'watch?recheck_all=1'))[:120]}")
        second = _wave(port, key, len(urls), since, timeout)
        log(f"  rechecks: {second}")
        best = max(first["per_second"], second["per_second"])
        return {
            "version": info.get("version"),
            "watches": len(urls),
            "workers": workers,
            "first_checks": first,
            "rechecks": second,
            # The better wave is the one compared: the comparison never flatters this project.
            "per_second": best,
            "checked": second["checked"],
            "seconds": len(urls) / best if best else None,
            "peak_rss_mib": _peak_rss_mib(process.pid),
        }
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()
        shutil.rmtree(datastore, ignore_errors=True)


def _peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- the run -----------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    log(f"starting {args.count} target sites on {args.ports} ports ({args.https_ports} https)")
    targets = Targets(args.count, args.ports, args.https_ports, args.keep_alive)
    try:
        spec_path = OUT / "probe-spec.json"
        spec = {
            "urls": targets.urls,
            "warmup": targets.warmup,
            "concurrency": args.concurrency,
            "ca_file": targets.ca_file,
        }
        write_json(spec_path, spec)
        names: tuple[str, ...] = ("bare", "ours")
        if args.ablate:
            names += ("ours_no_hidden", "ours_no_redirect")
        if args.steady:
            names += ("ours_steady",)
        sides: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        for index in range(args.runs):
            for side in names:
                result = timed_child(side, spec_path, targets)
                sides[side].append(result)
                log(
                    f"  run {index + 1}/{args.runs} {side}: {result['seconds']:.2f} s, "
                    f"{args.count / result['seconds']:,.0f}/s, {result['peak_rss_mib']:.0f} MiB, "
                    f"cpu {result['cpu_seconds']:.1f} s (gc {result['gc_seconds']:.1f} s), "
                    f"server cpu {result['server_cpu_seconds']:.1f} s, {result['counts']}"
                )
        cdio: dict[str, Any] | None = None
        if args.cdio is not None:
            log(f"changedetection.io from {args.cdio} over {args.cdio_count} sites")
            try:
                cdio = cdio_pass(
                    args.cdio,
                    # Every n-th site, so the share of https is the same as for the other sides.
                    targets.urls[:: max(1, args.count // args.cdio_count)][: args.cdio_count],
                    ca_file=targets.ca_file,
                    workers=args.cdio_workers,
                    timeout=args.cdio_timeout,
                )
            except Exception as exc:  # reported, not fatal: the other sides stand on their own
                cdio = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"  {cdio}")
    finally:
        targets.stop()
    https = sum(u.startswith("https") for u in targets.urls)
    summary = {
        side: {
            "runs": results,
            "median_seconds": statistics.median(r["seconds"] for r in results),
            "per_second": args.count / statistics.median(r["seconds"] for r in results),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
        }
        for side, results in sides.items()
    }
    ours = summary["ours"]["per_second"]
    bare = summary["bare"]["per_second"]
    goals: dict[str, dict[str, Any]] = {}

    def goal(name: str, target: float, value: float | None, *, at_most: bool = False) -> None:
        met = None if value is None else (value <= target if at_most else value >= target)
        goals[name] = {"goal": target, "value": value, "met": met}

    # Each cycle is judged on its own: the first one parses every page, the steady one (what a patrol
    # repeats) finds them unchanged. changedetection.io is compared cycle with cycle: its first checks of
    # new watches with our first cycle, its recheck of unchanged pages with our steady state.
    cdio_first = cdio["first_checks"]["per_second"] if cdio and "first_checks" in cdio else None
    cdio_again = cdio["rechecks"]["per_second"] if cdio and "rechecks" in cdio else None
    goal("checks_per_second", GOAL_PER_SECOND, ours)
    goal("vs_bare", GOAL_VS_BARE, ours / bare)
    goal("vs_cdio", GOAL_VS_CDIO, ours / cdio_first if cdio_first else None)
    if "ours_steady" in summary:
        steady = summary["ours_steady"]["per_second"]
        goal("steady_checks_per_second", GOAL_PER_SECOND, steady)
        goal("steady_vs_bare", GOAL_VS_BARE, steady / bare)
        goal("steady_vs_cdio", GOAL_VS_CDIO, steady / cdio_again if cdio_again else None)
    goal(
        "peak_rss_mib",
        GOAL_RSS_MIB,
        max(v["peak_rss_mib"] for k, v in summary.items() if k != "bare"),
        at_most=True,
    )
    return {
        "benchmark": "probe",
        "machine": machine(),
        "count": args.count,
        "https": https,
        "ports": args.ports,
        "keep_alive": args.keep_alive,
        "concurrency": args.concurrency,
        "runs": args.runs,
        "sides": summary,
        "cdio": cdio,
        "goals": goals,
    }


def report(result: dict[str, Any]) -> str:
    bare = result["sides"]["bare"]["per_second"]
    cdio = result["cdio"] or {}
    waves = {
        "first": (cdio.get("first_checks") or {}).get("per_second") or None,
        "again": (cdio.get("rechecks") or {}).get("per_second") or None,
    }
    rows: list[list[object]] = []
    names = {
        "bare": ("bare aiohttp GET", None),
        "ours": ("stream ROUTINE_CHECKS, first cycle", "first"),
        "ours_no_hidden": ("  same without hidden_links", "first"),
        "ours_no_redirect": ("  same without the http→https request", "first"),
        "ours_steady": ("stream ROUTINE_CHECKS, steady state", "again"),
    }
    for side, figures in result["sides"].items():
        name, wave = names[side]
        rate = figures["per_second"]
        against = waves.get(wave) if wave else None
        rows.append(
            [
                name,
                result["count"],
                figures["median_seconds"],
                rate,
                rate / bare,
                rate / against if against else "-",
                figures["peak_rss_mib"],
            ]
        )
    for wave, label in (("first", "first checks"), ("again", "rechecks")):
        rate = waves[wave]
        if rate:
            rows.append(
                [
                    f"changedetection.io, {label}",
                    cdio["watches"],
                    cdio["watches"] / rate,
                    rate,
                    rate / bare,
                    1.0,
                    cdio.get("peak_rss_mib") or "-",
                ]
            )
    lines = [
        table(["side", "checks", "median s", "checks/s", "× bare", "× cdio", "peak RSS MiB"], rows),
        "",
        f"{result['count']} sites ({result['https']} https) on {result['ports']} ports, "
        f"{'keep-alive' if result['keep_alive'] else 'a new connection per site'}, "
        f"concurrency {result['concurrency']}, median of {result['runs']} runs",
    ]
    if cdio.get("error"):
        lines.append(f"changedetection.io: {cdio['error']}")
    for name, goal in result["goals"].items():
        value = goal["value"]
        verdict = "n/a" if goal["met"] is None else ("met" if goal["met"] else "MISSED")
        shown = "-" if value is None else f"{value:,.2f}"
        lines.append(f"goal {name}: {shown} against {goal['goal']:,} ({verdict})")
    return "\n".join(lines)


def profile(args: argparse.Namespace) -> int:
    targets = Targets(args.profile, args.ports, args.https_ports, args.keep_alive)
    try:
        asyncio.run(ours_pass(targets.warmup, args.concurrency, targets.ca_file))
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(ours_pass(targets.urls, args.concurrency, targets.ca_file))
        profiler.disable()
    finally:
        targets.stop()
    path = OUT / "profile-probe_many.pstats"
    profiler.dump_stats(path)
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="probe_many against a bare aiohttp loop and changedetection.io"
    )
    parser.add_argument("--count", type=int, default=10_000, help="target sites (default 10000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=100, help="requests in flight, both sides")
    parser.add_argument("--ports", type=int, default=12)
    parser.add_argument("--https-ports", type=int, default=2, help="how many of --ports speak TLS")
    parser.add_argument("--keep-alive", action="store_true", help="let the targets keep connections open")
    parser.add_argument("--cdio", type=Path, help="virtual environment with changedetection.io installed")
    parser.add_argument("--cdio-count", type=int, default=1000)
    parser.add_argument("--cdio-workers", type=int, default=10, help="its FETCH_WORKERS (default 5)")
    parser.add_argument("--cdio-timeout", type=float, default=300.0)
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="also time the first cycle without hidden_links, and without the http→https request",
    )
    parser.add_argument(
        "--steady",
        action="store_true",
        help="also time a second cycle over the same sites with the first cycle's baselines",
    )
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile probe_many over N sites instead")
    parser.add_argument("--json", type=Path, default=OUT / "probe.json")
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="print the report of an earlier run's JSON and exit"
    )
    parser.add_argument("--child", choices=sorted(PASSES), help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.spec)
    if args.report:
        print(report(json.loads(args.report.read_text())))
        return 0
    if args.profile:
        return profile(args)
    result = run(args)
    write_json(args.json, result)
    print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
