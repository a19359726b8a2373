"""Hand-built self-evaluation tables for the scoring tests: a row is (一级, name, target, actual, weight, recorded)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jixiao.domain.forms.model import (
    BudgetExecution,
    FormDocument,
    FormKind,
    Horizon,
    Indicator,
    ProjectInfo,
    Taxonomy,
)
from jixiao.domain.targets.grammar import parse_target

Row = tuple[str, str, str, str | None, str | None, str | None]


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def table(
    rows: Sequence[Row],
    *,
    budget: tuple[str | None, str | None, str | None, str | None] | None = ("100000", "100000", "10", "10"),
    total: str | None = None,
    taxonomy: Taxonomy = Taxonomy.CLASSIC,
    name: str = "测试项目",
) -> FormDocument:
    """``budget`` is (A, B, weight, recorded score) of the funds block; ``total`` the recorded 总分."""
    form = FormDocument(
        source="test",
        kind=FormKind.SELF_EVALUATION,
        year=2023,
        project=ProjectInfo(name=name),
        taxonomy=taxonomy,
        recorded_total=_d(total),
    )
    if budget is not None:
        a, b, weight, recorded = budget
        form.budget_execution = BudgetExecution(
            adjusted_budget=_d(a), executed=_d(b), weight=_d(weight), recorded_score=_d(recorded)
        )
    for level1, indicator, target, actual, weight, recorded in rows:
        form.indicators.append(
            Indicator(
                horizon=Horizon.ANNUAL,
                level1=level1,
                level2=None,
                name=indicator,
                target=parse_target(target, indicator=indicator),
                actual=actual,
                weight=_d(weight),
                recorded_score=_d(recorded),
            )
        )
    return form
