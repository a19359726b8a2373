"""Where the time goes: ``cProfile`` over ``read_forms`` (per file kind) and over ``do_import_forms``.

    python bench/hotspots.py [--files 100] [--top 25] [--store]

Also times, without the profiler, the grid readers apart from the assembler against the bare read, so the
profiler's own overhead (large for many small Python calls) does not mislead. Output is text on stdout; the raw
profiles go to ``bench/out/profile-*.pstats`` for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import corpus
from _common import CORPUS_DIR, OUT, bare_read, seed_files
from jixiao.orgs.actors import SYSTEM


def _best_ms(fn: Callable[[], object], files: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best / files * 1000


def split_times(label: str, paths: Sequence[Path]) -> str:
    from jixiao.domain.forms import read_grid_any
    from jixiao.domain.forms.assemble import assemble

    for path in paths[:2]:
        assemble(read_grid_any(path))
        bare_read(path)
    grids = [read_grid_any(p) for p in paths]
    bare = _best_ms(lambda: [bare_read(p) for p in paths], len(paths))
    grid = _best_ms(lambda: [read_grid_any(p) for p in paths], len(paths))
    assembled = _best_ms(lambda: [assemble(g) for g in grids], len(paths))
    return (
        f"{label}: bare {bare:.2f} ms/file, grid reader {grid:.2f} ms, assemble {assembled:.2f} ms, "
        f"read_forms ≈ {(grid + assembled) / bare:.2f}× bare (grid alone {grid / bare:.2f}×)"
    )


def profile(label: str, fn: Callable[[], object], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    OUT.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(OUT / f"profile-{label}.pstats")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats("jixiao", top)
    stats.sort_stats("tottime").print_stats(top)
    return f"=== {label} ===\n{out.getvalue()}"


def store_profile(paths: Sequence[Path], top: int) -> str:
    import os
    import tempfile

    from bench_store import fresh_database, make_template, setup_django
    from jixiao.domain.forms import read_forms

    work = Path(tempfile.mkdtemp(prefix="jixiao-hotspots-", dir=OUT))
    database, template = work / "bench.sqlite3", work / "template.sqlite3"
    setup_django(database)
    make_template(database, template)
    forms = [f for p in paths for f in read_forms(p)]
    from jixiao.performance.actions.imports import do_import_forms

    fresh_database(database, template)
    do_import_forms(forms[:10], acting_user=SYSTEM, reason="warm-up")
    fresh_database(database, template)
    text = profile(
        "do_import_forms", lambda: do_import_forms(forms, acting_user=SYSTEM, reason="profile"), top
    )
    text += profile(
        "do_import_forms-again", lambda: do_import_forms(forms, acting_user=SYSTEM, reason="again"), top
    )
    fresh_database(database, None)
    for leftover in work.iterdir():
        leftover.unlink()
    os.rmdir(work)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="profile read_forms and do_import_forms")
    parser.add_argument("--files", type=int, default=100, help="corpus files per kind")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--store", action="store_true", help="also profile do_import_forms on the same forms")
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS_DIR)
    args = parser.parse_args(argv)
    paths = corpus.generate(args.corpus_dir, args.files * 2)
    from jixiao.domain.forms import read_forms

    by_kind = {suffix: [p for p in paths if p.suffix == suffix] for suffix in (".xlsx", ".docx")}
    by_kind[".txt"] = seed_files() * 20
    for suffix, files in by_kind.items():
        print(split_times(suffix, files))
    print()
    for suffix, files in by_kind.items():
        print(profile(f"read_forms{suffix}", lambda files=files: [read_forms(p) for p in files], args.top))
    if args.store:
        print(store_profile(paths, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
