"""The stored summary of each project (``models.ProjectSummary``): computed from the monitoring snapshot,
forgotten when what it is computed from changes, computed again before a list reads it.

- ``refresh_summaries(project_ids, cutoff_month)`` computes and stores (upserts) the summaries of these
  projects; the management command ``refresh_project_summaries`` does it for every project.
- ``ensure_summaries(projects, cutoff_month)`` refreshes, among ``projects``, those whose summary is missing,
  of another cut-off month or version, or older than the project's ``updated_at`` (one query when all are
  fresh). The pages call it before they read summaries.
- ``page_stamp(project, cutoff_month)`` says which state of the project the project page's computed parts
  (monitoring snapshot, review, self-evaluation) are of: the stored summary's ``computed_at``, the summary
  computed and stored first when it is not fresh. A page may keep those parts under that stamp (Django's
  cache, ``web.views.project_detail``): any change that could alter them forgets the summary, and the next
  stamp differs.
- ``data_state()`` changes whenever a summary may have changed: a page may keep what it computed from the
  summaries for as long as it stays the same (``web.selectors.home_data``).
- The receivers below forget (delete) the summaries a saved or deleted row may change: a result or an
  indicator changes its project's lights; money (funds, spending plan, expenditure, budget adjustment, the
  project itself) changes its project's execution and that of the 部门整体 form of the same unit and year,
  which counts the unit's projects (``selectors.money_scope``); a fund use, an imported budget execution or
  an evaluation line (weights, a reviewer's adjusted score) changes what the project page computes. Bulk writes that send no signal (the form
  import) set ``Project.updated_at``, which ``ensure_summaries`` compares.

A summary is a cache of what ``build_monitoring_snapshot`` says: it is not audited, and nobody enters it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, F, Max, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from jixiao.domain.scoring.lights import Colour, Light
from jixiao.performance.choices import FormKindChoices, TargetKindChoices
from jixiao.performance.models import (
    BudgetAdjustment,
    BudgetExecution,
    Evaluation,
    EvaluationLine,
    Expenditure,
    FundUse,
    Indicator,
    PeriodResult,
    Project,
    ProjectFunds,
    SpendingStep,
)
from jixiao.performance.models.summary import ProjectSummary, SummaryGeneration
from jixiao.performance.selectors import MonitoringRow, MonitoringSnapshot, build_monitoring_snapshot

# Bump when what a summary holds, or how it is computed, changes: every stored summary is then recomputed.
SUMMARY_VERSION = 1
NO_LIGHT = "none"
# Worst first: a list sorted by light shows red at the top.
LIGHT_RANK = {
    Colour.RED.value: 0,
    Colour.YELLOW.value: 1,
    Colour.BLUE.value: 2,
    Colour.GREEN.value: 3,
    NO_LIGHT: 4,
}
_CHUNK = 200
_UPDATED = (
    "version",
    "cutoff_month",
    "colour",
    "light_rank",
    "light_method",
    "light_explanation",
    "budget",
    "executed",
    "rate",
    "plan_percent",
    "tile_rank",
    "tiles",
    "project_updated_at",
    "computed_at",
)
_CENT = Decimal("0.01")
_RATE = Decimal("0.000001")


def colour_of(light: Light) -> str:
    return light.colour.value if light.colour is not None else NO_LIGHT


def light_of(colour: str, method: str = "", explanation: str = "") -> Light:
    """The stored light back as a ``Light`` (for the badge and its tooltip)."""
    return Light(None if colour == NO_LIGHT else Colour(colour), method, explanation)


def _tile(line: MonitoringRow) -> dict[str, Any] | None:
    """A quantitative annual indicator with an approved value so far, as a key-indicator tile."""
    indicator = line.indicator
    if indicator.target_kind != TargetKindChoices.QUANTITATIVE or indicator.target_value is None:
        return None
    if not isinstance(line.actual, Decimal):
        return None
    colour = colour_of(line.light)
    return {
        "rank": LIGHT_RANK[colour],
        "name": indicator.label,
        "actual": str(line.actual),
        "target": str(indicator.target_value),
        "unit": indicator.target_unit,
        "operator": indicator.get_target_operator_display() if indicator.target_operator else "",
        "colour": colour,
        "method": line.light.method,
        "explanation": line.light.explanation,
        "through_month": line.actual_through_month,
    }


def _quantize(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(step)


def summary_of(snapshot: MonitoringSnapshot) -> ProjectSummary:
    """The summary (unsaved) of a project's monitoring snapshot."""
    tiles = [tile for tile in map(_tile, snapshot.rows) if tile is not None]
    colour = colour_of(snapshot.light)
    return ProjectSummary(
        project=snapshot.project,
        version=SUMMARY_VERSION,
        cutoff_month=snapshot.cutoff_month,
        colour=colour,
        light_rank=LIGHT_RANK[colour],
        light_method=snapshot.light.method[:64],
        light_explanation=snapshot.light.explanation,
        budget=_quantize(snapshot.annual_budget, _CENT),
        executed=snapshot.executed.quantize(_CENT),
        rate=_quantize(snapshot.rate, _RATE),
        plan_percent=_quantize(snapshot.spending.plan_percent, _RATE),
        tile_rank=min((t["rank"] for t in tiles), default=None),
        tiles=tiles,
        project_updated_at=snapshot.project.updated_at,
        computed_at=timezone.now(),
    )


