"""The write path shared by an import's update and an approved target adjustment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from jixiao.performance import bulk
from jixiao.performance.importing.fingerprint import import_writes
from jixiao.performance.importing.rows import PROJECT_FIELDS, FormRows
from jixiao.performance.importing.units import chunks
from jixiao.performance.importing.write import insert_children, merge_indicators
from jixiao.performance.models import (
    BudgetExecution,
    FundUse,
    Project,
    ProjectFunds,
    SpendingStep,
)

# --- the shared write path: an import's update and an approved adjustment ---------------------------------


def write_updates(
    plans: Sequence[FormRows], *, batch_id: int | None, now: dt.datetime
) -> tuple[int, dict[int, dict[str, list[str]]]]:
    """Write the header and children of existing projects from their rows; indicators are merged in place.

    Returns the indicators written and what the merge withdrew, restored and deleted per project.
    """
    if not plans:
        return 0, {}
    with import_writes():
        return _write_updates(plans, batch_id=batch_id, now=now)


def _write_updates(
    plans: Sequence[FormRows], *, batch_id: int | None, now: dt.datetime
) -> tuple[int, dict[int, dict[str, list[str]]]]:
    for plan in plans:
        project = plan.existing
        assert project is not None
        assert plan.unit is not None
        project.unit = plan.unit
        for name, value in plan.project.items():
            setattr(project, name, value)
        project.updated_at = now
        project.last_import_id = batch_id
        project.import_fingerprint = (
            plan.fingerprint
        )  # "" for an approved adjustment: compared in full next time
    bulk.update_rows(
        Project,
        ("unit_id", *PROJECT_FIELDS, "updated_at", "last_import_id", "import_fingerprint"),
        (
            (
                p.existing.pk,
                (p.existing.unit_id, *(p.project[f] for f in PROJECT_FIELDS), now, batch_id, p.fingerprint),
            )
            for p in plans
            if p.existing is not None
        ),
    )
    ids = [p.existing.pk for p in plans if p.existing is not None]
    for chunk in chunks(ids):
        for model in (ProjectFunds, BudgetExecution, FundUse, SpendingStep):
            model._default_manager.unrestricted().filter(project_id__in=chunk).delete()
    written = insert_children(plans, [])
    merged, outcome = merge_indicators(plans, now)
    return written + merged, outcome


def with_merge_outcome(
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
