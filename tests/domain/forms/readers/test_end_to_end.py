"""The same target form as docx, xlsx, xls and pdf reads into the same FormDocument."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import Horizon
from jixiao.domain.targets.model import Operator

from .builders import INDICATORS, PROJECT, UNIT, pdf, seed_docx, seed_xlsx, table_page

FIXTURES = Path(__file__).parent / "fixtures"


def expected_rows() -> list[tuple[Horizon, str, str, str, str]]:
    rows = []
    for level1, level2, name, medium, annual in INDICATORS:
        rows.append((Horizon.MEDIUM_TERM, level1, level2, name, medium))
        rows.append((Horizon.ANNUAL, level1, level2, name, annual))
    return rows


def build(kind: str, tmp_path: Path) -> Path:
    if kind == "docx":
        return seed_docx(tmp_path / "form.docx")
    if kind == "xlsx":
        return seed_xlsx(tmp_path / "form.xlsx")
    if kind == "xls":
        return FIXTURES / "seed_layout.xls"
    # A4 is too narrow for both horizons side by side: the PDF carries the annual columns only.
    header = ["一级指标", "二级指标", "三级指标", "指标值"]
    body = [[l1, l2, name, annual] for l1, l2, name, _, annual in INDICATORS]
    texts, rects = table_page([["项目名称", PROJECT], ["实施单位", UNIT]], top=760, width=200)
    table_texts, table_rects = table_page([header, *body], top=680, width=110)
    title = [(50, 800, "项目支出绩效目标申报表"), (50, 780, "(2024年度)")]
    return pdf(tmp_path / "form.pdf", [(title + texts + table_texts, rects + table_rects)])


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls", "pdf"])
def test_every_format_reads_the_same_indicators(kind, tmp_path):
    (form,) = read_forms(build(kind, tmp_path))
    assert form.project.name == PROJECT
    assert form.year == 2024
    rows = [(i.horizon, i.level1, i.level2, i.name, i.target.raw) for i in form.indicators]
    expected = expected_rows()
    if kind == "pdf":
        expected = [row for row in expected if row[0] is Horizon.ANNUAL]
    assert sorted(rows) == sorted(expected)
    first = next(i for i in form.indicators if i.name == "举办网络安全培训班" and i.horizon is Horizon.ANNUAL)
    assert (first.target.operator, first.target.value, first.target.unit) == (Operator.GE, Decimal(2), "期")
    assert first.location is not None
    assert first.location.file.startswith(("form.", "seed_layout"))


@pytest.mark.parametrize("kind", ["docx", "xlsx", "xls"])
def test_office_files_carry_the_funds_in_yuan(kind, tmp_path):
    (form,) = read_forms(build(kind, tmp_path))
    assert (form.funds_medium_term.total, form.funds_annual.total) == (Decimal("900000"), Decimal("300000"))
    assert form.funds_annual.fiscal == Decimal("300000")
