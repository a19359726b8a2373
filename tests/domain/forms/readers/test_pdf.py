"""The PDF reader: ruled tables as rows of cells, other text one row per line, in page order."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers import read_grid

from .builders import pdf, pdf_bomb, table_page

TABLE = [["一级指标", "二级指标", "指标值"], ["产出指标", "数量指标", "≥6期"], ["", "质量指标", "100%"]]


def form_pdf(path: Path) -> Path:
    texts, rects = table_page(TABLE, top=650)
    texts = [(50, 760, "项目支出绩效目标申报表"), (50, 740, "(2024年度)"), *texts, (50, 500, "填报说明")]
    return pdf(path, [(texts, rects), ([(50, 760, "第二页的说明")], [])])


def test_it_reads_lines_and_tables_top_to_bottom(tmp_path: Path) -> None:
    grid = read_grid(form_pdf(tmp_path / "form.pdf"))

    assert [r.texts() for r in grid.rows] == [
        ["项目支出绩效目标申报表"],
        ["(2024年度)"],
        ["一级指标", "二级指标", "指标值"],
        ["产出指标", "数量指标", "≥6期"],
        ["", "质量指标", "100%"],
        ["填报说明"],
        ["第二页的说明"],
    ]


def test_it_locates_table_cells_and_lines_by_page(tmp_path: Path) -> None:
    grid = read_grid(form_pdf(tmp_path / "form.pdf"))

    assert grid.rows[1].location == Location("form.pdf", page=1, line=2)
    assert grid.rows[3].cells[2].location == Location("form.pdf", page=1, table=1, row=2, column=3)
    assert str(grid.rows[3].cells[2].location) == "form.pdf, page 1, table 1, row 2, column 3"
    assert grid.rows[5].location == Location("form.pdf", page=1, line=3)
    assert grid.rows[6].location == Location("form.pdf", page=2, line=1)


def test_it_refuses_a_pdf_without_text_layer_and_says_it_needs_ocr(tmp_path: Path) -> None:
    scan = pdf(tmp_path / "scan.pdf", [([], [(50, 50, 400, 600)])])

    with pytest.raises(
        FormReadError,
        match=r"^scan\.pdf，第1页：PDF没有可读取的文字（.*可能是扫描件.*），请提供文字版PDF或Excel版",
    ):
        read_grid(scan)


def test_it_says_a_password_protected_pdf_needs_its_password_removed(tmp_path: Path) -> None:
    locked = pdf(tmp_path / "locked.pdf", [([(50, 700, "秘密")], [])], encrypt=True)

    with pytest.raises(FormReadError, match=r"^locked\.pdf：PDF设有密码，请取消密码"):
        read_grid(locked)


@pytest.mark.parametrize("layers", [1, 2])
def test_it_refuses_a_deflate_bomb_stream_in_bounded_memory(tmp_path: Path, layers: int) -> None:
    bomb = pdf_bomb(tmp_path / "bomb.pdf", 512 * 1024 * 1024, layers=layers)
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FormReadError, match=r"^bomb\.pdf：.*超过256MB"):
            read_grid(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 64 * 1024 * 1024
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("keep", [40, 3, 2])
def test_it_reports_a_truncated_pdf_as_incomplete(tmp_path: Path, keep: int) -> None:
    whole = form_pdf(tmp_path / "whole.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[:keep] if keep > 10 else whole[: len(whole) // keep])

    with pytest.raises(FormReadError, match=r"^cut\.pdf：PDF文件不完整（被截断或已损坏），请重新导出后上传$"):
        read_grid(cut)
