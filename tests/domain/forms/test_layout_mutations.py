"""The layout-mutation corpus: well-formed forms rendered through every layout class real forms come in, with OCR
damage and traditional characters with inline pinyin on top, read back. Every indicator comes back with the
numbers of the well-formed form or with cells left empty: never a different number (property). And each class
recovers most indicators (figures: ``python bench/fidelity.py --mutations 20``, docs/fidelity.md)."""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _fidelity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_fidelity_mutations", BENCH / "fidelity.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fidelity = _fidelity()

# The share of indicators each layout class gives back with all their numbers, at least (any transform).
RECOVERY_AT_LEAST = {
    "table": 0.95,
    "one_cell_per_line": 0.9,
    "one_line": 0.9,
    "blank_cells": 0.9,
    "run_together": 0.85,
    "narrative": 0.6,
    "two_value_columns": 0.9,
    "weighted_run": 0.85,
    "csv_flat": 0.9,
}


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=100_000),
    layout=st.sampled_from(fidelity.LAYOUTS),
    how=st.sampled_from(fidelity.TRANSFORMS),
)
def test_it_never_reads_a_different_number_in_any_layout_class_or_pair(
    seed: int, layout: str, how: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = fidelity.check_mutation(fidelity.sample_form(seed), layout, how, Path(folder))
    assert result.expected > 0
    assert result.different == []


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=100_000),
    pair=st.sampled_from([(a, b) for i, a in enumerate(fidelity.LAYOUTS) for b in fidelity.LAYOUTS[i + 1 :]]),
    how=st.sampled_from(fidelity.TRANSFORMS),
)
def test_the_same_form_in_two_layout_classes_reads_to_the_same_numbers(
    seed: int, pair: tuple[str, str], how: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = fidelity.check_pair(fidelity.sample_form(seed), *pair, how, Path(folder))
    assert result.expected > 0
    assert result.disagreements == []


def test_a_pair_disagreement_is_seen(tmp_path: Path) -> None:
    """The pair check compares numbers: a reading that changed one would be reported."""
    form = fidelity.sample_form(0)
    result = fidelity.check_pair(form, "table", "table", "plain", tmp_path)
    assert result.both == result.expected
    assert result.disagreements == []
    first = form.rows[0]
    changed = fidelity.MForm(
        form.project, form.year, form.total_wan, (first.__class__(**{**{
            s: getattr(first, s) for s in first.__slots__}, "weight": first.weight + 1}), *form.rows[1:])
    )  # fmt: skip
    a = fidelity.reading(form, "table", "plain", tmp_path)
    b = fidelity.reading(changed, "table", "plain", tmp_path)
    key = fidelity._norm(first.name)
    assert a[key][1] != b[key][1]


@pytest.mark.parametrize("layout", fidelity.LAYOUTS)
def test_it_recovers_most_indicators_of_each_layout_class(layout: str, tmp_path: Path) -> None:
    expected = recovered = 0
    for how in fidelity.TRANSFORMS:
        for seed in range(2):
            result = fidelity.check_mutation(fidelity.sample_form(seed), layout, how, tmp_path)
            expected += result.expected
            recovered += result.recovered
            assert result.different == []
    assert recovered / expected >= RECOVERY_AT_LEAST[layout]


def test_it_renders_each_layout_class_as_it_is_described() -> None:
    form = fidelity.sample_form(0)
    assert "\n" not in fidelity.render(form, "one_line").rstrip("\n")
    assert "\t" not in fidelity.render(form, "run_together")
    assert "\n\n指标\n\n" in fidelity.render(form, "one_cell_per_line")
    assert "調整" not in fidelity.render(form, "two_value_columns")
    assert "績效(zhǐ)目標" in fidelity.transform("项目绩效目标表一级指标二级指标", "traditional_pinyin")
    assert "万兀" in fidelity.transform("1万元", "ocr")
