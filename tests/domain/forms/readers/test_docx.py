"""The Word reader: body paragraphs and table rows in document order, merged cells given once."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers import read_grid

from .builders import INDICATORS, PROJECT, TITLE, YEAR_LINE, docx_with_body_xml, seed_docx


def texts(grid: Grid) -> list[list[str]]:
    return [row.texts() for row in grid.rows]


@pytest.fixture
def seed(tmp_path: Path) -> Grid:
    return read_grid(seed_docx(tmp_path / "seed.docx"))


def test_it_reads_paragraphs_and_table_rows_in_document_order(seed: Grid) -> None:
    rows = texts(seed)

    assert rows[0] == [TITLE]
    assert rows[1] == [YEAR_LINE]
    assert rows[2] == ["项目名称", PROJECT]
    assert rows[-1] == ["填报说明:指标值为目标值。"]


def test_it_numbers_body_paragraphs_counting_empty_ones_but_not_table_paragraphs(seed: Grid) -> None:
    assert seed.rows[0].location == Location("seed.docx", paragraph=1)
    # Paragraph 2 is empty: skipped, but still counted.
    assert seed.rows[1].location == Location("seed.docx", paragraph=3)
    assert seed.rows[-1].location == Location("seed.docx", paragraph=4)
    assert str(seed.rows[1].location) == "seed.docx, paragraph 3"


def test_it_gives_a_horizontally_merged_cell_once_at_its_first_grid_column(seed: Grid) -> None:
    name_row = seed.rows[2]

    assert [c.location for c in name_row.cells] == [
        Location("seed.docx", table=1, row=1, column=1),
        Location("seed.docx", table=1, row=1, column=3),
    ]
    assert str(name_row.cells[1].location) == "seed.docx, table 1, row 1, column 3"


def test_it_gives_vertically_merged_continuations_as_empty_text(seed: Grid) -> None:
    rows = texts(seed)
    header = rows.index(
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]
    )
    first, second, third = rows[header + 1], rows[header + 2], rows[header + 3]

    assert first == [
        "",
        "产出指标",
        "数量指标",
        "举办网络安全培训班",
        "≥6期",
        "数量指标",
        "举办网络安全培训班",
        "≥2期",
    ]
    # 产出指标 and both 数量指标 are merged downwards: the label appears once.
    assert second == ["", "", "", "发放宣传手册", "≥3000份", "", "发放宣传手册", "≥1000份"]
    assert third == ["", "", "质量指标", "培训考核合格率", "≥95%", "质量指标", "培训考核合格率", "≥95%"]
    assert len(rows) == header + 1 + len(INDICATORS) + 1


def test_it_joins_the_paragraphs_of_a_cell_with_newlines(seed: Grid) -> None:
    funds = next(row for row in seed.rows if row.texts()[0].startswith("项目资金"))

    assert funds.texts() == ["项目资金\n(万元)", "中期资金总额:", "90", "年度资金总额:", "30"]
    assert funds.location == Location("seed.docx", table=1, row=3)


def test_it_uses_the_display_name_in_every_location(tmp_path: Path) -> None:
    grid = read_grid(seed_docx(tmp_path / "upload-1234.docx"), display_name="目标表.docx")

    assert grid.source == "目标表.docx"
    assert {c.location.file for row in grid.rows for c in row.cells} == {"目标表.docx"}


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(inner: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{inner}</w:tc>"


def test_it_flattens_a_nested_table_into_the_rows_after_its_row(tmp_path: Path) -> None:
    nested = f"<w:tbl><w:tr>{tc(p('内甲'))}{tc(p('内乙'))}</w:tr></w:tbl>"
    body = f"<w:tbl><w:tr>{tc(p('外') + nested)}{tc(p('右'))}</w:tr><w:tr>{tc(p('下'))}</w:tr></w:tbl>"

    grid = read_grid(docx_with_body_xml(tmp_path / "nested.docx", body))

    assert texts(grid) == [["外", "右"], ["内甲", "内乙"], ["下"]]
    assert grid.rows[1].cells[1].location == Location("nested.docx", table=2, row=1, column=2)
    assert grid.rows[2].location == Location("nested.docx", table=1, row=2)


def test_it_reads_through_content_controls_and_skips_deleted_text_and_field_codes(tmp_path: Path) -> None:
    body = (
        "<w:sdt><w:sdtContent>" + p("控件内段落") + "</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>插入</w:t></w:r></w:ins>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TC 标题 \\f A \\l 1 </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:tab/><w:t>尾</w:t><w:br/><w:t>次行</w:t></w:r></w:p>"
    )

    grid = read_grid(docx_with_body_xml(tmp_path / "controls.docx", body))

    assert texts(grid) == [["控件内段落"], ["保留插入\t尾\n次行"]]


def test_it_counts_grid_columns_across_grid_before_and_spans(tmp_path: Path) -> None:
    body = (
        '<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        + tc(p("甲"), '<w:gridSpan w:val="2"/>')
        + tc(p("乙"))
        + "</w:tr></w:tbl>"
    )

    grid = read_grid(docx_with_body_xml(tmp_path / "grid.docx", body))

    assert [c.location.column for c in grid.rows[0].cells] == [2, 4]


def test_it_names_the_cell_of_an_oversize_table_cell(tmp_path: Path) -> None:
    body = f"<w:tbl><w:tr>{tc(p('短'))}{tc(p('长' * 100_001))}</w:tr></w:tbl>"

    with pytest.raises(FormReadError) as caught:
        read_grid(docx_with_body_xml(tmp_path / "long.docx", body))

    assert (
        str(caught.value) == "long.docx，第1个表格，第1行，第2列：单元格内有100,001个字符，超过上限100,000个"
    )
