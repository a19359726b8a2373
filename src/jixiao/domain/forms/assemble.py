"""Finds the forms in a grid of cells: titles, project fields, funds, goals, fund uses, spending plan, and the
indicator table, whatever the layout. One ``FormDocument`` per project.

Real forms shift cells when merged cells are flattened, leave level labels out, or put a 二级 label in the 一级
column. Columns are trusted only where the row agrees with its header; otherwise a row is read by what its
cells are (level labels, names, target values), and missing levels are inherited from the rows above.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jixiao.domain.forms.deadline import check_deadline
from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.labels import (
    FIELD_LABELS,
    STOP_WORDS,
    TITLE,
    Col,
    Field,
    Money,
    header_horizon_hint,
    header_role,
    key_of,
    money_label,
    plain_key,
    strip_notes,
)
from jixiao.domain.forms.model import (
    BudgetExecution,
    DepartmentGoals,
    FormDocument,
    FormKind,
    FundUse,
    Horizon,
    Indicator,
    Location,
    SpendingStep,
)
from jixiao.domain.targets.grammar import (
    check_digits,
    compose_target,
    parse_amount,
    parse_percent,
    parse_target,
)
from jixiao.domain.targets.model import TargetKind, TargetValue
from jixiao.domain.targets.taxonomy import LabelMatch, classify_label, detect_taxonomy, normalise_levels
from jixiao.domain.text import has_traditional, normalise_cell, strip_pinyin, to_simplified


@dataclass(slots=True)
class C:
    """A cell as the assembler sees it: cleaned text, its matching key, and where it was."""

    text: str
    key: str
    loc: Location

    @property
    def empty(self) -> bool:
        return not self.text


Rows = list[list[C]]

_YEAR_ROW = re.compile(r"^[(（]?\s*(\d{4})\s*年度?\s*(?:[)）]|[，,、;；][^()（）]{0,30}[)）])?$")
_YEAR_IN_TITLE = re.compile(r"[(（]\s*(\d{4})\s*年度?\s*[)）]")
_CODE_NAME = re.compile(r"^\s*([0-9A-Z]{12,})\s*[-—_－]\s*(.+)$")
_UNIT_CODE = re.compile(r"^\s*[\[【(（]?\s*(\d{3,})\s*[\]】)）]?\s*-?\s*(\D.*)$")
_UNIT_WORDS = (
    "办公室",
    "局",
    "委员会",
    "中心",
    "政府",
    "院",
    "所",
    "社",
    "部",
    "本级",
    "委",
    "站",
    "队",
    "馆",
)
_HTML_BREAK = re.compile(r"</p>\s*<p>|<br\s*/?>|</p>|<p>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]{1,40}>")
_MONEY_UNIT_HINT = re.compile(r"(?:单位|金额单位)?[(（:：]?\s*(万元|元)\s*[)）]?$")
# Starts only where a run of digits starts, and never gives digits back: linear on any text.
_AMOUNT_IN_TEXT = re.compile(r"(?<![\d,.])(\d[\d,]*+(?:\.\d++)?+)\s*+(亿元|万元|千元|元)")
_GENERIC_ITEM = re.compile(r"^(费用|经费|资金|共计|合计|约|计|共|金额|需|预计)*$")
_DEPT_HEADING = re.compile(
    r"^[一二三四五六七八九十]+、\s*(总体绩效目标|分项绩效目标|工作保障措施|年度工作任务|主要任务|绩效目标)"
)
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
_OPERATOR_TOKEN = re.compile(
    r"^(≥|≤|>=|<=|>|<|=|＞|＜|＝|大于等于|小于等于|大于|小于|等于|定性|定量|W|w|二)$"
)
# What OCR makes of an operator cell: W for ≤, 二 for =.
_OCR_OPERATORS = {"W": "≤", "w": "≤", "二": "="}
_DIRECTION_TOKEN = re.compile(r"^(正向|反向)(指标)?$")
_ACHIEVED = "annual_achieved"
_LIKELIHOOD = re.compile(r"^(确定能|有可能|完全不可能|不可能)$")
_SECTION_HEADING = re.compile(r"^\d+[.、．]\s*\S{2,20}$")
# Blank templates carry filling instructions where the text should be: `对照年度目标,说明…(100字以内)`.
_INSTRUCTION = re.compile(r"(\(\d+字以内\)|^对照|^结合自评情况|^针对)")
_NOT_APPLICABLE = ("不适用", "无", "/", "-", "—")
_NUMBER_TOKEN = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")
# Real indicator tables have at most about twenty columns; shifting a row through every offset of a header of
# thousands of cells (a damaged file) would cost the square of that.
_MAX_TABLE_WIDTH = 64


def assemble(grid: Grid) -> list[FormDocument]:
    texts = [[_normalised(cell.text) for cell in row.cells] for row in grid.rows]
    pinyin = _first_pinyin(grid)
    if pinyin is not None:
        texts = [[strip_pinyin(t) for t in row] for row in texts]
    # One conversion of the whole text tells whether any cell holds traditional characters.
    traditional = has_traditional("\n".join("\t".join(row) for row in texts))
    if traditional:
        # Everything is read in simplified characters, so that names match across forms and years.
        texts = [[to_simplified(t) for t in row] for row in texts]
    rows: Rows = [
        [C(t, _key(t), cell.location) for t, cell in zip(row_texts, row.cells, strict=True)]
        for row_texts, row in zip(texts, grid.rows, strict=True)
    ]
    forms = [
        form
        for section in _split_sections(rows)
        for form in _FormBuilder(section, grid.source, stream=grid.stream).build()
    ]
    forms = [f for f in forms if f.kind is FormKind.DEPARTMENT_WIDE or f.project.name or f.indicators]
    if not any(f.indicators for f in forms):
        forms = _with_flow(grid, forms)
    _share_unit(forms)
    if traditional:
        for form in forms:
            form.warn("繁体字已转为简体读取", form.location)
    if pinyin is not None:
        for form in forms:
            form.warn("行内拼音注音已删除", pinyin)
    for message, where in grid.notes:
        for form in forms:
            form.warn(message, where)
    return forms


def _first_pinyin(grid: Grid) -> Location | None:
    for row in grid.rows:
        for cell in row.cells:
            if "(" in cell.text and strip_pinyin(cell.text) != cell.text:
                return cell.location
    return None


def _with_flow(grid: Grid, forms: list[FormDocument]) -> list[FormDocument]:
    """No indicator table in the grid: read it as text whose cells ran together (``flow.py``)."""
    from jixiao.domain.forms.flow import read_flow

    kind = forms[0].kind if forms else None
    flowed = read_flow(grid, kind)
    if flowed is None:
        lines = [row.location.line for row in grid.rows if row.location.line is not None]
        where = f"第{min(lines)}–{max(lines)}行" if lines else "全文"
        for form in forms:
            if form.kind is FormKind.DEPARTMENT_WIDE:
                continue  # a department-wide part may state its goals without indicators
            form.warn(
                f"{where}没有找到可以读取的指标",
                form.location,
            )
        return forms
    flowed.warn("未找到指标表格，按连排文字读取", flowed.location)
    if not forms:
        return [flowed]
    form = forms[0]
    form.indicators = flowed.indicators
    form.warnings.extend(flowed.warnings)
    if form.year is None:
        form.year = flowed.year
    for attribute in ("name", "unit", "department"):
        if getattr(form.project, attribute) is None and getattr(flowed.project, attribute) is not None:
            setattr(form.project, attribute, getattr(flowed.project, attribute))
    return [form, *forms[1:]]


@lru_cache(maxsize=32768)
def _normalised(text: str) -> str:
    return normalise_cell(text, keep_newlines=True) if text else ""


@lru_cache(maxsize=32768)
def _key(text: str) -> str:
    return plain_key(text) if text else ""


def _share_unit(forms: list[FormDocument]) -> None:
    """A department-wide part names no unit of its own; it is the unit of the project tables in the same
    file when they all name one unit. Said in a warning, so nobody mistakes it for a value read."""
    units = {(f.project.unit, f.project.unit_code) for f in forms if f.project.unit}
    if len(units) != 1:
        return
    unit, code = units.pop()
    for form in forms:
        if form.kind is FormKind.DEPARTMENT_WIDE and form.project.unit is None:
            form.project.unit, form.project.unit_code = unit, code
            form.warn(
                f"部门整体目标未写单位，取同一文件项目表的单位“{unit}”",
                form.location,
            )


# -- splitting a file into forms ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Section:
    kind: FormKind
    rows: Rows = field(default_factory=list)
    title: C | None = None


def _title_kind(key: str) -> FormKind:
    if "自评" in key or "自我评价" in key:
        return FormKind.SELF_EVALUATION
    if "监控" in key:
        return FormKind.MONITORING
    if "部门整体" in key:
        return FormKind.DEPARTMENT_WIDE
    return FormKind.TARGET


def _single(row: list[C]) -> C | None:
    non_empty = [c for c in row if not c.empty]
    return non_empty[0] if len(non_empty) == 1 else None


def _has_content(section: _Section) -> bool:
    for row in section.rows:
        for c in row:
            k = strip_notes(c.key)
            if k in FIELD_LABELS or header_role(k) is not None or money_label(c.key) is not None:
                return True
            if section.kind is FormKind.DEPARTMENT_WIDE and len(c.text) > 30:
                return True
    return False


def _split_sections(rows: Rows) -> list[_Section]:
    sections: list[_Section] = []
    current = _Section(FormKind.TARGET)
    names_seen = 0
    for row in rows:
        single = _single(row)
        is_title = single is not None and len(single.key) <= 60 and bool(TITLE.search(single.key))
        if single is not None and not is_title and _PART_HEADING.match(single.key) and _has_content(current):
            sections.append(current)
            current = _Section(FormKind.TARGET)
            names_seen = 0
            continue
        if is_title and single is not None:
            if _has_content(current):
                sections.append(current)
            current = _Section(_title_kind(single.key), title=single)
            names_seen = 0
            continue
        if any(strip_notes(c.key) == "项目名称" for c in row):
            names_seen += 1
            if names_seen > 1 and _has_content(current):
                sections.append(current)
                current = _Section(current.kind, title=current.title)
                names_seen = 1
        current.rows.append(row)
    if _has_content(current):
        sections.append(current)
    return sections


# -- one form ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """An indicator table's header: the role of each column and the horizon of each column group."""

    roles: list[Col | None]
    horizons: list[Horizon]
    groups: list[dict[Col, int]]
    compact: bool


