"""Existing projects: found by identity, their stored children read in bulk, compared with a form row by row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from jixiao.performance.importing.rows import (
    BUDGET_EXECUTION_FIELDS,
    FUND_USE_FIELDS,
    FUNDS_FIELDS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    SPENDING_STEP_FIELDS,
    FormImportError,
    FormRows,
    Plan,
)
from jixiao.performance.importing.units import chunks
from jixiao.performance.models import (
    BudgetExecution,
    FundUse,
    Indicator,
    Project,
    ProjectFunds,
    SpendingStep,
)

# --- existing projects, snapshots and differences ----------------------------------------------------------


def find_existing(plans: list[Plan]) -> None:
    codes = sorted({p.project["code"] for p in plans if p.project["code"]})
    names = sorted({p.project["name"] for p in plans if not p.project["code"]})
    found: dict[tuple[Hashable, ...], Project] = {}
    for chunk in chunks(codes):
        for project in Project.objects.unrestricted().filter(code__in=chunk).select_related("unit"):
            found[("code", project.code, project.year, project.kind)] = project
    for chunk in chunks(names):
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


def load_children(project_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Children of existing projects, in the same shape ``plan_form`` builds, in five queries per chunk."""
    snapshots = {pid: _empty_children() for pid in project_ids}
    for chunk in chunks(project_ids):
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


def diff(existing: Project, old_children: dict[str, Any], plan: FormRows) -> dict[str, Any]:
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
