"""The development set of real forms, measured against its oracle by ``bench/fidelity.py``: the figures reached
may not fall back, and no wrong number may appear."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[3] / "bench"

# What the readers reach on the development set today (docs/fidelity.md); raise these as the readers improve.
RIGHT_AT_LEAST = 103
WRONG_NUMBERS_AT_MOST = 0
REFUSALS_NOT_NAMING_PLACE_AT_MOST = 0


def _fidelity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_fidelity", BENCH / "fidelity.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fidelity = _fidelity()


def _forms() -> Path:
    configured = os.environ.get("JIXIAO_SHARED")
    shared = Path(configured) if configured else BENCH.parent.parent / "shared"
    return shared / "samples" / "real-forms"


def test_it_reads_the_oracle_of_every_scored_file() -> None:
    oracle = fidelity.parse_oracle((_forms() / "ORACLE.md").read_text(encoding="utf-8"))
    assert len(oracle["b09"]) == 16
    first = oracle["b19"][0]
    assert (first.name, first.target_number, first.weight) == ("检查差旅费", 470, "2")
    management = oracle["b08"][0]
    assert (management.weight, management.score, management.target) == ("2", "2", None)


def test_it_counts_a_number_that_differs_from_the_oracle_as_wrong() -> None:
    expected = fidelity.Expected("人数", target="≥5人", target_number=5, weight="10")

    class Ind:
        name = "人数"
        actual = None
        weight = 12
        recorded_score = None

        class target:
            value = 5

    wrong, incomplete = fidelity._compare(expected, Ind())
    assert wrong == ["weight 12, the form says 10"]
    assert incomplete == []


def test_it_keeps_the_development_set_figures_and_never_a_wrong_number_more() -> None:
    results = fidelity.run(_forms())
    totals = fidelity.totals(results)
    assert totals["files"] == 19
    assert totals["right"] >= RIGHT_AT_LEAST, fidelity.markdown(results)
    assert totals["wrong_numbers"] <= WRONG_NUMBERS_AT_MOST, fidelity.markdown(results)
    assert totals["refused"] - totals["refusals_naming_place"] <= REFUSALS_NOT_NAMING_PLACE_AT_MOST
