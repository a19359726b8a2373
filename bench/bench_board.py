"""Live board benchmark: the security board's partial (``/security/board/live/``, what htmx polls every 15 s)
answering over 10,000 assets with their monitoring state, live findings and open incidents.

    python bench/bench_board.py [--assets 10000] [--findings 20000] [--runs 5] [--requests 40]
    python bench/bench_board.py --server [--duration 8] [--connections 4] [--churn 5]   # gunicorn + wrk
    python bench/bench_board.py --database /tmp/board.sqlite3 ...   # keep (and reuse) the database

A fresh SQLite database in a temporary folder (or ``--database``, filled once and reused): migrated, a unit
tree (the office and 20 owner units), the assets registered through ``do_import_assets`` from a generated csv
(the production path), their states as the monitor leaves them (2 % down, response times, certificates,
header grades), findings of every severity and state, 50 open incidents, one security staff member on the
office and one viewer of a single owner unit (500 assets). The snapshot is published as the monitor
publishes it (``security.board.refresh``) before anything is timed.

In process (the default): each run times ``--requests`` requests of the partial through Django's test client
(after one warm-up request), unfiltered, by unit, by tag, and as the unit's viewer; the figures are the
medians over ``--runs`` runs of each run's median, p95, max and CPU time per request (``time.process_time``:
what the request costs whatever the machine's load). Results go to ``bench/out/board.json``.

``--server``: the same requests through gunicorn (``jixiao.gunicorn_conf``, ``--workers`` sync workers) driven by
``wrk`` (``bench/load.lua``, ``--connections`` connections, ``--duration`` s per case, ``--runs`` runs), signed in
through the sign-in form, with the helpers of ``bench/load.py``: req/s, p50/p95/p99 and the server's CPU ms per
request (the workers' CPU time over the run ÷ requests). ``--churn N`` plays the monitor meanwhile: every N s
it marks 200 assets checked again and republishes the snapshot, so the workers load new snapshots and render
new rows while they answer (0: the data stands still). Results go to ``bench/out/board_server.json``. The goal:
p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, machine, table, write_json

GOAL_P95_MS = 100.0
UNITS = 20
STAFF = "bench_security"
VIEWER = "bench_unit_viewer"
PASSWORD = "jixiao-bench"  # the password ``load.sign_in`` signs in with (``load_data.PASSWORD``)


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    os.environ.setdefault("JIXIAO_DEBUG", "1")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, in-memory e-mail


def populate(folder: Path, assets: int, findings: int) -> Any:
    """The database of the benchmark; returns the security staff member."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from jixiao.orgs.actions import do_create_unit, do_grant_membership
    from jixiao.orgs.actors import SYSTEM
    from jixiao.security.actions.assets import do_import_assets
    from jixiao.security.choices import FindingStatusChoices, SeverityChoices
    from jixiao.security.models import Asset, AssetState, Finding, Incident

    call_command("migrate", verbosity=0, interactive=False)
    office = do_create_unit("基准测试市委网信办", acting_user=SYSTEM, reason="benchmark")
    owners = [
        do_create_unit(f"基准测试单位{n:02d}", parent=office, acting_user=SYSTEM, reason="benchmark")
        for n in range(UNITS)
    ]
    rng = random.Random(20261206)
    registry = folder / "assets.csv"
    with registry.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "类型", "主办单位", "网址", "重要程度", "联系人", "标签"])
        for n in range(assets):
            writer.writerow(
                [
                    f"基准网站{n:05d}",
                    "网站" if n % 5 else "信息系统",
                    owners[n % UNITS].name,
                    f"http://site{n:05d}.bench.example/",
                    "重点" if n % 10 == 0 else "一般",
                    "联系人",
                    "政务网站、重点" if n % 10 == 0 else "政务网站",
                ]
            )
    started = time.perf_counter()
    do_import_assets(registry, acting_user=SYSTEM, reason="benchmark")
    imported = time.perf_counter() - started

    now = timezone.now()
    states = list(AssetState.objects.unrestricted().order_by("asset_id"))
    for state in states:
        state.last_checked_at = now - dt.timedelta(seconds=rng.randint(0, 300))
        state.failing = rng.random() < 0.02
        state.last_ok = not state.failing
        state.last_status = None if state.failing else 200
        state.last_total_ms = None if state.failing else rng.randint(20, 900)
        state.cert_expires = now + dt.timedelta(days=rng.randint(-5, 400))
        state.header_grade = rng.choice(["A+", "A", "B", "C", "D", "F"])
        state.header_score = rng.randint(0, 110)
    AssetState.objects.unrestricted().bulk_update(
        states,
        [
            "last_checked_at",
            "failing",
            "last_ok",
            "last_status",
            "last_total_ms",
            "cert_expires",
            "header_grade",
            "header_score",
        ],
        batch_size=1000,
    )
    asset_ids = list(Asset.objects.unrestricted().values_list("pk", flat=True))
    statuses = [s for s, _ in FindingStatusChoices.choices]
    severities = [s for s, _ in SeverityChoices.choices]
    rows = []
    for n in range(findings):
        asset_id = asset_ids[n % len(asset_ids)]
        rows.append(
            Finding(
                asset_id=asset_id,
                key=f"k{n}",
                check_name="headers.content-security-policy",
                category="headers",
                severity=rng.choice(severities),
                message="未设置 Content-Security-Policy 安全头",
                status=rng.choice(statuses),
                first_seen=now,
                last_seen=now,
                status_changed_at=now,
            )
        )
    Finding.objects.bulk_create(rows, batch_size=1000)
    Incident.objects.bulk_create(
        [
            Incident(
                unit=owners[n % UNITS],
                asset_id=asset_ids[n],
                title=f"基准网站{n:05d}无法访问",
                sla_hours=6,
                opened_at=now,
                due_at=now + dt.timedelta(hours=6),
                outage=True,
            )
            for n in range(50)
        ]
    )
    staff = User.objects.create_user(STAFF, password=PASSWORD)
    do_grant_membership(staff, office, "security", acting_user=SYSTEM, reason="benchmark")
    viewer = User.objects.create_user(VIEWER, password=PASSWORD)
    do_grant_membership(viewer, owners[3], "viewer", acting_user=SYSTEM, reason="benchmark")
    print(f"populated: {assets} assets (import {imported:.1f} s), {findings} findings, 50 incidents")


