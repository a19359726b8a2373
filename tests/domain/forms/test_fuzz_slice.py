"""A small, fixed slice of the fuzz run (``bench/fuzz_readers.py``, ten thousand inputs, not run in CI): mutated and
hostile forms are read or refused, never crash, never run long, and every refusal names the place."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_fuzz_readers", BENCH / "fuzz_readers.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz()


def test_it_reads_or_refuses_a_fixed_slice_of_fuzzed_forms_naming_the_place(tmp_path: Path) -> None:
    outcomes = [fuzz.run_one(path) for path in fuzz.generate(tmp_path, 60, seed=11, binaries=False)]
    summary = fuzz.summarise(outcomes)
    assert summary["crashes"] == 0, [o for o in outcomes if o["result"] == "crash"]
    assert summary["over_time"] == 0
    assert summary["max_seconds"] < 5
    assert summary["read"] > 0
    assert summary["refusals_naming_place"] == summary["refused"], [
        o["message"] for o in outcomes if o["result"] == "refused" and not o["names_place"]
    ]
