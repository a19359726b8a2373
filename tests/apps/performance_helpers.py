"""Helpers of the results, spending, monitoring and evaluation tests: find an indicator, approve a result."""

from __future__ import annotations

from decimal import Decimal

from jixiao.domain.targets.model import Operator, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM, Actor
from jixiao.performance.actions.results import do_approve_result, do_record_result, do_submit_result
from jixiao.performance.models import Indicator, PeriodResult, Project
from jixiao.performance.periods import Period


def annual(project: Project, name: str) -> Indicator:
    return project.indicators.get(horizon="annual", name=name)


def approved(
    indicator: Indicator,
    period: Period,
    *,
    value: str | None = None,
    grade: str | None = None,
    narrative: str = "",
    editor: Actor = SYSTEM,
    reviewer: Actor = SYSTEM,
) -> PeriodResult:
    """A result entered and submitted by ``editor``, approved by ``reviewer`` (the system unless named)."""
    result = do_record_result(
        indicator,
        period,
        value=Decimal(value) if value is not None else None,
        grade=grade,
        narrative=narrative,
        acting_user=editor,
        reason="test",
    )
    do_submit_result(result, acting_user=editor, reason="test")
    return do_approve_result(result, acting_user=reviewer, reason="test")


def quantitative(raw: str, op: Operator, value: str, unit: str, raw_unit: str | None = None) -> TargetValue:
    return TargetValue(raw, TargetKind.QUANTITATIVE, op, Decimal(value), unit, raw_unit or unit)


def qualitative(raw: str) -> TargetValue:
    return TargetValue(raw, TargetKind.QUALITATIVE)


def not_applicable(raw: str = "不适用") -> TargetValue:
    return TargetValue(raw, TargetKind.NOT_APPLICABLE)
