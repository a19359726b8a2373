"""The official tables as Excel workbooks (openpyxl): 绩效目标申报表, 绩效运行监控表, 绩效自评表.

Each sheet prints on A4 landscape, one page wide, with its column header repeated on every page and page
numbers in the footer. Row heights are set from the text, because neither Excel nor LibreOffice grows a row
for wrapped text in a merged cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.forms.model import FormDocument, Horizon, Indicator
from jixiao.domain.scoring.engine import Evaluation, total_weight
from jixiao.domain.scoring.lights import Colour
from jixiao.reports.content import (
    decimal_text,
    grade_text,
    level_labels,
    percent_text,
    score_cell,
    wan,
    wan_text,
    weight_text,
    yuan_text,
)
from jixiao.reports.data import MonitoringTable

__all__ = [
    "fund_use_text",
    "write_department_table",
    "write_monitoring_table",
    "write_selfeval_table",
    "write_target_table",
]

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LINE_HEIGHT = 13.0  # points per line of 10-point text, with leading
_MIN_HEIGHT = 20.0
_EXCEL_DIGITS = 15
LIGHT_FILLS = {
    Colour.RED: "FFE06666",
    Colour.YELLOW: "FFFFD966",
    Colour.GREEN: "FF93C47D",
    Colour.BLUE: "FF6FA8DC",
}

Kind = Literal["title", "subtitle", "label", "header", "text", "centre", "number"]


def _text_width(text: str) -> float:
    """Width in Excel column units: a Chinese character is about two digits wide."""
    return sum(1.75 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 2.0)
    return sum(max(1, math.ceil(_text_width(part) / usable)) for part in text.split("\n"))


@dataclass(slots=True)
class _Range:
    row1: int
    col1: int
    row2: int
    col2: int
    text: str
    size: float


class _Sheet:
    """A worksheet written cell range by cell range, with borders, wrapping and heights worked out."""

    def __init__(self, ws: Worksheet, widths: Sequence[float]) -> None:
        self.ws = ws
        self.widths = list(widths)
        self.ncols = len(widths)
        self.ranges: list[_Range] = []
        self.fixed: dict[int, float] = {}
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width

    def put(
        self,
        row: int,
        col1: int,
        col2: int | None,
        value: str | Decimal | None,
        kind: Kind = "text",
        *,
        rows: int = 1,
        number_format: str | None = None,
        fill: str | None = None,
    ) -> None:
        col2 = col1 if col2 is None else col2
        row2 = row + rows - 1
        if (col2, row2) != (col1, row):
            self.ws.merge_cells(start_row=row, start_column=col1, end_row=row2, end_column=col2)
        cell = self.ws.cell(row=row, column=col1)
        cell.value = value if value != "" else None
        size = {"title": 16.0, "subtitle": 11.0}.get(kind, 10.0)
        bold = kind in ("title", "label", "header")
        cell.font = Font(name=TITLE_FONT if kind == "title" else BODY_FONT, size=size, bold=bold)
        horizontal = "left" if kind == "text" else "right" if kind == "number" else "center"
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        if number_format:
            cell.number_format = number_format
        if kind not in ("title", "subtitle"):
            for r in range(row, row2 + 1):
                for c in range(col1, col2 + 1):
                    self.ws.cell(row=r, column=c).border = _BORDER
        if fill:
            cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        shown = value if isinstance(value, str) else decimal_text(value) if value is not None else ""
        self.ranges.append(_Range(row, col1, row2, col2, shown, size))

    def height(self, row: int, points: float) -> None:
        self.fixed[row] = points

    def money(self, row: int, col1: int, col2: int | None, amount: Decimal | None) -> None:
        """An amount held in 元, written in 万元 as an exact number showing every decimal it has."""
        if amount is None:
            self.put(row, col1, col2, None, "number")
            return
        value = wan(amount).normalize() if amount else Decimal(0)
        exponent = value.as_tuple().exponent
        decimals = max(2, -exponent) if isinstance(exponent, int) else 2
        if len(value.as_tuple().digits) > _EXCEL_DIGITS:
            # A number cell holds a double (15 digits); text keeps every digit of a huge or very fine amount.
            self.put(row, col1, col2, wan_text(amount), "number")
            return
        self.put(row, col1, col2, value, "number", number_format="0." + "0" * decimals)

    def finish(self, title_rows: tuple[int, int] | None, *, top: int = 1) -> None:
        """Row heights from the text, then the print setup."""
        heights: dict[int, float] = {}
        for rng in sorted(self.ranges, key=lambda r: r.row2 - r.row1):
            width = sum(self.widths[rng.col1 - 1 : rng.col2])
            scale = rng.size / 10.0
            need = _lines(rng.text, width / scale) * _LINE_HEIGHT * scale + 6 if rng.text else 0.0
            need = max(need, _MIN_HEIGHT * scale)
            span = range(rng.row1, rng.row2 + 1)
            have = sum(heights.get(r, _MIN_HEIGHT) for r in span)
            for r in span:
                heights.setdefault(r, _MIN_HEIGHT)
            if need > have:
                heights[rng.row2] += need - have
        heights.update(self.fixed)
        for row, points in heights.items():
            self.ws.row_dimensions[row].height = round(points, 1)
        _print_setup(self.ws, title_rows)


def _print_setup(ws: Worksheet, title_rows: tuple[int, int] | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    odd = ws.oddFooter
    if odd is not None:  # openpyxl always makes one; its stubs allow None
        odd.center.text = "第 &P 页，共 &N 页"
        odd.center.font = BODY_FONT
        odd.center.size = 9
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"


def _new_sheet(title: str) -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has its first sheet
    ws.title = title
    ws.sheet_view.showGridLines = False
    return wb, ws


def unit_text(unit: str | None, code: str | None) -> str | None:
    """实施单位 with its code in front as forms write it (``[224001]中共…办公室``); readers split it again."""
    if unit and code:
        return f"[{code}]{unit}"
    return unit


def _year_line(year: int | None, extra: str = "") -> str:
    return f"（{year}年度{extra}）" if year else f"（    年度{extra}）"


# --- 项目支出绩效目标申报表 ------------------------------------------------------------------------------------


def _paired_rows(form: FormDocument, both: bool) -> list[tuple[str, Indicator | None, Indicator | None]]:
    """(一级, 中期 indicator, 年度 indicator) per table row: each 一级 in order of first appearance, its
    中期 and 年度 indicators side by side in the order the form gives them."""
    order: list[str] = []
    by_level: dict[str, dict[Horizon, list[Indicator]]] = {}
    for indicator in form.indicators:
        level1 = level_labels(indicator)[0]
        if level1 not in by_level:
            order.append(level1)
            by_level[level1] = {Horizon.MEDIUM_TERM: [], Horizon.ANNUAL: []}
        by_level[level1][indicator.horizon].append(indicator)
    rows: list[tuple[str, Indicator | None, Indicator | None]] = []
    for level1 in order:
        medium, annual = by_level[level1][Horizon.MEDIUM_TERM], by_level[level1][Horizon.ANNUAL]
        if both:
            rows.extend((level1, m, a) for m, a in zip_longest(medium, annual))
        else:
            rows.extend((level1, i, None) for i in medium + annual)
    return rows


def fund_use_text(form: FormDocument, doubts: Mapping[int, str] | None = None) -> str:
    """The 资金用途 line: each use with its amount in 元; a use the review rules flag as impossible is not
    printed as fact but marked 待核实 with the finding (``doubts``: index → the finding's message; index -1
    marks the whole line)."""
    doubts = doubts or {}
    parts = []
    for index, use in enumerate(form.fund_uses):
        text = f"{use.item}{yuan_text(use.amount)}元"
        if index in doubts:
            text += f"（待核实：{doubts[index]}）"
        parts.append(text)
    line = "；".join(parts)
    if -1 in doubts:
        line += f"（待核实：{doubts[-1]}）"
    return line


def write_target_table(
    form: FormDocument, path: Path, *, fund_use_doubts: Mapping[int, str] | None = None
) -> Path:
    """项目支出绩效目标申报表 re-issued from a ``FormDocument``; money in 万元, exact. Returns ``path``.

    ``fund_use_doubts`` marks fund uses the review rules flag (see ``fund_use_text``)."""
    horizons = {i.horizon for i in form.indicators}
    both = horizons == {Horizon.MEDIUM_TERM, Horizon.ANNUAL}
    only_medium = horizons == {Horizon.MEDIUM_TERM}
    wb, ws = _new_sheet("绩效目标申报表")
    widths = [10.0, 12.0, 14.0, 30.0, 16.0, 14.0, 30.0, 16.0] if both else [10.0, 14.0, 16.0, 44.0, 26.0]
    s = _Sheet(ws, widths)
    last = s.ncols

    s.put(1, 1, last, "项目支出绩效目标申报表", "title")
    s.height(1, 32)
    s.put(2, 1, last, _year_line(form.year), "subtitle")
    p = form.project
    fields = [
        ("项目名称", p.name, "项目编码", p.code),
        ("主管部门", p.department, "实施单位", unit_text(p.unit, p.unit_code)),
        ("项目属性", p.attribute, "项目期", p.period),
    ]
    row = 3
    for label1, value1, label2, value2 in fields:
        if both:
            s.put(row, 1, 2, label1, "label")
            s.put(row, 3, 4, value1)
            s.put(row, 5, 5, label2, "label")
            s.put(row, 6, last, value2)
            row += 1
        else:  # five columns leave no room for two fields a row
            for label, value in ((label1, value1), (label2, value2)):
                s.put(row, 1, 2, label, "label")
                s.put(row, 3, last, value)
                row += 1

    s.put(row, 1, 1, "项目资金\n（万元）", "label", rows=3)
    money_rows = [
        ("中期资金总额", form.funds_medium_term.total, "年度资金总额", form.funds_annual.total),
        ("其中：财政拨款", form.funds_medium_term.fiscal, "其中：财政拨款", form.funds_annual.fiscal),
        ("其他资金", form.funds_medium_term.other, "其他资金", form.funds_annual.other),
    ]
    for label1, amount1, label2, amount2 in money_rows:
        if both:
            s.put(row, 2, 3, label1, "label")
            s.money(row, 4, 4, amount1)
            s.put(row, 5, 5, label2, "label")
            s.money(row, 6, last, amount2)
        else:
            s.put(row, 2, 2, label1, "label")
            s.money(row, 3, 3, amount1)
            s.put(row, 4, 4, label2, "label")
            s.money(row, 5, 5, amount2)
        row += 1

    if form.fund_uses:
        uses = fund_use_text(form, fund_use_doubts)
        s.put(row, 1, 2, "资金用途", "label")
        s.put(row, 3, last, uses)
        row += 1
    if form.spending_plan:
        per_row = last - 1
        steps = form.spending_plan
        for start in range(0, len(steps), per_row):
            chunk = steps[start : start + per_row]
            s.put(row, 1, 1, "资金支出计划（%）", "label", rows=2)
            for i, step in enumerate(chunk, start=2):
                end = last if i == len(chunk) + 1 else i
                s.put(row, i, end, step.label, "header")
                s.put(row + 1, i, end, f"{decimal_text(step.cumulative_percent)}%", "centre")
            row += 2
    s.put(row, 1, 1, "总体目标", "label", rows=2)
    if form.goal_medium_term is not None:
        split = 4 if both else 3
        s.put(row, 2, split, "中期目标", "header")
        s.put(row, split + 1, last, "年度目标", "header")
        s.put(row + 1, 2, split, form.goal_medium_term)
        s.put(row + 1, split + 1, last, form.goal_annual)
    else:
        s.put(row, 2, last, "年度目标", "header")
        s.put(row + 1, 2, last, form.goal_annual)
    row += 2

    header_row = row
    pairs = _paired_rows(form, both)
    s.put(row, 1, 1, "绩效指标", "label", rows=1 + max(len(pairs), 1))
    if both:
        headers = [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值（中期）",
            "二级指标",
            "三级指标",
            "指标值（年度）",
        ]
    else:
        headers = ["一级指标", "二级指标", "三级指标", "指标值（中期）" if only_medium else "指标值"]
    for i, text in enumerate(headers, start=2):
        s.put(row, i, i, text, "header")
    row += 1
    first = row
    level2_columns = [3, 6] if both else [3]
    value_columns = [(4, 5), (7, 8)] if both else [(4, 5)]
    for offset, (_, medium, annual) in enumerate(pairs):
        for (name_col, target_col), indicator in zip(value_columns, (medium, annual), strict=False):
            name = indicator.name if indicator is not None else None
            target = indicator.target.raw if indicator is not None else None
            s.put(first + offset, name_col, name_col, name)
            s.put(first + offset, target_col, target_col, target, "centre")
    _merge_runs(s, first, [pair[0] or None for pair in pairs], 2)
    for gi, column in enumerate(level2_columns):
        side: list[Indicator | None] = [pair[1] if gi == 0 else pair[2] for pair in pairs]
        _merge_runs(s, first, [level_labels(i)[1] or None if i is not None else None for i in side], column)
    s.finish((header_row, header_row))
    wb.save(path)
    return path


def write_department_table(form: FormDocument, path: Path) -> Path:
    """部门整体绩效目标表 of a department-wide form: unit, funds, the overall goal, the sub-goals, the work
    measures, and its indicators when it has any (no project fields, no scores). Returns ``path``."""
    wb, ws = _new_sheet("部门整体绩效目标表")
    s = _Sheet(ws, [14.0, 14.0, 18.0, 40.0, 26.0])
    last = s.ncols
    s.put(1, 1, last, "部门整体绩效目标表", "title")
    s.height(1, 32)
    s.put(2, 1, last, _year_line(form.year), "subtitle")
    p = form.project
    row = 3
    for label, value in (("部门（单位）名称", unit_text(p.unit, p.unit_code)), ("主管部门", p.department)):
        s.put(row, 1, 2, label, "label")
        s.put(row, 3, last, value)
        row += 1
    funds = form.funds_annual
    if not funds.is_empty():
        s.put(row, 1, 1, "年度资金\n（万元）", "label", rows=3)
        for label, amount in (
            ("资金总额", funds.total),
            ("其中：财政拨款", funds.fiscal),
            ("其他资金", funds.other),
        ):
            s.put(row, 2, 3, label, "label")
            s.money(row, 4, last, amount)
            row += 1
    department = form.department
    sections = (
        ("总体绩效目标", [form.goal_annual or form.goal_medium_term or ""]),
        ("分项绩效目标", list(department.sub_goals) if department is not None else []),
        ("工作保障措施", list(department.measures) if department is not None else []),
    )
    for label, texts in sections:
        texts = [t for t in texts if t and t.strip()]
        if not texts:
            continue
        s.put(row, 1, 2, label, "label", rows=len(texts))
        for offset, text in enumerate(texts):
            s.put(row + offset, 3, last, text)
        row += len(texts)
    annual = [i for i in form.indicators if i.horizon is Horizon.ANNUAL] or list(form.indicators)
    header_row = None
    if annual:
        header_row = row
        s.put(row, 1, 1, "绩效指标", "label", rows=1 + len(annual))
        for col, text in enumerate(["一级指标", "二级指标", "三级指标", "指标值"], start=2):
            s.put(row, col, col, text, "header")
        first = row + 1
        for offset, indicator in enumerate(annual):
            s.put(first + offset, 4, 4, indicator.name)
            s.put(first + offset, 5, 5, indicator.target.raw, "centre")
        _merge_runs(s, first, [level_labels(i)[0] or None for i in annual], 2)
        _merge_runs(s, first, [level_labels(i)[1] or None for i in annual], 3)
    s.finish((header_row, header_row) if header_row is not None else None)
    wb.save(path)
    return path


def _merge_runs(s: _Sheet, first: int, labels: Sequence[str | None], column: int) -> None:
    """Write a level label once per run of equal labels, merged downwards over the run."""
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start] or labels[i] is None:
            s.put(first + start, column, column, labels[start] or None, "centre", rows=i - start)
            start = i


# --- 项目支出绩效运行监控表 ----------------------------------------------------------------------------------


def write_monitoring_table(table: MonitoringTable, path: Path) -> Path:
    """项目支出绩效运行监控表 (§2 column order), each light as a coloured cell with its word. Returns ``path``.

    Raises ``ReportDataError`` when a row says 完全不可能 without 纠偏措施.
    """
    table.check()
    wb, ws = _new_sheet("绩效运行监控表")
    widths = [10.0, 12.0, 24.0, 13.0, 13.0, 13.0, 11.0, 22.0, 11.0, 22.0, 7.0]
    s = _Sheet(ws, widths)
    last = s.ncols
    s.put(1, 1, last, "项目支出绩效运行监控表", "title")
    s.height(1, 32)
    period = f"，监控期间：{table.period_label}" if table.period_label else ""
    s.put(2, 1, last, _year_line(table.year, period), "subtitle")
    for row, (label1, value1, label2, value2) in enumerate(
        [
            ("项目名称", table.project_name, "项目编码", table.project_code),
            ("主管部门", table.department, "实施单位", table.unit),
        ],
        start=3,
    ):
        s.put(row, 1, 2, label1, "label")
        s.put(row, 3, 6, value1)
        s.put(row, 7, 7, label2, "label")
        s.put(row, 8, last, value2)

    s.put(5, 1, 2, "项目资金\n（万元）", "label", rows=2)
    for col, text in enumerate(["全年预算数", "截至当期执行数", "执行率", "全年预计执行数", "预警"], start=3):
        s.put(5, col, col, text, "header")
    s.put(5, 8, last, "偏差原因", "header")
    s.money(6, 3, 3, table.annual_budget)
    s.money(6, 4, 4, table.executed_to_date)
    s.put(6, 5, 5, percent_text(table.rate()), "number")
    s.money(6, 6, 6, table.expected_full_year)
    _light(s, 6, 7, table.budget_light)
    s.put(6, 8, last, table.budget_deviation_reason)

    s.put(7, 1, 2, "年度总体目标", "label", rows=2)
    s.put(7, 3, 6, "全年目标", "header")
    s.put(7, 7, last, "截至当期完成情况", "header")
    s.put(8, 3, 6, table.goal_annual)
    s.put(8, 7, last, table.goal_progress)

    top = 9
    for col, text in enumerate(
        ["一级指标", "二级指标", "三级指标", "年度指标值", "截至当期实际完成值", "全年预计完成情况"], start=1
    ):
        s.put(top, col, col, text, "header", rows=2)
    s.put(top, 7, 8, "偏差原因", "header")
    s.put(top + 1, 7, 7, "类别", "header")
    s.put(top + 1, 8, 8, "原因说明", "header")
    for col, text in enumerate(["完成目标可能性", "纠偏措施", "预警"], start=9):
        s.put(top, col, col, text, "header", rows=2)
    first = top + 2
    for offset, item in enumerate(table.rows):
        r = first + offset
        s.put(r, 3, 3, item.name)
        s.put(r, 4, 4, item.annual_target, "centre")
        s.put(r, 5, 5, item.actual_to_date, "centre")
        s.put(r, 6, 6, item.expected_full_year, "centre")
        s.put(r, 7, 7, item.deviation_category.value if item.deviation_category else None, "centre")
        s.put(r, 8, 8, item.deviation_reason)
        s.put(r, 9, 9, item.likelihood.value if item.likelihood else None, "centre")
        s.put(r, 10, 10, item.corrective_action)
        _light(s, r, 11, item.light)
    _merge_runs(s, first, [item.level1 for item in table.rows], 1)
    _merge_runs(s, first, [item.level2 for item in table.rows], 2)
    note = first + len(table.rows)
    s.put(
        note,
        1,
        last,
        "注：偏差原因类别为经费保障、制度保障、人员保障、硬件条件保障、其他；完成目标可能性为“完全不可能”的，"
        "须填写纠偏措施。预警：红、黄、绿、蓝，按本单位设定的预警规则生成。",
    )
    s.finish((top, top + 1))
    wb.save(path)
    return path


def _light(s: _Sheet, row: int, col: int, light: Colour | None) -> None:
    if light is None:
        s.put(row, col, col, None, "centre")
        return
    s.put(row, col, col, light.chinese[0], "label", fill=LIGHT_FILLS[light])


# --- 项目支出绩效自评表 -----------------------------------------------------------------------------------------


def write_selfeval_table(
    form: FormDocument,
    evaluation: Evaluation,
    path: Path,
    *,
    problems: str | None = None,
    improvements: str | None = None,
) -> Path:
    """项目支出绩效自评表 (财预〔2020〕10号 layout) with the scores of ``evaluation``. Returns ``path``."""
    wb, ws = _new_sheet("绩效自评表")
    widths = [11.0, 11.0, 13.0, 28.0, 15.0, 15.0, 8.0, 9.0, 30.0]
    s = _Sheet(ws, widths)
    last = s.ncols
    s.put(1, 1, last, "项目支出绩效自评表", "title")
    s.height(1, 32)
    s.put(2, 1, last, _year_line(form.year), "subtitle")
    p = form.project
    for row, (label1, value1, label2, value2) in enumerate(
        [
            ("项目名称", p.name or evaluation.project, "项目编码", p.code),
            ("主管部门", p.department, "实施单位", unit_text(p.unit, p.unit_code)),
        ],
        start=3,
    ):
        s.put(row, 1, 2, label1, "label")
        s.put(row, 3, 5, value1)
        s.put(row, 6, 6, label2, "label")
        s.put(row, 7, last, value2)

    budget = evaluation.budget
    block = form.budget_execution
    initial = block.initial_budget if block is not None and block.initial_budget is not None else None
    if initial is None:
        initial = form.funds_annual.total
    s.put(5, 1, 1, "项目资金\n（万元）", "label", rows=4)
    s.put(5, 2, 3, None, "header")
    for col, text in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=4):
        s.put(5, col, col, text, "header")
    s.put(6, 2, 3, "年度资金总额", "label")
    s.money(6, 4, 4, initial)
    s.money(6, 5, 5, budget.adjusted_budget)
    s.money(6, 6, 6, budget.executed)
    s.put(6, 7, 7, weight_text(budget.weight), "centre")
    s.put(6, 8, 8, percent_text(budget.rate), "centre")
    s.put(6, 9, 9, score_cell(budget), "centre")
    for row, label, amount in (
        (7, "其中：当年财政拨款", form.funds_annual.fiscal),
        (8, "其他资金", form.funds_annual.other),
    ):
        s.put(row, 2, 3, label, "label")
        s.money(row, 4, 4, amount)
        s.put(row, 5, 5, None)
        s.put(row, 6, 6, None)
        s.put(row, 7, 7, "/", "centre")
        s.put(row, 8, 8, None)
        s.put(row, 9, 9, "/", "centre")

    s.put(9, 1, 1, "年度总体\n目标", "label", rows=2)
    s.put(9, 2, 5, "预期目标", "header")
    s.put(9, 6, last, "实际完成情况", "header")
    s.put(10, 2, 5, form.goal_annual)
    s.put(10, 6, last, form.goal_annual_achieved)

    top = 11
    results = evaluation.indicators
    s.put(top, 1, 1, "绩效指标", "label", rows=1 + max(len(results), 1))
    for col, text in enumerate(
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        start=2,
    ):
        s.put(top, col, col, text, "header")
    first = top + 1
    for offset, result in enumerate(results):
        r = first + offset
        indicator, score = result.indicator, result.score
        s.put(r, 4, 4, indicator.name)
        s.put(r, 5, 5, indicator.target.raw, "centre")
        s.put(r, 6, 6, indicator.actual_text, "centre")
        s.put(r, 7, 7, weight_text(score.weight), "centre")
        s.put(r, 8, 8, score_cell(score), "centre")
        s.put(r, 9, 9, indicator.deviation_reason)
    _merge_runs(s, first, [level_labels(r.indicator)[0] or None for r in results], 2)
    _merge_runs(s, first, [level_labels(r.indicator)[1] or None for r in results], 3)
    row = first + max(len(results), 1)
    if not results:
        for col in range(2, last + 1):
            s.put(first, col, col, None)
    s.put(row, 1, 6, "总分", "label")
    s.put(row, 7, 7, decimal_text(total_weight(results, budget)), "centre")
    s.put(row, 8, 8, decimal_text(evaluation.total, places=2), "centre")
    s.put(row, 9, 9, None)
    closing: tuple[tuple[str, str | None], ...] = (
        ("评价结论", grade_text(evaluation)),
        ("存在问题", problems),
        ("改进措施", improvements),
    )
    for label, value in closing:
        row += 1
        s.put(row, 1, 2, label, "label")
        s.put(row, 3, last, value)
    s.finish((top, top))
    wb.save(path)
    return path
