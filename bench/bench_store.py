"""Store benchmark: parse the corpus and store it with ``do_import_forms`` into a fresh SQLite database.

    python bench/bench_store.py [--count 10000] [--runs 3] [--batch 500] [--workers 2] [--bare-runs 1]

Each run copies a migrated template database, then goes batch by batch: the pool of ``--workers`` processes
parses a batch of files (the forms come back pickled) and this process stores it with one
``do_import_forms`` call while the workers already parse the next batch (``parse`` in the figures is the
time spent waiting for parsed forms, ``store`` the time in ``do_import_forms``). A
re-import then stores the same forms again into the same database (the idempotent path: every project
unchanged). The goal is 10,000 forms parsed and stored in ≤ 60 s. Results go to ``bench/out/store.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import corpus
from _common import (
    CORPUS_DIR,
    OUT,
    chunks,
    log,
    machine,
    measure,
    peak_rss_mib,
    samples,
    start_workers,
    table,
    write_json,
)
from jixiao.orgs.actors import SYSTEM

GOAL_SECONDS = 60.0
GOAL_FORMS = 10_000
ROOT_UNIT = "基准测试市委网络安全和信息化委员会办公室"


def _parse_chunk(paths: list[str]) -> tuple[list[Any], float]:
    from jixiao.domain.forms import read_forms

    return [form for name in paths for form in read_forms(Path(name))], peak_rss_mib()


def _warm(paths: list[str]) -> None:
    _parse_chunk(paths)


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def setup_django(database: Path) -> None:
    """Point Django at ``database`` (before it is imported anywhere) and migrate a template copy of it."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()


