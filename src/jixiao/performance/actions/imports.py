"""Storing read forms: ``do_import_forms`` puts a batch of ``FormDocument`` objects into the database.

One transaction per batch: either every form is stored or none is. Re-importing a form updates its project in
place (identity: ``(code, year, kind)`` when there is a project code, else ``(unit, name, year, kind)``); an
identical re-import writes nothing but an audit row saying so. Indicators are matched by (horizon, name, 一级,
二级) and updated in place, so their results, monitoring entries and evaluation lines stay attached; one that
left the form is deleted, unless people recorded something on it: then it is kept and marked withdrawn.

A project whose targets are submitted or approved, whose self-evaluation is finalised or whose year is locked is
not changed: the differences become a proposed ``TargetAdjustment`` that a reviewer approves (applied through
the same merge) or rejects (``do_approve_target_adjustment``, ``do_reject_target_adjustment``).
Built for bulk: a fixed number of queries per batch for lookups, prepared ``executemany`` statements for rows
(``performance.bulk``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.models import AuditEvent
from jixiao.audit.transitions import transition
from jixiao.domain.forms.model import FormDocument, FormKind
from jixiao.domain.forms.units import closest_unit
from jixiao.domain.workflow import Edge
from jixiao.orgs.actors import Actor, actor_label, person, require_actor
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import units_for, unrestricted_actor
from jixiao.performance import bulk
from jixiao.performance.choices import (
    AdjustmentChangeChoices,
    AdjustmentStatusChoices,
    EvaluationStatusChoices,
    HorizonChoices,
    ImportStatusChoices,
    PeriodKindChoices,
    TargetStatusChoices,
)
from jixiao.performance.models import (
    BudgetExecution,
    Evaluation,
    EvaluationLine,
    FundUse,
    ImportBatch,
    Indicator,
    MonitoringEntry,
    PeriodLock,
    PeriodResult,
    Project,
    ProjectFunds,
    SpendingStep,
    TargetAdjustment,
    TargetAdjustmentLine,
    default_accumulation,
)
from jixiao.performance.workflows import ADJUSTMENT_WORKFLOW, AdjustmentVerb

logger = logging.getLogger(__name__)

__all__ = [
    "FormImportError",
    "ImportResult",
    "do_approve_target_adjustment",
    "do_import_forms",
    "do_reject_target_adjustment",
]

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

    @property
    def projects(self) -> list[Project]:
        return [*self.created, *self.updated, *self.unchanged, *self.held]


@dataclass(kw_only=True)
class _Rows:
    """A project's rows as an import writes them: the header values and the children, in plain values."""

    project: dict[str, Any]
    children: dict[str, Any]
    unit: Unit | None = None
    existing: Project | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class _Plan(_Rows):
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


def _validate(model: type[models.Model], row: Mapping[str, Any], where: str, prefix: str) -> None:
    """Check a row before it is stored; ``prefix`` names the row in words (「第3个绩效指标「满意度」的」)."""
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


def _where(doc: FormDocument, position: int) -> str:
    name = f"「{doc.project.name}」" if doc.project.name else ""
    return f"{doc.source}，第{position}张表{name}"


def _plan(doc: FormDocument, where: str) -> _Plan:
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
    return _Plan(where=where, doc=doc, project=project, children=children)


# --- units and permission ----------------------------------------------------------------------------------


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _resolve_units(plans: list[_Plan], *, acting_user: Actor, reason: str) -> None:
    """Find each form's unit by its code, else by its name; create a missing one under the one root unit."""
    from jixiao.orgs.actions import do_create_unit

    codes = sorted({p.doc.project.unit_code for p in plans if p.doc.project.unit_code})
    names = sorted({p.doc.project.unit for p in plans if p.doc.project.unit})
    by_code = {u.code: u for u in Unit.objects.unrestricted().filter(code__in=codes)} if codes else {}
    by_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.unrestricted().filter(name__in=names):
        by_name.setdefault(unit.name, []).append(unit)
    created: dict[tuple[str | None, str | None], Unit] = {}
    known_names: list[str] | None = None  # every unit's name, read once when a name is not found

    for plan in plans:
        code, name = plan.doc.project.unit_code or None, plan.doc.project.unit or None
        if code is None and name is None:
            raise FormImportError(
                plan.where, "实施单位", "表中没有写明实施单位，请补上单位名称或在导入时选定单位"
            )
        if (code, name) in created:
            plan.unit = created[(code, name)]
            continue
        if code is not None and code in by_code:
            plan.unit = by_code[code]
            continue
        candidates = by_name.get(name or "", [])
        if code is not None:
            conflicting = [u for u in candidates if u.code is not None]
            if conflicting:
                raise FormImportError(
                    plan.where,
                    "单位编码",
                    f"单位“{name}”的编码是{conflicting[0].code}，表中写的是{code}",
                )
        if len(candidates) > 1:
            raise FormImportError(
                plan.where,
                "实施单位",
                f"有{len(candidates)}个单位都叫“{name}”，请在表中写明单位编码或在导入时选定单位",
            )
        if candidates:
            plan.unit = candidates[0]
            continue
        if name is not None and code is None:
            if known_names is None:
                known_names = list(Unit.objects.unrestricted().values_list("name", flat=True))
            near = _close_unit(plan, name, known_names)
            if near is not None:
                plan.unit = near
                continue
        roots = list(Unit.objects.unrestricted().filter(parent__isnull=True)[:2])
        if len(roots) != 1:
            raise FormImportError(
                plan.where,
                "实施单位",
                f"单位“{name or code or ''}”不存在，也没有唯一的上级单位可以在其下新建它，请先由管理员建立单位",
            )
        plan.unit = do_create_unit(
            name or code or "", parent=roots[0], code=code, acting_user=acting_user, reason=reason
        )
        if known_names is not None:
            known_names.append(plan.unit.name)
        created[(code, name)] = plan.unit