class _FormBuilder:
    def __init__(self, section: _Section, source: str, *, stream: bool) -> None:
        self.rows = section.rows
        self.stream = stream
        first = section.title.loc if section.title else (section.rows[0][0].loc if section.rows[0] else None)
        self.form = FormDocument(source=source, kind=section.kind, location=first)
        self.title = section.title
        self.money_unit: str | None = None
        self.money: list[tuple[Money, C | None, C]] = []
        self.levels: dict[Horizon, tuple[str | None, str | None]] = {}
        self.expect_fund_uses = False
        self.consumed: set[int] = set()
        self.table_forms: list[FormDocument] = []

    # entry point ------------------------------------------------------------------------------------------

    def build(self) -> list[FormDocument]:
        """The section's form, and the forms of a many-projects table when the section holds one."""
        form = self.form
        labels = [c.key for row in self.rows for c in row if _label(c) is not None]
        form.taxonomy = detect_taxonomy(labels)
        self._read_year()
        if form.year is None:
            form.warn("未找到年度", form.location)
        if form.kind is FormKind.DEPARTMENT_WIDE:
            self._read_department()
            if not any(header_role(strip_notes(c.key)) is Col.NAME for row in self.rows for c in row):
                return [form]
        r = 0
        while r < len(self.rows):
            if r % 256 == 0 and self.rows[r]:
                check_deadline(self.rows[r][0].loc)
            r = self._read_row(r)
        self._settle_money()
        return [form, *self.table_forms]

    def _read_year(self) -> None:
        if self.title is not None:
            m = _YEAR_IN_TITLE.search(self.title.text)
            if m:
                self.form.year = int(m.group(1))
                self.form.field_locations["year"] = self.title.loc
                return
        for row in self.rows[:6]:
            single = _single(row)
            if single is not None:
                m = _YEAR_ROW.match(single.text)
                if m:
                    self.form.year = int(m.group(1))
                    self.form.field_locations["year"] = single.loc
                    return

    # the walk -----------------------------------------------------------------------------------------------

    def _read_row(self, r: int) -> int:
        """Read row ``r`` (and in stream mode the cells after it); return the next row to read."""
        row = self.rows[r]
        if not self.stream and _is_project_header(row) and self._is_indicator_header(r):
            return self._read_project_table(r)
        for ci, cell in enumerate(row):
            if cell.empty or id(cell) in self.consumed:
                continue
            k = strip_notes(cell.key)
            if self._money_unit_hint(cell):
                continue
            if self._budget_header_at(r, ci):
                return self._read_budget_block(r, ci)
            if k in FIELD_LABELS:
                self._read_field(FIELD_LABELS[k], r, ci)
            elif (label := money_label(cell.key)) is not None:
                value = self._value_after(r, ci, accept=_looks_like_amount)
                if value is not None:
                    self.consumed.add(id(value))
                self.money.append((label, value, cell))
            elif k in ("总体目标", "绩效目标", "年度目标", "项目年度目标", "年度总体目标", "中期目标"):
                return self._read_goals(r, ci)
            elif k.startswith("资金支出计划"):
                return self._read_spending_plan(r, ci)
            elif "资金用途" in k:
                self.expect_fund_uses = True
            elif header_role(k) in (
                Col.LEVEL1,
                Col.LEVEL2,
                Col.NAME,
                Col.INDEX,
            ) and self._is_indicator_header(r):
                return self._read_indicators(r)
            elif self._maybe_unit_line(cell):
                continue
            elif self.expect_fund_uses and _AMOUNT_IN_TEXT.search(cell.text):
                self._read_fund_uses(cell)
                self.expect_fund_uses = False
        return r + 1

    # fields -------------------------------------------------------------------------------------------------

    def _value_after(self, r: int, ci: int, *, accept: Callable[[C], bool] | None = None) -> C | None:
        """The value cell after a label: the next non-empty cell in the row that is not itself a label.
        Web pages with one cell per line give the next cell (an empty one means the value is empty)."""
        if self.stream:
            nxt = r + 1
            while nxt < len(self.rows) and self.rows[nxt] and self.rows[nxt][0].key in ("及编码", "(盖章)"):
                nxt += 1
            if nxt >= len(self.rows) or not self.rows[nxt]:
                return None
            cell = self.rows[nxt][0]
            return None if cell.empty or _is_label(cell) else cell
        for cell in self.rows[r][ci + 1 :]:
            if cell.empty:
                continue
            if _is_label(cell) or (accept is not None and not accept(cell)):
                return None
            return cell
        return None

    def _read_field(self, which: Field, r: int, ci: int) -> None:
        cell = self._value_after(r, ci)
        if cell is None:
            return
        self.consumed.add(id(cell))
        project = self.form.project
        text = cell.text
        if which is Field.NAME:
            m = _CODE_NAME.match(text)
            if m and project.code is None:
                project.code = m.group(1)
                self.form.field_locations["project.code"] = cell.loc
                text = m.group(2).strip()
            project.name = text
        elif which is Field.CODE:
            project.code = text
        elif which is Field.UNIT:
            code, name = _split_unit(text)
            project.unit = name
            if code and project.unit_code is None:
                project.unit_code = code
                self.form.field_locations["project.unit_code"] = cell.loc
        elif which is Field.DEPARTMENT:
            project.department = _split_unit(text)[1]
        elif which is Field.ATTRIBUTE:
            project.attribute = text
        elif which is Field.PERIOD:
            project.period = text
        self.form.field_locations[f"project.{which.value}"] = cell.loc

    def _maybe_unit_line(self, cell: C) -> bool:
        """A line under the title naming the unit with its code: `224001中共顺平县委…办公室（本级）`."""
        if self.form.project.unit is not None or len(cell.text) > 60:
            return False
        code, name = _split_unit(cell.text)
        if code is None or not any(w in name for w in _UNIT_WORDS):
            return False
        self.form.project.unit = name
        self.form.project.unit_code = code
        self.form.field_locations["project.unit"] = cell.loc
        self.form.field_locations["project.unit_code"] = cell.loc
        return True

    def _money_unit_hint(self, cell: C) -> bool:
        k = cell.key
        if ("单位" in k and len(k) <= 12 and k.endswith(("元", "万元"))) or k in ("(万元)", "(元)"):
            self.money_unit = "万元" if k.endswith("万元") else "元"
            self.form.field_locations["money_unit"] = cell.loc
            return True
        if k.endswith(("(万元)", "(元)")) and len(k) <= 16:
            self.money_unit = "万元" if k.endswith("(万元)") else "元"
            self.form.field_locations["money_unit"] = cell.loc
            # The label may also name an amount (`年度预算数(万元)`), so the caller goes on reading it.
            return money_label(k) is None and strip_notes(k) not in FIELD_LABELS
        return False

    # money ----------------------------------------------------------------------------------------------------

    def _amount(self, cell: C | None) -> Decimal | None:
        if cell is None:
            return None
        try:
            return parse_amount(cell.text, self.money_unit or "元")
        except ValueError:
            self.form.warn(f"金额“{cell.text}”无法读取，未读取（请填写数字金额，如“12.50”）", cell.loc)
            return None

    def _settle_money(self) -> None:
        form = self.form
        form.money_unit = self.money_unit or "元"
        bare = [v for _, v, _ in self.money if v is not None and not re.search(r"元|万", v.text)]
        if bare and self.money_unit is None:
            form.warn("金额单位未注明，按元读取；如果表中金额是万元，请在表头注明“单位：万元”", bare[0].loc)
        kinds = {m for m, _, _ in self.money}
        has_medium = Money.MEDIUM_TOTAL in kinds or (Money.TOTAL in kinds and Money.ANNUAL_TOTAL in kinds)
        has_annual = bool(kinds & {Money.ANNUAL_TOTAL, Money.ANNUAL_FISCAL, Money.ANNUAL_OTHER, Money.TOTAL})
        seen: dict[str, int] = {}
        for label, value_cell, label_cell in self.money:
            amount = self._amount(value_cell)
            if label in (Money.FISCAL, Money.OTHER):
                # Plain 财政拨款 / 其他资金 appear once per horizon, medium-term first, in reading order.
                count = seen.get(label.value, 0)
                seen[label.value] = count + 1
                horizon = Horizon.MEDIUM_TERM if has_medium and count == 0 else Horizon.ANNUAL
                if has_medium and not has_annual:
                    horizon = Horizon.MEDIUM_TERM
                part = "fiscal" if label is Money.FISCAL else "other"
            elif label is Money.TOTAL:
                horizon = Horizon.MEDIUM_TERM if Money.ANNUAL_TOTAL in kinds else Horizon.ANNUAL
                part = "total"
            else:
                horizon = Horizon.MEDIUM_TERM if label is Money.MEDIUM_TOTAL else Horizon.ANNUAL
                part = {"medium_total": "total", "annual_total": "total"}.get(label.value) or (
                    "fiscal" if "fiscal" in label.value else "other"
                )
            funds = form.funds_medium_term if horizon is Horizon.MEDIUM_TERM else form.funds_annual
            if getattr(funds, part) is None and amount is not None:
                setattr(funds, part, amount)
                form.field_locations[f"funds.{horizon.value}.{part}"] = (value_cell or label_cell).loc

    # budget execution (self-evaluation and monitoring tables) -------------------------------------------------

    def _budget_header_at(self, r: int, ci: int) -> bool:
        if self.form.budget_execution is not None:
            return False
        if not self.stream and _budget_role(self.rows[r][ci].key) is None:
            return (
                False  # the block starts at its first header cell; checked cell by cell, never the row again
            )
        if self.stream:
            ahead = [row[0] for row in self.rows[r : r + 3] if row]
            return any(_budget_role(c.key) == "initial" for c in ahead)
        roles = {_budget_role(c.key) for c in self.rows[r][ci:]}
        return "initial" in roles or {"adjusted", "executed"} <= roles

    def _read_budget_block(self, r: int, ci: int) -> int:
        """年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分, then a 总额 row and 其中 rows."""
        start = self.rows[r][ci]
        self._money_unit_hint(start)
        roles: list[str | None] = []
        nxt = r
        if self.stream:
            while nxt < len(self.rows) and self.rows[nxt]:
                cell = self.rows[nxt][0]
                role = _budget_role(cell.key)
                if role is None and roles:
                    break
                if role is not None:
                    roles.append(role)
                else:
                    self._money_unit_hint(cell)
                nxt += 1
        else:
            roles = [_budget_role(c.key) for c in self.rows[r][ci:] if not c.empty]
            roles = [role for role in roles if role is not None]
            nxt = r + 1
        block = BudgetExecution(location=start.loc)
        found = False
        fiscal_row: tuple[C, list[C]] | None = None
        while nxt < len(self.rows):
            cells = self._budget_values_row(nxt, len(roles))
            if cells is None:
                break
            label, values, consumed = cells
            nxt += consumed
            part = money_label(label.key)
            if part in (Money.TOTAL, Money.ANNUAL_TOTAL, Money.MEDIUM_TOTAL) and not found:
                found = True
                block.location = label.loc
                for role, cell in zip(roles, values, strict=False):
                    self._budget_value(block, role, cell)
                if block.initial_budget is not None:
                    self.form.funds_annual.total = block.initial_budget
            elif part in (Money.FISCAL, Money.ANNUAL_FISCAL) and values and roles and roles[0] == "initial":
                self.form.funds_annual.fiscal = self._amount(values[0])
                if found and _all_zero(block) and fiscal_row is None:
                    fiscal_row = (label, values)
            elif part in (Money.OTHER, Money.ANNUAL_OTHER) and values and roles and roles[0] == "initial":
                self.form.funds_annual.other = self._amount(values[0])
        if found and fiscal_row is not None:
            # The total row exported as zeros while 其中：财政拨款 holds the figures: read that row, and say so.
            label, values = fiscal_row
            fiscal = BudgetExecution(
                location=label.loc, weight=block.weight, recorded_score=block.recorded_score
            )
            for role, cell in zip(roles, values, strict=False):
                if role not in ("weight", "score"):
                    self._budget_value(fiscal, role, cell)
            if not _all_zero(fiscal):
                if fiscal.rate is None and fiscal.executed is not None and fiscal.adjusted_budget:
                    fiscal.rate = (fiscal.executed / fiscal.adjusted_budget * 100).quantize(Decimal("0.01"))
                block = fiscal
                self.form.warn(
                    "“总额”行全为0，预算执行按“其中：财政拨款”行读取",
                    label.loc,
                )
        if found:
            self.form.budget_execution = block
        else:
            self.form.warn("预算执行情况表没有“总额”行", start.loc)
        return nxt

    def _budget_values_row(self, r: int, width: int) -> tuple[C, list[C], int] | None:
        """The label and values of one budget row, and how many grid rows it took; None at the block's end."""
        if self.stream:
            if r >= len(self.rows) or not self.rows[r]:
                return None
            label = self.rows[r][0]
            if money_label(label.key) is None and not label.key.startswith(("单位资金", "财政专户")):
                if _is_instruction(label.text) or label.text.startswith(("1.", "1、")):
                    return (C("", "", label.loc), [], 1)
                return None
            values = [row[0] for row in self.rows[r + 1 : r + 1 + width] if row]
            return label, values, 1 + width
        row = [c for c in self.rows[r] if not c.empty]
        if not row:
            return (C("", "", self.rows[r][0].loc if self.rows[r] else Location("")), [], 1)
        label = row[0]
        if money_label(label.key) is None and not label.key.startswith(("单位资金", "财政专户")):
            if _looks_like_amount(label) and len(row) >= width - 2:
                # A monitoring table's values row has no label of its own: it is the total.
                return C("总额", "总额", label.loc), row, 1
            return None
        return label, row[1:], 1

    def _budget_value(self, block: BudgetExecution, role: str | None, cell: C) -> None:
        if role is None or cell.empty or cell.text in ("/", "-"):
            return
        if role == "rate":
            try:
                block.rate = parse_percent(cell.text)
            except ValueError:
                self.form.warn(f"执行率“{cell.text}”无法读取，未读取", cell.loc)
        elif role in ("weight", "score"):
            value = self._decimal(cell)
            if role == "weight":
                block.weight = value
            else:
                block.recorded_score = value
        elif role in ("initial", "adjusted", "executed"):
            amount = self._amount(cell)
            setattr(
                block, {"initial": "initial_budget", "adjusted": "adjusted_budget"}.get(role, role), amount
            )

    # goals ----------------------------------------------------------------------------------------------------

    def _read_goals(self, r: int, ci: int) -> int:
        """Goal headers (中期目标 / 年度目标) and their texts, in the same row or the rows below."""
        order: list[Horizon | str] = []
        texts: list[C] = []

        def take(cell: C) -> bool:
            """Take one cell; False when it ends the goals block."""
            k = strip_notes(cell.key)
            if _is_instruction(cell.text):
                return True  # template instructions where the text should be: nothing was filled in
            if _SECTION_HEADING.match(cell.text):
                return False
            if k.startswith("中期目标"):
                order.append(Horizon.MEDIUM_TERM)
            elif k == "预期目标":
                # 年度总体目标 | 预期目标 | 实际完成情况: the first two name the same column.
                if not (order and order[-1] is Horizon.ANNUAL and not texts):
                    order.append(Horizon.ANNUAL)
            elif "完成情况" in k and len(k) <= 12:
                order.append(_ACHIEVED)
            elif k.startswith(("年度目标", "年度总体目标", "项目年度目标", "当年目标")):
                order.append(Horizon.ANNUAL)
            elif cell.empty or k in ("总体目标", "绩效目标"):
                pass
            elif _is_label(cell) or header_role(k) is not None or _is_stop(cell):
                return False
            else:
                texts.append(cell)
            return True

        for cell in self.rows[r][ci:]:
            if not take(cell):
                break
        nxt = r + 1
        while len(texts) < max(len(order), 1) and nxt < len(self.rows):
            row = self.rows[nxt]
            if not self.stream and any(
                _is_label(c) or header_role(strip_notes(c.key)) is not None for c in row if not c.empty
            ):
                break
            if not all(take(c) for c in row):
                break
            nxt += 1
            if not self.stream and texts:
                break
        if not order:
            order = [Horizon.ANNUAL]
        for slot, cell in zip(order, texts, strict=False):
            text = _clean_goal(cell.text)
            if slot == _ACHIEVED:
                if not _is_instruction(text):
                    self.form.goal_annual_achieved = text
                    self.form.field_locations["goals.annual_achieved"] = cell.loc
                continue
            if slot is Horizon.MEDIUM_TERM:
                self.form.goal_medium_term = text
            else:
                self.form.goal_annual = text
            self.form.field_locations[f"goals.{slot}"] = cell.loc
        if len(texts) > len(order):
            extra = texts[len(order) :]
            self.form.warn(f"目标栏多出{len(extra)}段文字未读取", extra[0].loc)
        return nxt

    # fund uses and spending plan --------------------------------------------------------------------------------

    def _read_fund_uses(self, cell: C) -> None:
        clauses = [c.strip() for c in re.split(r"[；;，,。]", cell.text) if c.strip()]
        previous = ""
        for clause in clauses:
            for m in _AMOUNT_IN_TEXT.finditer(clause):
                before = clause[: m.start()].strip()
                before = re.sub(r"^(用于|其中|包括|另|及|和)", "", before)
                before = re.sub(r"[（(][^）)]*[）)]", "", before).strip()
                item = before
                if _GENERIC_ITEM.match(before) and previous:
                    item = previous
                try:
                    amount = parse_amount(m.group(0), "元")
                except ValueError:
                    continue
                if amount is None or not item:
                    continue
                self.form.fund_uses.append(
                    FundUse(item=item, amount=amount, raw=m.group(0), location=cell.loc)
                )
            previous = re.sub(r"^(用于|其中|包括|另|及|和)", "", clause)
            previous = re.sub(r"[（(][^）)]*[）)]", "", previous).strip()

    def _read_spending_plan(self, r: int, ci: int) -> int:
        labels = [c for c in self.rows[r][ci + 1 :] if not c.empty]
        values: list[C] = []
        nxt = r + 1
        if self.stream:
            labels = []
            while (
                nxt < len(self.rows) and self.rows[nxt] and re.search(r"月|季度|年底", self.rows[nxt][0].key)
            ):
                labels.append(self.rows[nxt][0])
                nxt += 1
        while nxt < len(self.rows) and len(values) < len(labels):
            row = [c for c in self.rows[nxt] if not c.empty]
            if not row:
                nxt += 1
                continue
            if not all(_is_percent(c) for c in row):
                break
            values.extend(row)
            nxt += 1
        if len(values) != len(labels):
            self.form.warn(
                f"资金支出计划有{len(labels)}个时点、{len(values)}个比例，无法对应",
                self.rows[r][ci].loc,
            )
        for label, value in zip(labels, values, strict=False):
            try:
                percent = parse_percent(value.text)
            except ValueError:
                percent = None
            if percent is None:
                self.form.warn(f"支出计划比例“{value.text}”无法读取，未读取", value.loc)
                continue
            self.form.spending_plan.append(SpendingStep(label.text, percent, value.loc))
        return nxt

    # department-wide --------------------------------------------------------------------------------------------

    def _read_department(self) -> None:
        dept = DepartmentGoals()
        overall: list[str] = []
        bucket: list[str] | None = None
        for row in self.rows:
            single = _single(row)
            if single is None:
                continue
            m = _DEPT_HEADING.match(single.key)
            if m:
                heading = m.group(1)
                bucket = (
                    overall
                    if heading in ("总体绩效目标", "绩效目标")
                    else dept.sub_goals
                    if heading in ("分项绩效目标", "年度工作任务", "主要任务")
                    else dept.measures
                )
                if bucket is overall:
                    self.form.field_locations["goals.annual"] = single.loc
                continue
            if bucket is not None:
                bucket.append(single.text)
        self.form.department = dept
        self.form.goal_annual = "\n".join(overall) or None
        self.form.project.name = self.form.project.name or (self.title.text if self.title else None)

    # indicators ---------------------------------------------------------------------------------------------------

    def _is_indicator_header(self, r: int) -> bool:
        cells = self._header_cells(r)
        roles = {header_role(strip_notes(c.key)) for c in cells}
        return Col.NAME in roles and (Col.TARGET in roles or Col.LEVEL2 in roles)

    def _header_cells(self, r: int) -> list[C]:
        if not self.stream:
            return self.rows[r]
        out: list[C] = []
        nxt = r
        while nxt < len(self.rows) and self.rows[nxt] and header_role(strip_notes(self.rows[nxt][0].key)):
            out.append(self.rows[nxt][0])
            nxt += 1
        return out

    def _table(self, header: list[C]) -> _Table:
        roles = [header_role(strip_notes(c.key)) if not c.empty else None for c in header]
        groups: list[dict[Col, int]] = [{}]
        horizons: list[Horizon] = []
        hints: list[str | None] = [None]
        for i, role in enumerate(roles):
            if role is None:
                continue
            if role in groups[-1] and role in (Col.NAME, Col.TARGET, Col.LEVEL2):
                groups.append({})
                hints.append(None)
            groups[-1][role] = i
            hint = header_horizon_hint(header[i].key)
            if hint and role in (Col.NAME, Col.TARGET, Col.LEVEL2):
                hints[-1] = hint
        for gi, hint in enumerate(hints):
            if hint:
                horizons.append(Horizon(hint))
            elif len(groups) == 1:
                horizons.append(Horizon.ANNUAL)
            else:
                horizons.append(Horizon.MEDIUM_TERM if gi == 0 else Horizon.ANNUAL)
        # Later groups share the first group's 一级 column.
        for group in groups[1:]:
            if Col.LEVEL1 not in group and Col.LEVEL1 in groups[0]:
                group[Col.LEVEL1] = groups[0][Col.LEVEL1]
        core = {Col.LEVEL1, Col.LEVEL2, Col.NAME, Col.TARGET}
        compact = all(role is None or role in core for role in roles)
        return _Table(roles, horizons, groups, compact)

    def _read_indicators(self, r: int) -> int:
        header = self._header_cells(r)
        table = self._table(header)
        nxt = r + (len(header) if self.stream else 1)
        self.levels = dict.fromkeys(table.horizons, (None, None))
        width = len(header)
        home = _container(header[0].loc) if header else None
        if self.stream and not self._stream_fits(nxt, width, table):
            cells = [
                (i, row[0]) for i, row in enumerate(self.rows[nxt:], start=nxt) if row and not row[0].empty
            ]
            return self._read_stream_by_type(cells, table, len(self.rows))
        if not self.stream:
            last_header = max(i for i, c in enumerate(header) if header_role(strip_notes(c.key)) is not None)
            rest = [c for c in header[last_header + 1 :] if not c.empty]
            if len(rest) >= 4 and any(_label(c) is not None for c in rest):
                # The whole table on one line (a flattened export): the header, then every cell in a run.
                first = min(
                    i
                    for i, c in enumerate(header)
                    if header_role(strip_notes(c.key)) in (Col.LEVEL1, Col.LEVEL2, Col.NAME, Col.INDEX)
                )
                table = self._table(header[first : last_header + 1])
                self.levels = dict.fromkeys(table.horizons, (None, None))
                self.form.warn("整张指标表在同一行，按表头的列顺序逐格读取", rest[0].loc)
                self._read_stream_by_type([(r, c) for c in rest], table, r + 1)
                return r + 1
        while nxt < len(self.rows):
            if self.rows[nxt] and _container(self.rows[nxt][0].loc) != home:
                break  # a table ends with its sheet, its Word table or its PDF page
            if self.stream:
                chunk = [row[0] for row in self.rows[nxt : nxt + width] if row]
                if chunk and _is_total(chunk[0]):
                    self._read_total(chunk[0], chunk[1:4])
                if not chunk or _is_stop(chunk[0]) or any(_is_stop(c) for c in chunk):
                    break
                if len(chunk) < width:
                    self.form.warn("指标表最后一行不完整", chunk[0].loc)
                    break
                self._indicator_row(chunk, table, aligned=True)
                nxt += width
                continue
            row = self.rows[nxt]
            non_empty = [c for c in row if not c.empty]
            if not non_empty:
                nxt += 1
                continue
            check_deadline(non_empty[0].loc)
            if nxt == r + 1 and not self.form.indicators and _is_sub_header(row, header):
                # A two-row header (偏差原因 over 类别 | 原因说明): the lower row names the columns it fills.
                header = [
                    (
                        C(
                            row[i].text,
                            row[i].key if header_role(strip_notes(row[i].key)) else "备注",
                            row[i].loc,
                        )
                        if i < len(row) and not row[i].empty
                        else cell
                    )
                    for i, cell in enumerate(header)
                ]
                table = self._table(header)
                nxt += 1
                continue
            if (
                all(header_role(strip_notes(c.key)) is not None for c in non_empty)
                and not self.form.indicators
            ):
                # A header cell wrapped onto the next line of a flattened page: more columns of the header.
                header = [*(c for c in header if not c.empty), *non_empty]
                table = self._table(header)
                width = len(header)
                nxt += 1
                continue
            if _is_total(non_empty[0]):
                self._read_total(non_empty[0], non_empty[1:], row=row, table=table)
            if _is_stop(non_empty[0]) or (_single(row) is not None and TITLE.search(non_empty[0].key)):
                break
            if any(strip_notes(c.key) in FIELD_LABELS for c in non_empty):
                break
            if (
                len(non_empty) == 1
                and _NUMBER_TOKEN.match(non_empty[0].text)
                and self._wrapped_number(non_empty[0], table)
            ):
                nxt += 1
                continue
            self._indicator_row(row, table, aligned=len(row) == width)
            nxt += 1
        return nxt

    def _wrapped_number(self, cell: C, table: _Table) -> bool:
        """A row holding one number under an indicator whose weight is empty: the weight wrapped onto the next
        line (a flattened page). Taken as the weight with a warning; any other lone number is left out."""
        last = self.form.indicators[-1] if self.form.indicators else None
        if last is not None and last.weight is None and Col.WEIGHT in table.roles:
            last.weight = self._decimal(cell)
            self.form.warn(
                f"权重“{cell.text}”换到了下一行，已作为指标“{last.name}”的权重读取",
                cell.loc,
            )
            return True
        self.form.warn(f"单独一行的数字“{cell.text}”无法对应到指标，未读取", cell.loc)
        return True

    def _stream_fits(self, start: int, width: int, table: _Table) -> bool:
        """Whether every row of a one-cell-per-line table lines up with its header when cut at its width."""
        nxt = start
        while nxt < len(self.rows):
            chunk = [row[0] for row in self.rows[nxt : nxt + width] if row]
            if not chunk or len(chunk) < width or _is_total(chunk[0]) or any(_is_stop(c) for c in chunk):
                return True
            if not all(c.empty for c in chunk) and not self._by_columns(chunk, table, emit=False):
                return False
            nxt += width
        return True

    def _read_stream_by_type(self, cells: list[tuple[int, C]], table: _Table, end: int) -> int:
        """A one-cell-per-line table whose rows do not line up with the header (merged cells left out, nbsp
        cells, labels split over two lines): the cells are aligned to the header's columns by type and
        order. Level labels set the levels; a name starts an indicator; the cells after it fill the
        header's later columns in order while their type fits. A cell whose place is ambiguous is left out,
        with a warning naming it."""
        order = [
            role
            for role in table.roles
            if role is not None and role not in (Col.LEVEL1, Col.LEVEL2, Col.INDEX, Col.NAME)
        ]
        if Col.TARGET not in order:
            order.insert(0, Col.TARGET)
        has_index = Col.INDEX in table.roles
        horizon = table.horizons[-1]
        record: dict[Col, C] = {}
        label_before: C | None = None

        def flush() -> None:
            if record:
                self._emit(horizon, dict(record))
                record.clear()

        for pos, (index, cell) in enumerate(cells):
            if pos % 256 == 0:
                check_deadline(cell.loc)
            following = cells[pos + 1][1] if pos + 1 < len(cells) else None
            if _is_total(cell):
                flush()
                self._read_total(cell, [c for _, c in cells[pos + 1 : pos + 4]])
                end = index + 1
                break
            if (
                _is_stop(cell)
                or (len(cell.key) <= 60 and TITLE.search(cell.key))
                or strip_notes(cell.key) in FIELD_LABELS
            ):
                end = index
                break
            if header_role(strip_notes(cell.key)) is not None:
                continue  # the header repeated
            if cell.key == "指标" and label_before is not None:
                self.form.warn(
                    f"层级名称“{label_before.text}”与下一行的“指标”为同一单元格，已合并",
                    cell.loc,
                )
                label_before = None
                continue
            match = _label(cell)
            if match is not None and not (
                Col.NAME in record and Col.TARGET not in record and match.level > 2
            ):
                flush()
                self._emit(horizon, {Col.LEVEL1 if match.level == 1 else Col.LEVEL2: cell})
                label_before = cell
                continue
            label_before = None
            if _PLACEHOLDER_PREFIX.match(cell.text) and not _PLACEHOLDER_PREFIX.sub("", cell.text).strip():
                flush()
                continue  # an empty template row: 指标1:, ……
            if has_index and re.fullmatch(r"\d{1,3}", cell.text) and (not record or Col.TARGET in record):
                flush()
                continue  # a row number
            if Col.NAME not in record:
                why = _not_a_name(cell.text)
                if why is not None:
                    self.form.warn(
                        f"“{cell.text}”前面没有指标名称，未读取",
                        cell.loc,
                    )
                    continue
                record[Col.NAME] = cell
                continue
            filled = [i for i, role in enumerate(order) if role in record]
            expected = order[filled[-1] + 1] if filled and filled[-1] + 1 < len(order) else None
            if not filled:
                expected = order[0]
            starts_next = (
                _not_a_name(cell.text) is None
                and not _looks_like_target(cell)
                and following is not None
                and _looks_like_target(following)
                and _label(following) is None
            )
            if (
                expected is not None
                and not starts_next
                and (
                    self._fits_stream(expected, cell)
                    or (
                        expected is Col.TARGET
                        and _not_a_name(cell.text) is None
                        and cell.key not in _ACHIEVED_WORDS
                    )
                )
            ):
                record[expected] = cell  # a long qualitative target is still the target
                continue
            later = order[order.index(expected) :] if expected is not None else []
            skip_to = next(
                (
                    i
                    for i, role in enumerate(later)
                    if self._fits_stream(role, cell) and all(_cannot_hold(r, cell) for r in later[:i])
                ),
                None,
            )
            if skip_to:
                record[later[skip_to]] = cell  # the columns skipped are empty on the form
                continue
            if _not_a_name(cell.text) is None:
                flush()
                record[Col.NAME] = cell
                continue
            self.form.warn(
                f"“{cell.text}”无法确定属于哪一列，未读取",
                cell.loc,
            )
        else:
            flush()
            return end
        flush()
        return end

    @staticmethod
    def _fits_stream(role: Col, cell: C) -> bool:
        if role is Col.TARGET and cell.key in _ACHIEVED_WORDS:
            return False
        if role in (Col.TARGET, Col.ACTUAL):
            return _looks_like_target(cell) or _not_a_name(cell.text) is not None
        return _fits_type(role, cell)

    def _read_project_table(self, r: int) -> int:
        """A table listing many projects (单位名称 / 项目名称 / 预算数 / 年度目标 beside the indicator columns):
        a row that names a project starts it; the rows below add indicators to it. Merged cells leave the
        leading columns out, so rows are aligned on their right end."""
        header = list(self.rows[r])
        while header and header[-1].empty:
            header.pop()
        table = self._table(header)
        base = self.form
        current: FormDocument | None = None
        unit: tuple[str | None, str] | None = None
        nxt = r + 1
        while nxt < len(self.rows):
            row = self.rows[nxt]
            non_empty = [c for c in row if not c.empty]
            if not non_empty:
                nxt += 1
                continue
            check_deadline(non_empty[0].loc)
            if _is_stop(non_empty[0]) or (_single(row) is not None and TITLE.search(non_empty[0].key)):
                break
            cells = _right_align(row, len(header))
            if len(cells) != len(header):
                base.warn(
                    f"多项目表的这一行有{len(cells)}个单元格，表头有{len(header)}个，未读取", non_empty[0].loc
                )
                nxt += 1
                continue
            by_role = {
                role: cells[i]
                for i, role in enumerate(table.roles)
                if role is not None and not cells[i].empty
            }
            if Col.ORG_UNIT in by_role:
                unit = _split_unit(by_role[Col.ORG_UNIT].text)
            if Col.PROJECT in by_role:
                current = FormDocument(
                    source=base.source, kind=base.kind, year=base.year, location=by_role[Col.PROJECT].loc
                )
                current.taxonomy = base.taxonomy
                current.project.name = by_role[Col.PROJECT].text
                current.field_locations["project.name"] = by_role[Col.PROJECT].loc
                if unit is not None:
                    current.project.unit_code, current.project.unit = unit
                if Col.BUDGET in by_role:
                    current.funds_annual.total = self._amount(by_role[Col.BUDGET])
                    current.field_locations["funds.annual.total"] = by_role[Col.BUDGET].loc
                if Col.GOAL in by_role:
                    current.goal_annual = _clean_goal(by_role[Col.GOAL].text)
                    current.field_locations["goals.annual"] = by_role[Col.GOAL].loc
                self.table_forms.append(current)
                self.levels = dict.fromkeys(table.horizons, (None, None))
            if current is not None and any(
                role in by_role for role in (Col.LEVEL1, Col.LEVEL2, Col.NAME, Col.TARGET)
            ):
                self.form = current
                try:
                    self._indicator_row(cells, table, aligned=True)
                finally:
                    self.form = base
            nxt += 1
        for form in self.table_forms:
            form.money_unit = self.money_unit or "元"
        return nxt

    def _read_total(
        self, label: C, cells: list[C], *, row: list[C] | None = None, table: _Table | None = None
    ) -> None:
        """The 合计 / 总分 row: the weights' total, then the recorded score total; a 总分 row with one number
        holds the score alone. When the row lines up with the header, the 得分 column decides: a number
        under 分值 alone is the weights' total, not a recorded score."""
        if row is not None and table is not None and len(row) == len(table.roles):
            score_at = [i for i, role in enumerate(table.roles) if role is Col.SCORE]
            weight_at = [i for i, role in enumerate(table.roles) if role is Col.WEIGHT]
            if score_at and weight_at:
                score_cell = row[score_at[0]]
                if score_cell.empty:
                    return  # only the weights' total (分值 100) is written
                value = self._decimal(score_cell)
                if value is not None:
                    self.form.recorded_total = value
                    self.form.field_locations["recorded_total"] = score_cell.loc
                return
        numbers: list[tuple[Decimal, C]] = []
        for cell in cells:
            if _NUMBER_TOKEN.match(cell.text):
                value = self._decimal(C(cell.text.rstrip("%"), cell.key, cell.loc))
                if value is None:
                    return
                numbers.append((value, cell))
            elif not cell.empty:
                break
        if len(numbers) >= 2:
            found = numbers[1]  # 分值 total first, then 得分 total
        elif label.key.startswith("总分") and numbers:
            found = numbers[0]
        else:
            return
        self.form.recorded_total = found[0]
        self.form.field_locations["recorded_total"] = found[1].loc

    def _indicator_row(self, row: list[C], table: _Table, *, aligned: bool) -> None:
        """Read one row by its columns when it lines up with the header (as it is, with the trailing empty
        cells a reader dropped put back, or with the leading merged cells a web page left out put back);
        otherwise by what its cells are."""
        width = len(table.roles)
        candidates = [row] if aligned or len(row) == width else []
        if len(row) < width and row:
            candidates.append(row + [C("", "", row[-1].loc) for _ in range(width - len(row))])
            if not table.compact and width <= _MAX_TABLE_WIDTH:
                # Leading merged cells left out: try the row at every offset, the right-aligned one last.
                cells = list(row)
                while cells and cells[-1].empty:
                    cells.pop()
                for offset in range(1, width - len(cells) + 1):
                    pad = [C("", "", cells[0].loc) for _ in range(offset)]
                    tail = [C("", "", cells[-1].loc) for _ in range(width - offset - len(cells))]
                    candidates.append(pad + cells + tail)
        for candidate in candidates:
            if self._by_columns(candidate, table):
                return
        if not table.compact:
            self._by_tokens([c for c in row if not c.empty], table)
            return
        self._by_content([c for c in row if not c.empty], table)

    def _by_columns(self, row: list[C], table: _Table, *, emit: bool = True) -> bool:
        """Read a row by its header's columns, if the row agrees with them: level labels only in level
        columns, names and targets not labels, nothing in columns without a role."""
        if len(row) != len(table.roles):
            return False
        has_likelihood = Col.LIKELIHOOD in table.roles
        level2_given = any(not row[i].empty for i, role in enumerate(table.roles) if role is Col.LEVEL2)
        named_by_label = False
        for i, cell in enumerate(row):
            if cell.empty:
                continue
            role = table.roles[i]
            is_label = _label(cell) is not None
            if role is None:
                return False
            if role in (Col.LEVEL1, Col.LEVEL2) and not is_label:
                return False
            if role is Col.NAME and is_label and not level2_given and Col.LEVEL2 not in table.roles:
                named_by_label = True  # tables whose 指标名称 column holds the 二级 label (质量, 时效, 成本)
            elif role in (Col.NAME, Col.TARGET) and is_label:
                return False
            if has_likelihood and role is not Col.LIKELIHOOD and _LIKELIHOOD.match(cell.text):
                return False
            if not _fits_type(role, cell):
                return False  # a value slid into a neighbour's column: read the row by its tokens
        if not emit:
            return True
        for group, horizon in zip(table.groups, table.horizons, strict=True):
            cells = {role: row[i] for role, i in group.items()}
            if named_by_label and Col.NAME in cells:
                cells[Col.LEVEL2] = cells.pop(Col.NAME)
            self._emit(horizon, cells)
        return True

    def _by_content(self, cells: list[C], table: _Table) -> None:
        """Read a compact row by what its cells are: split it into one part per horizon, then labels,
        a name and a target in each part."""
        halves = _split_halves(cells, len(table.horizons))
        for horizon, part in zip(table.horizons, halves, strict=False):
            roles: dict[Col, C] = {}
            rest: list[C] = []
            for c in part:
                match = _label(c)
                if match is None:
                    rest.append(c)
                elif match.level == 1 and Col.LEVEL1 not in roles and not rest:
                    roles[Col.LEVEL1] = c
                else:
                    roles[Col.LEVEL2] = c
            if not rest and not roles:
                continue
            if len(rest) >= 2:
                roles[Col.NAME] = rest[0]
                roles[Col.TARGET] = rest[-1]
                if len(rest) > 2:
                    self.form.warn("指标行多出文字，已忽略中间的单元格", rest[1].loc)
            elif len(rest) == 1:
                roles[Col.TARGET if _looks_like_target(rest[0]) else Col.NAME] = rest[0]
            self._emit(horizon, roles)

    def _by_tokens(self, cells: list[C], table: _Table) -> None:
        """Wide rows whose cells no longer line up (space-separated pages): labels, then the name, then
        direction / operator / value / unit / weight as they come."""
        roles: dict[Col, C] = {}
        i = 0
        while i < len(cells) and _label(cells[i], loose=True) is not None:
            match = _label(cells[i], loose=True)
            roles[
                Col.LEVEL1
                if match is not None and match.level == 1 and Col.LEVEL1 not in roles
                else Col.LEVEL2
            ] = cells[i]
            i += 1
        if i < len(cells):
            roles[Col.NAME] = cells[i]
            i += 1
        for c in cells[i:]:
            target = roles.get(Col.TARGET)
            if target is not None and c.text == target.text and Col.UNIT not in roles:
                # Spreadsheets exporting a date serial repeat it in the unit column.
                roles[Col.UNIT] = C("", "", c.loc)
                continue
            if _DIRECTION_TOKEN.match(c.key):
                roles.setdefault(Col.DIRECTION, c)
            elif _OPERATOR_TOKEN.match(c.key) and Col.OPERATOR not in roles:
                roles[Col.OPERATOR] = c
            elif _NUMBER_TOKEN.match(c.text.replace(" ", "")) and Col.TARGET not in roles:
                roles[Col.TARGET] = c
            elif (
                _NUMBER_TOKEN.match(c.text.replace(" ", ""))
                and Col.TARGET in roles
                and Col.WEIGHT not in roles
            ):
                roles[Col.WEIGHT] = c
            elif (
                Col.TARGET in roles and Col.UNIT not in roles and Col.WEIGHT not in roles and len(c.text) <= 6
            ):
                roles[Col.UNIT] = c
            elif Col.TARGET not in roles:
                roles[Col.TARGET] = c
            else:
                roles.setdefault(Col.NOTE, c)
        if roles:
            self._emit(table.horizons[-1], roles)

    def _emit(self, horizon: Horizon, cells: dict[Col, C]) -> None:
        def text(role: Col) -> str | None:
            cell = cells.get(role)
            return cell.text if cell is not None and not cell.empty else None

        l1_raw, l2_raw = self.levels.get(horizon, (None, None))
        raw1, raw2 = text(Col.LEVEL1), text(Col.LEVEL2)
        if raw1 is not None:
            l1_raw, l2_raw = raw1, None
        if raw2 is not None:
            l2_raw = raw2
        self.levels[horizon] = (l1_raw, l2_raw)
        name, target_text = text(Col.NAME), text(Col.TARGET)
        if target_text is None and name is not None and key_of(name) in _NOT_APPLICABLE:
            # A lone 不适用 under a level label is the target of a row with no indicator, not a name.
            name, target_text = None, name
            cells = {**cells, Col.TARGET: cells[Col.NAME]}
            del cells[Col.NAME]
        if name is None and target_text is None:
            return  # a row that only carries level labels for the rows below
        anchor = cells.get(Col.NAME) or cells.get(Col.TARGET)
        if name is not None:
            placeholder = _PLACEHOLDER_PREFIX.match(name)
            if placeholder is not None:
                rest = name[placeholder.end() :].strip()
                if not rest:
                    return  # an empty template row (指标1:, ……)
                name = rest
            refusal = _not_a_name(name)
            if refusal is not None:
                self.form.warn(
                    f"指标名称栏是“{name}”({refusal})，该行未作为指标读取",
                    anchor.loc if anchor else None,
                )
                return
        level1, level2 = normalise_levels(l1_raw, l2_raw, self.form.taxonomy)
        op_text, unit_text = text(Col.OPERATOR), text(Col.UNIT)
        if op_text in _OCR_OPERATORS:
            op_cell = cells[Col.OPERATOR]
            self.form.warn(f"指标性质“{op_text}”读作“{_OCR_OPERATORS[op_text]}”（识别纠正）", op_cell.loc)
            op_text = _OCR_OPERATORS[op_text]
        if op_text is not None or unit_text is not None:
            target = compose_target(op_text, target_text or "", unit_text, indicator=name)
        else:
            target = parse_target(target_text or "", indicator=name, level2=level2)
        if target_text is None:
            self.form.warn(f"指标“{name}”没有指标值", anchor.loc if anchor else None)
        for note in target.warnings:
            if "letter" in note:
                where = cells.get(Col.TARGET) or anchor
                self.form.warn(
                    f"指标“{name}”的指标值数字中有字母（可能是把数字0、1错打成字母O、l），未作为数字读取",
                    where.loc if where else None,
                )
        self.form.indicators.append(
            Indicator(
                horizon=horizon,
                level1=level1,
                level2=level2,
                name=name,
                target=target,
                actual=text(Col.ACTUAL),
                weight=self._decimal(cells.get(Col.WEIGHT)),
                recorded_score=self._decimal(cells.get(Col.SCORE)),
                deviation_reason=text(Col.REASON),
                likelihood=text(Col.LIKELIHOOD),
                description=text(Col.DESCRIPTION),
                basis=text(Col.BASIS),
                raw_level1=raw1,
                raw_level2=raw2,
                location=anchor.loc if anchor else None,
            )
        )

    def _decimal(self, cell: C | None) -> Decimal | None:
        if cell is None or cell.empty or cell.text in ("/", "-", "—"):
            return None
        try:
            check_digits(cell.text)
        except ValueError:
            self.form.warn(f"“{cell.text[:40]}”不是合理的数字（位数过多），未读取", cell.loc)
            return None
        try:
            return Decimal(cell.text.replace(",", "").rstrip("分"))
        except InvalidOperation:
            self.form.warn(f"“{cell.text}”不是数字，未读取", cell.loc)
            return None


