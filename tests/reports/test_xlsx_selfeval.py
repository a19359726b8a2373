"""The 绩效自评表 writer: funds block, goals, indicator rows with scores, 总分 and 评价结论."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.cli import main
from jixiao.domain.forms import read_forms
from jixiao.domain.scoring.selfeval import recheck
from jixiao.reports.xlsx import write_selfeval_table

from .conftest import PROJECT, Scored


def _sheet(scored: Scored, tmp_path: Path) -> tuple[Path, Worksheet]:
    path = write_selfeval_table(
        scored.form, scored.evaluation, tmp_path / "selfeval.xlsx", problems="问题", improvements="措施"
    )
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return path, ws


def test_it_writes_the_funds_block_with_the_budget_score(scored: Scored, tmp_path: Path) -> None:
    _, ws = _sheet(scored, tmp_path)
    assert ws["A1"].value == "项目支出绩效自评表"
    assert (ws["A3"].value, ws["C3"].value) == ("项目名称", PROJECT)
    assert [ws.cell(5, c).value for c in range(4, 10)] == [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    assert [ws.cell(6, c).value for c in (2, 4, 5)] == ["年度资金总额", 150, 150]
    assert str(ws["F6"].value) == "138.345678"
    assert [ws.cell(6, c).value for c in (7, 8, 9)] == ["10", "92.23%", "9.22"]
    assert "A5:A8" in {str(r) for r in ws.merged_cells.ranges}


def test_it_writes_each_indicator_with_its_weight_score_and_reason(scored: Scored, tmp_path: Path) -> None:
    _, ws = _sheet(scored, tmp_path)
    assert [ws.cell(11, c).value for c in range(1, 10)] == [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    rows = {ws.cell(r, 4).value: r for r in range(12, ws.max_row + 1)}
    short = rows["管理属地网站、微信公众号、微博号"]
    assert [ws.cell(short, c).value for c in range(5, 10)] == [
        "≥4万家",
        "3.6万家",
        "3.34",
        "3.01",
        "部分平台账号注销，属地账号总数下降；下半年开展存量账号排查。",
    ]
    excluded = [r for r in range(12, ws.max_row + 1) if ws.cell(r, 8).value == "不计分"]
    assert len(excluded) == 2  # 经济效益 and 生态效益 are 不适用
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B12:B26" in merged  # 产出指标: 15 rows


def test_it_ends_with_the_total_and_the_grade(scored: Scored, tmp_path: Path) -> None:
    _, ws = _sheet(scored, tmp_path)
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    assert (ws.cell(total_row, 7).value, ws.cell(total_row, 8).value) == ("100", "97.38")
    assert scored.evaluation.total == Decimal("97.38")
    assert (ws.cell(total_row + 1, 1).value, ws.cell(total_row + 1, 3).value) == ("评价结论", "优")
    assert ws.cell(total_row + 2, 3).value == "问题"
    assert ws.print_title_rows == "$11:$11"
    assert ws.page_setup.orientation == "landscape"


def test_its_funds_block_reads_back_through_the_form_reader(scored: Scored, tmp_path: Path) -> None:
    path, _ = _sheet(scored, tmp_path)
    (back,) = read_forms(path)
    block = back.budget_execution
    assert block is not None
    assert (block.initial_budget, block.adjusted_budget, block.executed) == (
        Decimal("1500000"),
        Decimal("1500000"),
        Decimal("1383456.78"),
    )
    assert (block.weight, block.rate, block.recorded_score) == (
        Decimal(10),
        Decimal("92.23"),
        Decimal("9.22"),
    )
    assert back.year == 2023
    assert back.project.name == PROJECT


def test_its_indicators_goals_and_total_read_back_and_score_without_discrepancy(
    scored: Scored, tmp_path: Path
) -> None:
    path, _ = _sheet(scored, tmp_path)
    (back,) = read_forms(path)
    written = [r for r in scored.evaluation.indicators if r.score.value is not None]
    applicable = [i for i in back.indicators if i.target.kind.value != "not_applicable"]
    assert [(i.name, i.recorded_score) for i in applicable] == [
        (r.indicator.name, r.score.value) for r in written
    ]
    assert back.goal_annual == scored.form.goal_annual
    assert back.recorded_total == Decimal("97.38")
    result = recheck(back)
    assert result.discrepancies == []


def test_jixiao_score_names_the_cause_of_each_wrong_recorded_score(
    scored: Scored, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _sheet(scored, tmp_path)
    book = openpyxl.load_workbook(path)
    ws = book.active
    assert ws is not None
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "一级指标")
    columns = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    name_col, weight_col, score_col = columns["三级指标"], columns["分值"], columns["得分"]
    short = "管理属地网站、微信公众号、微博号"  # 3.6万家 against ≥4万家: 90 % of its weight
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, name_col).value == short)
    ws.cell(row, score_col).value = ws.cell(row, weight_col).value  # full marks despite the shortfall
    book.save(path)

    assert main(["score", "--json", str(path)]) == 1
    (form,) = json.loads(capsys.readouterr().out)["forms"]
    causes = {d["indicator"]: d["cause"] for d in form["discrepancies"]}
    assert causes[short] == "full-marks"
    assert form["computed_total"] == "97.38"
