"""A read form becomes plain rows, checked against the models: a ``FormImportError`` says where and what, in Chinese."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import models

from jixiao.domain.forms.model import FormDocument, FormKind
from jixiao.orgs.models import Unit
from jixiao.performance.models import (
    BudgetExecution,
    FundUse,
    ImportBatch,
    Indicator,
    Project,
    ProjectFunds,
    SpendingStep,
    TargetAdjustment,
)

DEPARTMENT_WIDE_NAME = "部门整体绩效目标"
# SQLite keeps DECIMAL columns as 8-byte floats: more significant digits than this would not survive storage.
MAX_SIGNIFICANT_DIGITS = 15
# Rows per ``__in`` lookup, under SQLite's 999 bound parameters.
CHUNK = 500

PROJECT_FIELDS = (
    "name",
    "code",
    "year",
    "kind",
    "attribute",
    "period",
    "department",
    "taxonomy",
    "money_unit",
    "goal_medium_term",
    "goal_annual",
    "sub_goals",
    "measures",
    "source_file",
    "source_location",
    "field_sources",
    "warnings",
)
FUNDS_FIELDS = ("total", "fiscal", "other")
BUDGET_EXECUTION_FIELDS = (
    "initial_budget",
    "adjusted_budget",
    "executed",
    "weight",
    "rate",
    "recorded_score",
    "source_location",
)
FUND_USE_FIELDS = ("order", "item", "amount", "raw", "source_location")
SPENDING_STEP_FIELDS = ("order", "label", "cumulative_percent", "source_location")
INDICATOR_FIELDS = (
    "horizon",
    "order",
    "level1",
    "level2",
    "name",
    "raw_level1",
    "raw_level2",
    "target_raw",
    "target_kind",
    "target_operator",
    "target_value",
    "target_unit",
    "target_raw_unit",
    "target_period_start",
    "target_period_end",
    "target_date",
    "target_warnings",
    "description",
    "basis",
    "weight",
    "recorded_score",
    "actual",
    "deviation_reason",
    "source_location",
)


class FormImportError(Exception):
    """A form that cannot be stored; the message names the file, the form and the field."""

    def __init__(self, where: str, field: str | None, message: str) -> None:
        self.where = where
        self.field = field  # in words: 「第3个绩效指标「满意度」的指标值」
        self.message = message
        super().__init__(f"{where}：{field}：{message}" if field else f"{where}：{message}")


@dataclass(frozen=True)
class ImportResult:
    """What a batch did. ``held`` are the projects that may no longer change in place (targets submitted or
    approved, self-evaluation finalised, year locked) whose form differs: ``proposed`` are the target
    adjustments created for them (none when the same change was already proposed or rejected)."""

    batch: ImportBatch
    created: list[Project]
    updated: list[Project]
    unchanged: list[Project]
    held: list[Project] = field(default_factory=list)
    proposed: list[TargetAdjustment] = field(default_factory=list)
    # "file: the form's unit → the existing unit it was matched to, and why", to confirm.
    unit_matches: list[str] = field(default_factory=list)
    # Of ``unchanged``: those known unchanged by their stored fingerprint, without reading their rows.
    recognised: list[Project] = field(default_factory=list)

    @property
    def projects(self) -> list[Project]:
        return [*self.created, *self.updated, *self.unchanged, *self.held]


@dataclass(kw_only=True)
class FormRows:
    """A project's rows as an import writes them: the header values and the children, in plain values."""

    project: dict[str, Any]
    children: dict[str, Any]
    unit: Unit | None = None
    existing: Project | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    # ``fingerprint.form_fingerprint`` of these rows, stored on the project they are written to ("": none).
    fingerprint: str = ""


@dataclass(kw_only=True)
class Plan(FormRows):
    """One form, validated and turned into rows, waiting for its unit and its existing project."""

    where: str
    doc: FormDocument
    protection: str = ""
    # Set when the form's unit name was matched to a close existing unit's (one character off, 本级, 繁体…).
    unit_match: str = ""

    def key(self) -> tuple[Hashable, ...]:
        assert self.unit is not None
        p = self.project
        if p["code"]:
            return ("code", p["code"], p["year"], p["kind"])
        return ("name", self.unit.pk, p["name"], p["year"], p["kind"])


# --- validation: a FormDocument becomes plain rows, or a FormImportError that says where -------------------


def _text(value: str | None) -> str:
    return "" if value is None else str(value)