# -- helpers ------------------------------------------------------------------------------------------------


def _all_zero(block: BudgetExecution) -> bool:
    amounts = [block.initial_budget, block.adjusted_budget, block.executed]
    return all(a is None or a == 0 for a in amounts) and any(a is not None for a in amounts)


def _is_sub_header(row: list[C], header: list[C]) -> bool:
    """The lower row of a two-row header: short words, no value, no level label, nothing in the level or name
    columns, each under a header cell that is empty or names a text column."""
    cells = [(i, c) for i, c in enumerate(row) if not c.empty]
    if not cells or len(row) > len(header):
        return False
    for i, cell in cells:
        role = header_role(strip_notes(header[i].key)) if not header[i].empty else None
        if role in (Col.LEVEL1, Col.LEVEL2, Col.NAME, Col.TARGET, Col.WEIGHT, Col.SCORE):
            return False
        if len(cell.key) > 6 or _DIGIT.search(cell.text) or _label(cell) is not None:
            return False
    return True


def _is_project_header(row: list[C]) -> bool:
    """A header row with a 项目名称 column: the cell after 项目名称 is another column header, not a name."""
    cells = [c for c in row if not c.empty]
    for i, cell in enumerate(cells):
        if header_role(cell.key) is Col.PROJECT:
            return i + 1 < len(cells) and header_role(strip_notes(cells[i + 1].key)) is not None
    return False


