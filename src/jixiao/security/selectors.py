"""Reads of the security app: the counts performance indicators bind to, the monthly report's figures, the
board of a unit (assets, live findings, open incidents and notices), the configured SLA.

``indicator_counts``: assets monitored, risks notified, warnings issued, monthly reports published,
incidents handled and how fast (e.g. "通报网络安全风险和事件 ≥70起", "处置重点网络安全应急事件时限 ≤6小时").
Every count is over a unit's subtree and the half-open window ``[start, end)``. Hours are exact decimals
(two places); a statistic of nothing is ``None``, never 0. These are the office's own figures (the system
reads them for a unit it was asked about); a person's page reads ``board`` and ``active_findings``, which
are restricted to what that person may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from jixiao.orgs.actors import AnyUser
from jixiao.orgs.models import Unit
from jixiao.security.choices import (
    ACTIVE_FINDING_STATUSES,
    FindingStatusChoices,
    IncidentClassChoices,
    IncidentStatusChoices,
    NoticeStatusChoices,
    ReportStatusChoices,
    SeverityChoices,
    WarningStatusChoices,
)
from jixiao.security.models import Asset, CheckRun, Finding, Incident, MonthlyReport, Notice, SecurityWarning

__all__ = [
    "DEFAULT_SLA_HOURS",
    "active_findings",
    "board",
    "build_monthly_figures",
    "escalate_fraction",
    "hours",
    "indicator_counts",
    "median",
    "month_window",
    "sla_hours",
]

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
    units = Unit.objects.unrestricted().filter(subtree)
    assets = Asset.objects.unrestricted().filter(owner__in=units)
    runs = CheckRun.objects.unrestricted().filter(asset__owner__in=units, started__gte=start, started__lt=end)
    sent = Notice.objects.unrestricted().filter(
        unit__in=units,
        status__in=[NoticeStatusChoices.SENT, NoticeStatusChoices.CLOSED],
        sent_at__gte=start,
        sent_at__lt=end,
    )
    resolved = list(
        Incident.objects.unrestricted()
        .filter(unit__in=units, resolved_at__gte=start, resolved_at__lt=end)
        .order_by("pk")
    )
    counts: dict[str, Any] = {
        "unit": str(unit),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "assets_registered": assets.filter(active=True, created_at__lt=end).count(),
        "assets_monitored": runs.values("asset_id").distinct().count(),
        "checks_run": runs.count(),
        "findings_found": Finding.objects.unrestricted()
        .filter(asset__owner__in=units, first_seen__gte=start, first_seen__lt=end)
        .count(),
        "notices_sent": sent.count(),
        "risks_notified": Finding.objects.unrestricted().filter(notices__in=sent).distinct().count(),
        "warnings_issued": SecurityWarning.objects.unrestricted()
        .filter(
            issuer__in=units,
            status__in=[WarningStatusChoices.PUBLISHED, WarningStatusChoices.WITHDRAWN],
            published_at__gte=start,
            published_at__lt=end,
        )
        .count(),
        "monthly_reports_published": MonthlyReport.objects.unrestricted()
        .filter(
            unit__in=units,
            status=ReportStatusChoices.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        )
        .count(),
        "incidents_opened": Incident.objects.unrestricted()
        .filter(unit__in=units, opened_at__gte=start, opened_at__lt=end)
        .count(),
        "incidents_breached": Incident.objects.unrestricted()
        .filter(unit__in=units, breached_at__gte=start, breached_at__lt=end)
        .count(),
    }
    counts.update(_incident_stats(resolved, "incidents_"))
    counts.update(
        _incident_stats(
            [i for i in resolved if i.incident_class == IncidentClassChoices.KEY], "key_incidents_"
        )
    )
    return counts


def month_window(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The month in the project's time zone, as aware datetimes ``[start, end)``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def build_monthly_figures(unit: Unit, year: int, month: int) -> dict[str, Any]:
    """Every figure of the report, JSON-ready (decimals as strings); nothing is estimated."""
    start, end = month_window(year, month)
    current = indicator_counts(unit, start, end)
    before = indicator_counts(unit, *month_window(*_previous(year, month)))
    new = Finding.objects.unrestricted().filter(
        asset__owner__path__startswith=unit.path, first_seen__gte=start, first_seen__lt=end
    )
    by_severity = dict(new.values("severity").annotate(n=Count("pk")).values_list("severity", "n"))
    by_category = dict(new.values("category").annotate(n=Count("pk")).values_list("category", "n"))
    notified = (
        Finding.objects.unrestricted()
        .filter(
            notices__unit__path__startswith=unit.path, notices__sent_at__gte=start, notices__sent_at__lt=end
        )
        .distinct()
    )
    rectified = notified.filter(status=FindingStatusChoices.VERIFIED_FIXED).count()
    notified_count = notified.count()
    coverage = (
        (Decimal(current["assets_monitored"]) * 100 / Decimal(current["assets_registered"])).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if current["assets_registered"]
        else None
    )
    rate = (
        (Decimal(rectified) * 100 / Decimal(notified_count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if notified_count
        else None
    )
    return {
        "unit": str(unit),
        "year": year,
        "month": month,
        "coverage_percent": _text(coverage),
        "findings_by_severity": {s: by_severity.get(s, 0) for s in SeverityChoices.values},
        "findings_by_category": dict(sorted(by_category.items())),
        "rectified": rectified,
        "rectification_percent": _text(rate),
        "current": {k: _text(v) for k, v in current.items()},
        "previous": {k: _text(v) for k, v in before.items()},
    }


# --- incidents' SLA ----------------------------------------------------------------------------------------

DEFAULT_SLA_HOURS = {IncidentClassChoices.KEY: Decimal(6), IncidentClassChoices.ORDINARY: Decimal(24)}


def sla_hours(incident_class: str) -> Decimal:
    """``JIXIAO_SECURITY_SLA_HOURS`` (class → hours) over the defaults: key 6 h, ordinary 24 h."""
    configured = settings.JIXIAO_SECURITY_SLA_HOURS or {}
    if incident_class in configured:
        return Decimal(str(configured[incident_class]))
    return DEFAULT_SLA_HOURS[IncidentClassChoices(incident_class)]


def escalate_fraction() -> Decimal:
    """``JIXIAO_SECURITY_ESCALATE_FRACTION``: the share of the SLA after which an incident is escalated."""
    return Decimal(str(settings.JIXIAO_SECURITY_ESCALATE_FRACTION))


# --- what a person sees ------------------------------------------------------------------------------------


def active_findings(user: AnyUser, unit: Unit | None = None) -> QuerySet[Finding]:
    """Live findings (open, notified, rectifying, awaiting verification) the person may see, worst first."""
    found = Finding.objects.restrict(user, "view").filter(status__in=ACTIVE_FINDING_STATUSES)
    if unit is not None:
        found = found.filter(asset__owner__path__startswith=unit.path)
    order = Case(
        *(When(severity=s, then=Value(i)) for i, s in enumerate(SeverityChoices.values)),
        output_field=IntegerField(),
    )
    return found.select_related("asset__owner").order_by(order, "-last_seen", "pk")


def board(user: AnyUser, unit: Unit | None = None) -> dict[str, Any]:
    """The security board of what the person may see: assets up and down, live findings by severity, open
    incidents (with their deadline) and notices waiting, drafted or sent."""
    assets = Asset.objects.restrict(user, "view").filter(active=True)
    incidents = Incident.objects.restrict(user, "view").exclude(status=IncidentStatusChoices.RESOLVED)
    notices = Notice.objects.restrict(user, "view").exclude(status=NoticeStatusChoices.CLOSED)
    if unit is not None:
        assets = assets.filter(owner__path__startswith=unit.path)
        incidents = incidents.filter(unit__path__startswith=unit.path)
        notices = notices.filter(unit__path__startswith=unit.path)
    live = active_findings(user, unit)
    by_severity = dict(
        live.order_by().values("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    return {
        "assets": assets.count(),
        "assets_down": assets.filter(state__failing=True).count(),
        "findings": {s: by_severity.get(s, 0) for s in SeverityChoices.values},
        "incidents": list(incidents.select_related("unit", "asset").order_by("due_at", "pk")),
        "notices_draft": notices.filter(status=NoticeStatusChoices.DRAFT).count(),
        "notices_sent": notices.filter(status=NoticeStatusChoices.SENT).count(),
    }