def refresh_summaries(project_ids: Iterable[int], cutoff_month: int) -> int:
    """Compute and store the summaries of these projects at ``cutoff_month``; returns how many."""
    ids = sorted(set(project_ids))
    done = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        projects = Project.objects.unrestricted().filter(pk__in=chunk).order_by()
        rows = [summary_of(build_monitoring_snapshot(p, cutoff_month)) for p in projects]
        ProjectSummary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["project"], update_fields=list(_UPDATED)
        )
        done += len(rows)
    return done


def page_stamp(project: Project, cutoff_month: int) -> str:
    """The state of ``project``'s data the project page's computed parts are of (see the module docstring).

    One query when the summary is fresh; else the summary is computed and stored, and its new stamp returned.
    """
    fresh = Project.objects.unrestricted().filter(pk=project.pk).exclude(stale(cutoff_month))
    stamp = (
        ProjectSummary.objects.unrestricted()
        .filter(project__in=fresh)
        .values_list("computed_at", flat=True)
        .first()
    )
    if stamp is None:
        refresh_summaries([project.pk], cutoff_month)
        stamp = (
            ProjectSummary.objects.unrestricted()
            .filter(project_id=project.pk)
            .values_list("computed_at", flat=True)
            .first()
        )
    return f"{project.pk}:{cutoff_month}:{SUMMARY_VERSION}:{stamp.isoformat() if stamp else ''}"


def stale(cutoff_month: int) -> Q:
    """Projects (as a ``Project`` filter) whose summary must be computed (again) before it is read."""
    return (
        Q(summary__isnull=True)
        | Q(summary__cutoff_month__lt=cutoff_month)
        | Q(summary__cutoff_month__gt=cutoff_month)
        | Q(summary__version__lt=SUMMARY_VERSION)
        | Q(summary__project_updated_at__lt=F("updated_at"))
    )


def ensure_summaries(projects: models.QuerySet[Project], cutoff_month: int) -> int:
    """Refresh the summaries of ``projects`` (a scoped queryset) that are not fresh; returns how many."""
    ids = list(projects.filter(stale(cutoff_month)).order_by().values_list("pk", flat=True))
    return refresh_summaries(ids, cutoff_month) if ids else 0


# --- forgetting what a change makes stale ------------------------------------------------------------


