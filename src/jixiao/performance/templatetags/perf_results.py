"""Links from the project page to the results grid of each period and to the spending page:
``{% load perf_results %}{% results_links project %}``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import template

from jixiao.performance.models import PeriodResult, Project
from jixiao.performance.periods import Period
from jixiao.performance.views.results import all_periods, period_slug

register = template.Library()


@register.inclusion_tag("performance/results_links.html", takes_context=True)
def results_links(context: dict[str, Any], project: Project) -> dict[str, Any]:
    """Every period of the year with how many results it holds and how many wait for review."""
    user = context["request"].user
    entered: Counter[Period] = Counter()
    waiting: Counter[Period] = Counter()
    for kind, index, status in (
        PeriodResult.objects.restrict(user, "view")
        .filter(indicator__project=project)
        .values_list("period_kind", "period_index", "status")
    ):
        period = Period(kind, index)
        entered[period] += 1
        waiting[period] += status == "submitted"
    links = [
        {"period": p, "slug": period_slug(p), "entered": entered[p], "waiting": waiting[p]}
        for p in all_periods()
    ]
    return {"project": project, "links": links}
