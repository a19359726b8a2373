"""The live values of the indicators the security records count: a card on a project page and tiles on the
home page, each value linking to the records behind it (``/security/indicators/<id>/``)."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django import template
from django.db.models import Q

from jixiao.performance.models import Indicator, Project
from jixiao.security.indicators import IndicatorValue, metric_for, values_for

register = template.Library()

# Words every metric's pattern needs: a cheap filter in the database before the patterns run.
_WORDS = ("通报", "预警", "月报", "小时", "应急事件", "时限", "监测")
_TILE_LIMIT = 5


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
    chosen: dict[str, Indicator] = {}
    for indicator in _candidates(user).order_by(
        "-project__year", "horizon", "project__unit__path", "order", "pk"
    ):
        metric = metric_for(indicator)
        if metric is None or metric.key in chosen:
            continue
        if indicator.horizon != "annual" and any(
            i.horizon == "annual" for i in chosen.values() if metric_for(i) == metric
        ):
            continue
        chosen[metric.key] = indicator
        if len(chosen) >= _TILE_LIMIT:
            break
    values: list[IndicatorValue] = values_for(list(chosen.values()))
    return {"values": values}
