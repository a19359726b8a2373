"""Counts the performance indicators bind to: assets monitored, risks notified, warnings issued, monthly reports
published, incidents handled and how fast (e.g. "通报网络安全风险和事件 ≥70起", "处置重点网络安全应急事件时限 ≤6小时").

Every count is over a unit's subtree and the half-open window ``[start, end)``. Hours are exact decimals
(two places); a statistic of nothing is ``None``, never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from jixiao.orgs.models import Unit
from jixiao.security.choices import (
    IncidentClassChoices,
    NoticeStatusChoices,
    ReportStatusChoices,
    WarningStatusChoices,
)
from jixiao.security.models import Asset, CheckRun, Finding, Incident, MonthlyReport, Notice, SecurityWarning

__all__ = ["hours", "indicator_counts", "median"]

CENT = Decimal("0.01")


def hours(delta: dt.timedelta) -> Decimal:
    """A duration in hours, exact to the second, rounded to 0.01 h."""
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / Decimal(1_000_000)
    return (seconds / Decimal(3600)).quantize(CENT, rounding=ROUND_HALF_UP)


def median(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ((ordered[middle - 1] + ordered[middle]) / 2).quantize(CENT, rounding=ROUND_HALF_UP)


def _incident_stats(incidents: list[Incident], prefix: str) -> dict[str, Any]:
    durations = [hours(i.resolved_at - i.opened_at) for i in incidents if i.resolved_at is not None]
    within = sum(1 for i in incidents if i.within_sla)
    return {
        f"{prefix}handled": len(incidents),
        f"{prefix}handling_hours_median": median(durations),
        f"{prefix}handling_hours_max": max(durations) if durations else None,
        f"{prefix}within_sla": within,
        f"{prefix}sla_compliance_percent": (
            (Decimal(within) * 100 / Decimal(len(incidents))).quantize(CENT, rounding=ROUND_HALF_UP)
            if incidents
            else None
        ),
    }


def indicator_counts(unit: Unit, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """The security work of ``unit`` and everything below it between ``start`` (inclusive) and ``end``."""
    if end <= start:
        raise ValueError("the window must end after it starts")
    subtree = Q(path__startswith=unit.path)
    units = Unit.objects.filter(subtree)
    assets = Asset.objects.filter(owner__in=units)
    runs = CheckRun.objects.filter(asset__owner__in=units, started__gte=start, started__lt=end)
    sent = Notice.objects.filter(
        unit__in=units,
        status__in=[NoticeStatusChoices.SENT, NoticeStatusChoices.CLOSED],
        sent_at__gte=start,
        sent_at__lt=end,
    )
    resolved = list(
        Incident.objects.filter(unit__in=units, resolved_at__gte=start, resolved_at__lt=end).order_by("pk")
    )
    counts: dict[str, Any] = {
        "unit": str(unit),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "assets_registered": assets.filter(active=True, created_at__lt=end).count(),
        "assets_monitored": runs.values("asset_id").distinct().count(),
        "checks_run": runs.count(),
        "findings_found": Finding.objects.filter(
            asset__owner__in=units, first_seen__gte=start, first_seen__lt=end
        ).count(),
        "notices_sent": sent.count(),
        "risks_notified": Finding.objects.filter(notices__in=sent).distinct().count(),
        "warnings_issued": SecurityWarning.objects.filter(
            issuer__in=units,
            status__in=[WarningStatusChoices.PUBLISHED, WarningStatusChoices.WITHDRAWN],
            published_at__gte=start,
            published_at__lt=end,
        ).count(),
        "monthly_reports_published": MonthlyReport.objects.filter(
            unit__in=units,
            status=ReportStatusChoices.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).count(),
        "incidents_opened": Incident.objects.filter(
            unit__in=units, opened_at__gte=start, opened_at__lt=end
        ).count(),
        "incidents_breached": Incident.objects.filter(
            unit__in=units, breached_at__gte=start, breached_at__lt=end
        ).count(),
    }
    counts.update(_incident_stats(resolved, "incidents_"))
    counts.update(
        _incident_stats(
            [i for i in resolved if i.incident_class == IncidentClassChoices.KEY], "key_incidents_"
        )
    )
    return counts
