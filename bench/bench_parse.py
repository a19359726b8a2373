"""Parse benchmark: ``read_forms`` against a bare library read of the same files, on the seeds and the corpus.

    python bench/bench_parse.py [--count 10000] [--runs 3] [--seed-runs 5] [--workers 2] [--single-count 500]

Both sides run the same way: a fresh pool of ``--workers`` processes mapping over chunks of files, warmed up
before the clock starts. ``--single-count`` forms of the corpus are also timed in one process. The goal is
``read_forms`` ≤ 1.5 × the bare read on the corpus. Results go to ``bench/out/parse.json``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import corpus
from _common import CORPUS_DIR, OUT, log, machine, measure_together, seed_files, table, write_json

GOAL_RATIO = 1.5


def compare(
    label: str, paths: Sequence[Path], *, runs: int, workers: int, sides: Sequence[str]
) -> dict[str, Any]:
    log(f"  {label}: {' and '.join(sides)} in turn, {runs} runs over {len(paths)} files, {workers} worker(s)")
    results = measure_together(sides, paths, runs=runs, workers=workers)
    ours, bare = results["ours"], results["bare"]
    return {
        "label": label,
        "files": len(paths),
        "forms": ours.items,
        "workers": workers,
        "runs": runs,
        "sides": {side: m.as_dict() for side, m in results.items()},
        "ratio": ours.median / bare.median,
        "by_suffix": {
            suffix: {
                "ours_cpu": ours.cpu_by_suffix[suffix],
                "bare_cpu": bare.cpu_by_suffix[suffix],
                "ratio": ours.cpu_by_suffix[suffix] / bare.cpu_by_suffix[suffix],
            }
            for suffix in sorted(ours.cpu_by_suffix)
        },
    }


def run(
    *,
    count: int,
    seed: int,
    runs: int,
    seed_runs: int,
    seed_repeat: int,
    workers: int,
    single_count: int,
    naive: bool,
    corpus_dir: Path,
) -> dict[str, Any]:
    log(f"corpus: {count} forms in {corpus_dir}")
    paths = corpus.generate(corpus_dir, count, seed=seed, workers=workers, quiet=False)
    seeds = seed_files() * seed_repeat
    sections = [
        compare("seeds (text)", seeds, runs=seed_runs, workers=workers, sides=("bare", "ours")),
        compare(f"corpus, {workers} workers", paths, runs=runs, workers=workers, sides=("bare", "ours")),
    ]
    if single_count:
        subset = paths[:single_count]
        sections.append(compare("corpus, 1 process", subset, runs=runs, workers=1, sides=("bare", "ours")))
    if naive:
        docx = [p for p in paths[: max(single_count, 200)] if p.suffix == ".docx"]
        naive_result = compare(
            "docx, row.cells baseline", docx, runs=runs, workers=1, sides=("bare_naive_docx", "ours", "bare")
        )
        sections.append(naive_result)
    corpus_section = sections[1]
    return {
        "benchmark": "parse",
        "machine": machine(),
        "count": count,
        "seed": seed,
        "sections": sections,
        "goal": {
            "ratio_max": GOAL_RATIO,
            "ratio": corpus_section["ratio"],
            "met": corpus_section["ratio"] <= GOAL_RATIO,
        },
    }


def report(result: dict[str, Any]) -> str:
    rows = []
    for section in result["sections"]:
        bare_side = "bare_naive_docx" if "bare_naive_docx" in section["sides"] else "bare"
        bare, ours = section["sides"][bare_side], section["sides"]["ours"]
        rows.append(
            [
                section["label"],
                section["files"],
                section["forms"],
                bare["median"],
                ours["median"],
                section["forms"] / ours["median"],
                ours["median"] / bare["median"],
                bare["peak_rss_mib"],
                ours["peak_rss_mib"],
            ]
        )
    lines = [
        table(
            [
                "parse",
                "files",
                "forms",
                "bare s",
                "ours s",
                "forms/s",
                "ours/bare",
                "bare MiB",
                "ours MiB",
            ],
            rows,
        )
    ]
    suffix_rows = [
        [section["label"], suffix, figures["bare_cpu"], figures["ours_cpu"], figures["ratio"]]
        for section in result["sections"]
        for suffix, figures in section["by_suffix"].items()
    ]
    lines += ["", table(["by format (CPU s, all workers)", "kind", "bare", "ours", "ours/bare"], suffix_rows)]
    goal = result["goal"]
    verdict = "met" if goal["met"] else "MISSED"
    lines += [
        "",
        f"goal read_forms ≤ {goal['ratio_max']}× bare read on the corpus: {goal['ratio']:.2f}× ({verdict})",
    ]
    return "\n".join(lines)


def pdf_overhead(reads: int) -> dict[str, Any]:
    """What reading a PDF in a child process costs over reading it in this one (``forms/readers/isolated.py``):
    the same one-page form PDF (the fuzz run's, ``fuzz_readers.form_pdf``) read ``reads`` times each way, after
    one warm-up read each (pdfplumber's import; the fork server's start). Wall and CPU seconds per read; the
    CPU of the child is its own (``/proc``), added to this process's."""
    import tempfile
    import time

    import fuzz_readers
    from jixiao.domain.forms.readers import isolated, read_grid

    out: dict[str, Any] = {"reads": reads}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.pdf"
        path.write_bytes(fuzz_readers.form_pdf(fuzz_readers._PDF_FORM))
        for label, in_child in (("in_process", False), ("child", True)):
            isolated.PDF_IN_CHILD = in_child
            read_grid(path)
            walls, cpus = [], []
            for _ in range(reads):
                wall, cpu = time.perf_counter(), time.process_time()
                read_grid(path)
                child = isolated.LAST_RUN.cpu_seconds if in_child and isolated.LAST_RUN else 0.0
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu + child)
            walls.sort()
            cpus.sort()
            out[label] = {"wall_median": walls[len(walls) // 2], "cpu_median": cpus[len(cpus) // 2]}
        isolated.PDF_IN_CHILD = True
    out["wall_overhead"] = out["child"]["wall_median"] - out["in_process"]["wall_median"]
    out["ratio"] = out["child"]["wall_median"] / out["in_process"]["wall_median"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="read_forms against a bare library read")
    parser.add_argument("--count", type=int, default=10_000, help="corpus forms (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed")
    parser.add_argument("--runs", type=int, default=3, help="timed runs over the corpus (median reported)")
    parser.add_argument("--seed-runs", type=int, default=5, help="timed runs over the seed files")
    parser.add_argument("--seed-repeat", type=int, default=100, help="times each seed file is read per run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single-count", type=int, default=500, help="corpus forms also timed in 1 process")
    parser.add_argument("--naive", action="store_true", help="also time python-docx's row.cells reading")
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS_DIR)
    parser.add_argument("--json", type=Path, default=OUT / "parse.json")
    parser.add_argument(
        "--pdf-overhead", type=int, default=0, metavar="N", help="only time N PDF reads in and out of a child"
    )
    args = parser.parse_args(argv)
    if args.pdf_overhead:
        import json

        print(json.dumps({"machine": machine(), **pdf_overhead(args.pdf_overhead)}, indent=2))
        return 0
    result = run(
        count=args.count,
        seed=args.seed,
        runs=args.runs,
        seed_runs=args.seed_runs,
        seed_repeat=args.seed_repeat,
        workers=args.workers,
        single_count=args.single_count,
        naive=args.naive,
        corpus_dir=args.corpus_dir,
    )
    write_json(args.json, result)
    print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