def _close_unit(plan: _Plan, name: str, names: list[str]) -> Unit | None:
    """An existing unit whose name differs from the form's by a character, a 本级 suffix, spaces or
    traditional characters: matched (with a note to confirm), never created anew; several: refused."""
    match = closest_unit(name, names)
    if match.candidates:
        raise FormImportError(
            plan.where,
            "实施单位",
            f"单位“{name}”与多个已有单位相近（{'、'.join(match.candidates)}），请在表中写明单位全称或单位编码",
        )
    if match.match is None:
        return None
    found = list(Unit.objects.unrestricted().filter(name=match.match)[:2])
    if len(found) != 1:
        return None
    plan.unit_match = f"{plan.where}：单位“{name}”按已有单位“{match.match}”导入（{match.reason}），请确认"
    return found[0]


def _check_may_change(plans: list[_Plan], acting_user: Actor) -> None:
    """The person needs ``change`` on the form's unit, and on the unit a matched project is in now."""
    if unrestricted_actor(acting_user):
        return  # the system (a management command) or a superuser
    allowed = set(units_for(acting_user, "change").values_list("pk", flat=True))
    for plan in plans:
        assert plan.unit is not None
        targets = [plan.unit, *([plan.existing.unit] if plan.existing is not None else [])]
        for target in targets:
            if target.pk not in allowed:
                raise PermissionDenied(
                    f"{plan.where}：{actor_label(acting_user)} 无权修改单位“{target}”的项目"
                )


# --- existing projects, snapshots and differences ----------------------------------------------------------


def _find_existing(plans: list[_Plan]) -> None:
    codes = sorted({p.project["code"] for p in plans if p.project["code"]})
    names = sorted({p.project["name"] for p in plans if not p.project["code"]})
    found: dict[tuple[Hashable, ...], Project] = {}
    for chunk in _chunks(codes):
        for project in Project.objects.unrestricted().filter(code__in=chunk).select_related("unit"):
            found[("code", project.code, project.year, project.kind)] = project
    for chunk in _chunks(names):
        for project in (
            Project.objects.unrestricted().filter(code__isnull=True, name__in=chunk).select_related("unit")
        ):
            found[("name", project.unit_id, project.name, project.year, project.kind)] = project
    seen: dict[tuple[Hashable, ...], str] = {}
    for plan in plans:
        key = plan.key()
        if key in seen:
            raise FormImportError(
                plan.where, None, f"与{seen[key]}是同一个项目：一次导入中每个项目只能出现一次"
            )
        seen[key] = plan.where
        plan.existing = found.get(key)


def _empty_children() -> dict[str, Any]:
    return {"funds": {}, "budget_execution": None, "fund_uses": [], "spending_plan": [], "indicators": []}


