"""The security app's 待办: notices to answer (the notified unit), answers to verify (the office), warnings
to confirm as read (each recipient unit), incidents to handle (the responsible unit). One query per provider,
each from ``restrict()``: only what the person may act on.

The providers differ only in which rows wait; each row reads as an inbox item the same way (its title, its
page, a unit, since when and by when), as its entry in ``WORK`` says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from jixiao.orgs.choices import Action
from jixiao.orgs.permissions import units_for
from jixiao.security.choices import (
    FindingStatusChoices,
    IncidentStatusChoices,
    NoticeStatusChoices,
    WarningStatusChoices,
)
from jixiao.security.models import Finding, Incident, Notice, SecurityWarning, WarningReceipt
from jixiao.web.inbox import InboxItem, Step, provider

__all__ = ["WORK", "incidents_to_handle", "notices_to_answer", "notices_to_verify", "warnings_to_confirm"]

LIMIT = 50  # per provider: the home page lists what waits, it is not a report


@dataclass(frozen=True)
class Work:
    """How a waiting row reads in the inbox: the step, the work, the row's page, and the names of its fields
    that hold the unit shown, since when the work waits and (if it has one) the deadline."""

    step: Step
    what: str
    page: str  # the URL name of the row's page
    unit: str
    since: str
    deadline: str = ""

    def items(self, rows: Iterable[Any]) -> list[InboxItem]:
        return [
            InboxItem(
                step=self.step,
                what=self.what,
                subject=row.title,
                url=reverse(self.page, args=[row.pk]),
                unit=getattr(row, self.unit).name,
                deadline=timezone.localdate(getattr(row, self.deadline)) if self.deadline else None,
                since=getattr(row, self.since),
            )
            for row in rows
        ]


WORK = {
    "notice_answer": Work(
        Step.TO_FILL, "反馈通报整改情况", "security:notice", unit="unit", since="sent_at", deadline="deadline"
    ),
    "notice_verify": Work(
        Step.TO_REVIEW, "复核通报整改", "security:notice", unit="unit", since="sent_at", deadline="deadline"
    ),
    "warning_confirm": Work(
        Step.TO_FILL, "确认阅读安全预警", "security:warning", unit="issuer", since="published_at"
    ),
    "incident_handle": Work(
        Step.TO_FILL, "处置安全事件", "security:incident", unit="unit", since="opened_at", deadline="due_at"
    ),
}


def _sent_notices(user: Any, action: Action, *finding_statuses: str) -> Any:
    """Sent notices (through ``restrict(user, action)``) with a finding in one of ``finding_statuses``."""
    waiting = Finding.objects.unrestricted().filter(notices=OuterRef("pk"), status__in=finding_statuses)
    return (
        Notice.objects.restrict(user, action)
        .filter(status=NoticeStatusChoices.SENT)
        .filter(Exists(waiting))
        .select_related("unit")
        .order_by("deadline", "pk")[:LIMIT]
    )


@provider
def notices_to_answer(user: Any) -> Iterable[InboxItem]:
    """Sent notices of the person's units (``change``) whose findings still wait for rectification."""
    rows = _sent_notices(user, "change", FindingStatusChoices.NOTIFIED, FindingStatusChoices.RECTIFYING)
    return WORK["notice_answer"].items(rows)


@provider
def notices_to_verify(user: Any) -> Iterable[InboxItem]:
    """Sent notices the office (``security``) has answers on that wait for a re-check."""
    rows = _sent_notices(user, "security", FindingStatusChoices.AWAITING_VERIFICATION)
    return WORK["notice_verify"].items(rows)


@provider
def warnings_to_confirm(user: Any) -> Iterable[InboxItem]:
    """Published warnings to a unit the person belongs to that the unit has not confirmed yet."""
    mine = units_for(user, "view")
    confirmed = WarningReceipt.objects.unrestricted().filter(warning=OuterRef("pk"), unit__in=mine)
    rows = (
        SecurityWarning.objects.restrict(user, "view")
        .filter(status=WarningStatusChoices.PUBLISHED, recipients__in=mine)
        .exclude(Exists(confirmed))
        .select_related("issuer")
        .distinct()
        .order_by("-published_at", "pk")[:LIMIT]
    )
    return WORK["warning_confirm"].items(rows)


@provider
def incidents_to_handle(user: Any) -> Iterable[InboxItem]:
    """Unresolved incidents of the person's units (``change``), earliest deadline first."""
    rows = (
        Incident.objects.restrict(user, "change")
        .exclude(status=IncidentStatusChoices.RESOLVED)
        .select_related("unit")
        .order_by("due_at", "pk")[:LIMIT]
    )
    return WORK["incident_handle"].items(rows)