def _budget_role(key: str) -> str | None:
    k = strip_notes(key)
    if k.startswith("年初预算"):
        return "initial"
    if k in ("调整后预算数", "调整后预算", "全年预算数", "全年预算"):
        return "adjusted"
    if k.endswith("执行数") and "预计" not in k:
        return "executed"
    if k.endswith("执行率"):
        return "rate"
    if k in ("分值", "权重"):
        return "weight"
    if k == "得分":
        return "score"
    if k in ("原因", "偏差原因", "全年预计执行数"):
        return "other"
    return None


def _container(loc: Location) -> tuple[str | None, int | None, int | None]:
    """The sheet, Word table or PDF page a cell is in; an indicator table never runs past it."""
    return (loc.sheet, loc.table, loc.page)


def _label(cell: C, *, loose: bool = False) -> LabelMatch | None:
    """The indicator level a cell names. Without the 指标 suffix only short labels count (数量, 社会效益): a
    三级 indicator may well be called 服务对象满意度 under the 二级 服务对象满意度指标."""
    match = classify_label(cell.key)
    if match is None or loose or cell.key.endswith("指标") or len(strip_notes(cell.key)) <= 5:
        return match
    return None


def _split_unit(text: str) -> tuple[str | None, str]:
    m = _UNIT_CODE.match(text)
    if m:
        return m.group(1), m.group(2).strip()
    return None, text.strip()


