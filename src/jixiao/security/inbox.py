"""The security app's 待办: notices to answer (the notified unit), answers to verify (the office), warnings
to confirm as read (each recipient unit), incidents to handle (the responsible unit). One or two queries per
provider, each from ``restrict()``: only what the person may act on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from jixiao.orgs.permissions import units_for
from jixiao.security.choices import (
    FindingStatusChoices,
    IncidentStatusChoices,
    NoticeStatusChoices,
    WarningStatusChoices,
)
from jixiao.security.models import Finding, Incident, Notice, SecurityWarning, WarningReceipt
from jixiao.web.inbox import InboxItem, Step, provider

__all__ = ["incidents_to_handle", "notices_to_answer", "notices_to_verify", "warnings_to_confirm"]


@provider
def notices_to_answer(user: Any) -> Iterable[InboxItem]:
    """Sent notices of the person's units (``change``) whose findings still wait for rectification."""
    waiting = Finding.objects.unrestricted().filter(
        notices=OuterRef("pk"),
        status__in=[FindingStatusChoices.NOTIFIED, FindingStatusChoices.RECTIFYING],
    )
    for notice in (
        Notice.objects.restrict(user, "change")
        .filter(status=NoticeStatusChoices.SENT)
        .filter(Exists(waiting))
        .select_related("unit")
        .order_by("deadline", "pk")[:50]
    ):
        yield InboxItem(
            step=Step.TO_FILL,
            what="反馈通报整改情况",
            subject=notice.title,
            url=reverse("security:notice", args=[notice.pk]),
            unit=notice.unit.name,
            deadline=timezone.localdate(notice.deadline),
            since=notice.sent_at,
        )


@provider
def notices_to_verify(user: Any) -> Iterable[InboxItem]:
    """Sent notices the office (``security``) has answers on that wait for a re-check."""
    awaiting = Finding.objects.unrestricted().filter(
        notices=OuterRef("pk"), status=FindingStatusChoices.AWAITING_VERIFICATION
    )
    for notice in (
        Notice.objects.restrict(user, "security")
        .filter(status=NoticeStatusChoices.SENT)
        .filter(Exists(awaiting))
        .select_related("unit")
        .order_by("deadline", "pk")[:50]
    ):
        yield InboxItem(
            step=Step.TO_REVIEW,
            what="复核通报整改",
            subject=notice.title,
            url=reverse("security:notice", args=[notice.pk]),
            unit=notice.unit.name,
            deadline=timezone.localdate(notice.deadline),
            since=notice.sent_at,
        )


@provider
def warnings_to_confirm(user: Any) -> Iterable[InboxItem]:
    """Published warnings to a unit the person belongs to that the unit has not confirmed yet."""
    mine = units_for(user, "view")
    confirmed = WarningReceipt.objects.unrestricted().filter(warning=OuterRef("pk"), unit__in=mine)
    for warning in (
        SecurityWarning.objects.restrict(user, "view")
        .filter(status=WarningStatusChoices.PUBLISHED, recipients__in=mine)
        .exclude(Exists(confirmed))
        .select_related("issuer")
        .distinct()
        .order_by("-published_at", "pk")[:50]
    ):
        yield InboxItem(
            step=Step.TO_FILL,
            what="确认阅读安全预警",
            subject=warning.title,
            url=reverse("security:warning", args=[warning.pk]),
            unit=warning.issuer.name,
            since=warning.published_at,
        )


@provider
def incidents_to_handle(user: Any) -> Iterable[InboxItem]:
    """Unresolved incidents of the person's units (``change``), earliest deadline first."""
    for incident in (
        Incident.objects.restrict(user, "change")
        .exclude(status=IncidentStatusChoices.RESOLVED)
        .select_related("unit")
        .order_by("due_at", "pk")[:50]
    ):
        yield InboxItem(
            step=Step.TO_FILL,
            what="处置安全事件",
            subject=incident.title,
            url=reverse("security:incident", args=[incident.pk]),
            unit=incident.unit.name,
            deadline=timezone.localdate(incident.due_at),
            since=incident.opened_at,
        )
