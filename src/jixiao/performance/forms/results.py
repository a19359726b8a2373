"""The results grid's cells: what a person typed or pasted from Excel, read against the indicator's target.

A value cell is read by the domain's reader of actual values (``scoring.engine.read_actual``, the target
grammar): ``4.2万家``, ``95%``, ``5.5小时``, ``12,345`` and full-width digits read; a bare number is taken in
the target's unit; a rate may be written as its counts, ``285/300``. Every cell that cannot be read says why,
in Chinese: what was read and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.domain.scoring.engine import actual_in_target_unit, read_actual
from jixiao.domain.targets.model import Operator, TargetKind
from jixiao.domain.text import compact
from jixiao.performance.actions.results import is_rate
from jixiao.performance.choices import GradeChoices, TargetKindChoices
from jixiao.performance.models import Indicator

__all__ = ["CellReading", "grade_words", "read_value_cell"]

# 285/300, 285／300 (full width is made half width by ``compact``), 285 / 300, with 千分位.
_COUNTS = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)/(?P<den>\d[\d,]*(?:\.\d+)?)")
_LONGEST_NUMBER = 18


@dataclass(frozen=True)
class CellReading:
    """A value cell as read: a value (in the target's unit) or a grade, with the counts of a rate; or an
    error that says what was read and what was expected."""

    value: Decimal | None = None
    grade: str | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    error: str = ""
    empty: bool = False


def grade_words() -> list[str]:
    """The grades a qualitative indicator takes, as people write them."""
    return [str(label) for _value, label in GradeChoices.choices]


def _expected(indicator: Indicator) -> str:
    if indicator.is_qualitative:
        return _("应为等级之一：%(grades)s") % {"grades": "、".join(grade_words())}
    unit = indicator.target_unit
    if is_rate(indicator):
        return _("应为%(unit)s数值（如 95%(unit)s）或分子/分母（如 285/300）") % {"unit": unit}
    if unit:
        return _("应为以“%(unit)s”计的数值（如 12 或 12%(unit)s）") % {"unit": unit}
    return _("应为数值")


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def read_value_cell(indicator: Indicator, text: str) -> CellReading:
    """Read one value cell of ``indicator`` (see the module docstring)."""
    raw = (text or "").strip()
    if not raw:
        return CellReading(empty=True)
    if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
        return CellReading(error=_("读到“%(raw)s”：该指标不适用，不填报完成情况") % {"raw": raw})
    if len(raw) > 200:
        return CellReading(
            error=_("读到的内容过长（%(n)d个字符），%(expected)s")
            % {
                "n": len(raw),
                "expected": _expected(indicator),
            }
        )
    said = {"raw": raw, "expected": _expected(indicator)}
    if indicator.is_qualitative:
        grade = QualitativeGrade.read(raw)
        if grade is None:
            return CellReading(error=_("读到“%(raw)s”，不是评定等级；%(expected)s") % said)
        return CellReading(grade=grade.value)
    counts = _COUNTS.fullmatch(compact(raw).replace(" ", ""))
    if counts is not None:
        if not is_rate(indicator):
            return CellReading(
                error=_("读到分子/分母“%(raw)s”，但该指标不是比率（目标单位“%(unit)s”）；%(expected)s")
                % {**said, "unit": indicator.target_unit or "—"}
            )
        numerator, denominator = _number(counts["num"]), _number(counts["den"])
        if denominator == 0:
            return CellReading(error=_("读到“%(raw)s”：分母为0，无法计算比率") % said)
        return CellReading(numerator=numerator, denominator=denominator)
    if len(re.sub(r"\D", "", raw)) > _LONGEST_NUMBER:
        return CellReading(error=_("读到“%(raw)s”：数字位数过多；%(expected)s") % said)
    try:
        actual = read_actual(raw)
    except ValueError:
        actual = None
    if isinstance(actual, QualitativeGrade):
        return CellReading(error=_("读到等级“%(raw)s”，但这是定量指标；%(expected)s") % said)
    if actual is None or actual.kind is not TargetKind.QUANTITATIVE or actual.value is None:
        return CellReading(error=_("读到“%(raw)s”，不是数值；%(expected)s") % said)
    if actual.operator not in (None, Operator.EQ) or actual.period is not None:
        return CellReading(error=_("读到“%(raw)s”：完成值写实际数，不带比较符或期间；%(expected)s") % said)
    target = indicator.target()
    in_unit = actual_in_target_unit(actual, target)
    if isinstance(in_unit, str):
        return CellReading(
            error=_("读到“%(raw)s”，单位“%(unit)s”与目标单位“%(target)s”不符；%(expected)s")
            % {**said, "unit": actual.raw_unit or actual.unit or "", "target": indicator.target_unit}
        )
    if in_unit == in_unit.to_integral_value():
        return CellReading(value=in_unit.quantize(Decimal(1)))
    return CellReading(value=in_unit.normalize())
