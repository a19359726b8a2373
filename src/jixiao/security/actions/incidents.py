"""Incidents with a clock: opened → acknowledged → contained → resolved, an SLA per class measured from
opening (key incidents 6 hours), escalation before the deadline and breach detection.

``do_check_incident_clocks(now)`` runs on every monitor tick: at ``escalate_fraction`` of the SLA (80 %) an open
incident is escalated once, at the deadline it is marked breached once; each is audited and notified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.orgs.actors import Actor, is_system, require_actor
from jixiao.orgs.models import Unit
from jixiao.security.choices import IncidentClassChoices, IncidentStatusChoices
from jixiao.security.guards import require, require_reason
from jixiao.security.models import Asset, Finding, Incident
from jixiao.security.notify import notify_on_commit
from jixiao.security.selectors import escalate_fraction, sla_hours
from jixiao.security.workflows import INCIDENT_WORKFLOW, IncidentVerb

__all__ = [
    "do_acknowledge_incident",
    "do_check_incident_clocks",
    "do_contain_incident",
    "do_open_incident",
    "do_resolve_incident",
]

IS = IncidentStatusChoices


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
    outage: bool = False,
    opened_at: dt.datetime | None = None,
    acting_user: Actor,
    reason: str,
) -> Incident:
    """Open an incident on ``unit`` (``review``: the office opens them); the SLA clock starts at ``opened_at``."""
    require(acting_user, "security", unit, "安全事件")
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
        outage=outage,
    )
    incident.full_clean()
    incident.save()
    incident.findings.set(list(findings))
    audit.record(
        acting_user,
        IncidentVerb.OPEN,
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


def _step(
    incident: Incident,
    verb: IncidentVerb,
    stamp: str,
    at: dt.datetime | None,
    acting_user: Actor,
    reason: str,
) -> Incident:
    when = at or timezone.now()
    if when < incident.opened_at:
        raise ValidationError("安全事件的处置步骤不能早于发现时间")
    updates: dict[str, Any] = {stamp: when}
    # Resolved late without a clock tick in between: the breach is still on record.
    if verb is IncidentVerb.RESOLVE and when > incident.due_at and incident.breached_at is None:
        updates["breached_at"] = incident.due_at
    transition(
        incident,
        INCIDENT_WORKFLOW,
        verb,
        acting_user=acting_user,
        reason=reason,
        updates=updates,
    )
    return incident


@transaction.atomic
def do_acknowledge_incident(
    incident: Incident, *, at: dt.datetime | None = None, acting_user: Actor, reason: str
) -> Incident:
    return _step(incident, IncidentVerb.ACKNOWLEDGE, "acknowledged_at", at, acting_user, reason)


@transaction.atomic
def do_contain_incident(
    incident: Incident, *, at: dt.datetime | None = None, acting_user: Actor, reason: str
) -> Incident:
    return _step(incident, IncidentVerb.CONTAIN, "contained_at", at, acting_user, reason)


@transaction.atomic
def do_resolve_incident(
    incident: Incident, *, at: dt.datetime | None = None, acting_user: Actor, reason: str
) -> Incident:
    """Resolve; the handling time is ``resolved_at - opened_at``, within SLA when by ``due_at``."""
    incident = _step(incident, IncidentVerb.RESOLVE, "resolved_at", at, acting_user, reason)
    notify_on_commit(
        f"【网络安全事件已处置】{incident.title}",
        f"处置用时 {incident.handling_time}，{'在' if incident.within_sla else '超出'}时限内。",
        emails=_contacts(incident),
    )
    return incident


@transaction.atomic
def do_check_incident_clocks(
    now: dt.datetime | None = None, *, acting_user: Actor
) -> list[tuple[Incident, IncidentVerb]]:
    """Escalate unresolved incidents past ``escalate_fraction`` of their SLA and mark the ones past due.

    The clock is the system's: it sets ``escalated_at`` and ``breached_at`` (the state stays as it is),
    audited as ``incident.escalated`` / ``incident.breached``, and notifies on commit.
    """
    require_actor(acting_user)
    if not is_system(acting_user):
        raise PermissionDenied("处置时限由系统计时，不能由人操作")
    now = now or timezone.now()
    fraction = escalate_fraction()
    changed: list[tuple[Incident, IncidentVerb]] = []
    open_ones = (
        Incident.objects.unrestricted()
        .select_for_update(of=("self",))
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
            verb, subject = IncidentVerb.BREACH, "【超时】"
        elif incident.escalated_at is None and now >= incident.opened_at + _hours(
            incident.sla_hours * fraction
        ):
            incident.escalated_at = now
            incident.save(update_fields=["escalated_at"])
            verb, subject = IncidentVerb.ESCALATE, "【即将超时】"
        else:
            continue
        audit.record(
            acting_user,
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