def data_state() -> tuple[Any, ...]:
    """What changes whenever a summary or what the lists show of a project may have changed: the projects'
    count, highest id and latest ``updated_at``, and the generation ``forget`` raises. Two cheap queries."""
    projects = Project.objects.unrestricted().aggregate(
        n=Count("pk"), top=Max("pk"), changed=Max("updated_at")
    )
    generation = SummaryGeneration.objects.values_list("value", flat=True).first() or 0
    return projects["n"], projects["top"], projects["changed"], generation


def _next_generation() -> None:
    if not SummaryGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        SummaryGeneration.objects.bulk_create([SummaryGeneration(pk=1, value=1)], ignore_conflicts=True)


def forget(project_ids: Sequence[int]) -> None:
    """Forget the summaries of these projects (computed again when next read)."""
    if project_ids:
        ProjectSummary.objects.unrestricted().filter(project_id__in=list(project_ids)).delete()
        _next_generation()


def forget_money(project_id: int | None) -> None:
    """A project's money changed: forget its summary and that of the 部门整体 form of its unit and year."""
    if project_id is None:
        return
    same_year = Project.objects.unrestricted().filter(pk=project_id).values("unit_id", "year")
    _next_generation()
    ProjectSummary.objects.unrestricted().filter(
        Q(project_id=project_id)
        | Q(
            project__kind=FormKindChoices.DEPARTMENT_WIDE,
            project__unit_id__in=same_year.values("unit_id"),
            project__year__in=same_year.values("year"),
        )
    ).delete()


def _on_result(sender: Any, instance: PeriodResult, **kwargs: Any) -> None:
    _next_generation()
    ProjectSummary.objects.unrestricted().filter(
        project_id__in=Indicator.objects.unrestricted().filter(pk=instance.indicator_id).values("project_id")
    ).delete()


def _on_indicator(sender: Any, instance: Indicator, **kwargs: Any) -> None:
    forget([instance.project_id])


def _on_money(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_money(instance.project_id)


def _on_page_input(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget([instance.project_id])


def _on_evaluation_line(sender: Any, instance: EvaluationLine, **kwargs: Any) -> None:
    forget(
        list(
            Evaluation.objects.unrestricted()
            .filter(pk=instance.evaluation_id)
            .values_list("project_id", flat=True)
        )
    )


def _on_project(sender: Any, instance: Project, created: bool = False, **kwargs: Any) -> None:
    if not created:
        forget_money(instance.pk)


def connect() -> None:
    """Connect the receivers (``PerformanceConfig.ready``)."""
    uid = "jixiao.performance.summary"
    post_save.connect(_on_result, sender=PeriodResult, dispatch_uid=f"{uid}.save.PeriodResult")
    post_delete.connect(_on_result, sender=PeriodResult, dispatch_uid=f"{uid}.delete.PeriodResult")
    post_save.connect(_on_indicator, sender=Indicator, dispatch_uid=f"{uid}.save.Indicator")
    post_delete.connect(_on_indicator, sender=Indicator, dispatch_uid=f"{uid}.delete.Indicator")
    money: tuple[type[models.Model], ...] = (Expenditure, BudgetAdjustment, ProjectFunds, SpendingStep)
    for model in money:
        post_save.connect(_on_money, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
    for model in money[:2]:
        post_delete.connect(_on_money, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}")
    post_save.connect(_on_project, sender=Project, dispatch_uid=f"{uid}.save.Project")
    # Not in a summary, but in what the project page computes (review, self-evaluation): see page_stamp.
    for model in (FundUse, BudgetExecution):
        post_save.connect(_on_page_input, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
        post_delete.connect(_on_page_input, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}")
    post_save.connect(_on_evaluation_line, sender=EvaluationLine, dispatch_uid=f"{uid}.save.EvaluationLine")
    post_delete.connect(
        _on_evaluation_line, sender=EvaluationLine, dispatch_uid=f"{uid}.delete.EvaluationLine"
    )
