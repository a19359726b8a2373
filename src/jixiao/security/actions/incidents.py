"""Incidents with a clock: opened → acknowledged → contained → resolved, an SLA per class measured from
opening (key incidents 6 hours), escalation before the deadline and breach detection.

``check_incident_clocks(now)`` runs on every monitor tick: at ``escalate_fraction`` of the SLA (80 %) an open
incident is escalated once, at the deadline it is marked breached once; each is audited and notified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor
from jixiao.orgs.models import Unit
from jixiao.security.choices import IncidentClassChoices, IncidentStatusChoices
from jixiao.security.guards import require, require_reason
from jixiao.security.models import Asset, Finding, Incident
from jixiao.security.notify import notify_on_commit

__all__ = [
    "DEFAULT_SLA_HOURS",
    "check_incident_clocks",
    "do_acknowledge_incident",
    "do_contain_incident",
    "do_open_incident",
    "do_resolve_incident",
    "escalate_fraction",
    "sla_hours",
]

IS = IncidentStatusChoices
DEFAULT_SLA_HOURS = {IncidentClassChoices.KEY: Decimal(6), IncidentClassChoices.ORDINARY: Decimal(24)}
DEFAULT_ESCALATE_FRACTION = Decimal("0.8")
# status reached → (statuses it may come from, the timestamp field it sets)
_STEPS: dict[str, tuple[frozenset[str], str]] = {
    IS.ACKNOWLEDGED: (frozenset({IS.OPEN}), "acknowledged_at"),
    IS.CONTAINED: (frozenset({IS.OPEN, IS.ACKNOWLEDGED}), "contained_at"),
    IS.RESOLVED: (frozenset({IS.OPEN, IS.ACKNOWLEDGED, IS.CONTAINED}), "resolved_at"),
}


def sla_hours(incident_class: str) -> Decimal:
    """``JIXIAO_SECURITY_SLA_HOURS`` (class → hours) over the defaults: key 6 h, ordinary 24 h."""
    configured = getattr(settings, "JIXIAO_SECURITY_SLA_HOURS", {})
    if incident_class in configured:
        return Decimal(str(configured[incident_class]))
    return DEFAULT_SLA_HOURS[IncidentClassChoices(incident_class)]


def escalate_fraction() -> Decimal:
    return Decimal(str(getattr(settings, "JIXIAO_SECURITY_ESCALATE_FRACTION", DEFAULT_ESCALATE_FRACTION)))


def _hours(value: Decimal) -> dt.timedelta:
    return dt.timedelta(seconds=float(value * 3600))


def _contacts(incident: Incident) -> list[str]:
    return (
        [incident.asset.contact_email] if incident.asset is not None and incident.asset.contact_email else []
    )


@transaction.atomic
def do_open_incident(
    unit: Unit,
    title: str,
    *,
    incident_class: str = IncidentClassChoices.KEY,
    asset: Asset | None = None,
    findings: Iterable[Finding] = (),
    description: str = "",
    opened_at: dt.datetime | None = None,
    acting_user: Actor,
    reason: str,
) -> Incident:
    """Open an incident on ``unit`` (``review``: the office opens them); the SLA clock starts at ``opened_at``."""
    require(acting_user, "review", unit, "安全事件")
    reason = require_reason(reason, "登记安全事件")
    opened = opened_at or timezone.now()
    hours = sla_hours(incident_class)
    incident = Incident(
        unit=unit,
        asset=asset,
        title=title.strip(),
        description=description,
        incident_class=incident_class,
        sla_hours=hours,
        opened_at=opened,
        due_at=opened + _hours(hours),
    )
    incident.full_clean()
    incident.save()
    incident.findings.set(list(findings))
    audit.record(
        acting_user,
        "incident.opened",
        incident,
        reason=reason,
        unit=unit,
        changes={"status": [None, IS.OPEN]},
        details={"class": incident_class, "sla_hours": hours, "due_at": incident.due_at},
    )
    notify_on_commit(
        f"【网络安全事件】{incident.title}",
        f"{unit}：{incident.description or incident.title}\n须在 {timezone.localtime(incident.due_at):%Y-%m-%d %H:%M} 前处置完毕"
        f"（{incident.get_incident_class_display()}，时限 {hours} 小时）。",
        emails=_contacts(incident),
    )
    return incident


def _step(incident: Incident, to: str, at: dt.datetime | None, acting_user: Actor, reason: str) -> Incident:
    incident = (
        Incident.objects.select_for_update(of=("self",)).select_related("unit", "asset").get(pk=incident.pk)
    )
    require(acting_user, "change", incident.unit, "安全事件")
    reason = require_reason(reason, "变更安全事件状态")
    sources, stamp = _STEPS[to]
    if incident.status not in sources:
        raise ValidationError(
            f"an incident that is {incident.get_status_display()} cannot become {IS(to).label}"
        )
    when = at or timezone.now()
    if when < incident.opened_at:
        raise ValidationError("a step of an incident cannot come before it was opened")
    before = incident.status
    incident.status = to
    setattr(incident, stamp, when)
    fields = ["status", stamp]
    if to == IS.RESOLVED and when > incident.due_at and incident.breached_at is None:
        incident.breached_at = (
            incident.due_at
        )  # resolved late without a tick in between: the breach is still on record
        fields.append("breached_at")
    incident.save(update_fields=fields)
    audit.record(
        acting_user,
        f"incident.{to}",
        incident,
        reason=reason,
        unit=incident.unit,
        changes={"status": [before, to], stamp: [None, when]},
    )
    return incident


@transaction.atomic
def do_acknowledge_incident(
    incident: Incident, *, at: dt.datetime | None = None, acting_user: Actor, reason: str
) -> Incident:
    return _step(incident, IS.ACKNOWLEDGED, at, acting_user, reason)


@transaction.atomic
def do_contain_incident(
    incident: Incident, *, at: dt.datetime | None = None, acting_user: Actor, reason: str
) -> Incident:
    return _step(incident, IS.CONTAINED, at, acting_user, reason)


@transaction.atomic
def do_resolve_incident(
    incident: Incident, *, at: dt.datetime | None = None, acting_user: Actor, reason: str
) -> Incident:
    """Resolve; the handling time is ``resolved_at - opened_at``, within SLA when by ``due_at``."""
    incident = _step(incident, IS.RESOLVED, at, acting_user, reason)
    notify_on_commit(
        f"【网络安全事件已处置】{incident.title}",
        f"处置用时 {incident.handling_time}，{'在' if incident.within_sla else '超出'}时限内。",
        emails=_contacts(incident),
    )
    return incident


@transaction.atomic
def check_incident_clocks(now: dt.datetime | None = None) -> list[tuple[Incident, str]]:
    """Escalate unresolved incidents past ``escalate_fraction`` of their SLA and mark the ones past due."""
    now = now or timezone.now()
    fraction = escalate_fraction()
    changed: list[tuple[Incident, str]] = []
    open_ones = (
        Incident.objects.select_for_update(of=("self",))
        .exclude(status=IS.RESOLVED)
        .filter(breached_at__isnull=True)
        .select_related("unit", "asset")
    )
    for incident in open_ones:
        if now >= incident.due_at:
            incident.breached_at = now
            if incident.escalated_at is None:
                incident.escalated_at = now
            incident.save(update_fields=["breached_at", "escalated_at"])
            verb, subject = "incident.breached", "【超时】"
        elif incident.escalated_at is None and now >= incident.opened_at + _hours(
            incident.sla_hours * fraction
        ):
            incident.escalated_at = now
            incident.save(update_fields=["escalated_at"])
            verb, subject = "incident.escalated", "【即将超时】"
        else:
            continue
        audit.record(
            None,
            verb,
            incident,
            reason="处置时限监控",
            unit=incident.unit,
            details={"due_at": incident.due_at, "sla_hours": incident.sla_hours},
        )
        notify_on_commit(
            f"{subject}{incident.title}",
            f"{incident.unit} 的{incident.get_incident_class_display()}须在 "
            f"{timezone.localtime(incident.due_at):%Y-%m-%d %H:%M} 前处置，当前状态：{incident.get_status_display()}。",
            emails=_contacts(incident),
        )
        changed.append((incident, verb))
    return changed
