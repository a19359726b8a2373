"""What the benchmarks share: where things are, the bare reads they are compared with, and timed runs in worker
processes (a fresh pool per measured side, so each side's peak memory is its own).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CORPUS_DIR = OUT / "corpus"
CHUNK = 25  # files per task: small enough to balance two workers, large enough that IPC does not show


def seeds_dir() -> Path:
    shared = os.environ.get("JIXIAO_SHARED")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "seeds"


def seed_files() -> list[Path]:
    files = sorted(seeds_dir().glob("*.txt"))
    if not files:
        raise SystemExit(f"no seed forms in {seeds_dir()} (set JIXIAO_SHARED)")
    return files


# --- the two sides ------------------------------------------------------------------------------------------


def bare_read(path: Path) -> int:
    """Read every value of the file with its library and nothing more; the count of values read.

    xlsx: openpyxl read-only, every cell value of every sheet. docx: python-docx ``Document``, every paragraph's
    text and every table cell's text, each cell once. Text: decode and split into lines and tab cells.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return sum(
                1 for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for _ in row
            )
        finally:
            workbook.close()
    if suffix == ".docx":
        import docx
        from docx.table import _Cell

        document = docx.Document(str(path))
        count = sum(len(p.text) >= 0 for p in document.paragraphs)
        for table in document.tables:
            # Each <w:tc> once: ``row.cells`` repeats a merged cell for every grid column and row it spans
            # and looks each continuation up again, which would make the baseline slower than it need be.
            count += sum(len(_Cell(tc, table).text) >= 0 for tc in table._tbl.iter_tcs())
        return count
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return sum(len(line.split("\t")) for line in text.splitlines())


def bare_read_naive_docx(path: Path) -> int:
    """python-docx read the way its documentation shows: ``row.cells`` for every row (merged cells repeated)."""
    import docx

    document = docx.Document(str(path))
    count = sum(len(p.text) >= 0 for p in document.paragraphs)
    for table in document.tables:
        count += sum(len(cell.text) >= 0 for row in table.rows for cell in row.cells)
    return count


def ours_read(path: Path) -> int:
    """``read_forms`` on the file; the number of forms read."""
    from jixiao.domain.forms import read_forms

    return len(read_forms(path))


SIDES: dict[str, Callable[[Path], int]] = {
    "bare": bare_read,
    "ours": ours_read,
    "bare_naive_docx": bare_read_naive_docx,
}


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_chunk(args: tuple[str, list[str]]) -> tuple[int, float, dict[str, float]]:
    side, paths = args
    fn = SIDES[side]
    items = 0
    seconds: dict[str, float] = {}
    for name in paths:
        path = Path(name)
        started = time.perf_counter()
        items += fn(path)
        seconds[path.suffix] = seconds.get(path.suffix, 0.0) + time.perf_counter() - started
    return items, peak_rss_mib(), seconds


def _warm(side: str, samples: list[str]) -> None:
    # Imports and first-call caches are paid before the clock starts, in every worker.
    for path in samples:
        SIDES[side](Path(path))


def _ready(_: int) -> int:
    # Holding each worker a moment makes the pool hand one of these to every worker, so every worker has run
    # its warm-up before the first timed pass.
    time.sleep(0.3)
    return os.getpid()


def start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    pids = set(pool.map(_ready, range(workers)))
    if len(pids) != workers:
        log(f"warning: only {len(pids)} of {workers} workers answered the warm-up")


def chunks(paths: Sequence[Path], size: int = CHUNK) -> list[list[str]]:
    return [[str(p) for p in paths[i : i + size]] for i in range(0, len(paths), size)]


def samples(paths: Sequence[Path]) -> list[str]:
    """One file of each suffix, for warming up."""
    seen: dict[str, str] = {}
    for path in paths:
        seen.setdefault(path.suffix, str(path))
    return list(seen.values())


@dataclass
class Measurement:
    """Timed runs of one side over one set of files."""

    side: str
    files: int
    workers: int
    seconds: list[float] = field(default_factory=list)
    items: int = 0
    peak_rss_mib: float = 0.0
    # Seconds spent in each kind of file, added up over the workers (the median over the runs).
    cpu_by_suffix: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def per_second(self) -> float:
        return self.files / self.median if self.median else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "median": self.median, "files_per_second": self.per_second}


def measure(side: str, paths: Sequence[Path], *, runs: int, workers: int) -> Measurement:
    """Time ``runs`` passes of ``side`` over ``paths`` in a fresh pool of ``workers`` processes."""
    return measure_together([side], paths, runs=runs, workers=workers)[side]


def measure_together(
    sides: Sequence[str], paths: Sequence[Path], *, runs: int, workers: int
) -> dict[str, Measurement]:
    """Time the sides in turn, run by run (bare, ours, bare, ours...), each in its own pool.

    Taking turns spreads whatever else the machine does over every side alike; separate pools keep each
    side's peak memory its own. Only one pool works at a time, so at most ``workers`` processes are busy.
    """
    results = {side: Measurement(side, len(paths), workers) for side in sides}
    per_suffix: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    with ExitStack() as stack:
        pools = {}
        for side in sides:
            pool = stack.enter_context(
                ProcessPoolExecutor(workers, initializer=_warm, initargs=(side, samples(paths)))
            )
            start_workers(pool, workers)
            pools[side] = pool
        for _ in range(runs):
            for side in sides:
                result = results[side]
                tasks = [(side, chunk) for chunk in chunks(paths)]
                started = time.perf_counter()
                done = list(pools[side].map(_run_chunk, tasks))
                result.seconds.append(time.perf_counter() - started)
                result.items = sum(n for n, _, _ in done)
                result.peak_rss_mib = max(result.peak_rss_mib, *(rss for _, rss, _ in done))
                for suffix in {s for _, _, seconds in done for s in seconds}:
                    per_suffix[side].setdefault(suffix, []).append(
                        sum(seconds.get(suffix, 0.0) for _, _, seconds in done)
                    )
    for side, result in results.items():
        result.cpu_by_suffix = {suffix: statistics.median(v) for suffix, v in per_suffix[side].items()}
    return results


# --- output ------------------------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    body = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value >= 100 else f"{value:.3f}"
    return str(value)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        # Other work on the machine skews the figures; the load average says how much there was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
