"""The 绩效目标申报表 writer: the official layout, read back by the project's own form reader."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import (
    FormDocument,
    FormKind,
    Funds,
    FundUse,
    Horizon,
    Indicator,
    ProjectInfo,
    SpendingStep,
)
from jixiao.domain.targets.grammar import parse_target
from jixiao.reports.xlsx import write_target_table

from .conftest import PROJECT, seed_forms

SEEDS = ("000_be243faf42b34df7.txt", "004_3a0e3774f820140f.txt")


def _indicators(form: FormDocument) -> list[tuple[str, str | None, str | None, str | None, str]]:
    return [(i.horizon.value, i.level1, i.level2, i.name, i.target.raw) for i in form.indicators]


def _target_forms(seeds_dir: Path) -> list[FormDocument]:
    forms = [f for seed in SEEDS for f in read_forms(seeds_dir / seed)]
    return [f for f in forms if f.kind is FormKind.TARGET]


def test_it_round_trips_every_seed_target_form_through_the_reader(seeds_dir: Path, tmp_path: Path) -> None:
    forms = _target_forms(seeds_dir)
    assert len(forms) == 4
    for n, form in enumerate(forms):
        path = write_target_table(form, tmp_path / f"target-{n}.xlsx")
        (back,) = read_forms(path)
        assert back.kind is FormKind.TARGET
        assert _indicators(back) == _indicators(form)
        assert back.funds_annual == form.funds_annual
        assert back.funds_medium_term == form.funds_medium_term
        assert back.project == form.project
        assert back.year == form.year
        assert (back.goal_medium_term, back.goal_annual) == (form.goal_medium_term, form.goal_annual)
        assert [(u.item, u.amount) for u in back.fund_uses] == [(u.item, u.amount) for u in form.fund_uses]
        assert [(s.label, s.cumulative_percent) for s in back.spending_plan] == [
            (s.label, s.cumulative_percent) for s in form.spending_plan
        ]


def test_it_puts_both_horizons_side_by_side_with_level_labels_merged_down(
    seed_form: FormDocument, tmp_path: Path
) -> None:
    path = write_target_table(seed_form, tmp_path / "target.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "项目支出绩效目标申报表"
    assert "A1:H1" in merged
    assert ws["A2"].value == "（2023年度）"
    assert (ws["A3"].value, ws["C3"].value) == ("项目名称", PROJECT)
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "一级指标")
    assert [ws.cell(header, c).value for c in range(1, 9)] == [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值（中期）",
        "二级指标",
        "三级指标",
        "指标值（年度）",
    ]
    first = header + 1
    # 产出指标 has 15 rows per horizon; 数量指标 the first 7 of them, on both sides.
    assert ws.cell(first, 2).value == "产出指标"
    assert f"B{first}:B{first + 14}" in merged
    assert f"C{first}:C{first + 6}" in merged
    assert f"F{first}:F{first + 6}" in merged
    assert ws.cell(first, 5).value == "≥9次"
    assert ws.cell(first, 8).value == "≥3次"
    assert f"A{header}:A{header + 22}" in merged  # 绩效指标 runs down the whole table: 22 rows and its header


def test_it_shows_money_in_wan_yuan_exactly_without_float(tmp_path: Path) -> None:
    form = FormDocument(
        source="test",
        kind=FormKind.TARGET,
        year=2024,
        project=ProjectInfo(name="测试项目"),
        funds_medium_term=Funds(Decimal("3703703.70"), Decimal("3703703.70"), Decimal(0)),
        funds_annual=Funds(Decimal("123456.78"), Decimal("100000"), Decimal("23456.78")),
        indicators=[
            Indicator(Horizon.ANNUAL, "产出指标", "数量指标", "开展培训次数", parse_target("≥3次")),
        ],
    )
    path = write_target_table(form, tmp_path / "money.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "中期资金总额")
    annual = ws.cell(row, 5)
    assert Decimal(str(annual.value)) == Decimal("12.345678")
    assert annual.number_format == "0.000000"
    assert ws.cell(row, 3).number_format == "0.00000"
    assert str(ws.cell(row, 3).value) == "370.37037"
    (back,) = read_forms(path)
    assert back.funds_annual == form.funds_annual
    assert back.funds_medium_term == form.funds_medium_term


@pytest.mark.parametrize("horizon", [Horizon.ANNUAL, Horizon.MEDIUM_TERM])
def test_it_reads_back_a_form_with_one_horizon_as_that_horizon(horizon: Horizon, tmp_path: Path) -> None:
    form = FormDocument(
        source="test",
        kind=FormKind.TARGET,
        year=2024,
        project=ProjectInfo(
            name="单一期限项目", code="13063621HBMFX90HG2OQ7", unit="某某办公室", unit_code="224001"
        ),
        funds_annual=Funds(Decimal("50000"), Decimal("50000"), Decimal(0)),
        goal_annual="完成年度任务。",
        fund_uses=[
            FundUse("宣传材料费", Decimal("30000"), "30000元"),
            FundUse("培训费", Decimal("20000"), "2万元"),
        ],
        spending_plan=[
            SpendingStep(f"{m}月底", Decimal(p)) for m, p in ((3, 25), (6, 50), (9, 75), (12, 100))
        ],
        indicators=[
            Indicator(horizon, "产出指标", "数量指标", "开展培训次数", parse_target("≥3次")),
            Indicator(horizon, "产出指标", "数量指标", "印制宣传品", parse_target("≥500份")),
            Indicator(horizon, "满意度指标", "服务对象满意度指标", "学员满意度", parse_target("≥90%")),
        ],
    )
    path = write_target_table(form, tmp_path / "single.xlsx")
    (back,) = read_forms(path)
    assert _indicators(back) == _indicators(form)
    assert back.project == form.project
    assert [(u.item, u.amount) for u in back.fund_uses] == [("宣传材料费", 30000), ("培训费", 20000)]
    assert [s.cumulative_percent for s in back.spending_plan] == [25, 50, 75, 100]


def test_it_prints_on_a4_landscape_one_page_wide_with_the_indicator_header_repeated(
    seeds_dir: Path, tmp_path: Path
) -> None:
    path = write_target_table(seed_forms(seeds_dir)[0], tmp_path / "print.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "一级指标")
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize or 0) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.oddFooter is not None
    assert "&P" in (ws.oddFooter.center.text or "")
    assert ws.page_margins.left == pytest.approx(0.5)


def test_it_writes_an_amount_beyond_excel_precision_as_exact_text(tmp_path: Path) -> None:
    huge = Decimal("98765432109876.54")  # 16 digits in 万元: a double would lose the last one
    form = FormDocument(
        source="test",
        kind=FormKind.TARGET,
        year=2024,
        project=ProjectInfo(name="大额项目"),
        funds_annual=Funds(huge, huge, Decimal(0)),
        indicators=[Indicator(Horizon.ANNUAL, "产出指标", "数量指标", "开展培训次数", parse_target("≥3次"))],
    )
    path = write_target_table(form, tmp_path / "huge.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "中期资金总额")
    assert ws.cell(row, 5).value == "9876543210.987654"
    (back,) = read_forms(path)
    assert back.funds_annual == form.funds_annual


def test_a_fund_use_the_review_flags_is_marked_for_checking_not_printed_as_fact(tmp_path: Path) -> None:
    from jixiao.reports.xlsx import fund_use_text

    form = FormDocument(
        source="f.txt",
        kind=FormKind.TARGET,
        project=ProjectInfo(name="项目"),
        funds_annual=Funds(Decimal("112500"), Decimal("112500"), None),
        fund_uses=[
            FundUse("宣传材料费", Decimal("97500"), "97500元"),
            FundUse("印制资料", Decimal("150000000"), "15000万元"),
        ],
    )
    doubts = {1: "资金用途各项合计与预算数不一致"}

    path = write_target_table(form, tmp_path / "t.xlsx", fund_use_doubts=doubts)

    cells = [c for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert "宣传材料费97500元；印制资料150000000元（待核实：资金用途各项合计与预算数不一致）" in cells
    assert (
        fund_use_text(form, {-1: "合计不符"}) == "宣传材料费97500元；印制资料150000000元（待核实：合计不符）"
    )
    assert fund_use_text(form) == "宣传材料费97500元；印制资料150000000元"


def test_a_department_wide_form_gets_its_own_table_without_scores(seeds_dir: Path, tmp_path: Path) -> None:
    from jixiao.reports.xlsx import write_department_table

    department = next(f for f in read_forms(seeds_dir / SEEDS[1]) if f.kind is FormKind.DEPARTMENT_WIDE)

    path = write_department_table(department, tmp_path / "d.xlsx")

    cells = [c for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row if c]
    assert cells[:2] == ["部门整体绩效目标表", "（    年度）"]
    assert "[224001]中共顺平县委网络安全和信息化委员会办公室(本级)" in cells
    assert department.goal_annual in cells
    assert department.department is not None
    assert [c for c in cells if c in department.department.sub_goals] == department.department.sub_goals
    assert [c for c in cells if c in department.department.measures] == department.department.measures
    assert not {"得分", "总分", "评价结论", "项目名称"} & set(cells)
