"""FormDocument → plain JSON-ready dicts, in the shape the command line promises (``jixiao parse --json``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.domain.forms.model import FormDocument, Funds, Indicator, Location
from jixiao.domain.numbers import plain
from jixiao.domain.targets.model import TargetValue


def money(value: Decimal | None) -> str | None:
    """Money as a decimal string in 元 with two places: ``Decimal('4500000')`` → ``"4500000.00"``."""
    return None if value is None else f"{value.quantize(Decimal('0.01')):f}"


def number(value: Decimal | None) -> str | None:
    """An exact decimal without exponent or trailing zeros: 40000, 95, 0.5."""
    return None if value is None else plain(value)


def location(loc: Location | None) -> str | None:
    return None if loc is None else str(loc)


def funds(f: Funds) -> dict[str, str | None]:
    return {"total": money(f.total), "fiscal": money(f.fiscal), "other": money(f.other)}


def target(t: TargetValue) -> dict[str, Any]:
    return {
        "raw": t.raw,
        "operator": t.operator.value if t.operator else None,
        "value": number(t.value),
        "unit": t.unit,
        "kind": t.kind.value,
        "raw_unit": t.raw_unit,
        "period": None
        if t.period is None
        else {"start": t.period.start.isoformat(), "end": t.period.end.isoformat()},
        "date": None if t.date is None else t.date.isoformat(),
        "warnings": list(t.warnings),
    }


def indicator(i: Indicator) -> dict[str, Any]:
    return {
        "horizon": i.horizon.value,
        "level1": i.level1,
        "level2": i.level2,
        "name": i.name,
        "target": target(i.target),
        "actual": i.actual,
        "weight": number(i.weight),
        "recorded_score": number(i.recorded_score),
        "deviation_reason": i.deviation_reason,
        "likelihood": i.likelihood,
        "description": i.description,
        "basis": i.basis,
        "location": location(i.location),
    }


def form_to_dict(form: FormDocument) -> dict[str, Any]:
    p = form.project
    be = form.budget_execution
    return {
        "source": form.source,
        "kind": form.kind.value,
        "year": form.year,
        "taxonomy": form.taxonomy.value,
        "project": {
            "name": p.name,
            "code": p.code,
            "unit": p.unit,
            "unit_code": p.unit_code,
            "department": p.department,
            "attribute": p.attribute,
            "period": p.period,
        },
        "funds": {"medium_term": funds(form.funds_medium_term), "annual": funds(form.funds_annual)},
        "goals": {
            "medium_term": form.goal_medium_term,
            "annual": form.goal_annual,
            "annual_achieved": form.goal_annual_achieved,
        },
        "department": None
        if form.department is None
        else {"sub_goals": form.department.sub_goals, "measures": form.department.measures},
        "fund_uses": [
            {"item": u.item, "amount": money(u.amount), "raw": u.raw, "location": location(u.location)}
            for u in form.fund_uses
        ],
        "spending_plan": [
            {
                "label": s.label,
                "cumulative_percent": number(s.cumulative_percent),
                "location": location(s.location),
            }
            for s in form.spending_plan
        ],
        "indicators": [indicator(i) for i in form.indicators],
        "budget_execution": None
        if be is None
        else {
            "initial_budget": money(be.initial_budget),
            "adjusted_budget": money(be.adjusted_budget),
            "executed": money(be.executed),
            "weight": number(be.weight),
            "rate": number(be.rate),
            "recorded_score": number(be.recorded_score),
            "location": location(be.location),
        },
        "recorded_total": number(form.recorded_total),
        "warnings": [{"message": w.message, "location": location(w.location)} for w in form.warnings],
    }