def _decimal_problem(value: Any, max_digits: int, places: int) -> str | None:
    """Why the database could not keep ``value`` exactly, or None."""
    if not isinstance(value, Decimal):
        return f"“{value}”不是准确的十进制数"
    if not value.is_finite():
        return f"“{value}”不是有限的数"
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if (
        exponent >= -places
        and len(digits) <= MAX_SIGNIFICANT_DIGITS
        and len(digits) + exponent <= max_digits - places
    ):
        return None  # the common case, decided without normalize()
    _, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    if -exponent > places:
        return f"{value}的小数超过{places}位"
    if len(digits) + exponent > max_digits - places:
        return f"{value}太大，无法保存（整数部分最多{max_digits - places}位）"
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        return f"{value}的有效数字超过{MAX_SIGNIFICANT_DIGITS}位"
    return None


def _text_problem(value: Any, max_length: int, choices: dict[str, str] | None) -> str | None:
    if len(value) > max_length:
        return f"超过{max_length}个字符：{value[:40]}…"
    if choices is not None and value not in choices:
        return f"“{value}”不是可选的值（{'、'.join(choices.values())}）"
    return None


Check = Callable[[Any], "str | None"]
_CHECKS: dict[type[models.Model], dict[str, Check]] = {}


def _checks_for(model: type[models.Model]) -> dict[str, Check]:
    """Per-field checks read from the model, so the database never rounds, truncates or rejects a value.

    A check answers why a value cannot be stored, or None.
    """
    if model in _CHECKS:
        return _CHECKS[model]
    checks: dict[str, Check] = {}
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DecimalField):
            checks[f.name] = partial(
                _decimal_problem, max_digits=f.max_digits or 0, places=f.decimal_places or 0
            )
        elif isinstance(f, models.CharField) and f.max_length:
            choices = {str(k): str(v) for k, v in f.flatchoices} if f.choices else None
            checks[f.name] = partial(_text_problem, max_length=f.max_length, choices=choices)
    _CHECKS[model] = checks
    return checks


_FAST: dict[type[models.Model], tuple[tuple[tuple[str, int], ...], tuple[tuple[str, Check], ...]]] = {}


def _fast_checks(
    model: type[models.Model],
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, Check], ...]]:
    """The same checks as ``_checks_for``, split: text fields without choices as (name, max length), the
    others (decimals, choices) as their check."""
    if model not in _FAST:
        limits: list[tuple[str, int]] = []
        others: list[tuple[str, Check]] = []
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField) and f.max_length and not f.choices:
                limits.append((f.name, f.max_length))
            elif f.name in _checks_for(model):
                others.append((f.name, _checks_for(model)[f.name]))
        _FAST[model] = (tuple(limits), tuple(others))
    return _FAST[model]


def _validate(model: type[models.Model], row: Mapping[str, Any], where: str, prefix: str) -> None:
    """Check a row before it is stored; ``prefix`` names the row in words (「第3个绩效指标「满意度」的」).

    Rows are nearly always fine: the fast pass only looks for a problem; when it finds one, the full pass in
    the row's order names the first.
    """
    limits, others = _fast_checks(model)
    for name, limit in limits:
        value = row.get(name)
        if value is not None and len(value) > limit:
            break
    else:
        for name, check in others:
            value = row.get(name)
            if value is not None and check(value) is not None:
                break
        else:
            return
    _validate_in_order(model, row, where, prefix)


def _validate_in_order(model: type[models.Model], row: Mapping[str, Any], where: str, prefix: str) -> None:
    checks = _checks_for(model)
    for name, value in row.items():
        if value is None:
            continue
        check = checks.get(name)
        if check is not None:
            problem = check(value)
            if problem is not None:
                field = model._meta.get_field(name)
                label = getattr(field, "verbose_name", name)
                raise FormImportError(where, f"{prefix}{label}", problem)


def form_place(doc: FormDocument, position: int) -> str:
    name = f"「{doc.project.name}」" if doc.project.name else ""
    return f"{doc.source}，第{position}张表{name}"