def _is_label(cell: C) -> bool:
    k = strip_notes(cell.key)
    return (
        k in FIELD_LABELS
        or money_label(cell.key) is not None
        or k in ("总体目标", "中期目标", "年度目标", "绩效指标", "项目资金", "资金支出计划")
    )


def _is_stop(cell: C) -> bool:
    key = cell.key.lstrip("-–—*·• ")
    text = cell.text.lstrip("-–—*·• ")
    return any(key.startswith(w) or text.startswith(w) for w in STOP_WORDS)


_PLACEHOLDER_PREFIX = re.compile(r"^(?:指标\s*[0-9一二三四五六七八九十]+\s*[:：.、]|[…\.。·]{2,}$)")
_WEIGHT_TEXT = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?\s*(?:分|%)?$")
_SHORT_VALUE = re.compile(r"^(?:[<>=≥≤]{0,2}|[Ww2]?)\s*\d[\d,.]*\s*[%‰]?\s*\S{0,3}$")


def _not_a_name(name: str) -> str | None:
    """Why ``name`` cannot be an indicator's name (a value, a header or a label slid into the name column),
    or None when it can."""
    key = plain_key(name)
    if not key:
        return "nothing"
    if _NUMBER_TOKEN.match(key) or _SHORT_VALUE.match(key):
        return "a value"
    if header_role(strip_notes(key)) is not None or key in ("指标", "绩效指标", "绩效标准", "计划标准"):
        return "a column header"
    if classify_label(key) is not None and (key.endswith("指标") or len(key) <= 4):
        return "a level label"
    return None


