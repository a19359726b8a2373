"""Re-import benchmark: CPU seconds of ``do_import_forms`` storing parsed forms, then storing them again.

    python bench/bench_reimport.py [--count 1000] [--runs 3] [--batch 500] [--baseline dab588c] [--profile]

The forms are parsed once per side (kept pickled under ``bench/out/reimport/``), so only the storing is timed.
Each timed run is a child process on a fresh copy of a migrated SQLite database: one untimed warm-up batch,
then the forms stored in batches of ``--batch`` (``store``), then the same forms stored again (``reimport``:
every project unchanged), timed with ``time.process_time`` (CPU time of the importing process: the machine is
shared, wall time says more about the neighbours than about the code).

``--baseline REF`` measures the code of that commit too (``git archive REF src`` put first on ``PYTHONPATH``,
its own migrated database and its own parse of the same files), the two sides taking turns run by run; the
report gives the medians and the ratio of this work tree to the baseline. ``--profile`` adds a cProfile of
this tree's re-import (top functions by cumulative time). Results go to ``bench/out/reimport.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
ROOT_UNIT = "基准测试市委网络安全和信息化委员会办公室"


# --- the child: one side, one run ------------------------------------------------------------------------


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    import django

    django.setup()


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _system() -> Any:
    try:
        from jixiao.orgs.actors import SYSTEM
    except ImportError:  # before issue 8: no actor meant the system
        return None
    return SYSTEM


def _import_action() -> Any:
    try:
        from jixiao.performance.actions.imports import do_import_forms
    except ImportError:  # before issue 8: one actions module
        from jixiao.performance.actions import do_import_forms  # type: ignore[no-redef]
    return do_import_forms


def _template(work: Path) -> Path:
    """A migrated database with the root unit, made once per side (by that side's migrations)."""
    template = work / "template.sqlite3"
    if template.exists():
        return template
    from django.core.management import call_command
    from django.db import connection

    from jixiao.orgs.actions import do_create_unit

    call_command("migrate", verbosity=0, interactive=False)
    do_create_unit(ROOT_UNIT, acting_user=_system(), reason="benchmark")
    connection.close()  # the last connection to close checkpoints the WAL into the main file
    shutil.copyfile(work / "bench.sqlite3", template)
    return template


def _forms(work: Path, files: list[str]) -> list[Any]:
    kept = work / f"forms-{len(files)}.pickle"
    if kept.exists():
        forms: list[Any] = pickle.loads(kept.read_bytes())
        return forms
    from jixiao.domain.forms import read_forms

    forms = [form for name in files for form in read_forms(Path(name))]
    kept.write_bytes(pickle.dumps(forms))
    return forms


def child(work: Path, files: list[str], batch: int, profile: bool) -> dict[str, Any]:
    database = work / "bench.sqlite3"
    for path in _sqlite_files(database):
        path.unlink(missing_ok=True)
    _setup(database)
    template = _template(work)
    from django.db import connection

    forms = _forms(work, files)
    connection.close()
    for path in _sqlite_files(database):
        path.unlink(missing_ok=True)
    shutil.copyfile(template, database)
    do_import_forms, system = _import_action(), _system()
    batches = [forms[i : i + batch] for i in range(0, len(forms), batch)]
    # Warm-up (Django's first-query costs), then a fresh copy again.
    do_import_forms(forms[:20], acting_user=system, reason="warm-up")
    connection.close()
    for path in _sqlite_files(database):
        path.unlink(missing_ok=True)
    shutil.copyfile(template, database)

    created = 0
    started = time.process_time()
    for group in batches:
        created += len(do_import_forms(group, acting_user=system, reason="benchmark import").created)
    store = time.process_time() - started

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    unchanged = changed = 0
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    for group in batches:
        result = do_import_forms(group, acting_user=system, reason="benchmark re-import")
        unchanged += len(result.unchanged)
        changed += len(result.created) + len(result.updated)
    if profiler is not None:
        profiler.disable()
    reimport = time.process_time() - started
    if created != len(forms) or unchanged != len(forms) or changed:
        raise SystemExit(
            f"{len(forms)} forms: created {created}, then unchanged {unchanged}, changed {changed}"
        )
    out: dict[str, Any] = {"forms": len(forms), "store": store, "reimport": reimport}
    if profiler is not None:
        import pstats

        text = BytesIO()
        stream = __import__("io").TextIOWrapper(text, encoding="utf-8")
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(40)
        stream.flush()
        out["profile"] = text.getvalue().decode("utf-8")
    connection.close()
    return out


# --- the parent: sides taking turns ------------------------------------------------------------------------


def _baseline_tree(ref: str, work: Path) -> Path:
    tree = work / "src"
    if not tree.exists():
        archive = subprocess.run(
            ["git", "archive", ref, "src"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(work, filter="data")
    return tree


def _run_side(src: Path, work: Path, files: list[str], batch: int, profile: bool) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "files.json"
    spec.write_text(json.dumps(files), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(HERE)])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    args = [sys.executable, str(Path(__file__).resolve()), "--child", str(work), "--batch", str(batch)]
    if profile:
        args.append("--profile")
    done = subprocess.run(args, env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU time of do_import_forms: store, then re-import")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--baseline", help="a git ref whose code is measured too, taking turns")
    parser.add_argument("--profile", action="store_true", help="cProfile this tree's re-import once")
    parser.add_argument("--corpus-dir", type=Path, help="default: bench/out/corpus")
    parser.add_argument("--work-dir", type=Path, default=OUT / "reimport")
    parser.add_argument("--json", type=Path, default=OUT / "reimport.json")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        files = json.loads((args.child / "files.json").read_text(encoding="utf-8"))
        print(json.dumps(child(args.child, files, args.batch, args.profile)))
        return 0

    sys.path.insert(0, str(HERE))
    import corpus
    from _common import CORPUS_DIR

    files = [
        str(p)
        for p in corpus.generate(
            args.corpus_dir or CORPUS_DIR, args.count, seed=args.seed, workers=2, quiet=True
        )
    ]
    sides: dict[str, tuple[Path, Path]] = {"this tree": (ROOT / "src", args.work_dir / "current")}
    if args.baseline:
        base_work = args.work_dir / f"base-{args.baseline}"
        base_work.mkdir(parents=True, exist_ok=True)
        sides[f"baseline {args.baseline}"] = (_baseline_tree(args.baseline, base_work), base_work)
    # The current tree's migrations may have changed since its template was made.
    shutil.rmtree(args.work_dir / "current", ignore_errors=True)

    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    for number in range(args.runs):
        for name, (src, work) in sides.items():
            result = _run_side(src, work, files, args.batch, False)
            result["load"] = _load()
            runs[name].append(result)
            print(
                f"run {number + 1}/{args.runs} {name}: store {result['store']:.2f} s, "
                f"re-import {result['reimport']:.2f} s CPU (load {result['load']})",
                flush=True,
            )
    medians = {
        name: {part: statistics.median(r[part] for r in rs) for part in ("store", "reimport")}
        for name, rs in runs.items()
    }
    out: dict[str, Any] = {"count": args.count, "batch": args.batch, "runs": runs, "median": medians}
    print(f"\n{args.count} forms, batches of {args.batch}, CPU seconds, median of {args.runs}")
    names = list(sides)
    for part in ("store", "reimport"):
        line = f"  {part:9}" + "".join(f"  {name}: {medians[name][part]:.3f}" for name in names)
        if len(names) == 2:
            ratio = medians[names[0]][part] / medians[names[1]][part]
            out.setdefault("ratio", {})[part] = ratio
            line += f"  ratio {ratio:.2f}"
        print(line)
    if args.profile:
        result = _run_side(ROOT / "src", args.work_dir / "current", files, args.batch, True)
        out["profile"] = result["profile"]
        print(result["profile"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