def time_requests(client: Any, url: str, requests: int) -> tuple[list[float], float]:
    """Wall times (ms) of ``requests`` requests after a warm-up, and their CPU time per request (ms)."""
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    cpu = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times, (time.process_time() - cpu) / requests * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def cases(unit_pk: int) -> dict[str, tuple[str, str]]:
    """What is timed: (label) → (person, URL)."""
    return {
        "board partial, every asset": (STAFF, "/security/board/live/"),
        "board partial, one unit": (STAFF, f"/security/board/live/?unit={unit_pk}"),
        "board partial, tag 重点": (STAFF, "/security/board/live/?tag=重点"),
        "board partial, a unit's viewer (500 assets)": (VIEWER, "/security/board/live/"),
        "board page (first load)": (STAFF, "/security/"),
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def churn(seconds: float, stop: threading.Event) -> None:
    """The monitor's part while the server is timed: every ``seconds``, 200 assets checked again, the
    snapshot rebuilt and published (``board.refresh``)."""
    from django.db import connection
    from django.utils import timezone

    from jixiao.security import board
    from jixiao.security.models import AssetState

    rng = random.Random(7)
    try:
        while not stop.wait(seconds):
            states = list(AssetState.objects.unrestricted().order_by("?")[:200])
            now = timezone.now()
            for state in states:
                state.last_checked_at = now
                state.last_total_ms = rng.randint(20, 900)
            AssetState.objects.unrestricted().bulk_update(states, ["last_checked_at", "last_total_ms"])
            board.refresh(at_most_every=0)
    finally:
        connection.close()


def in_process(args: argparse.Namespace, unit_pk: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.security import board

    clients: dict[str, Any] = {}
    for username in (STAFF, VIEWER):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    rebuilds = []
    for _ in range(args.runs):
        started = time.perf_counter()
        board._build(board._version())
        rebuilds.append((time.perf_counter() - started) * 1000)
    rebuild_ms = statistics.median(rebuilds)
    load_before = loadavg()
    anonymous = Client()
    results: dict[str, dict[str, float]] = {}
    timed = {**cases(unit_pk), "baseline: the sign-in page (no query)": ("", "/accounts/login/")}
    for label, (person, url) in timed.items():
        medians, p95s, maxes, cpus = [], [], [], []
        for _ in range(args.runs):
            times, cpu = time_requests(clients.get(person, anonymous), url, args.requests)
            medians.append(statistics.median(times))
            p95s.append(p95(times))
            maxes.append(max(times))
            cpus.append(cpu)
        results[label] = {
            "median_ms": statistics.median(medians),
            "p95_ms": statistics.median(p95s),
            "max_ms": statistics.median(maxes),
            "cpu_ms": statistics.median(cpus),
        }
    with CaptureQueriesContext(connection) as queries:
        clients[STAFF].get("/security/board/live/")
    if args.queries:
        for query in queries.captured_queries:
            print(f"{query['time']:>7} s  {query['sql'][:300]}")
    rows = [
        [label, f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['max_ms']:.1f}", f"{r['cpu_ms']:.1f}"]
        for label, r in results.items()
    ]
    print(table(["request", "median ms", "p95 ms", "max ms", "CPU ms/req"], rows))
    worst = max(r["p95_ms"] for label, r in results.items() if "partial" in label)
    print(f"queries per partial: {len(queries.captured_queries)}; load average {load_before} → {loadavg()}")
    print(
        f"snapshot rebuild (every asset and live finding; in the monitor, not in a request): {rebuild_ms:.0f} ms"
    )
    print(f"goal p95 ≤ {GOAL_P95_MS:.0f} ms: {'met' if worst <= GOAL_P95_MS else 'missed'} ({worst:.1f} ms)")
    write_json(
        OUT / "board.json",
        {
            "machine": machine(),
            "assets": args.assets,
            "findings": args.findings,
            "runs": args.runs,
            "requests": args.requests,
            "load_average": [load_before, loadavg()],
            "results": results,
            "queries_per_partial": len(queries.captured_queries),
            "snapshot_rebuild_ms": rebuild_ms,
        },
    )


@contextlib.contextmanager
def churning(seconds: float) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=churn, args=(seconds, stop), daemon=True)
    if seconds > 0:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if seconds > 0:
            thread.join()


def served(args: argparse.Namespace, database: Path, unit_pk: int, work: Path) -> None:
    """The cases through gunicorn and wrk (``bench/load.py``'s helpers)."""
    import shutil
    import subprocess

    import load

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing (apt-get install -y wrk)")
    port = load.free_port()
    db = load.Database("SQLite", f"sqlite:///{database}")
    env = load.app_env(db, work, port, args.workers)
    subprocess.run(
        [str(load.PYTHON), "-m", "jixiao.manage", "collectstatic", "--noinput"],
        env=env,
        cwd=load.ROOT,
        check=True,
        capture_output=True,
    )
    base = f"http://127.0.0.1:{port}"
    log = work / "gunicorn-board.log"
    load_before = loadavg()
    results: dict[str, list[dict[str, Any]]] = {}
    with load.gunicorn(env, port, log) as server:
        cookies = {person: load.sign_in(base, person) for person in (STAFF, VIEWER)}
        cookies[""] = ""  # the baseline: what the machine gives a page with no query
        timed = {**cases(unit_pk), "baseline: the sign-in page (no query)": ("", "/accounts/login/")}
        for person, url in timed.values():
            load.check(base, cookies[person], [url], log)
        with churning(args.churn):
            for run in range(args.runs):
                for label, (person, url) in timed.items():
                    figures = load.measure(base, cookies[person], [url], args, work, [server.pid])
                    results.setdefault(label, []).append(figures)
                    print(
                        f"  run {run + 1}: {label}: {figures['rps']:.0f} req/s, p95 {figures['p95_ms']:.1f} ms, "
                        f"{figures['cpu_ms']:.1f} ms CPU/req, {figures['errors']} errors",
                        file=sys.stderr,
                    )
    medians = {label: load.median_of(runs) for label, runs in results.items()}
    print(
        "| request | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | errors | goal p95 |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    )
    for label, m in medians.items():
        met = "met" if m["p95_ms"] <= GOAL_P95_MS and m["errors"] == 0 else "missed"
        print(
            f"| {label} | {m['rps']:,.0f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['p99_ms']:.1f} "
            f"| {m['cpu_ms']:.1f} | {m['errors']} | {met} |"
        )
    print(
        f"{args.workers} gunicorn workers, wrk {args.threads} thread(s) × {args.connections} connections, "
        f"{args.duration} s × {args.runs} runs per case (medians); churn every {args.churn} s; "
        f"load average before {load_before}, after {loadavg()}; {os.cpu_count()} CPUs"
    )
    write_json(
        OUT / "board_server.json",
        {
            "machine": machine(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "load_average": [load_before, loadavg()],
            "runs": results,
            "medians": medians,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="print each query of one partial and its time")
    parser.add_argument("--database", type=Path, help="keep the database here (filled once, then reused)")
    parser.add_argument("--server", action="store_true", help="gunicorn + wrk instead of the test client")
    parser.add_argument("--duration", type=int, default=8, help="--server: seconds per case and run")
    parser.add_argument("--connections", type=int, default=4, help="--server: wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="--server: wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="--server: gunicorn workers")
    parser.add_argument("--churn", type=float, default=5.0, help="--server: the monitor's rebuild every N s")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-board-") as name:
        folder = Path(name)
        database = args.database or folder / "board.sqlite3"
        filled = database.exists()
        os.environ["JIXIAO_SECURITY_BOARD_FILE"] = str(folder / "security-board.pickle")
        setup_django(database)
        if not filled:
            populate(folder, args.assets, args.findings)
        from jixiao.orgs.models import Unit
        from jixiao.security import board

        unit = Unit.objects.unrestricted().filter(name="基准测试单位03").get()
        board.refresh(at_most_every=0)  # as the monitor publishes it
        if args.server:
            served(args, database, unit.pk, folder)
        else:
            in_process(args, unit.pk)


if __name__ == "__main__":
    main()
