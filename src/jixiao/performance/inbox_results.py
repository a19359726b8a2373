"""The 待办 inbox's items about results (``jixiao.web.inbox``): results to fill in for the current period
(待填报), drafts to submit (待送审), submitted results to review by someone who neither entered nor submitted
them (待审核), and returned results with their reason (被退回).

Each provider reads through ``restrict(user, action)`` in a few grouped queries (no query per row).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.performance.choices import HorizonChoices, ResultStatusChoices, TargetKindChoices
from jixiao.performance.models import Indicator, PeriodLock, PeriodResult, Project
from jixiao.performance.periods import Period
from jixiao.web.inbox import InboxItem, Step, provider

__all__ = [
    "current_period",
    "fill_deadline",
    "results_to_fill",
    "results_to_review",
    "results_to_submit",
    "returned_results",
]

# Results of a period are due by this day of the month after it ends (the monthly reporting of the
# provincial system); a year's results by the same day of the next January.
DUE_DAY = 10


def current_period(year: int | None, today: dt.date) -> Period | None:
    """The period whose results are due now for a project of ``year``: last month in the year itself (none
    in January), the whole year once it is over, nothing for a future year or a project without a year."""
    if year is None or year > today.year:
        return None
    if year < today.year:
        return Period.year()
    return Period.month(today.month - 1) if today.month > 1 else None


def fill_deadline(year: int, period: Period) -> dt.date:
    """The day the period's results are due: ``DUE_DAY`` of the month after the period ends."""
    if period.last_month == 12:
        return dt.date(year + 1, 1, DUE_DAY)
    return dt.date(year, period.last_month + 1, DUE_DAY)


_PK_SLOT = "987654321987"
_PERIOD_SLOT = "month-987654321"


def _grid_urls() -> Callable[[int, Period], str]:
    """The results grid's address of a project and period: reversed once per provider call and filled in,
    as a reviewer at the top of the tree may have hundreds of items."""
    pattern = reverse("performance:results", args=[_PK_SLOT, _PERIOD_SLOT])

    def url(project_id: int, period: Period) -> str:
        return pattern.replace(_PK_SLOT, str(project_id), 1).replace(
            _PERIOD_SLOT, f"{period.kind}-{period.index}", 1
        )

    return url


@provider
def results_to_fill(user: Any) -> Iterable[InboxItem]:
    """待填报: projects this person may fill in whose current period misses results of some indicators."""
    today = timezone.localdate()
    projects = {
        p["pk"]: p
        for p in Project.objects.restrict(user, "change")
        .filter(year__in=[today.year - 1, today.year])
        .values("pk", "name", "year", "unit__name")
    }
    due: dict[int, Period] = {}
    years: dict[int, int] = {}
    for pk, project in projects.items():
        year = project["year"]
        period = current_period(year, today)
        if period is not None and year is not None:
            due[pk], years[pk] = period, year
    if not due:
        return []
    wanted = dict(
        Indicator.objects.restrict(user, "change")
        .filter(project__in=list(due), horizon=HorizonChoices.ANNUAL, withdrawn=False)
        .exclude(target_kind=TargetKindChoices.NOT_APPLICABLE)
        .values("project")
        .annotate(n=Count("pk"))
        .values_list("project", "n")
    )
    in_period = Q()
    for pk, period in due.items():
        in_period |= Q(indicator__project=pk, period_kind=period.kind, period_index=period.index)
    entered = dict(
        PeriodResult.objects.restrict(user, "change")
        .filter(in_period, indicator__withdrawn=False, indicator__horizon=HorizonChoices.ANNUAL)
        .values("indicator__project")
        .annotate(n=Count("pk"))
        .values_list("indicator__project", "n")
    )
    locks: dict[int, list[Period]] = defaultdict(list)
    for project_id, kind, index in (
        PeriodLock.objects.restrict(user, "view")
        .filter(project__in=list(due))
        .values_list("project", "period_kind", "period_index")
    ):
        locks[project_id].append(Period(kind, index))
    grid = _grid_urls()
    items = []
    for pk, period in due.items():
        missing = wanted.get(pk, 0) - entered.get(pk, 0)
        if missing <= 0 or any(period.within(lock) for lock in locks[pk]):
            continue
        project = projects[pk]
        items.append(
            InboxItem(
                step=Step.TO_FILL,
                what=_("填报%(period)s完成情况（%(n)d项未填）") % {"period": period.label, "n": missing},
                subject=project["name"],
                url=grid(pk, period),
                unit=project["unit__name"],
                deadline=fill_deadline(years[pk], period),
            )
        )
    return items


def _by_project_and_period(rows: Iterable[dict[str, Any]], step: Step, what: str) -> list[InboxItem]:
    grid = _grid_urls()
    text = str(what)  # translated once
    items = []
    for row in rows:
        period = Period(row["period_kind"], row["period_index"])
        items.append(
            InboxItem(
                step=step,
                what=text % {"period": period.label, "n": row["n"]},
                subject=row["indicator__project__name"],
                url=grid(row["indicator__project"], period),
                unit=row["indicator__project__unit__name"],
                since=row["since"],
            )
        )
    return items


_GROUP = (
    "indicator__project",
    "indicator__project__name",
    "indicator__project__unit__name",
    "period_kind",
    "period_index",
)


@provider
def results_to_submit(user: Any) -> Iterable[InboxItem]:
    """待送审: drafts this person may submit, one item per project and period."""
    rows = (
        PeriodResult.objects.restrict(user, "submit")
        .filter(status=ResultStatusChoices.DRAFT, indicator__withdrawn=False)
        .values(*_GROUP)
        .annotate(n=Count("pk"), since=Min("entered_at"))
        .order_by("indicator__project", "period_kind", "period_index")
    )
    return _by_project_and_period(rows, Step.TO_SUBMIT, _("送审%(period)s完成情况（%(n)d项）"))


@provider
def results_to_review(user: Any) -> Iterable[InboxItem]:
    """待审核: submitted results this person may review and neither entered nor submitted (four eyes)."""
    rows = (
        PeriodResult.objects.restrict(user, "review")
        .filter(status=ResultStatusChoices.SUBMITTED, indicator__withdrawn=False)
        .exclude(entered_by=user)
        .exclude(submitted_by=user)
        .values(*_GROUP)
        .annotate(n=Count("pk"), since=Min("submitted_at"))
        .order_by("indicator__project", "period_kind", "period_index")
    )
    return _by_project_and_period(rows, Step.TO_REVIEW, _("审核%(period)s完成情况（%(n)d项）"))


@provider
def returned_results(user: Any) -> Iterable[InboxItem]:
    """被退回: returned results this person may correct, each with the reviewer's reason."""
    rows = (
        PeriodResult.objects.restrict(user, "change")
        .filter(status=ResultStatusChoices.RETURNED, indicator__withdrawn=False)
        .select_related("indicator__project__unit")
        .order_by("reviewed_at", "pk")
    )
    grid = _grid_urls()
    return [
        InboxItem(
            step=Step.RETURNED,
            what=_("修改被退回的%(period)s完成情况：%(name)s")
            % {"period": result.period.label, "name": result.indicator.label},
            subject=result.indicator.project.name,
            url=grid(result.indicator.project_id, result.period) + f"#row-{result.indicator_id}",
            unit=result.indicator.project.unit.name,
            reason=result.return_reason,
            since=result.reviewed_at,
        )
        for result in rows
    ]
