"""Live board benchmark: the security board's partial (``/security/board/live/``, what htmx polls every 15 s)
answering over 10,000 assets with their monitoring state, live findings and open incidents.

    python bench/bench_board.py [--assets 10000] [--findings 20000] [--runs 5] [--requests 40]

A fresh SQLite database in a temporary folder: migrated, a unit tree (the office and 20 owner units), the
assets registered through ``do_import_assets`` from a generated csv (the production path), their states as
the monitor leaves them (2 % down, response times, certificates, header grades), findings of every severity
and state, 50 open incidents, and one security staff member on the office. Each run times ``--requests``
requests of the partial through Django's test client as that person (after one warm-up request), for the
unfiltered board and filtered by unit and by tag; the figures are the medians over ``--runs`` runs of each
run's median, p95 and max. Results go to ``bench/out/board.json``. The goal: p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, machine, table, write_json

GOAL_P95_MS = 100.0
UNITS = 20


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
    staff = User.objects.create_user("bench_security", password="bench")
    do_grant_membership(staff, office, "security", acting_user=SYSTEM, reason="benchmark")
    print(f"populated: {assets} assets (import {imported:.1f} s), {findings} findings, 50 incidents")
    return staff, owners[3]


def time_requests(client: Any, url: str, requests: int) -> list[float]:
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="print each query of one partial and its time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-board-") as name:
        folder = Path(name)
        setup_django(folder / "board.sqlite3")
        staff, unit = populate(folder, args.assets, args.findings)
        from django.test import Client

        client = Client()
        client.force_login(staff)
        cases = {
            "board partial, every asset": "/security/board/live/",
            "board partial, one unit": f"/security/board/live/?unit={unit.pk}",
            "board partial, tag 重点": "/security/board/live/?tag=重点",
            "board page (first load)": "/security/",
        }
        from jixiao.security import board

        rebuilds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            board._build(board._version())
            rebuilds.append((time.perf_counter() - started) * 1000)
        rebuild_ms = statistics.median(rebuilds)
        anonymous = Client()
        results: dict[str, dict[str, float]] = {}
        for label, url in {**cases, "baseline: the sign-in page (no query)": "/accounts/login/"}.items():
            medians, p95s, maxes = [], [], []
            for _ in range(args.runs):
                times = time_requests(anonymous if url == "/accounts/login/" else client, url, args.requests)
                medians.append(statistics.median(times))
                p95s.append(p95(times))
                maxes.append(max(times))
            results[label] = {
                "median_ms": statistics.median(medians),
                "p95_ms": statistics.median(p95s),
                "max_ms": statistics.median(maxes),
            }
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get("/security/board/live/")
        if args.queries:
            for query in queries.captured_queries:
                print(f"{query['time']:>7} s  {query['sql'][:300]}")
    rows = [
        [label, f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['max_ms']:.1f}"]
        for label, r in results.items()
    ]
    print(table(["request", "median ms", "p95 ms", "max ms"], rows))
    worst = max(r["p95_ms"] for label, r in results.items() if "partial" in label)
    print(f"queries per partial: {len(queries.captured_queries)}; load average {os.getloadavg()[0]:.1f}")
    print(f"snapshot rebuild (every asset and live finding, at most once per 5 s): {rebuild_ms:.0f} ms")
    print(f"goal p95 ≤ {GOAL_P95_MS:.0f} ms: {'met' if worst <= GOAL_P95_MS else 'missed'} ({worst:.1f} ms)")
    write_json(
        OUT / "board.json",
        {
            "machine": machine(),
            "assets": args.assets,
            "findings": args.findings,
            "runs": args.runs,
            "requests": args.requests,
            "results": results,
            "queries_per_partial": len(queries.captured_queries),
            "snapshot_rebuild_ms": rebuild_ms,
        },
    )


if __name__ == "__main__":
    main()
