"""Notifications of the security app: e-mail through Django's backend, webhooks through apprise.

Actions call ``notify_on_commit`` so nothing is sent for a change that rolls back; a failing channel is
logged, never raised (the change it reports is already committed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def webhook_urls() -> list[str]:
    """apprise URLs from ``JIXIAO_SECURITY_WEBHOOKS`` (``json://host/path``, ``dingtalk://…``, …)."""
    return list(getattr(settings, "JIXIAO_SECURITY_WEBHOOKS", []))


def office_emails() -> list[str]:
    """The office's own recipients (``JIXIAO_SECURITY_EMAILS``): they get every notification."""
    return list(getattr(settings, "JIXIAO_SECURITY_EMAILS", []))


def notify(
    subject: str, body: str, *, emails: Iterable[str] = (), webhooks: Sequence[str] | None = None
) -> dict[str, bool]:
    """Send now; returns which channels succeeded (``email``, ``webhook``)."""
    sent: dict[str, bool] = {}
    recipients = sorted({e for e in [*emails, *office_emails()] if e})
    if recipients:
        try:
            send_mail(subject, body, None, recipients)
            sent["email"] = True
        except Exception:
            logger.exception("e-mail notification failed: %s", subject)
            sent["email"] = False
    urls = webhook_urls() if webhooks is None else list(webhooks)
    if urls:
        import apprise

        client = apprise.Apprise()
        for url in urls:
            client.add(url)
        try:
            sent["webhook"] = bool(client.notify(title=subject, body=body))
        except Exception:
            logger.exception("webhook notification failed: %s", subject)
            sent["webhook"] = False
        if not sent["webhook"]:
            logger.warning("webhook notification not delivered: %s", subject)
    return sent


def notify_on_commit(subject: str, body: str, *, emails: Iterable[str] = ()) -> None:
    recipients = list(emails)
    transaction.on_commit(lambda: notify(subject, body, emails=recipients))
