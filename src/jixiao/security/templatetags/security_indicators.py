"""The live values of the indicators the security records count: a card on a project page and tiles on the
home page, each value linking to the records behind it (``/security/indicators/<id>/``)."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django import template
from django.db.models import Q

from jixiao.performance.models import Indicator, Project
from jixiao.security.indicators import METRICS, metric_for, metric_for_name, values_for

register = template.Library()

# Words every metric's pattern needs: a cheap filter in the database before the patterns run.
_WORDS = ("通报", "预警", "月报", "小时", "应急事件", "时限", "监测")
_TILE_LIMIT = 5
_CHUNK = 200


def _candidates(user: Any) -> Any:
    return (
        Indicator.objects.restrict(user, "view")
        .filter(withdrawn=False)
        .filter(reduce(or_, (Q(name__contains=w) for w in _WORDS)))
        .select_related("project__unit")
    )


@register.inclusion_tag("security/indicator_card.html", takes_context=True)
def security_indicators(context: template.Context, project: Project) -> dict[str, Any]:
    """The project's security indicators with their live values (nothing when it has none)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    indicators = [
        i
        for i in _candidates(user).filter(project=project).order_by("horizon", "order", "pk")
        if metric_for(i) is not None
    ]
    return {"values": values_for(indicators)}


@register.inclusion_tag("security/indicator_tiles.html", takes_context=True)
def security_indicator_tiles(context: template.Context) -> dict[str, Any]:
    """One tile per security figure: the annual indicator of the latest year the person may see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"values": []}
    return {"values": values_for(tile_indicators(user))}


def tile_indicators(user: Any) -> list[Indicator]:
    """For each security figure, the indicator that counts it: of the latest year, annual before medium-term,
    then by unit (tree order), indicator order and id — the first in that order among what ``user`` may see.

    The projects are walked in (year, unit) order, ``_CHUNK`` at a time, and only their candidate indicators
    are read (by project, an index look-up): a person who sees 10,000 projects costs one sorted read of the
    projects' keys and, usually, one chunk, instead of a sorted scan of every indicator. A figure's pick is
    final when it is annual, or once the walk has left its year (a later chunk of the same year may still
    hold an annual indicator of that figure).
    """
    chosen: dict[str, tuple[Any, ...]] = {}
    final: set[str] = set()
    keys = (
        Project.objects.restrict(user, "view")
        .order_by("-year", "unit__path", "pk")
        .values_list("pk", "year")
        .iterator(chunk_size=_CHUNK)
    )
    chunk: list[tuple[int, int | None]] = []

    def take(chunk: list[tuple[int, int | None]]) -> None:
        found = (
            _candidates(user)
            .filter(project_id__in=[pk for pk, _ in chunk])
            .order_by()
            .values_list("pk", "name", "horizon", "order", "project__year", "project__unit__path")
        )
        for pk, name, horizon, order, year, path in found:
            metric = metric_for_name(name)
            if metric is None or metric.key in final:
                continue
            rank = (-(year or 0), horizon != "annual", path, order, pk)
            if metric.key not in chosen or rank < chosen[metric.key]:
                chosen[metric.key] = rank
        final.update(key for key, rank in chosen.items() if not rank[1])

    year: int | None = None
    for pk, project_year in keys:
        if project_year != year:
            if chunk:
                take(chunk)
                chunk = []
            final.update(chosen)  # the walk leaves a year: what was picked in it stays
            year = project_year
        if len(final) >= len(METRICS):
            break
        chunk.append((pk, project_year))
        if len(chunk) >= _CHUNK:
            take(chunk)
            chunk = []
            if len(final) >= len(METRICS):
                break
    if chunk and len(final) < len(METRICS):
        take(chunk)
    picked = [rank[-1] for rank in sorted(chosen.values())][:_TILE_LIMIT]
    by_pk = _candidates(user).in_bulk(picked)
    return [by_pk[pk] for pk in picked if pk in by_pk]
