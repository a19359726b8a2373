"""Every benchmark in turn, then one summary table against the goals; ``make bench`` runs this.

    python bench/run_all.py [--count 10000] [--runs 1] [--single-count 200]

Each benchmark runs in its own process (so its peak memory is its own) and leaves its JSON in ``bench/out``.
The default is one timed pass per side over the corpus, which keeps the whole run to a few minutes on two
cores; ``--runs 3`` gives the medians quoted in ``docs/benchmarks.md``. The store benchmark reuses the bare
read the parse benchmark just timed, so the corpus is not read bare twice.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import OUT, ROOT, log, table

BENCH = ROOT / "bench"


def _run(script: str, args: list[str]) -> None:
    command = [sys.executable, str(BENCH / script), *args]
    log("$ " + " ".join(command[1:]))
    subprocess.run(command, check=True, cwd=ROOT)


def summary(parse: dict[str, Any], store: dict[str, Any] | None) -> str:
    rows: list[list[object]] = []
    for section in parse["sections"]:
        if "bare_naive_docx" in section["sides"]:
            continue
        bare, ours = section["sides"]["bare"], section["sides"]["ours"]
        goal = ""
        if section is parse["sections"][1]:
            goal = f"≤ {parse['goal']['ratio_max']}× bare: " + ("met" if parse["goal"]["met"] else "MISSED")
        rows.append(
            [
                f"parse {section['label']}",
                section["files"],
                f"{bare['median']:.2f}",
                f"{ours['median']:.2f}",
                f"{section['forms'] / ours['median']:.0f}",
                f"{section['ratio']:.2f}×",
                f"{ours['peak_rss_mib']:.0f}",
                goal,
            ]
        )
    if store is not None:
        m, n = store["median"], store["count"]
        g = store["goal"]
        rows.append(
            [
                "parse + store (fresh SQLite)",
                n,
                f"{store['bare']['median']:.2f}",
                f"{m['total']:.2f}",
                f"{n / m['total']:.0f}",
                f"{store['ratio_total_to_bare']:.2f}×",
                f"{max(store['peak_rss_mib'].values()):.0f}",
                f"≤ {g['seconds_max']:.0f} s per 10,000: {g['seconds_for_10000']:.0f} s, "
                + ("met" if g["met"] else "MISSED"),
            ]
        )
        rows.append(
            ["  of which do_import_forms", n, "", f"{m['store']:.2f}", f"{n / m['store']:.0f}", "", "", ""]
        )
        rows.append(
            [
                "re-import (unchanged)",
                n,
                "",
                f"{m['reimport_store']:.2f}",
                f"{n / m['reimport_store']:.0f}",
                "",
                "",
                "",
            ]
        )
    headers = ["benchmark", "files", "bare s", "ours s", "forms/s", "ours/bare", "peak MiB", "goal"]
    return table(headers, rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run every benchmark and print a summary")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=1, help="timed runs over the corpus, for each benchmark")
    parser.add_argument("--seed-runs", type=int, default=5)
    parser.add_argument("--single-count", type=int, default=200, help="corpus forms also timed in 1 process")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-store", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    common = ["--count", str(args.count), "--seed", str(args.seed), "--workers", str(args.workers)]
    parse_json, store_json = OUT / "parse.json", OUT / "store.json"
    _run(
        "bench_parse.py",
        [*common, "--runs", str(args.runs), "--seed-runs", str(args.seed_runs), "--single-count",
         str(args.single_count), "--json", str(parse_json)],
    )  # fmt: skip
    parse = json.loads(parse_json.read_text(encoding="utf-8"))
    store = None
    if not args.skip_store:
        _run(
            "bench_store.py",
            [*common, "--runs", str(args.runs), "--bare-from", str(parse_json), "--json", str(store_json)],
        )
        store = json.loads(store_json.read_text(encoding="utf-8"))
    print()
    print(f"summary ({parse['machine']['cpus']} cpus, {parse['machine']['date']}, corpus runs: {args.runs})")
    print(summary(parse, store))
    print(f"\nall benchmarks took {time.perf_counter() - started:.0f} s; JSON in {Path(OUT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