# What a self-evaluation writes in the actual or reason column when a target was met: never a target.
_ACHIEVED_WORDS = frozenset({"达成预期指标", "达成预期目标", "达到预期目标", "已完成", "已达成", "完成"})


_DIGIT = re.compile(r"\d")
_UNSCORED_WORDS = ("不计分", "不计", "不适用", "不涉及", "免评", "无")


def _cannot_hold(role: Col, cell: C) -> bool:
    """Whether a column can certainly not hold this cell, so that a cell may skip over it (it is empty)."""
    if role is Col.TARGET:
        return cell.key in _ACHIEVED_WORDS
    if role in (Col.WEIGHT, Col.SCORE, Col.OPERATOR, Col.DIRECTION, Col.UNIT):
        return not _fits_type(role, cell)
    return False


def _fits_type(role: Col, cell: C) -> bool:
    """Whether a cell's content can be of the column's type: the alignment check that keeps a value out of
    a neighbour's column."""
    text = cell.text
    if role is Col.OPERATOR:
        return bool(_OPERATOR_TOKEN.match(cell.key) or _DIRECTION_TOKEN.match(cell.key))
    if role is Col.DIRECTION:
        return bool(_DIRECTION_TOKEN.match(cell.key) or _OPERATOR_TOKEN.match(cell.key))
    if role is Col.UNIT:
        return not _NUMBER_TOKEN.match(text.replace(" ", "")) and len(cell.key) <= 12
    if role in (Col.WEIGHT, Col.SCORE):
        return (
            bool(_WEIGHT_TEXT.match(text))
            or key_of(text) in _NOT_APPLICABLE
            or (not _DIGIT.search(text) and any(w in text for w in _UNSCORED_WORDS))
        )
    if role is Col.NAME:
        return _not_a_name(text) in (None, "a level label")
    return True


