"""Storing read forms: ``do_import_forms`` puts a batch of ``FormDocument`` objects into the database.

One transaction per batch: either every form is stored or none is. Re-importing a form updates its project in
place (identity: ``(code, year, kind)`` when there is a project code, else ``(unit, name, year, kind)``); an
identical re-import writes nothing but an audit row saying so (and the form's fingerprint, see below).
Indicators are matched by (horizon, name, 一级, 二级) and updated in place, so their results, monitoring entries
and evaluation lines stay attached; one that left the form is deleted, unless people recorded something on it:
then it is kept and marked withdrawn.

A project whose targets are submitted or approved, whose self-evaluation is finalised or whose year is locked is
not changed: the differences become a proposed ``TargetAdjustment`` that a reviewer approves (applied through
the same merge) or rejects (``do_approve_target_adjustment``, ``do_reject_target_adjustment``).
Built for bulk: a fixed number of queries per batch for lookups, prepared ``executemany`` statements for rows
(``performance.bulk``). Each project keeps the fingerprint of the form its rows were last imported from
(``importing.fingerprint``); a form with the same fingerprint over a project nobody changed since is known
unchanged without reading and comparing its rows (``ImportResult.recognised``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.domain.forms.model import FormDocument
from jixiao.domain.workflow import Edge
from jixiao.orgs.actors import Actor, person, require_actor
from jixiao.orgs.models import Unit
from jixiao.performance import bulk
from jixiao.performance.choices import ImportStatusChoices
from jixiao.performance.importing.adjust import decode, hold, is_provenance, protections_of
from jixiao.performance.importing.compare import diff, find_existing, load_children
from jixiao.performance.importing.fingerprint import form_fingerprint
from jixiao.performance.importing.fingerprint import matches as fingerprint_matches
from jixiao.performance.importing.merge import with_merge_outcome, write_updates
from jixiao.performance.importing.rows import FormImportError, ImportResult, Plan, form_place, plan_form
from jixiao.performance.importing.units import check_may_change, resolve_units
from jixiao.performance.importing.write import common_unit, insert_children
from jixiao.performance.models import (
    ImportBatch,
    Project,
    TargetAdjustment,
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
        plans.append(plan_form(doc, form_place(doc, positions[doc.source])))

    if unit is not None:
        for plan in plans:
            plan.unit = unit
    else:
        resolve_units(plans, acting_user=acting_user, reason=reason)
    find_existing(plans)
    check_may_change(plans, acting_user)

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
    protections = protections_of([p.existing for p in existing if p.existing is not None])
    for plan in plans:
        # Stored with the project: the same form over the same, untouched project is known unchanged next time.
        plan.fingerprint = form_fingerprint(
            plan, protections.get(plan.existing.pk, "") if plan.existing is not None else ""
        )
    recognised = [p for p in existing if fingerprint_matches(p)]
    known = {id(p) for p in recognised}
    snapshots = load_children(
        [p.existing.pk for p in existing if p.existing is not None and id(p) not in known]
    )
    updated: list[Plan] = []
    unchanged: list[Plan] = []
    held: list[Plan] = []
    confirmed: list[Plan] = []  # compared in full and found identical: their fingerprint is stored now
    for plan in existing:
        assert plan.existing is not None
        assert plan.unit is not None
        if id(plan) in known:
            unchanged.append(plan)  # the same form over the same rows: nothing to read or compare
            continue
        plan.changes = diff(plan.existing, snapshots[plan.existing.pk], plan)
        if not plan.changes:
            confirmed.append(plan)
        protection = protections.get(plan.existing.pk)
        if protection is None:
            (updated if plan.changes else unchanged).append(plan)
            continue
        if not any(not is_provenance(key) for key in plan.changes):
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

    indicators_written, merge_outcome = write_updates(updated, batch_id=batch.pk, now=now)
    stamps: list[tuple[int, tuple[str]]] = []
    for plan in confirmed:
        assert plan.existing is not None
        plan.existing.import_fingerprint = plan.fingerprint
        stamps.append((plan.existing.pk, (plan.fingerprint,)))
    bulk.update_rows(Project, ("import_fingerprint",), stamps)

    created = [p for p in plans if p.existing is None]
    new_projects = Project.objects.bulk_create(
        [
            Project(
                unit=p.unit,
                **p.project,
                last_import=batch,
                created_at=now,
                updated_at=now,
                import_fingerprint=p.fingerprint,
            )
            for p in created
        ]
    )
    for plan, project in zip(created, new_projects, strict=True):
        plan.existing = project
    indicators_written += insert_children(created, created)
    proposed, events = hold(held, snapshots, batch=batch, acting_user=acting_user, reason=reason, now=now)

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
                changes = with_merge_outcome(changes, details, merge_outcome[plan.existing.pk])
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

    batch.unit = unit or common_unit(list({p.unit.pk: p.unit for p in plans if p.unit is not None}.values()))
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

    def projects(group: list[Plan]) -> list[Project]:
        return [p.existing for p in group if p.existing is not None]

    return ImportResult(
        batch=batch,
        created=projects(created),
        updated=projects(updated),
        unchanged=projects(unchanged),
        held=projects(held),
        proposed=proposed,
        unit_matches=[p.unit_match for p in plans if p.unit_match],
        recognised=projects(recognised),
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
    rows = decode(adjustment.proposed)
    rows.existing, rows.unit = project, project.unit
    rows.changes = diff(project, load_children([project.pk])[project.pk], rows)
    now = timezone.now()
    _, outcome = write_updates([rows], batch_id=adjustment.batch_id, now=now)
    details: dict[str, Any] = {"adjustment": adjustment.pk, "source": adjustment.source}
    changes = with_merge_outcome(rows.changes, details, outcome[project.pk])
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
