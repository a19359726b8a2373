"""The benchmark corpus generator writes forms that ``read_forms`` reads back exactly as they were generated."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import Funds, Horizon

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", BENCH / "corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _corpus_module()


def _in_yuan(funds: Any) -> Funds:
    """The form gives 万元; the reader gives 元."""

    def yuan(amount: Decimal | None) -> Decimal | None:
        return None if amount is None else amount * corpus.TEN_THOUSAND

    return Funds(yuan(funds.total), yuan(funds.fiscal), yuan(funds.other))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return corpus.generate(tmp_path_factory.mktemp("corpus"), 3, seed=7, workers=1)


def test_it_writes_xlsx_and_docx_forms_in_turn(generated: list[Path]) -> None:
    assert [p.suffix for p in generated] == [".xlsx", ".docx", ".xlsx"]
    assert all(p.is_file() for p in generated)


def test_it_reads_back_every_generated_form_exactly(generated: list[Path]) -> None:
    for index, path in enumerate(generated):
        spec = corpus.form_spec(7, index)
        [form] = read_forms(path)
        assert form.warnings == []
        assert form.project.name == spec.name
        assert form.project.unit == spec.unit
        assert form.year == spec.year
        assert form.funds_medium_term == _in_yuan(spec.medium)
        assert form.funds_annual == _in_yuan(spec.annual)
        read = [(i.horizon, i.level1, i.level2, i.name, i.target.raw) for i in form.indicators]
        expected = [
            (horizon, ind.level1, ind.level2, ind.name, target)
            for ind in spec.indicators
            for horizon, target in ((Horizon.MEDIUM_TERM, ind.medium), (Horizon.ANNUAL, ind.annual))
        ]
        assert read == expected


def test_it_varies_units_and_kinds_of_target(generated: list[Path]) -> None:
    targets = [i.target for path in generated for i in read_forms(path)[0].indicators]
    kinds = {t.kind.value for t in targets}
    assert kinds == {"quantitative", "qualitative", "not_applicable"}
    assert {"%", "小时"} <= {t.unit for t in targets}


def test_it_reuses_a_corpus_whose_manifest_matches(generated: list[Path]) -> None:
    stamps = [p.stat().st_mtime_ns for p in generated]
    again = corpus.generate(generated[0].parent, 2, seed=7, workers=1)
    assert again == generated[:2]
    assert [p.stat().st_mtime_ns for p in generated] == stamps


def test_the_same_seed_gives_the_same_forms_and_another_seed_others() -> None:
    assert corpus.form_spec(3, 5) == corpus.form_spec(3, 5)
    assert corpus.form_spec(3, 5) != corpus.form_spec(4, 5)
    assert len({corpus.project_name(i) for i in range(20_000)}) == 20_000
