"""Projects that no longer change in place: a differing form becomes a proposed target adjustment, once per distinct form."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import models

from jixiao.audit import log as audit
from jixiao.audit.models import AuditEvent
from jixiao.audit.transitions import transition
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import (
    AdjustmentChangeChoices,
    AdjustmentStatusChoices,
    EvaluationStatusChoices,
    HorizonChoices,
    PeriodKindChoices,
    TargetStatusChoices,
)
from jixiao.performance.importing.rows import INDICATOR_FIELDS, FormImportError, FormRows, Plan
from jixiao.performance.importing.units import chunks
from jixiao.performance.importing.write import indicator_key
from jixiao.performance.models import (
    BudgetExecution,
    Evaluation,
    FundUse,
    ImportBatch,
    Indicator,
    PeriodLock,
    Project,
    ProjectFunds,
    SpendingStep,
    TargetAdjustment,
    TargetAdjustmentLine,
)
from jixiao.performance.workflows import ADJUSTMENT_WORKFLOW, AdjustmentVerb

# --- projects that no longer change in place: proposed target adjustments ------------------------------------

# What says where a value came from, not what the target is: a difference only there proposes nothing.
_PROVENANCE = frozenset(
    {"source_file", "source_location", "field_sources", "warnings", "target_warnings", "order"}
)


def is_provenance(key: str) -> bool:
    if key.endswith("]"):
        return False  # a whole row added or removed
    return key.rsplit(".", 1)[-1] in _PROVENANCE


def protections_of(projects: Sequence[Project]) -> dict[int, str]:
    """Why each of these projects may not be changed in place (Chinese), for those that may not."""
    ids = [p.pk for p in projects]
    why: dict[int, str] = {}
    for project in projects:
        if project.target_status == TargetStatusChoices.SUBMITTED:
            why[project.pk] = "目标已送审"
        elif project.target_status == TargetStatusChoices.APPROVED:
            why[project.pk] = "目标已审核"
    for chunk in chunks(ids):
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
    """Old and new indicator rows paired as ``merge_indicators`` pairs them: by key, repeats in order."""
    pool: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for row in old:
        pool.setdefault(indicator_key(row), []).append(row)
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None, int]] = []
    seen: Counter[tuple[str, str, str, str]] = Counter()
    for row in new:
        key = indicator_key(row)
        seen[key] += 1
        candidates = pool.get(key)
        pairs.append((candidates.pop(0) if candidates else None, row, seen[key]))
    for key, left in pool.items():
        for old_row in left:
            seen[key] += 1
            pairs.append((old_row, None, seen[key]))
    return pairs


def _adjustment_lines(plan: Plan, old_children: dict[str, Any]) -> list[dict[str, Any]]:
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
        if key.startswith("indicators[") or is_provenance(key):
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


def _encode(plan: FormRows) -> dict[str, Any]:
    return {"project": audit.jsonable(plan.project), "children": audit.jsonable(plan.children)}


def _fingerprint(encoded: Mapping[str, Any]) -> str:
    text = json.dumps(encoded, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decode_row(model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row back in the types ``plan_form`` builds (exact decimals, dates)."""
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


def decode(stored: Mapping[str, Any]) -> FormRows:
    children = stored["children"]
    return FormRows(
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


def hold(
    held: list[Plan],
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