def _is_total(cell: C) -> bool:
    return cell.key.startswith(("合计", "总分"))


def _is_percent(cell: C) -> bool:
    return bool(re.fullmatch(r"\d+(\.\d+)?\s*%", cell.text))


def _looks_like_amount(cell: C) -> bool:
    return bool(re.fullmatch(r"[￥¥]?\s*[-+]?[\d,]+(\.\d+)?\s*(亿元|万元|千元|元|万)?", cell.text))


def _looks_like_target(cell: C) -> bool:
    target: TargetValue = parse_target(cell.text)
    return target.kind is not TargetKind.QUALITATIVE or target.period is not None or len(cell.text) <= 8


def _is_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


def _clean_goal(text: str) -> str:
    if "<" in text:
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_TAG.sub("", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _right_align(row: list[C], width: int) -> list[C]:
    cells = list(row)
    while cells and cells[-1].empty:
        cells.pop()
    if len(cells) > width or not cells:
        return cells
    pad = [C("", "", cells[0].loc) for _ in range(width - len(cells))]
    return pad + cells


def _split_halves(cells: Sequence[C], parts: int) -> list[list[C]]:
    """Split a flattened side-by-side row into its horizons. The second horizon starts at a level label
    that follows a name or value, or at a name repeated from the first; failing both, the names and values
    are shared out evenly."""
    if parts <= 1 or len(cells) <= 1:
        return [list(cells)]
    seen_plain: list[str] = []
    for i, cell in enumerate(cells):
        is_label = _label(cell) is not None
        if i > 0 and seen_plain and (is_label or (cell.text in seen_plain and i >= 2)):
            return [list(cells[:i]), list(cells[i:])]
        if not is_label:
            seen_plain.append(cell.text)
    plain = [i for i, c in enumerate(cells) if _label(c) is None]
    if len(plain) >= 2 and len(plain) % 2 == 0:
        cut = plain[len(plain) // 2]
        return [list(cells[:cut]), list(cells[cut:])]
    return [list(cells)]
