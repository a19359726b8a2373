"""Reporting periods inside a project's year (月, 季度, 半年, 全年) as month ranges, and how results add up.

A target form covers one budget year, so a period is only its kind and its number within that year; the
year itself is the project's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from jixiao.performance.choices import AccumulationChoices, PeriodKindChoices

__all__ = ["Period", "PeriodValue", "value_to_date"]

_SPAN = {
    PeriodKindChoices.MONTH: 1,
    PeriodKindChoices.QUARTER: 3,
    PeriodKindChoices.HALF: 6,
    PeriodKindChoices.YEAR: 12,
}
_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A period of the year: ``Period("month", 7)`` is 7月, ``Period("half", 1)`` is 上半年."""

    kind: str
    index: int

    def __post_init__(self) -> None:
        if self.kind not in _SPAN:
            raise ValueError(f"unknown period kind {self.kind!r}; use one of {sorted(_SPAN)}")
        count = 12 // _SPAN[PeriodKindChoices(self.kind)]
        if not 1 <= self.index <= count:
            raise ValueError(f"a {self.kind} period is numbered 1 to {count}, not {self.index}")

    @classmethod
    def month(cls, index: int) -> Period:
        return cls(PeriodKindChoices.MONTH, index)

    @classmethod
    def quarter(cls, index: int) -> Period:
        return cls(PeriodKindChoices.QUARTER, index)

    @classmethod
    def half(cls, index: int) -> Period:
        return cls(PeriodKindChoices.HALF, index)

    @classmethod
    def year(cls) -> Period:
        return cls(PeriodKindChoices.YEAR, 1)

    @property
    def span(self) -> int:
        return _SPAN[PeriodKindChoices(self.kind)]

    @property
    def first_month(self) -> int:
        return (self.index - 1) * self.span + 1

    @property
    def last_month(self) -> int:
        return self.index * self.span

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    def within(self, other: Period) -> bool:
        """Whether every month of this period lies in ``other`` (a month lies in its quarter, half, year)."""
        return other.first_month <= self.first_month and self.last_month <= other.last_month

    def overlaps(self, other: Period) -> bool:
        return self.first_month <= other.last_month and other.first_month <= self.last_month

    @property
    def label(self) -> str:
        if self.kind == PeriodKindChoices.MONTH:
            return f"{self.index}月"
        if self.kind == PeriodKindChoices.QUARTER:
            return _QUARTERS[self.index - 1]
        if self.kind == PeriodKindChoices.HALF:
            return "上半年" if self.index == 1 else "下半年"
        return "全年"

    def __str__(self) -> str:
        return self.label


class PeriodValue(Protocol):
    """What ``value_to_date`` needs from a stored result."""

    @property
    def period(self) -> Period: ...

    @property
    def value(self) -> Decimal | None: ...


@dataclass(frozen=True, slots=True)
class ToDate:
    """A value to date and the results it was made from (``last_month``: the latest month they reach)."""

    value: Decimal | None
    used: tuple[Period, ...]
    last_month: int | None


def value_to_date(results: Iterable[PeriodValue], accumulation: str, cutoff_month: int) -> ToDate:
    """The indicator's value at the end of ``cutoff_month`` from the results of periods ending by then.

    ``per_period``: the sum of the period values (periods of one indicator never overlap: entry refuses it).
    ``cumulative`` and ``latest``: the value of the period that ends last; when several end in the same month
    (6月, 第二季度, 上半年), the longest one, as the one reported for the widest span.
    """
    due = sorted(
        (r for r in results if r.period.last_month <= cutoff_month and r.value is not None),
        key=lambda r: (r.period.last_month, r.period.span),
    )
    if not due:
        return ToDate(None, (), None)
    if accumulation == AccumulationChoices.PER_PERIOD:
        total = sum((r.value for r in due if r.value is not None), Decimal(0))
        return ToDate(total, tuple(r.period for r in due), due[-1].period.last_month)
    last = due[-1]
    return ToDate(last.value, (last.period,), last.period.last_month)


def overlapping(period: Period, others: Sequence[Period]) -> list[Period]:
    """The periods among ``others`` that share a month with ``period`` (itself excluded)."""
    return [other for other in others if other != period and other.overlaps(period)]
