"""The 待办 inbox's providers for the year's review work (``jixiao.web.inbox``): monitoring rounds to fill,
submit and review (with the monitoring task's deadline), self-evaluations to review and sign off, and
rectification items to answer and review. Each reads through ``restrict(user, action)`` in a few queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from jixiao.performance.choices import (
    EvaluationStatusChoices,
    FormKindChoices,
    RectificationStatusChoices,
    RoundStatusChoices,
)
from jixiao.performance.guards import exception_for
from jixiao.performance.models import (
    Evaluation,
    MonitoringAssignment,
    MonitoringRound,
    PeriodLock,
    Project,
    RectificationItem,
)
from jixiao.performance.periods import Period
from jixiao.web.inbox import InboxItem, Step, provider

_DONE = (RoundStatusChoices.SUBMITTED, RoundStatusChoices.APPROVED)


def _round_url(project_id: int, cutoff: int) -> str:
    return reverse("performance:monitoring", args=[project_id, cutoff])


def _round_item(round_: MonitoringRound, step: Step, what: str, since: Any, reason: str = "") -> InboxItem:
    """The inbox item of a monitoring round without a task's deadline (returned, or submitted for review)."""
    return InboxItem(
        step=step,
        what=what % {"cutoff": round_.cutoff_month},
        subject=round_.project.name,
        url=_round_url(round_.project_id, round_.cutoff_month),
        unit=round_.project.unit.name,
        reason=reason,
        since=since,
    )


def _rectification_item(
    item: RectificationItem, step: Step, what: str, since: Any, reason: str = ""
) -> InboxItem:
    """The inbox item of a rectification item: the project and the problem, on the evaluation's page."""
    return InboxItem(
        step=step,
        what=what,
        subject=f"{item.project.name}：{item.problem[:40]}",
        url=reverse("performance:evaluation", args=[item.project_id]) + "#rectification",
        unit=item.project.unit.name,
        deadline=item.deadline,
        reason=reason,
        since=since,
    )


def _locked(project: Project, cutoff: int, locks: list[PeriodLock]) -> bool:
    month = Period.month(cutoff)
    return any(month.within(lock.period) and exception_for(project, lock) is None for lock in locks)


@provider
def monitoring_items(user: Any) -> Iterable[InboxItem]:
    """Rounds a task asks this person's units for (待填报, 待送审, 被退回) and submitted rounds to review."""
    items: list[InboxItem] = []
    assignments = list(
        MonitoringAssignment.objects.restrict(user, "submit")
        .select_related("task", "unit")
        .order_by("task__deadline")
    )
    if assignments:
        projects = list(
            Project.objects.restrict(user, "submit")
            .filter(kind=FormKindChoices.TARGET)
            .select_related("unit")
            .only("pk", "name", "year", "unit__name", "unit__path")
        )
        rounds = {
            (r.project_id, r.cutoff_month): r
            for r in MonitoringRound.objects.restrict(user, "submit")
            .filter(project__in=[p.pk for p in projects])
            .annotate(filled=Count("entries"))
        }
        locks: dict[int, list[PeriodLock]] = {}
        for lock in PeriodLock.objects.restrict(user, "view").filter(project__in=[p.pk for p in projects]):
            locks.setdefault(lock.project_id, []).append(lock)
        seen: set[tuple[int, int]] = set()
        for assignment in assignments:
            task = assignment.task
            for project in projects:
                key = (project.pk, task.cutoff_month)
                if key in seen or not project.unit.path.startswith(assignment.unit.path):
                    continue
                if project.year is not None and project.year != task.year:
                    continue
                seen.add(key)
                round_ = rounds.get(key)
                if round_ is not None and round_.status in _DONE:
                    continue
                if _locked(project, task.cutoff_month, locks.get(project.pk, [])):
                    continue  # nothing can be done until finance lifts the lock or grants an exception
                if round_ is not None and round_.status == RoundStatusChoices.RETURNED:
                    step, reason = Step.RETURNED, round_.return_reason
                elif round_ is not None and round_.filled:
                    step, reason = Step.TO_SUBMIT, ""
                else:
                    step, reason = Step.TO_FILL, ""
                items.append(
                    InboxItem(
                        step=step,
                        what=f"运行监控（1–{task.cutoff_month}月）",
                        subject=project.name,
                        url=_round_url(project.pk, task.cutoff_month),
                        unit=project.unit.name,
                        deadline=task.deadline,
                        reason=reason,
                        since=task.issued_at,
                    )
                )
    # A returned round without a task still waits for the unit.
    for returned in (
        MonitoringRound.objects.restrict(user, "submit")
        .filter(status=RoundStatusChoices.RETURNED)
        .select_related("project__unit")
    ):
        if any(i.url == _round_url(returned.project_id, returned.cutoff_month) for i in items):
            continue
        items.append(
            _round_item(
                returned,
                Step.RETURNED,
                "运行监控（1–%(cutoff)d月）",
                returned.reviewed_at,
                reason=returned.return_reason,
            )
        )
    for submitted in (
        MonitoringRound.objects.restrict(user, "review")
        .filter(status=RoundStatusChoices.SUBMITTED)
        .select_related("project__unit")
    ):
        items.append(
            _round_item(submitted, Step.TO_REVIEW, "审核运行监控（1–%(cutoff)d月）", submitted.submitted_at)
        )
    return items


@provider
def evaluation_items(user: Any) -> Iterable[InboxItem]:
    """Self-evaluations the unit has written (评价结论 filled) that wait for review and sign-off."""
    return [
        InboxItem(
            step=Step.TO_REVIEW,
            what="审核并定稿绩效自评",
            subject=evaluation.project.name,
            url=reverse("performance:evaluation", args=[evaluation.project_id]),
            unit=evaluation.project.unit.name,
            since=evaluation.created_at,
        )
        for evaluation in Evaluation.objects.restrict(user, "review")
        .filter(status=EvaluationStatusChoices.DRAFT)
        .exclude(conclusion="")
        .select_related("project__unit")
    ]


@provider
def rectification_items(user: Any) -> Iterable[InboxItem]:
    """Rectification items to answer (待整改, 被退回) and answers to review."""
    items: list[InboxItem] = []
    waiting = Q(status__in=(RectificationStatusChoices.OPEN, RectificationStatusChoices.RETURNED))
    for item in (
        RectificationItem.objects.restrict(user, "submit").filter(waiting).select_related("project__unit")
    ):
        returned = item.status == RectificationStatusChoices.RETURNED
        step, reason = (Step.RETURNED, item.return_reason) if returned else (Step.TO_FILL, "")
        items.append(_rectification_item(item, step, "整改反馈", item.opened_at, reason=reason))
    for item in (
        RectificationItem.objects.restrict(user, "review")
        .filter(status=RectificationStatusChoices.ANSWERED)
        .select_related("project__unit")
    ):
        items.append(_rectification_item(item, Step.TO_REVIEW, "审核整改反馈", item.answered_at))
    return items
