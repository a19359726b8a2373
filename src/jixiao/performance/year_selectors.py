"""Read functions of the year's review pages (monitoring tasks, rounds, rectification), shared by the pages,
the inbox providers and the project page's tag. Every read starts from ``restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jixiao.performance.choices import FormKindChoices, RoundStatusChoices
from jixiao.performance.models import (
    MonitoringAssignment,
    MonitoringRound,
    MonitoringTask,
    Project,
)


@dataclass(frozen=True)
class UnitProgress:
    """One unit's progress on a monitoring task: its projects of the year and their rounds."""

    assignment: MonitoringAssignment
    projects: int
    submitted: int
    approved: int
    returned: int
    overdue: bool

    @property
    def waiting(self) -> int:
        return self.projects - self.submitted - self.approved


def target_projects(user: Any, year: int) -> Any:
    """The target projects of ``year``, and those whose form names no year (counted in every year's task)."""
    return Project.objects.restrict(user, "view").filter(
        Q(year=year) | Q(year__isnull=True), kind=FormKindChoices.TARGET
    )


def task_progress(task: MonitoringTask, user: Any, today: dt.date | None = None) -> list[UnitProgress]:
    """Per unit of ``task`` (as far as ``user`` may see): projects, rounds submitted, approved, returned."""
    today = today or timezone.localdate()
    assignments = list(
        MonitoringAssignment.objects.restrict(user, "view").filter(task=task).select_related("unit")
    )
    projects = list(target_projects(user, task.year).select_related("unit").only("pk", "unit__path"))
    statuses = dict(
        MonitoringRound.objects.restrict(user, "view")
        .filter(project__in=[p.pk for p in projects], cutoff_month=task.cutoff_month)
        .values_list("project_id", "status")
    )
    found = []
    for assignment in assignments:
        mine = [p for p in projects if p.unit.path.startswith(assignment.unit.path)]
        counted = Counter(statuses.get(p.pk, RoundStatusChoices.DRAFT) for p in mine)
        submitted, approved = counted[RoundStatusChoices.SUBMITTED], counted[RoundStatusChoices.APPROVED]
        found.append(
            UnitProgress(
                assignment,
                projects=len(mine),
                submitted=submitted,
                approved=approved,
                returned=counted[RoundStatusChoices.RETURNED],
                overdue=today > task.deadline and submitted + approved < len(mine),
            )
        )
    return found


def deadline_for(project: Project, cutoff_month: int, user: Any) -> MonitoringTask | None:
    """The monitoring task (visible to ``user`` through its assignment) that asks for this round."""
    ancestors = project.unit.ancestor_ids() or [project.unit_id]
    assignment = (
        MonitoringAssignment.objects.restrict(user, "view")
        .filter(unit_id__in=ancestors, task__cutoff_month=cutoff_month)
        .filter(Q(task__year=project.year) if project.year else Q())
        .select_related("task")
        .order_by("task__deadline")
        .first()
    )
    return assignment.task if assignment is not None else None
