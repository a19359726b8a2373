"""Reminders of the 待办 inbox: a configurable number of working days before a deadline, and once overdue.

``do_send_reminders`` goes over every active person, asks the inbox what waits for them (the providers
apply that person's permissions) and sends, for each item with a deadline, at most one reminder before it
and one after it has passed: by e-mail when the account has an address, and to the configured webhooks
(``JIXIAO_REMINDER_WEBHOOKS``, e.g. the office's group chat robot). Run daily
(``python -m jixiao.manage send_reminders``, from cron or a systemd timer).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor, require_actor
from jixiao.security.notify import notify
from jixiao.web.inbox import InboxItem, items_for
from jixiao.web.models import ReminderSent
from jixiao.workdays.selectors import work_calendar


@dataclass(frozen=True)
class Due:
    """A reminder to send now."""

    user_id: int
    email: str
    item: InboxItem
    kind: str  # ReminderSent.Kind


def _kind(item: InboxItem, today: dt.date, before: int, working_days_between: object) -> str | None:
    if item.deadline is None:
        return None
    if today > item.deadline:
        return ReminderSent.Kind.OVERDUE
    assert callable(working_days_between)
    if working_days_between(today, item.deadline) <= before:
        return ReminderSent.Kind.BEFORE
    return None


def due_reminders(today: dt.date | None = None) -> list[Due]:
    """Reminders that are due today and not yet sent."""
    today = today or timezone.localdate()
    before = int(settings.JIXIAO_REMINDER_WORKING_DAYS)
    calendar = work_calendar()
    sent = set(ReminderSent.objects.values_list("user_id", "key", "kind"))
    due: list[Due] = []
    people = get_user_model().objects.filter(is_active=True, memberships__isnull=False).distinct()
    for user in people.order_by("pk"):
        for item in items_for(user):
            kind = _kind(item, today, before, calendar.working_days_between)
            if kind is not None and (user.pk, item.key, kind) not in sent:
                due.append(Due(user.pk, user.email or "", item, kind))
    return due


def _message(due: Due, today: dt.date) -> tuple[str, str]:
    item = due.item
    assert item.deadline is not None
    deadline = f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日"
    if due.kind == ReminderSent.Kind.OVERDUE:
        subject = f"【逾期】{item.what}：{item.subject}"
        when = f"截止日期{deadline}，已逾期{item.overdue_days(today)}天"
    else:
        subject = f"【待办】{item.what}：{item.subject}"
        when = f"请于{deadline}前完成"
    lines = [f"{item.step.label}：{item.what}", f"事项：{item.subject}"]
    if item.unit:
        lines.append(f"单位：{item.unit}")
    lines.append(when)
    if item.reason:
        lines.append(f"退回原因：{item.reason}")
    lines.append(f"办理地址：{item.url}")
    return subject, "\n".join(lines)


@transaction.atomic
def do_send_reminders(
    *, acting_user: Actor, reason: str = "待办提醒", today: dt.date | None = None
) -> Counter[str]:
    """Record and send the reminders due today; returns how many of each kind were sent.

    Each reminder is recorded before it is sent, in the same transaction, so a second run the same day
    sends nothing twice; the sending itself happens once the records are committed.
    """
    require_actor(acting_user)
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    outgoing: list[tuple[str, str, str]] = []
    for due in due_reminders(today):
        subject, body = _message(due, today)
        assert due.item.deadline is not None
        ReminderSent.objects.create(
            user_id=due.user_id, key=due.item.key, kind=due.kind, deadline=due.item.deadline, subject=subject
        )
        outgoing.append((subject, body, due.email))
        counts[due.kind] += 1
    if outgoing:
        audit.record(
            acting_user,
            "reminders.sent",
            None,
            reason=reason,
            details={
                "before": counts[ReminderSent.Kind.BEFORE],
                "overdue": counts[ReminderSent.Kind.OVERDUE],
            },
        )
        webhooks = list(settings.JIXIAO_REMINDER_WEBHOOKS)

        def send() -> None:
            for subject, body, email in outgoing:
                notify(subject, body, emails=[email] if email else [], webhooks=webhooks, office=False)

        transaction.on_commit(send)
    return counts
