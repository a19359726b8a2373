"""The Excel readers (.xlsx and .xls): every sheet's rows, merged ranges given once, numbers without noise."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.domain.forms.grid import MAX_ROWS, Grid
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers import read_grid

from .builders import PROJECT, TITLE, minimal_xlsx, seed_xlsx, sheet

# Made from ``seed_xlsx`` by LibreOffice: soffice --headless --convert-to xls seed.xlsx
SEED_XLS = Path(__file__).parent / "fixtures" / "seed_layout.xls"


@pytest.fixture
def seed(tmp_path: Path) -> Grid:
    return read_grid(seed_xlsx(tmp_path / "seed.xlsx"))


def sheet_rows(grid: Grid, title: str) -> dict[int, list[str]]:
    return {r.location.row or 0: r.texts() for r in grid.rows if r.location.sheet == title}


def test_it_reads_every_sheet_in_order_keeping_true_row_numbers(seed: Grid) -> None:
    sheets = [r.location.sheet for r in seed.rows]
    assert sheets[0] == "目标表"
    assert sheets[-1] == "数值"
    form = sheet_rows(seed, "目标表")
    # Row 3 is empty and skipped; the others keep their sheet numbers.
    assert sorted(form) == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert form[1] == [TITLE]
    assert form[4] == ["项目名称", "", PROJECT]


def test_it_gives_merged_ranges_once_at_their_top_left_cell(seed: Grid) -> None:
    form = sheet_rows(seed, "目标表")

    assert form[7][0] == "绩效指标"
    assert form[8] == [
        "",
        "产出指标",
        "数量指标",
        "举办网络安全培训班",
        "≥6期",
        "数量指标",
        "举办网络安全培训班",
        "≥2期",
    ]
    assert form[9] == ["", "", "", "发放宣传手册", "≥3000份", "", "发放宣传手册", "≥1000份"]
    assert form[10][:3] == ["", "", "质量指标"]


def test_it_locates_cells_by_sheet_row_and_column(seed: Grid) -> None:
    row = next(r for r in seed.rows if r.location == Location("seed.xlsx", sheet="目标表", row=8))

    assert row.cells[4].location == Location("seed.xlsx", sheet="目标表", row=8, column=5)
    assert str(row.cells[4].location) == "seed.xlsx, sheet 目标表, row 8, cell E8"


def test_it_writes_numbers_dates_and_booleans_as_a_person_reads_them(seed: Grid) -> None:
    values = {texts[0]: texts[1] for texts in sheet_rows(seed, "数值").values()}

    assert values == {
        "整数": "450",
        "小数": "12.5",
        "百分比": "25.00%",
        "日期": "2021-12-31",
        "浮点噪声": "0.3",
        "布尔": "TRUE",
        "整百分比": "100%",
        "两位小数": "150.00",
        "单位": "9次",
        "精度": "12.345%",
        "大数": "1234567.891",
    }


def test_the_xls_reader_reads_the_same_form_as_the_xlsx_reader(seed: Grid) -> None:
    old = read_grid(SEED_XLS)

    assert [r.texts() for r in old.rows] == [r.texts() for r in seed.rows]
    assert [r.location.row for r in old.rows] == [r.location.row for r in seed.rows]
    assert old.rows[2].cells[2].location == Location("seed_layout.xls", sheet="目标表", row=4, column=3)


def test_it_blanks_a_value_repeated_inside_a_merged_range(tmp_path: Path) -> None:
    # Some export tools write the merged value into every cell of the range; Excel shows it once.
    xml = sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>产出指标</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>数量</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>产出指标</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>质量</t></is></c></row>',
        after='<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells>',
    )

    grid = read_grid(minimal_xlsx(tmp_path / "repeat.xlsx", xml))

    assert [r.texts() for r in grid.rows] == [["产出指标", "数量"], ["", "质量"]]


def test_it_ignores_a_dimension_claiming_the_whole_sheet(tmp_path: Path) -> None:
    xml = sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c></row>',
        before='<dimension ref="A1:XFD1048576"/>',
    )

    grid = read_grid(minimal_xlsx(tmp_path / "wide.xlsx", xml))

    assert [r.texts() for r in grid.rows] == [["甲"]]


def test_it_stops_with_a_clear_error_beyond_the_row_limit(tmp_path: Path) -> None:
    far = MAX_ROWS + 1
    xml = sheet(f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>远</t></is></c></row>')

    with pytest.raises(FormReadError, match=r"far\.xlsx，工作表“Sheet1”，第200001行：表格超过200,000行"):
        read_grid(minimal_xlsx(tmp_path / "far.xlsx", xml))


def test_it_names_sheet_and_cell_of_an_oversize_cell(tmp_path: Path) -> None:
    xml = sheet(f'<row r="3"><c r="B3" t="inlineStr"><is><t>{"x" * 100_001}</t></is></c></row>')

    with pytest.raises(FormReadError) as caught:
        read_grid(minimal_xlsx(tmp_path / "long.xlsx", xml))

    assert str(caught.value) == (
        "long.xlsx，工作表“Sheet1”，第3行，单元格B3：单元格内有100,001个字符，超过上限100,000个"
    )