def plan_form(doc: FormDocument, where: str) -> Plan:
    info = doc.project
    name = info.name or (DEPARTMENT_WIDE_NAME if doc.kind == FormKind.DEPARTMENT_WIDE else None)
    if not name:
        raise FormImportError(where, "项目名称", "表中没有项目名称")
    if doc.year is not None and not 1900 <= doc.year <= 2200:
        raise FormImportError(where, "年度", f"{doc.year}不是有效的预算年度")
    project: dict[str, Any] = {
        "name": name,
        "code": info.code or None,
        "year": doc.year,
        "kind": str(doc.kind),
        "attribute": _text(info.attribute),
        "period": _text(info.period),
        "department": _text(info.department),
        "taxonomy": str(doc.taxonomy),
        "money_unit": doc.money_unit,
        "goal_medium_term": _text(doc.goal_medium_term),
        "goal_annual": _text(doc.goal_annual),
        "sub_goals": list(doc.department.sub_goals) if doc.department else [],
        "measures": list(doc.department.measures) if doc.department else [],
        "source_file": doc.source,
        "source_location": str(doc.location) if doc.location else doc.source,
        "field_sources": {key: str(loc) for key, loc in sorted(doc.field_locations.items())},
        "warnings": [
            {"message": w.message, "location": str(w.location) if w.location else None} for w in doc.warnings
        ],
    }
    _validate(Project, project, where, "项目的")

    funds: dict[str, dict[str, Any]] = {}
    for horizon, money in (("medium_term", doc.funds_medium_term), ("annual", doc.funds_annual)):
        if not money.is_empty():
            row: dict[str, Any] = {"total": money.total, "fiscal": money.fiscal, "other": money.other}
            _validate(ProjectFunds, row, where, "年度资金的" if horizon == "annual" else "中期资金的")
            funds[horizon] = row

    budget_execution: dict[str, Any] | None = None
    if doc.budget_execution is not None:
        be = doc.budget_execution
        budget_execution = {
            "initial_budget": be.initial_budget,
            "adjusted_budget": be.adjusted_budget,
            "executed": be.executed,
            "weight": be.weight,
            "rate": be.rate,
            "recorded_score": be.recorded_score,
            "source_location": str(be.location) if be.location else "",
        }
        _validate(BudgetExecution, budget_execution, where, "预算执行情况的")

    fund_uses = []
    for order, use in enumerate(doc.fund_uses, start=1):
        row = {
            "order": order,
            "item": use.item,
            "amount": use.amount,
            "raw": use.raw,
            "source_location": str(use.location) if use.location else "",
        }
        _validate(FundUse, row, where, f"第{order}项资金用途的")
        fund_uses.append(row)

    spending_plan = []
    for order, step in enumerate(doc.spending_plan, start=1):
        row = {
            "order": order,
            "label": step.label,
            "cumulative_percent": step.cumulative_percent,
            "source_location": str(step.location) if step.location else "",
        }
        _validate(SpendingStep, row, where, f"第{order}步支出计划的")
        spending_plan.append(row)

    indicators = []
    orders: Counter[str] = Counter()
    for number, ind in enumerate(doc.indicators, start=1):
        horizon = str(ind.horizon)
        orders[horizon] += 1
        target = ind.target
        row = {
            "horizon": horizon,
            "order": orders[horizon],
            "level1": _text(ind.level1),
            "level2": _text(ind.level2),
            "name": _text(ind.name),
            "raw_level1": _text(ind.raw_level1),
            "raw_level2": _text(ind.raw_level2),
            "target_raw": target.raw,
            "target_kind": str(target.kind),
            "target_operator": str(target.operator) if target.operator is not None else None,
            "target_value": target.value,
            "target_unit": _text(target.unit),
            "target_raw_unit": _text(target.raw_unit),
            "target_period_start": target.period.start if target.period else None,
            "target_period_end": target.period.end if target.period else None,
            "target_date": target.date,
            "target_warnings": list(target.warnings),
            "description": _text(ind.description),
            "basis": _text(ind.basis),
            "weight": ind.weight,
            "recorded_score": ind.recorded_score,
            "actual": _text(ind.actual),
            "deviation_reason": _text(ind.deviation_reason),
            "source_location": str(ind.location) if ind.location else "",
        }
        _validate(Indicator, row, where, f"第{number}个绩效指标「{row['name']}」的")
        indicators.append(row)
    indicators.sort(key=lambda r: (r["horizon"], r["order"]))

    children = {
        "funds": funds,
        "budget_execution": budget_execution,
        "fund_uses": fund_uses,
        "spending_plan": spending_plan,
        "indicators": indicators,
    }
    return Plan(where=where, doc=doc, project=project, children=children)