def _load_children(project_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Children of existing projects, in the same shape ``_plan`` builds, in five queries per chunk."""
    snapshots = {pid: _empty_children() for pid in project_ids}
    for chunk in _chunks(project_ids):
        for row in (
            ProjectFunds.objects.unrestricted()
            .filter(project_id__in=chunk)
            .values("project_id", "horizon", *FUNDS_FIELDS)
        ):
            snapshots[row.pop("project_id")]["funds"][row.pop("horizon")] = row
        for row in (
            BudgetExecution.objects.unrestricted()
            .filter(project_id__in=chunk)
            .values("project_id", *BUDGET_EXECUTION_FIELDS)
        ):
            snapshots[row.pop("project_id")]["budget_execution"] = row
        for name, model, fields in (
            ("fund_uses", FundUse, FUND_USE_FIELDS),
            ("spending_plan", SpendingStep, SPENDING_STEP_FIELDS),
            ("indicators", Indicator, INDICATOR_FIELDS),
        ):
            rows: Any = model._default_manager.unrestricted().filter(project_id__in=chunk)
            if model is Indicator:
                rows = rows.filter(withdrawn=False)  # already gone from the form: not part of the comparison
            for row in rows.values("project_id", *fields):
                snapshots[row.pop("project_id")][name].append(row)
    for snapshot in snapshots.values():
        snapshot["fund_uses"].sort(key=lambda r: r["order"])
        snapshot["spending_plan"].sort(key=lambda r: r["order"])
        snapshot["indicators"].sort(key=lambda r: (r["horizon"], r["order"]))
    return snapshots


def _diff_rows(
    changes: dict[str, Any],
    prefix: str,
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], tuple[Any, ...]],
) -> None:
    """Changes between two lists of rows matched by ``key`` (repeats numbered): field → [old, new]."""

    def keyed(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        seen: Counter[tuple[Any, ...]] = Counter()
        out = {}
        for row in rows:
            k = key(row)
            seen[k] += 1
            out[(*k, seen[k])] = row
        return out

    old_rows, new_rows = keyed(old), keyed(new)
    for k in [*old_rows, *(k for k in new_rows if k not in old_rows)]:
        label = "/".join(str(part) for part in k[:-1]) + (f"#{k[-1]}" if k[-1] > 1 else "")
        before, after = old_rows.get(k), new_rows.get(k)
        if before is None or after is None:
            changes[f"{prefix}[{label}]"] = [before, after]
            continue
        for name, value in after.items():
            if before.get(name) != value:
                changes[f"{prefix}[{label}].{name}"] = [before.get(name), value]


def _diff(existing: Project, old_children: dict[str, Any], plan: _Rows) -> dict[str, Any]:
    assert plan.unit is not None
    changes: dict[str, Any] = {}
    if existing.unit_id != plan.unit.pk:
        changes["unit"] = [str(existing.unit), str(plan.unit)]
    for name in PROJECT_FIELDS:
        if getattr(existing, name) != plan.project[name]:
            changes[name] = [getattr(existing, name), plan.project[name]]
    new_children = plan.children
    for horizon in sorted(set(old_children["funds"]) | set(new_children["funds"])):
        before, after = old_children["funds"].get(horizon, {}), new_children["funds"].get(horizon, {})
        for name in FUNDS_FIELDS:
            if before.get(name) != after.get(name):
                changes[f"funds.{horizon}.{name}"] = [before.get(name), after.get(name)]
    before_be, after_be = old_children["budget_execution"] or {}, new_children["budget_execution"] or {}
    for name in BUDGET_EXECUTION_FIELDS:
        if before_be.get(name) != after_be.get(name):
            changes[f"budget_execution.{name}"] = [before_be.get(name), after_be.get(name)]
    _diff_rows(
        changes, "fund_uses", old_children["fund_uses"], new_children["fund_uses"], lambda r: (r["order"],)
    )
    _diff_rows(
        changes,
        "spending_plan",
        old_children["spending_plan"],
        new_children["spending_plan"],
        lambda r: (r["order"],),
    )
    _diff_rows(
        changes,
        "indicators",
        old_children["indicators"],
        new_children["indicators"],
        lambda r: (r["horizon"], r["level1"], r["level2"], r["name"]),
    )
    return changes


# --- writing -----------------------------------------------------------------------------------------------


def _insert_children(plans: Sequence[_Rows], new_projects: Sequence[_Rows]) -> int:
    """Insert the funds, fund uses and spending steps of these projects, and the indicators of the new ones.

    Returns the indicators written. Indicators of existing projects are merged by ``_merge_indicators``.
    """
    children = [(plan.existing.pk, plan.children) for plan in plans if plan.existing is not None]
    bulk.insert_rows(
        ProjectFunds,
        ("project_id", "horizon", *FUNDS_FIELDS),
        (
            (pid, h, *(money[f] for f in FUNDS_FIELDS))
            for pid, c in children
            for h, money in c["funds"].items()
        ),
    )
    bulk.insert_rows(
        BudgetExecution,
        ("project_id", *BUDGET_EXECUTION_FIELDS),
        (
            (pid, *(c["budget_execution"][f] for f in BUDGET_EXECUTION_FIELDS))
            for pid, c in children
            if c["budget_execution"] is not None
        ),
    )
    for model, key, fields in (
        (FundUse, "fund_uses", FUND_USE_FIELDS),
        (SpendingStep, "spending_plan", SPENDING_STEP_FIELDS),
    ):
        bulk.insert_rows(
            model,
            ("project_id", *fields),
            ((pid, *(r[f] for f in fields)) for pid, c in children for r in c[key]),
        )
    return _insert_indicators(
        (plan.existing.pk, row)
        for plan in new_projects
        if plan.existing is not None
        for row in plan.children["indicators"]
    )


def _insert_indicators(rows: Iterable[tuple[int, dict[str, Any]]]) -> int:
    # The bulk insert bypasses model defaults: the columns people set get their starting values here.
    return bulk.insert_rows(
        Indicator,
        ("project_id", *INDICATOR_FIELDS, "accumulation", "withdrawn"),
        (
            (
                pid,
                *(r[f] for f in INDICATOR_FIELDS),
                default_accumulation(r["target_kind"], r["target_unit"], r["target_operator"]),
                False,
            )
            for pid, r in rows
        ),
    )


def _indicator_key(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (row["horizon"], row["name"], row["level1"], row["level2"])


def _label(key: tuple[str, str, str, str], repeat: int) -> str:
    horizon, name, level1, level2 = key
    return f"{horizon}/{level1}/{level2}/{name}" + (f"#{repeat}" if repeat > 1 else "")


def _indicators_with_records(ids: list[int]) -> set[int]:
    """Indicators people recorded something on: results, monitoring entries, evaluation lines."""
    kept: set[int] = set()
    for chunk in _chunks(ids):
        for model in (PeriodResult, MonitoringEntry, EvaluationLine):
            kept.update(
                model._default_manager.unrestricted()
                .filter(indicator_id__in=chunk)
                .values_list("indicator_id", flat=True)
            )
    return kept


def _merge_indicators(plans: Sequence[_Rows], now: Any) -> tuple[int, dict[int, dict[str, list[str]]]]:
    """Match the indicators of re-imported projects by (horizon, name, 一级, 二级) and update them in place.

    Repeats of one key are paired in order. Unmatched new rows are inserted; unmatched stored rows are
    deleted, or, when people recorded something on them, kept and marked withdrawn (a withdrawn row that
    comes back on the form is matched and restored). Returns the rows written and, per project id, what was
    withdrawn, restored and deleted (labels). Only rows that differ are written.
    """
    by_project = {plan.existing.pk: plan for plan in plans if plan.existing is not None}
    stored: dict[int, list[dict[str, Any]]] = {pid: [] for pid in by_project}
    for chunk in _chunks(list(by_project)):
        for found in (
            Indicator.objects.unrestricted()
            .filter(project_id__in=chunk)
            .order_by("withdrawn", "horizon", "order", "pk")
            .values("pk", "project_id", "withdrawn", *INDICATOR_FIELDS)
        ):
            stored[found["project_id"]].append(dict(found))
    with_records = _indicators_with_records([r["pk"] for rows in stored.values() for r in rows])

    updates: list[tuple[int, tuple[Any, ...]]] = []
    inserts: list[tuple[int, dict[str, Any]]] = []
    withdraw: list[int] = []
    delete: list[int] = []
    outcome: dict[int, dict[str, list[str]]] = {}
    for pid, plan in by_project.items():
        pool: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
        for old in stored[pid]:
            pool.setdefault(_indicator_key(old), []).append(old)
        report: dict[str, list[str]] = {"withdrawn": [], "restored": [], "deleted": []}
        for row in plan.children["indicators"]:
            key = _indicator_key(row)
            candidates = pool.get(key)
            if candidates:
                match = candidates.pop(0)
                if match["withdrawn"]:
                    report["restored"].append(_label(key, 1))
                elif all(match[f] == row[f] for f in INDICATOR_FIELDS):
                    continue  # the same row: nothing to write
                updates.append((match["pk"], (*(row[f] for f in INDICATOR_FIELDS), False, None)))
            else:
                inserts.append((pid, row))
        for key, left in pool.items():
            for repeat, old in enumerate(left, start=1):
                if old["pk"] in with_records:
                    if not old["withdrawn"]:
                        withdraw.append(old["pk"])
                        report["withdrawn"].append(_label(key, repeat))
                else:
                    delete.append(old["pk"])
                    report["deleted"].append(_label(key, repeat))
        outcome[pid] = report

    for chunk in _chunks(delete):
        Indicator.objects.unrestricted().filter(pk__in=chunk).delete()
    for chunk in _chunks(withdraw):
        Indicator.objects.unrestricted().filter(pk__in=chunk).update(withdrawn=True, withdrawn_at=now)
    written = bulk.update_rows(Indicator, (*INDICATOR_FIELDS, "withdrawn", "withdrawn_at"), updates)
    return written + _insert_indicators(inserts), outcome


def _common_unit(units: list[Unit]) -> Unit | None:
    """The lowest unit above (or equal to) every unit of the batch, read from their paths."""
    if not units:
        return None
    common: list[str] = []
    for parts in zip(*(u.path.strip("/").split("/") for u in units), strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if not common:
        return None
    unit_id = int(common[-1])
    return next((u for u in units if u.pk == unit_id), None) or Unit.objects.unrestricted().get(pk=unit_id)


# --- projects that no longer change in place: proposed target adjustments ------------------------------------

# What says where a value came from, not what the target is: a difference only there proposes nothing.
_PROVENANCE = frozenset(
    {"source_file", "source_location", "field_sources", "warnings", "target_warnings", "order"}
)


def _is_provenance(key: str) -> bool:
    if key.endswith("]"):
        return False  # a whole row added or removed
    return key.rsplit(".", 1)[-1] in _PROVENANCE


def _protections(projects: Sequence[Project]) -> dict[int, str]:
    """Why each of these projects may not be changed in place (Chinese), for those that may not."""
    ids = [p.pk for p in projects]
    why: dict[int, str] = {}
    for project in projects:
        if project.target_status == TargetStatusChoices.SUBMITTED:
            why[project.pk] = "目标已送审"
        elif project.target_status == TargetStatusChoices.APPROVED:
            why[project.pk] = "目标已审核"
    for chunk in _chunks(ids):
        for pid in (
            PeriodLock.objects.unrestricted()
            .filter(project_id__in=chunk, period_kind=PeriodKindChoices.YEAR)
            .values_list("project_id", flat=True)
        ):
            why[pid] = "全年已锁定"
        for pid in (
            Evaluation.objects.unrestricted()
            .filter(project_id__in=chunk, status=EvaluationStatusChoices.FINALISED)
            .values_list("project_id", flat=True)
        ):
            why[pid] = "绩效自评已定稿"
    return why


def _indicator_subject(row: Mapping[str, Any], repeat: int) -> str:
    horizon = (
        HorizonChoices(row["horizon"]).label if row["horizon"] in HorizonChoices.values else row["horizon"]
    )
    parts = [str(horizon), row["level1"], row["level2"], row["name"] or row["target_raw"]]
    return "/".join(parts) + (f"#{repeat}" if repeat > 1 else "")


def _pair_indicators(
    old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None, int]]:
    """Old and new indicator rows paired as ``_merge_indicators`` pairs them: by key, repeats in order."""
    pool: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for row in old:
        pool.setdefault(_indicator_key(row), []).append(row)
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None, int]] = []
    seen: Counter[tuple[str, str, str, str]] = Counter()
    for row in new:
        key = _indicator_key(row)
        seen[key] += 1
        candidates = pool.get(key)
        pairs.append((candidates.pop(0) if candidates else None, row, seen[key]))
    for key, left in pool.items():
        for old_row in left:
            seen[key] += 1
            pairs.append((old_row, None, seen[key]))
    return pairs


def _adjustment_lines(plan: _Plan, old_children: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences of a held form, indicator by indicator (新增/修改/删除), then the other values."""
    lines: list[dict[str, Any]] = []
    for before, after, repeat in _pair_indicators(old_children["indicators"], plan.children["indicators"]):
        row = after or before
        assert row is not None
        subject = _indicator_subject(row, repeat)
        if before is None or after is None:
            change = AdjustmentChangeChoices.ADDED if before is None else AdjustmentChangeChoices.REMOVED
            lines.append(
                {
                    "change": change,
                    "subject": subject,
                    "old_raw": before["target_raw"] if before else "",
                    "new_raw": after["target_raw"] if after else "",
                    "old": audit.jsonable(before) if before else None,
                    "new": audit.jsonable(after) if after else None,
                }
            )
            continue
        fields = [f for f in INDICATOR_FIELDS if f not in _PROVENANCE and before[f] != after[f]]
        if not fields:
            continue
        if before["target_unit"] and after["target_unit"] and before["target_unit"] != after["target_unit"]:
            raise FormImportError(
                plan.where,
                None,
                f"项目“{plan.project['name']}”{plan.protection}，不能直接修改；指标“{subject}”的度量单位"
                f"由“{before['target_unit']}”改为“{after['target_unit']}”，不是同一个目标，无法作为目标调整提出"
                "（请审核人先退回目标，再重新导入）",
            )
        lines.append(
            {
                "change": AdjustmentChangeChoices.CHANGED,
                "subject": subject,
                "old_raw": before["target_raw"],
                "new_raw": after["target_raw"],
                "old": audit.jsonable({f: before[f] for f in fields}),
                "new": audit.jsonable({f: after[f] for f in fields}),
            }
        )
    for key, (before, after) in plan.changes.items():
        if key.startswith("indicators[") or _is_provenance(key):
            continue
        if before is None:
            change = AdjustmentChangeChoices.ADDED
        elif after is None:
            change = AdjustmentChangeChoices.REMOVED
        else:
            change = AdjustmentChangeChoices.CHANGED
        lines.append(
            {
                "change": change,
                "subject": key,
                "old_raw": "",
                "new_raw": "",
                "old": audit.jsonable(before),
                "new": audit.jsonable(after),
            }
        )
    return lines


def _encode(plan: _Rows) -> dict[str, Any]:
    return {"project": audit.jsonable(plan.project), "children": audit.jsonable(plan.children)}


def _fingerprint(encoded: Mapping[str, Any]) -> str:
    text = json.dumps(encoded, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decode_row(model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row back in the types ``_plan`` builds (exact decimals, dates)."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        f = model._meta.get_field(name)
        if value is not None and isinstance(f, models.DecimalField):
            value = Decimal(value)
        elif (
            value is not None and isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        ):
            value = dt.date.fromisoformat(value)
        out[name] = value
    return out


def _decode(stored: Mapping[str, Any]) -> _Rows:
    children = stored["children"]
    return _Rows(
        project=_decode_row(Project, stored["project"]),
        children={
            "funds": {h: _decode_row(ProjectFunds, row) for h, row in children["funds"].items()},
            "budget_execution": _decode_row(BudgetExecution, children["budget_execution"])
            if children["budget_execution"] is not None
            else None,
            "fund_uses": [_decode_row(FundUse, row) for row in children["fund_uses"]],
            "spending_plan": [_decode_row(SpendingStep, row) for row in children["spending_plan"]],
            "indicators": [_decode_row(Indicator, row) for row in children["indicators"]],
        },
    )


def _hold(
    held: list[_Plan],
    snapshots: dict[int, dict[str, Any]],
    *,
    batch: ImportBatch,
    acting_user: Actor,
    reason: str,
    now: dt.datetime,
) -> tuple[list[TargetAdjustment], list[AuditEvent]]:
    """Propose a target adjustment for each held form, unless the same one is pending or was rejected."""
    proposed: list[TargetAdjustment] = []
    events: list[AuditEvent] = []
    for plan in held:
        project = plan.existing
        assert project is not None
        encoded = _encode(plan)
        fingerprint = _fingerprint(encoded)
        adjustments = TargetAdjustment.objects.unrestricted().filter(project=project)
        same = (
            adjustments.filter(
                fingerprint=fingerprint,
                status__in=(AdjustmentStatusChoices.PROPOSED, AdjustmentStatusChoices.REJECTED),
            )
            .order_by("-pk")
            .first()
        )
        details: dict[str, Any] = {"source": plan.where, "protection": plan.protection}
        if same is not None:
            details["outcome"] = f"与目标调整#{same.pk}（{same.get_status_display()}）相同，未再提出"
            details["adjustment"] = same.pk
            events.append(
                audit.build(
                    acting_user,
                    "project.unchanged",
                    project,
                    reason=reason,
                    unit=plan.unit,
                    details=details,
                    at=now,
                )
            )
            continue
        lines = _adjustment_lines(plan, snapshots[project.pk])
        for pending in adjustments.filter(status=AdjustmentStatusChoices.PROPOSED).order_by("pk"):
            transition(
                pending,
                ADJUSTMENT_WORKFLOW,
                AdjustmentVerb.SUPERSEDE,
                acting_user=acting_user,
                reason=f"导入批次#{batch.pk}（{plan.where}）提出了新的目标调整",
                details={"batch": batch.pk},
            )
        adjustment = TargetAdjustment.objects.create(
            project=project,
            batch=batch,
            source_file=plan.project["source_file"][:500],
            source=plan.where[:700],
            protection=plan.protection,
            fingerprint=fingerprint,
            proposed=encoded,
            proposed_by=person(acting_user),
            proposed_by_label=audit.actor_label(acting_user),
            proposed_at=now,
        )
        TargetAdjustmentLine.objects.bulk_create(
            TargetAdjustmentLine(adjustment=adjustment, order=order, **line)
            for order, line in enumerate(lines, start=1)
        )
        proposed.append(adjustment)
        events.append(
            audit.build(
                acting_user,
                "target_adjustment.proposed",
                adjustment,
                reason=reason,
                unit=plan.unit,
                changes={line["subject"]: [line["old"], line["new"]] for line in lines},
                details={**details, "project": project.pk, "lines": len(lines)},
                at=now,
            )
        )
    return proposed, events


# --- the shared write path: an import's update and an approved adjustment ---------------------------------


def _write_updates(
    plans: Sequence[_Rows], *, batch_id: int | None, now: dt.datetime
) -> tuple[int, dict[int, dict[str, list[str]]]]:
    """Write the header and children of existing projects from their rows; indicators are merged in place.

    Returns the indicators written and what the merge withdrew, restored and deleted per project.
    """
    if not plans:
        return 0, {}
    for plan in plans:
        project = plan.existing
        assert project is not None
        assert plan.unit is not None
        project.unit = plan.unit
        for name, value in plan.project.items():
            setattr(project, name, value)
        project.updated_at = now
        project.last_import_id = batch_id
    bulk.update_rows(
        Project,
        ("unit_id", *PROJECT_FIELDS, "updated_at", "last_import_id"),
        (
            (p.existing.pk, (p.existing.unit_id, *(p.project[f] for f in PROJECT_FIELDS), now, batch_id))
            for p in plans
            if p.existing is not None
        ),
    )
    ids = [p.existing.pk for p in plans if p.existing is not None]
    for chunk in _chunks(ids):
        for model in (ProjectFunds, BudgetExecution, FundUse, SpendingStep):
            model._default_manager.unrestricted().filter(project_id__in=chunk).delete()
    written = _insert_children(plans, [])
    merged, outcome = _merge_indicators(plans, now)
    return written + merged, outcome


def _with_merge_outcome(
    changes: dict[str, Any], details: dict[str, Any], report: dict[str, list[str]]
) -> dict[str, Any]:
    for what, labels in report.items():
        if labels:
            details[f"indicators_{what}"] = labels
    for label in report["withdrawn"]:
        # Kept because people recorded results on it: the audit says so beside the removal.
        changes = {**changes, f"indicators[{label}].withdrawn": [False, True]}
    for label in report["restored"]:
        changes = {**changes, f"indicators[{label}].withdrawn": [True, False]}
    return changes


@transaction.atomic
def do_import_forms(
    forms: Sequence[FormDocument],
    *,
    acting_user: Actor,
    reason: str,
    unit: Unit | None = None,
    batch_label: str = "",
) -> ImportResult:
    """Store a batch of read forms in one transaction; the whole batch or nothing.

    ``unit`` puts every form in that unit; otherwise each form's unit is found by its code or name (and
    created under the single root unit when missing). A project whose targets are submitted or approved, whose
    self-evaluation is finalised or whose year is locked is never changed: a form that differs from it proposes
    a ``TargetAdjustment`` for review (once per distinct form), or is refused when the change cannot be one (a
    different unit, an indicator measured in another unit). Raises ``FormImportError`` (naming file, form and
    why) or ``PermissionDenied``; either way nothing is stored.
    """
    require_actor(acting_user)
    positions: Counter[str] = Counter()
    plans = []
    for doc in forms:
        positions[doc.source] += 1
        plans.append(_plan(doc, _where(doc, positions[doc.source])))

    if unit is not None:
        for plan in plans:
            plan.unit = unit
    else:
        _resolve_units(plans, acting_user=acting_user, reason=reason)
    _find_existing(plans)
    _check_may_change(plans, acting_user)

    now = timezone.now()
    batch = ImportBatch.objects.create(
        label=batch_label,
        acting_user=person(acting_user),
        actor_label=audit.actor_label(acting_user),
        reason=reason,
        started_at=now,
        files=sorted({doc.source for doc in forms}),
        forms_count=len(plans),
        warnings_count=sum(len(doc.warnings) for doc in forms),
    )

    existing = [p for p in plans if p.existing is not None]
    snapshots = _load_children([p.existing.pk for p in existing if p.existing is not None])
    protections = _protections([p.existing for p in existing if p.existing is not None])
    updated: list[_Plan] = []
    unchanged: list[_Plan] = []
    held: list[_Plan] = []
    for plan in existing:
        assert plan.existing is not None
        assert plan.unit is not None
        plan.changes = _diff(plan.existing, snapshots[plan.existing.pk], plan)
        protection = protections.get(plan.existing.pk)
        if protection is None:
            (updated if plan.changes else unchanged).append(plan)
            continue
        if not any(not _is_provenance(key) for key in plan.changes):
            unchanged.append(plan)
            continue
        plan.protection = protection
        if plan.existing.unit_id != plan.unit.pk:
            raise FormImportError(
                plan.where,
                None,
                f"项目“{plan.existing.name}”{protection}，不能直接修改；表中单位“{plan.unit}”与项目所在单位"
                f"“{plan.existing.unit}”不同，无法作为目标调整提出",
            )
        held.append(plan)

    indicators_written, merge_outcome = _write_updates(updated, batch_id=batch.pk, now=now)

    created = [p for p in plans if p.existing is None]
    new_projects = Project.objects.bulk_create(
        [
            Project(unit=p.unit, **p.project, last_import=batch, created_at=now, updated_at=now)
            for p in created
        ]
    )
    for plan, project in zip(created, new_projects, strict=True):
        plan.existing = project
    indicators_written += _insert_children(created, created)
    proposed, events = _hold(held, snapshots, batch=batch, acting_user=acting_user, reason=reason, now=now)

    for verb, group in (
        ("project.created", created),
        ("project.updated", updated),
        ("project.unchanged", unchanged),
    ):
        for plan in group:
            assert plan.existing is not None
            if verb == "project.created":
                changes = {k: [None, v] for k, v in plan.project.items() if v not in (None, "", [], {})}
            else:
                changes = plan.changes
            details: dict[str, Any] = {
                "source": plan.where,
                "indicators": len(plan.children["indicators"]),
                "fund_uses": len(plan.children["fund_uses"]),
                "spending_steps": len(plan.children["spending_plan"]),
            }
            if verb == "project.unchanged":
                details["outcome"] = "no changes"
                changes = {}
            if verb == "project.updated":
                changes = _with_merge_outcome(changes, details, merge_outcome[plan.existing.pk])
            events.append(
                audit.build(
                    acting_user,
                    verb,
                    plan.existing,
                    reason=reason,
                    changes=changes,
                    unit=plan.unit,
                    details=details,
                    at=now,
                )
            )
    audit.record_many(events)

    batch.unit = unit or _common_unit(list({p.unit.pk: p.unit for p in plans if p.unit is not None}.values()))
    batch.status = ImportStatusChoices.COMPLETED
    batch.finished_at = timezone.now()
    batch.created_count, batch.updated_count, batch.unchanged_count = (
        len(created),
        len(updated),
        len(unchanged) + len(held) - len(proposed),
    )
    batch.proposed_count = len(proposed)
    batch.indicators_count = indicators_written
    batch.save()
    counts = {
        "forms": batch.forms_count,
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "proposed": batch.proposed_count,
        "indicators": batch.indicators_count,
        "warnings": batch.warnings_count,
    }
    audit.record(
        acting_user,
        "import.completed",
        batch,
        reason=reason,
        unit=batch.unit,
        details={**counts, "files": batch.files, "label": batch_label},
    )
    transaction.on_commit(lambda: logger.info("import batch %s stored: %s", batch.pk, counts))

    def projects(group: list[_Plan]) -> list[Project]:
        return [p.existing for p in group if p.existing is not None]

    return ImportResult(
        batch=batch,
        created=projects(created),
        updated=projects(updated),
        unchanged=projects(unchanged),
        held=projects(held),
        proposed=proposed,
        unit_matches=[p.unit_match for p in plans if p.unit_match],
    )


# --- reviewing a proposed target adjustment ----------------------------------------------------------------


def _review_updates(acting_user: Actor, reason: str) -> dict[str, Any]:
    return {
        "reviewed_by": person(acting_user),
        "reviewed_at": timezone.now(),
        "review_reason": reason.strip(),
    }


def _not_the_proposer(acting_user: Actor) -> Any:
    def guard(locked: TargetAdjustment, edge: Edge) -> None:
        own = person(acting_user)
        if own is not None and own.pk == locked.proposed_by_id:
            raise ValidationError(
                f"目标调整#{locked.pk}由 {audit.actor_label(acting_user)} 导入提出，不能由本人审核",
                code="own_adjustment",
            )

    return guard


@transaction.atomic
def do_approve_target_adjustment(
    adjustment: TargetAdjustment, *, acting_user: Actor, reason: str
) -> TargetAdjustment:
    """proposed → approved (审核人, with a reason; not the person who imported it), and apply it: the form
    it holds is written through the import's merge, the old values kept in the adjustment and the audit log."""
    adjustment = transition(
        adjustment,
        ADJUSTMENT_WORKFLOW,
        AdjustmentVerb.APPROVE,
        acting_user=acting_user,
        reason=reason,
        updates=_review_updates(acting_user, reason),
        guard=_not_the_proposer(acting_user),
        details={"project": adjustment.project_id},
    )
    project = (
        Project.objects.unrestricted()
        .select_for_update()
        .select_related("unit")
        .get(pk=adjustment.project_id)
    )
    rows = _decode(adjustment.proposed)
    rows.existing, rows.unit = project, project.unit
    rows.changes = _diff(project, _load_children([project.pk])[project.pk], rows)
    now = timezone.now()
    _, outcome = _write_updates([rows], batch_id=adjustment.batch_id, now=now)
    details: dict[str, Any] = {"adjustment": adjustment.pk, "source": adjustment.source}
    changes = _with_merge_outcome(rows.changes, details, outcome[project.pk])
    audit.record(
        acting_user,
        "project.adjusted",
        project,
        reason=reason.strip(),
        unit=project.unit,
        changes=changes,
        details=details,
    )
    return adjustment


@transaction.atomic
def do_reject_target_adjustment(
    adjustment: TargetAdjustment, *, acting_user: Actor, reason: str
) -> TargetAdjustment:
    """proposed → rejected (审核人, with a reason): the project stays as it is; the same form re-imported
    later proposes nothing again."""
    return transition(
        adjustment,
        ADJUSTMENT_WORKFLOW,
        AdjustmentVerb.REJECT,
        acting_user=acting_user,
        reason=reason,
        updates=_review_updates(acting_user, reason),
        details={"project": adjustment.project_id},
    )
