"""Hostile PDFs, built byte by byte in ``bench/fuzz_readers.py``: deep nesting, deflate bombs, a page of
hundreds of thousands of glyphs or lines, broken and looping cross references, page trees that loop or hold
thousands of pages, a page of 1.5 million glyphs under every check made before pdfminer runs. Each is read or
refused within the time and memory a form may take (the PDF child's memory included), in a fresh process, and
a refusal about a page names it. A well-formed PDF built the same way reads."""

from __future__ import annotations

import importlib.util
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_fuzz_readers_pdf", BENCH / "fuzz_readers.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz()


def _one(path: str) -> dict[str, Any]:
    return fuzz.run_one(Path(path))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("hostile-pdfs")
    paths = []
    for name, data in fuzz.hostile_pdfs():
        path = folder / name
        path.write_bytes(data)
        paths.append(str(path))
    # Workers that may have children, as the application's processes: each PDF is read in a child of the
    # worker's fork server, whose peak memory the outcome counts.
    from jixiao.domain.forms.readers.isolated import warm_up

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(2, mp_context=context, initializer=warm_up) as pool:
        return {o["file"]: o for o in pool.map(_one, paths)}


def test_every_hostile_pdf_is_read_or_refused_in_time_and_memory(outcomes: dict[str, dict[str, Any]]) -> None:
    assert len(outcomes) == len(fuzz.hostile_pdfs())
    for name, outcome in outcomes.items():
        assert outcome["result"] in ("read", "refused"), (name, outcome)
        assert outcome["seconds"] < fuzz.LIMIT_SECONDS, (name, outcome["seconds"])
        assert outcome["rss_mb"] < 500, (name, outcome["rss_mb"])


def test_refusals_about_a_page_name_the_page(outcomes: dict[str, dict[str, Any]]) -> None:
    for name in ("pdf-million-glyphs.pdf", "pdf-many-lines.pdf", "pdf-no-text.pdf", "pdf-deep-arrays.pdf"):
        outcome = outcomes[name]
        assert outcome["result"] == "refused", (name, outcome)
        assert "，第1页：" in outcome["message"], (name, outcome["message"])
    assert "第2,001–2,500页超出" in outcomes["pdf-form-2500-pages.pdf"]["message"]
    assert "解压后的内容超过" in outcomes["pdf-deflate-bomb.pdf"]["message"]
    # Past every check made before pdfminer runs: stopped in its child process at the deadline or the memory
    # limit, naming the page it had reached.
    glyphs = outcomes["pdf-glyph-runs.pdf"]
    assert glyphs["pdf_child"] in ("timeout", "memory"), glyphs
    assert "pdf-glyph-runs.pdf，第1页：读取PDF" in glyphs["message"], glyphs["message"]


def test_a_well_formed_pdf_built_the_same_way_reads_into_its_indicators(tmp_path: Path) -> None:
    from jixiao.domain.forms import read_forms

    path = tmp_path / "form.pdf"
    path.write_bytes(fuzz.form_pdf(fuzz._PDF_FORM))
    forms = read_forms(path)
    found = {i.name: i for f in forms for i in f.indicators}
    assert found["图书借阅人次"].target.value == 5000
    assert found["读者满意度"].target.value == 90
    assert found["图书完好率"].location is not None
    assert found["图书完好率"].location.page == 1
