"""The monitor's periodic jobs, run by the system: acting on the monitor's state changes, the incident clocks,
and enqueueing the re-checks of notices whose deadline has passed.

``process_monitor_events`` closes the monitoring loop. It takes the ``MonitorEvent`` rows the batch store
wrote and not yet processed, in order, each once (a row is locked and marked in the transaction that acts on
it, so two runners never act twice):

- an asset confirmed down (after ``JIXIAO_SECURITY_FAILURE_THRESHOLD`` failures in a row) opens an outage
  incident on its owner unit, a key incident (6-hour SLA) for a key asset, an ordinary one otherwise,
  unless one is already open for it;
- an asset confirmed up (``JIXIAO_SECURITY_RECOVER_THRESHOLD`` successes) resolves its open outage
  incidents, as the system, with the reason;
- findings that appeared with a severity in ``JIXIAO_SECURITY_AUTO_NOTICE_SEVERITIES`` (default critical)
  and are in no open notice yet are drafted into one notice per owner unit, with a deadline in working
  days (``JIXIAO_SECURITY_AUTO_NOTICE_WORKING_DAYS``), and the office is notified;
  the office reviews and sends it (sending stays a person's decision);
- a finding that is gone needs nothing more (the store has already verified it or set it to wait for its
  notice's re-check): the row is marked processed.

The scheduler runs it on every tick; the ``process_monitor_events`` task runs it on any worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from jixiao.orgs.actors import SYSTEM
from jixiao.security.actions.incidents import do_open_incident, do_resolve_incident
from jixiao.security.actions.notices import do_create_notice
from jixiao.security.choices import (
    ACTIVE_FINDING_STATUSES,
    ImportanceChoices,
    IncidentClassChoices,
    IncidentStatusChoices,
    MonitorEventKindChoices,
    NoticeStatusChoices,
)
from jixiao.security.models import Finding, Incident, MonitorEvent, Notice
from jixiao.security.notify import notify_on_commit
from jixiao.workdays.selectors import deadline_after

logger = logging.getLogger(__name__)

__all__ = ["auto_notice_deadline", "auto_notice_severities", "due_notice_rechecks", "process_monitor_events"]

K = MonitorEventKindChoices
DEFAULT_LIMIT = 500


def auto_notice_severities() -> frozenset[str]:
    """The severities whose new findings are drafted into a notice by themselves."""
    return frozenset(str(s).strip().lower() for s in settings.JIXIAO_SECURITY_AUTO_NOTICE_SEVERITIES if s)


# A notice's deadline falls at the end of a working day, in the office's time zone.
END_OF_WORKING_DAY = dt.time(18, 0)


def auto_notice_deadline(now: dt.datetime) -> dt.datetime:
    """``JIXIAO_SECURITY_AUTO_NOTICE_WORKING_DAYS`` working days after today, at the end of that day."""
    today = timezone.localtime(now).date()
    day = deadline_after(today, int(settings.JIXIAO_SECURITY_AUTO_NOTICE_WORKING_DAYS))
    return dt.datetime.combine(day, END_OF_WORKING_DAY, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _pending(kinds: Sequence[str], limit: int) -> list[int]:
    return list(
        MonitorEvent.objects.unrestricted()
        .filter(processed_at__isnull=True, kind__in=list(kinds))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _lock(pks: Sequence[int]) -> list[MonitorEvent]:
    """The still-unprocessed rows among ``pks``, locked, with their asset and owner."""
    return list(
        MonitorEvent.objects.unrestricted()
        .select_for_update(of=("self",))
        .filter(pk__in=list(pks), processed_at__isnull=True)
        .select_related("asset__owner")
        .order_by("pk")
    )


def _done(event: MonitorEvent, outcome: dict[str, Any]) -> None:
    event.processed_at = timezone.now()
    event.outcome = outcome
    event.save(update_fields=["processed_at", "outcome"])


def _open_outages(asset_id: int) -> list[Incident]:
    return list(
        Incident.objects.unrestricted()
        .filter(asset_id=asset_id, outage=True)
        .exclude(status=IncidentStatusChoices.RESOLVED)
        .order_by("pk")
    )


def _asset_down(event: MonitorEvent) -> dict[str, Any]:
    asset = event.asset
    already = _open_outages(asset.pk)
    if already:
        return {"incident": already[0].pk, "action": "already_open"}
    key = asset.importance == ImportanceChoices.KEY
    findings = (
        Finding.objects.unrestricted()
        .filter(asset=asset, category="availability", status__in=ACTIVE_FINDING_STATUSES)
        .order_by("pk")
    )
    incident = do_open_incident(
        asset.owner,
        f"{asset.name}无法访问",
        incident_class=IncidentClassChoices.KEY if key else IncidentClassChoices.ORDINARY,
        asset=asset,
        findings=list(findings),
        description=f"{asset.url} 连续 {settings.JIXIAO_SECURITY_FAILURE_THRESHOLD} 次检查无法访问。",
        opened_at=event.at,
        outage=True,
        acting_user=SYSTEM,
        reason=f"监测确认不可用：连续 {settings.JIXIAO_SECURITY_FAILURE_THRESHOLD} 次检查失败",
    )
    return {"incident": incident.pk, "action": "opened"}


def _asset_up(event: MonitorEvent) -> dict[str, Any]:
    resolved = []
    for incident in _open_outages(event.asset_id):
        do_resolve_incident(
            incident,
            at=max(event.at, incident.opened_at),
            acting_user=SYSTEM,
            reason=f"监测确认恢复：连续 {settings.JIXIAO_SECURITY_RECOVER_THRESHOLD} 次检查正常",
        )
        resolved.append(incident.pk)
    return {"incidents": resolved, "action": "resolved" if resolved else "none"}


def _process_one(pk: int, counts: Counter[str]) -> None:
    with transaction.atomic():
        locked = _lock([pk])
        if not locked:
            return  # another runner took it
        event = locked[0]
        if event.kind == K.ASSET_DOWN:
            outcome = _asset_down(event)
        elif event.kind == K.ASSET_UP:
            outcome = _asset_up(event)
        else:
            outcome = {"action": "none"}
        _done(event, outcome)
        counts[f"{event.kind}:{outcome['action']}"] += 1


def _in_open_notice(finding_ids: Sequence[int]) -> set[int]:
    return set(
        Notice.findings.through.objects.filter(
            finding_id__in=list(finding_ids),
            notice__status__in=[NoticeStatusChoices.DRAFT, NoticeStatusChoices.SENT],
        ).values_list("finding_id", flat=True)
    )


def _draft_notices(pks: Sequence[int], counts: Counter[str], now: dt.datetime) -> None:
    """Findings that appeared: one drafted notice per owner unit for those the rules name."""
    severities = auto_notice_severities()
    with transaction.atomic():
        events = _lock(pks)
        finding_ids = [e.finding_id for e in events if e.finding_id is not None]
        findings = {
            f.pk: f
            for f in Finding.objects.unrestricted().filter(pk__in=finding_ids).select_related("asset__owner")
        }
        noticed = _in_open_notice(finding_ids)
        by_unit: dict[int, list[MonitorEvent]] = {}
        for event in events:
            finding = findings.get(event.finding_id or 0)
            if event.severity not in severities or finding is None:
                _done(event, {"action": "none"})
                counts[f"{event.kind}:none"] += 1
            elif finding.status not in ACTIVE_FINDING_STATUSES or finding.pk in noticed:
                _done(event, {"action": "already_handled"})
                counts[f"{event.kind}:already_handled"] += 1
            else:
                by_unit.setdefault(finding.asset.owner_id, []).append(event)
        for group in by_unit.values():
            chosen = list(
                {findings[e.finding_id].pk: findings[e.finding_id] for e in group if e.finding_id}.values()
            )
            unit = chosen[0].asset.owner
            deadline = auto_notice_deadline(now)
            lines = [
                f"- [{f.get_severity_display()}] {f.asset.name} {f.asset.url}：{f.message}" for f in chosen
            ]
            notice = do_create_notice(
                unit,
                chosen,
                deadline=deadline,
                title=f"关于{unit.name}网络安全问题的通报（监测自动起草）",
                body="监测发现以下问题，请核实并整改：\n" + "\n".join(lines),
                contact_name=chosen[0].asset.contact_name,
                contact_phone=chosen[0].asset.contact_phone,
                contact_email=chosen[0].asset.contact_email,
                acting_user=SYSTEM,
                reason="监测发现"
                + "、".join(sorted({f.get_severity_display() for f in chosen}))
                + "问题，按规则自动起草通报",
            )
            for event in group:
                _done(event, {"notice": notice.pk, "action": "drafted"})
                counts[f"{event.kind}:drafted"] += 1
            notify_on_commit(
                f"【通报草稿待发出】{notice.title}",
                f"监测自动起草了给{unit}的通报（{len(chosen)} 个问题），请审核后发出：\n" + "\n".join(lines),
            )


def process_monitor_events(*, limit: int = DEFAULT_LIMIT, now: dt.datetime | None = None) -> dict[str, int]:
    """Act on up to ``limit`` unprocessed monitor events of each sort; returns what was done, counted."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    for pk in _pending([K.ASSET_DOWN, K.ASSET_UP, K.FINDING_GONE], limit):
        try:
            _process_one(pk, counts)
        except Exception:
            # One bad row must not stop the loop; it stays unprocessed and is tried again next time.
            logger.exception("monitor event %s could not be processed", pk)
            counts["failed"] += 1
    appeared = _pending([K.FINDING_APPEARED], limit)
    if appeared:
        try:
            _draft_notices(appeared, counts, now)
        except Exception:
            logger.exception("notices for %d monitor events could not be drafted", len(appeared))
            counts["failed"] += 1
    return dict(counts)


def due_notice_rechecks(now: dt.datetime) -> list[int]:
    """Sent notices past their deadline, not re-checked since, whose re-check is not already waiting.

    A re-check asked for more than a lease ago and still not done (a worker died) is asked for again.
    """
    stale = now - dt.timedelta(seconds=float(settings.JIXIAO_SECURITY_LEASE_SECONDS))
    return list(
        Notice.objects.unrestricted()
        .filter(status=NoticeStatusChoices.SENT, deadline__lte=now)
        .filter(Q(last_recheck_at__isnull=True) | Q(last_recheck_at__lt=F("deadline")))
        .filter(
            Q(recheck_requested_at__isnull=True)
            | Q(recheck_requested_at__lt=F("deadline"))
            | Q(recheck_requested_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
