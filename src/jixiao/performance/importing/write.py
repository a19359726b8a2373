"""Bulk writes of an import: a new project's children, and indicators merged in place so their records stay attached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jixiao.orgs.models import Unit
from jixiao.performance import bulk
from jixiao.performance.importing.rows import (
    BUDGET_EXECUTION_FIELDS,
    FUND_USE_FIELDS,
    FUNDS_FIELDS,
    INDICATOR_FIELDS,
    SPENDING_STEP_FIELDS,
    FormRows,
)
from jixiao.performance.importing.units import chunks
from jixiao.performance.models import (
    BudgetExecution,
    EvaluationLine,
    FundUse,
    Indicator,
    MonitoringEntry,
    PeriodResult,
    ProjectFunds,
    SpendingStep,
    default_accumulation,
)

# --- writing -----------------------------------------------------------------------------------------------


def insert_children(plans: Sequence[FormRows], new_projects: Sequence[FormRows]) -> int:
    """Insert the funds, fund uses and spending steps of these projects, and the indicators of the new ones.

    Returns the indicators written. Indicators of existing projects are merged by ``merge_indicators``.
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


def indicator_key(row: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (row["horizon"], row["name"], row["level1"], row["level2"])


def _label(key: tuple[str, str, str, str], repeat: int) -> str:
    horizon, name, level1, level2 = key
    return f"{horizon}/{level1}/{level2}/{name}" + (f"#{repeat}" if repeat > 1 else "")


def _indicators_with_records(ids: list[int]) -> set[int]:
    """Indicators people recorded something on: results, monitoring entries, evaluation lines."""
    kept: set[int] = set()
    for chunk in chunks(ids):
        for model in (PeriodResult, MonitoringEntry, EvaluationLine):
            kept.update(
                model._default_manager.unrestricted()
                .filter(indicator_id__in=chunk)
                .values_list("indicator_id", flat=True)
            )
    return kept


def merge_indicators(plans: Sequence[FormRows], now: Any) -> tuple[int, dict[int, dict[str, list[str]]]]:
    """Match the indicators of re-imported projects by (horizon, name, 一级, 二级) and update them in place.

    Repeats of one key are paired in order. Unmatched new rows are inserted; unmatched stored rows are
    deleted, or, when people recorded something on them, kept and marked withdrawn (a withdrawn row that
    comes back on the form is matched and restored). Returns the rows written and, per project id, what was
    withdrawn, restored and deleted (labels). Only rows that differ are written.
    """
    by_project = {plan.existing.pk: plan for plan in plans if plan.existing is not None}
    stored: dict[int, list[dict[str, Any]]] = {pid: [] for pid in by_project}
    for chunk in chunks(list(by_project)):
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
            pool.setdefault(indicator_key(old), []).append(old)
        report: dict[str, list[str]] = {"withdrawn": [], "restored": [], "deleted": []}
        for row in plan.children["indicators"]:
            key = indicator_key(row)
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

    for chunk in chunks(delete):
        Indicator.objects.unrestricted().filter(pk__in=chunk).delete()
    for chunk in chunks(withdraw):
        Indicator.objects.unrestricted().filter(pk__in=chunk).update(withdrawn=True, withdrawn_at=now)
    written = bulk.update_rows(Indicator, (*INDICATOR_FIELDS, "withdrawn", "withdrawn_at"), updates)
    return written + _insert_indicators(inserts), outcome


def common_unit(units: list[Unit]) -> Unit | None:
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
