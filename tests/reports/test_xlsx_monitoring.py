"""The 绩效运行监控表 writer: §2 columns in order, lights as coloured cells, the 纠偏措施 rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.domain.scoring.lights import Colour
from jixiao.reports.data import DeviationCategory, Likelihood, MonitoringRow, MonitoringTable, ReportDataError
from jixiao.reports.xlsx import LIGHT_FILLS, write_monitoring_table


def _table(**changes: object) -> MonitoringTable:
    table = MonitoringTable(
        project_name="网络安全和信息化工作经费",
        year=2023,
        period_label="1-7月",
        unit="某市委网信办",
        annual_budget=Decimal("300000"),
        executed_to_date=Decimal("123456.78"),
        expected_full_year=Decimal("298000"),
        budget_light=Colour.YELLOW,
        rows=[
            MonitoringRow(
                "产出指标", "数量指标", "全市网络资产监测", "≥150家", "96家", "160家", light=Colour.GREEN
            ),
            MonitoringRow(
                "产出指标",
                "数量指标",
                "通报网络安全风险和事件",
                "≥70起",
                "20起",
                "50起",
                DeviationCategory.STAFF,
                "监测人员缺编两人",
                Likelihood.IMPOSSIBLE,
                "购买第三方监测服务",
                Colour.RED,
            ),
            MonitoringRow(
                "满意度指标", "服务对象满意度指标", "培训学员满意率", "≥95%", "97%", "≥95%", light=Colour.BLUE
            ),
        ],
    )
    for name, value in changes.items():
        setattr(table, name, value)
    return table


def test_it_writes_the_indicator_columns_in_the_monitoring_order(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_monitoring_table(_table(), tmp_path / "m.xlsx")).active
    assert ws is not None
    assert ws["A1"].value == "项目支出绩效运行监控表"
    assert ws["A2"].value == "（2023年度，监控期间：1-7月）"
    assert [ws.cell(9, c).value for c in range(1, 12)] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "截至当期实际完成值",
        "全年预计完成情况",
        "偏差原因",
        None,
        "完成目标可能性",
        "纠偏措施",
        "预警",
    ]
    assert (ws["G10"].value, ws["H10"].value) == ("类别", "原因说明")
    assert [ws.cell(12, c).value for c in range(3, 12)] == [
        "通报网络安全风险和事件",
        "≥70起",
        "20起",
        "50起",
        "人员保障",
        "监测人员缺编两人",
        "完全不可能",
        "购买第三方监测服务",
        "红",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"G9:H9", "A9:A10", "A11:A12", "B11:B12"} <= merged


def test_it_fills_each_light_cell_with_its_colour_and_word(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_monitoring_table(_table(), tmp_path / "m.xlsx")).active
    assert ws is not None
    for row, colour in ((11, Colour.GREEN), (12, Colour.RED), (13, Colour.BLUE), (6, Colour.YELLOW)):
        cell = ws.cell(row, 11 if row != 6 else 7)
        assert cell.value == colour.chinese[0]
        assert cell.fill.fgColor.rgb == LIGHT_FILLS[colour]


def test_it_shows_the_budget_in_wan_yuan_and_computes_a_missing_rate(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_monitoring_table(_table(), tmp_path / "m.xlsx")).active
    assert ws is not None
    assert [ws.cell(5, c).value for c in range(3, 7)] == [
        "全年预算数",
        "截至当期执行数",
        "执行率",
        "全年预计执行数",
    ]
    assert Decimal(str(ws["C6"].value)) == Decimal("30")
    assert ws["C6"].number_format == "0.00"
    assert str(ws["D6"].value) == "12.345678"
    assert ws["E6"].value == "41.15%"


def test_it_leaves_the_rate_blank_rather_than_guess_it(tmp_path: Path) -> None:
    table = _table(executed_to_date=None)
    ws = openpyxl.load_workbook(write_monitoring_table(table, tmp_path / "m.xlsx")).active
    assert ws is not None
    assert ws["D6"].value is None
    assert ws["E6"].value is None


def test_it_refuses_impossible_without_a_corrective_action(tmp_path: Path) -> None:
    table = _table()
    table.rows[1].corrective_action = "  "
    with pytest.raises(ReportDataError, match="第2行"):
        write_monitoring_table(table, tmp_path / "m.xlsx")
    assert not (tmp_path / "m.xlsx").exists()


def test_it_repeats_the_two_header_rows_on_every_printed_page(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_monitoring_table(_table(), tmp_path / "m.xlsx")).active
    assert ws is not None
    assert ws.print_title_rows == "$9:$10"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1


def test_it_reads_back_through_the_form_reader_with_the_same_figures(tmp_path: Path) -> None:
    from jixiao.domain.forms import read_forms
    from jixiao.domain.forms.model import FormKind

    table = _table()
    (back,) = read_forms(write_monitoring_table(table, tmp_path / "m.xlsx"))
    assert (back.kind, back.year, back.project.name, back.project.unit) == (
        FormKind.MONITORING,
        2023,
        "网络安全和信息化工作经费",
        "某市委网信办",
    )
    assert back.budget_execution is not None
    assert back.budget_execution.adjusted_budget == table.annual_budget
    assert back.budget_execution.executed == table.executed_to_date
    assert back.budget_execution.rate == Decimal("41.15")
    assert [(i.level1, i.level2, i.name, i.target.raw, i.actual, i.likelihood) for i in back.indicators] == [
        (
            r.level1,
            r.level2,
            r.name,
            r.annual_target,
            r.actual_to_date,
            r.likelihood.value if r.likelihood else None,
        )
        for r in table.rows
    ]
    assert back.indicators[1].deviation_reason == "监测人员缺编两人"
