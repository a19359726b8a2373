"""Typed target values: what a target string such as ``≥4万家`` means once it has been read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Operator(StrEnum):
    """Comparison an indicator's actual value is held to."""

    GE = ">="
    GT = ">"
    EQ = "="
    LE = "<="
    LT = "<"

    @property
    def is_reverse(self) -> bool:
        """Upper bounds (≤, <) are scored as reverse indicators."""
        return self in (Operator.LE, Operator.LT)


class TargetKind(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Period:
    """A period string such as ``2023.07-2024.01`` or ``202001-202012``, as first and last month."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class TargetValue:
    """One target value, typed.

    ``value`` is exact and already normalised to ``unit`` (``≥4万家`` → 40000 家, ``≤90万元`` → 900000 元);
    ``raw_unit`` keeps the unit as written. A rate such as ``≥1次/月`` has ``unit`` ``次/月``.
    ``warnings`` says what was repaired or guessed (OCR damage, Excel serials), never silently.
    """

    raw: str
    kind: TargetKind
    operator: Operator | None = None
    value: Decimal | None = None
    unit: str | None = None
    raw_unit: str | None = None
    period: Period | None = None
    date: dt.date | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def is_rate(self) -> bool:
        return self.unit is not None and "/" in self.unit