def make_template(database: Path, template: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    from jixiao.orgs.actions import do_create_unit

    fresh_database(database, None)
    call_command("migrate", verbosity=0, interactive=False)
    # Units named on the forms are created under the single root unit.
    do_create_unit(ROOT_UNIT, acting_user=SYSTEM, reason="benchmark")
    connection.close()  # the last connection to close checkpoints the WAL into the main file
    shutil.copyfile(database, template)


def fresh_database(database: Path, template: Path | None) -> None:
    from django.db import connection

    connection.close()
    for path in _sqlite_files(database):
        path.unlink(missing_ok=True)
    if template is not None:
        shutil.copyfile(template, database)


def import_batches(
    pool: ProcessPoolExecutor, batches: list[list[Path]], *, keep: bool
) -> tuple[dict[str, Any], list[list[Any]]]:
    """Parse and store every batch; the seconds spent in each phase and, when ``keep``, the parsed forms."""
    from jixiao.performance.actions.imports import do_import_forms

    parse_s = store_s = 0.0
    created = forms_count = 0
    worker_rss = 0.0
    kept: list[list[Any]] = []
    started = time.perf_counter()

    def submit(batch: list[Path]) -> list[Any]:
        return [pool.submit(_parse_chunk, chunk) for chunk in chunks(batch)]

    # The workers parse batch k+1 while this process stores batch k.
    pending = submit(batches[0]) if batches else []
    for index in range(len(batches)):
        t0 = time.perf_counter()
        forms: list[Any] = []
        for future in pending:
            chunk_forms, rss = future.result()
            forms.extend(chunk_forms)
            worker_rss = max(worker_rss, rss)
        pending = submit(batches[index + 1]) if index + 1 < len(batches) else []
        t1 = time.perf_counter()
        result = do_import_forms(forms, acting_user=SYSTEM, reason="benchmark import")
        store_s += time.perf_counter() - t1
        parse_s += t1 - t0
        created += len(result.created)
        forms_count += len(forms)
        if keep:
            kept.append(forms)
    total = time.perf_counter() - started
    return {
        "total": total,
        "parse": parse_s,
        "store": store_s,
        "forms": forms_count,
        "created": created,
        "worker_rss_mib": worker_rss,
    }, kept


def reimport(batches: list[list[Any]]) -> dict[str, Any]:
    from jixiao.performance.actions.imports import do_import_forms

    unchanged = changed = 0
    started = time.perf_counter()
    for forms in batches:
        result = do_import_forms(forms, acting_user=SYSTEM, reason="benchmark re-import")
        unchanged += len(result.unchanged)
        changed += len(result.created) + len(result.updated)
    return {"store": time.perf_counter() - started, "unchanged": unchanged, "changed": changed}


def counts() -> dict[str, int]:
    from jixiao.audit.models import AuditEvent
    from jixiao.performance.models import Indicator, Project

    return {
        "projects": Project.objects.unrestricted().count(),
        "indicators": Indicator.objects.unrestricted().count(),
        "audit_events": AuditEvent.objects.unrestricted().count(),
    }


def run(
    *,
    count: int,
    seed: int,
    runs: int,
    batch: int,
    workers: int,
    bare_runs: int,
    bare_from: Path | None,
    corpus_dir: Path,
    work_dir: Path,
) -> dict[str, Any]:
    log(f"corpus: {count} forms in {corpus_dir}")
    paths = corpus.generate(corpus_dir, count, seed=seed, workers=workers, quiet=False)
    work_dir.mkdir(parents=True, exist_ok=True)
    database, template = work_dir / "bench.sqlite3", work_dir / "template.sqlite3"
    setup_django(database)
    make_template(database, template)
    batches = [paths[i : i + batch] for i in range(0, len(paths), batch)]

    runs_out: list[dict[str, Any]] = []
    with ProcessPoolExecutor(workers, initializer=_warm, initargs=(samples(paths),)) as pool:
        start_workers(pool, workers)
        # One untimed batch through do_import_forms, so Django's first-query costs are not in run 1.
        fresh_database(database, template)
        _, warm_forms = import_batches(pool, [paths[:20]], keep=True)
        for number in range(1, runs + 1):
            fresh_database(database, template)
            log(f"  run {number}/{runs}: parse + store {len(paths)} forms in batches of {batch}")
            imported, kept = import_batches(pool, batches, keep=True)
            if imported["created"] != imported["forms"]:
                raise SystemExit(f"expected {imported['forms']} new projects, got {imported['created']}")
            log(f"  run {number}/{runs}: re-import of the same forms")
            again = reimport(kept)
            if again["changed"] or again["unchanged"] != imported["forms"]:
                raise SystemExit(f"the re-import changed something: {again}")
            del kept
            stored = counts()
            runs_out.append({"import": imported, "reimport": again, "database": stored})
            log(f"    {imported['total']:.1f} s (parse {imported['parse']:.1f}, store {imported['store']:.1f});"
                f" re-import {again['store']:.1f} s; {stored}")  # fmt: skip
        del warm_forms
    fresh_database(database, None)

    if bare_from is not None:
        parse_result = json.loads(bare_from.read_text(encoding="utf-8"))
        section = next(s for s in parse_result["sections"] if s["label"] == f"corpus, {workers} workers")
        if section["files"] != len(paths):
            raise SystemExit(f"{bare_from} timed {section['files']} files, not {len(paths)}")
        bare = section["sides"]["bare"]
        bare_source = str(bare_from)
    else:
        log(f"  bare read × {bare_runs} over {len(paths)} files, {workers} workers")
        bare = measure("bare", paths, runs=bare_runs, workers=workers).as_dict()
        bare_source = "this run"

    def median(key: str, part: str) -> float:
        return statistics.median(r[key][part] for r in runs_out)

    total = median("import", "total")
    per_10k = total * GOAL_FORMS / len(paths)
    return {
        "benchmark": "store",
        "machine": machine(),
        "count": len(paths),
        "seed": seed,
        "batch": batch,
        "workers": workers,
        "runs": runs_out,
        "median": {
            "total": total,
            "parse": median("import", "parse"),
            "store": median("import", "store"),
            "reimport_store": median("reimport", "store"),
        },
        "bare": {"median": bare["median"], "source": bare_source},
        "ratio_total_to_bare": total / bare["median"],
        "peak_rss_mib": {
            "main": peak_rss_mib(),
            "workers": max(r["import"]["worker_rss_mib"] for r in runs_out),
        },
        "goal": {"seconds_max": GOAL_SECONDS, "seconds_for_10000": per_10k, "met": per_10k <= GOAL_SECONDS},
    }


def report(result: dict[str, Any]) -> str:
    m, n = result["median"], result["count"]
    rows = [
        ["parse + store (import)", m["total"], n / m["total"], m["total"] / result["bare"]["median"]],
        ["  of which parse (pool, incl. pickling)", m["parse"], n / m["parse"], m["parse"] / result["bare"]["median"]],
        ["  of which do_import_forms", m["store"], n / m["store"], m["store"] / result["bare"]["median"]],
        ["re-import, do_import_forms only", m["reimport_store"], n / m["reimport_store"], ""],
        [f"bare read ({result['bare']['source']})", result["bare"]["median"], n / result["bare"]["median"], 1.0],
    ]  # fmt: skip
    lines = [
        f"{n} forms, batches of {result['batch']}, {result['workers']} workers, median of {len(result['runs'])}",
        table(["store", "seconds", "forms/s", "÷ bare"], rows),
        "",
        f"peak RSS: main {result['peak_rss_mib']['main']:.0f} MiB, "
        f"workers {result['peak_rss_mib']['workers']:.0f} MiB",
    ]
    goal = result["goal"]
    verdict = "met" if goal["met"] else "MISSED"
    lines.append(
        f"goal 10,000 forms parsed and stored ≤ {goal['seconds_max']:.0f} s: "
        f"{goal['seconds_for_10000']:.1f} s ({verdict})"
        + ("" if n == GOAL_FORMS else f" (scaled from {n} forms)")
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="parse and store the corpus with do_import_forms")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="fresh-database runs (median reported)")
    parser.add_argument("--batch", type=int, default=500, help="forms per do_import_forms call")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bare-runs", type=int, default=1, help="timed bare reads for the ratio")
    parser.add_argument(
        "--bare-from", type=Path, help="take the bare read from this bench_parse JSON instead"
    )
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS_DIR)
    parser.add_argument("--work-dir", type=Path, default=OUT / "store")
    parser.add_argument("--json", type=Path, default=OUT / "store.json")
    args = parser.parse_args(argv)
    result = run(
        count=args.count,
        seed=args.seed,
        runs=args.runs,
        batch=args.batch,
        workers=args.workers,
        bare_runs=args.bare_runs,
        bare_from=args.bare_from,
        corpus_dir=args.corpus_dir,
        work_dir=args.work_dir,
    )
    write_json(args.json, result)
    print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
