"""Plain inputs of the monitoring table (项目支出绩效运行监控表, 财预〔2019〕136号): filled by whoever holds
the data (the Django side), written by ``reports.xlsx.write_monitoring_table``. No database here.

Money is in 元 (``Decimal``, exact); the table shows it in 万元. Rates are in percent (``87.5`` for 87.5 %).
Values an indicator is measured by (年度指标值, 截至当期实际完成值, 全年预计完成情况) are text as they are to be
printed: ``≥9次``, ``5次``, ``预计全年完成``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from jixiao.domain.scoring.lights import Colour

__all__ = [
    "Colour",
    "DeviationCategory",
    "Likelihood",
    "MonitoringRow",
    "MonitoringTable",
    "ReportDataError",
]


class ReportDataError(ValueError):
    """Input a table cannot be issued with; the message names the row and what is missing."""


class DeviationCategory(StrEnum):
    """偏差原因 categories of the 136号 table."""

    FUNDING = "经费保障"
    RULES = "制度保障"
    STAFF = "人员保障"
    HARDWARE = "硬件条件保障"
    OTHER = "其他"


class Likelihood(StrEnum):
    """完成目标可能性. ``IMPOSSIBLE`` requires 纠偏措施."""

    CERTAIN = "确定能"
    POSSIBLE = "有可能"
    IMPOSSIBLE = "完全不可能"


@dataclass(slots=True)
class MonitoringRow:
    """One indicator of the monitoring table, in the §2 column order."""

    level1: str | None
    level2: str | None
    name: str | None
    annual_target: str
    actual_to_date: str | None = None
    expected_full_year: str | None = None
    deviation_category: DeviationCategory | None = None
    deviation_reason: str | None = None
    likelihood: Likelihood | None = None
    corrective_action: str | None = None
    light: Colour | None = None


@dataclass(slots=True)
class MonitoringTable:
    """A project's monitoring snapshot. ``period_label`` names the snapshot (``1-7月``), shown in the title.

    ``execution_rate`` may be left ``None``: it is then 截至当期执行数 ÷ 全年预算数 when both are known (two
    decimals, half up), and blank otherwise. ``budget_light`` is the light of the budget execution.
    """

    project_name: str
    year: int | None = None
    period_label: str | None = None
    project_code: str | None = None
    department: str | None = None
    unit: str | None = None
    annual_budget: Decimal | None = None
    executed_to_date: Decimal | None = None
    execution_rate: Decimal | None = None
    expected_full_year: Decimal | None = None
    budget_light: Colour | None = None
    budget_deviation_reason: str | None = None
    goal_annual: str | None = None
    goal_progress: str | None = None
    rows: list[MonitoringRow] = field(default_factory=list)

    def rate(self) -> Decimal | None:
        """执行率 in percent: the one given, else computed from the two amounts, else ``None``."""
        if self.execution_rate is not None:
            return self.execution_rate
        if self.annual_budget is None or self.executed_to_date is None or self.annual_budget <= 0:
            return None
        return (self.executed_to_date / self.annual_budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def check(self) -> None:
        """Raise ``ReportDataError`` for what the rules forbid: 完全不可能 without 纠偏措施."""
        missing = [
            str(n)
            for n, row in enumerate(self.rows, start=1)
            if row.likelihood is Likelihood.IMPOSSIBLE
            and not (row.corrective_action and row.corrective_action.strip())
        ]
        if missing:
            raise ReportDataError(
                f"“完全不可能”完成目标的指标必须填写纠偏措施：第{'、'.join(missing)}行"
                f"（rows {', '.join(missing)} say 完全不可能 without a corrective action）"
            )
