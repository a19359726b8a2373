"""What a performance form says, once read: one ``FormDocument`` per project, with where each value came from.

Readers (text, docx, xlsx, xls, pdf) turn a file into a ``Grid`` of cells with locations; the assembler turns
a grid into ``FormDocument`` objects. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jixiao.domain.targets.model import TargetValue


class FormKind(StrEnum):
    TARGET = "target"
    SELF_EVALUATION = "self_evaluation"
    MONITORING = "monitoring"
    DEPARTMENT_WIDE = "department_wide"


class Horizon(StrEnum):
    ANNUAL = "annual"
    MEDIUM_TERM = "medium_term"


class Taxonomy(StrEnum):
    """Indicator trees in use: classic (财预〔2015〕88号) and 2021 (财预〔2021〕101号, 成本 as 一级)."""

    CLASSIC = "classic"
    T2021 = "2021"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value was read: file, and inside it page/sheet/table, row, column, paragraph or text line.

    Rows, columns, lines, pages and paragraphs count from 1, as a person counts them in the file. ``paragraph``
    is the body paragraph of a Word file (tables not counted); ``page`` is the page of a PDF.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    line: int | None = None
    table: int | None = None
    paragraph: int | None = None
    page: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            cell = (
                _column_letter(self.column) + str(self.row) if self.sheet is not None and self.row else None
            )
            parts.append(f"cell {cell}" if cell else f"column {self.column}")
        return ", ".join(parts)

    def describe(self) -> str:
        """The place in Chinese, as a finance officer would look for it in the file.

        ``000_seed.xlsx，工作表“绩效目标表”，第5行，单元格B5`` · ``b08.pdf，第2页，第14行`` ·
        ``a.docx，第1个表格，第3行，第2列`` · ``a.docx，段落12``. ``__str__`` stays as it is: it is stored as
        provenance and parsed elsewhere.
        """
        parts = [self.file] if self.file else []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.table is not None:
            parts.append(f"第{self.table}个表格")
        if self.paragraph is not None:
            parts.append(f"段落{self.paragraph}")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column is not None:
            if self.sheet is not None and self.row:
                parts.append(f"单元格{_column_letter(self.column)}{self.row}")
            else:
                parts.append(f"第{self.column}列")
        return "，".join(parts)


def _column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class FormWarning:
    """Something the reader could not read, or read with a repair, and where."""

    message: str
    location: Location | None = None

    def __str__(self) -> str:
        return f"{self.location.describe()}：{self.message}" if self.location else self.message


@dataclass(slots=True)
class ProjectInfo:
    name: str | None = None
    code: str | None = None
    unit: str | None = None
    unit_code: str | None = None
    department: str | None = None
    attribute: str | None = None
    period: str | None = None


@dataclass(slots=True)
class Funds:
    """Money of one horizon, exact, in 元. ``None`` where the form leaves the cell empty."""

    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None

    def is_empty(self) -> bool:
        return self.total is None and self.fiscal is None and self.other is None


@dataclass(slots=True)
class FundUse:
    item: str
    amount: Decimal
    raw: str
    location: Location | None = None


@dataclass(slots=True)
class SpendingStep:
    label: str
    cumulative_percent: Decimal
    location: Location | None = None


@dataclass(slots=True)
class Indicator:
    horizon: Horizon
    level1: str | None
    level2: str | None
    name: str | None
    target: TargetValue
    actual: str | None = None
    weight: Decimal | None = None
    recorded_score: Decimal | None = None
    deviation_reason: str | None = None
    likelihood: str | None = None
    description: str | None = None
    basis: str | None = None
    raw_level1: str | None = None
    raw_level2: str | None = None
    location: Location | None = None


@dataclass(slots=True)
class BudgetExecution:
    """The funds block of a self-evaluation table: 年初预算数, 全年预算数 A, 全年执行数 B, 分值, 执行率, 得分."""

    initial_budget: Decimal | None = None
    adjusted_budget: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None
    rate: Decimal | None = None
    recorded_score: Decimal | None = None
    location: Location | None = None


@dataclass(slots=True)
class DepartmentGoals:
    """部门整体绩效目标: sub-goals and work measures beside the overall goal."""

    sub_goals: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FormDocument:
    source: str
    kind: FormKind
    year: int | None = None
    project: ProjectInfo = field(default_factory=ProjectInfo)
    funds_medium_term: Funds = field(default_factory=Funds)
    funds_annual: Funds = field(default_factory=Funds)
    goal_medium_term: str | None = None
    goal_annual: str | None = None
    goal_annual_achieved: str | None = None
    fund_uses: list[FundUse] = field(default_factory=list)
    spending_plan: list[SpendingStep] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    budget_execution: BudgetExecution | None = None
    recorded_total: Decimal | None = None
    department: DepartmentGoals | None = None
    taxonomy: Taxonomy = Taxonomy.CLASSIC
    money_unit: str = "元"
    location: Location | None = None
    field_locations: dict[str, Location] = field(default_factory=dict)
    warnings: list[FormWarning] = field(default_factory=list)

    def warn(self, message: str, location: Location | None = None) -> None:
        self.warnings.append(FormWarning(message, location))


class FormReadError(Exception):
    """A file that cannot be read at all, in Chinese. ``str()`` is ``{place}：{message}``, the place in Chinese
    (``Location.describe``); ``message`` is what is wrong without the place; ``detail`` keeps what only a
    developer needs (a zip member's name, the parsing library's own words), out of the message."""

    def __init__(self, message: str, location: Location | None = None, *, detail: str | None = None) -> None:
        self.location = location
        self.message = message
        self.detail = detail
        place = location.describe() if location else ""
        super().__init__(f"{place}：{message}" if place else message)
