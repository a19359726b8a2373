"""Notifications of the security app: e-mail through Django's backend, webhooks through apprise.

Actions call ``notify_on_commit``: nothing is sent for a change that rolls back, and once the change has
committed the message is handed to a small background pool, so an action (or a scheduler tick) never
waits on a mail server or a webhook. Every send is bounded: e-mail by ``EMAIL_TIMEOUT`` (Django's SMTP
backend), each webhook by ``JIXIAO_NOTIFY_TIMEOUT_SECONDS`` (apprise's connect and read timeouts). A failing
channel is logged, never raised: the change it reports is already committed. ``flush()`` waits for what
is in flight (tests, and a process that is about to exit).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)

_POOL_SIZE = 2
_pool: ThreadPoolExecutor | None = None
_pending: set[Future[dict[str, bool]]] = set()
_lock = threading.Lock()


def webhook_urls() -> list[str]:
    """apprise URLs from ``JIXIAO_SECURITY_WEBHOOKS`` (``json://host/path``, ``dingtalk://…``, …)."""
    return list(settings.JIXIAO_SECURITY_WEBHOOKS)


def office_emails() -> list[str]:
    """The office's own recipients (``JIXIAO_SECURITY_EMAILS``): they get every notification."""
    return list(settings.JIXIAO_SECURITY_EMAILS)


def bounded(url: str, seconds: float) -> str:
    """``url`` with apprise's connect and read timeouts (``cto``, ``rto``) set, unless it sets them itself."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in ("cto", "rto"):
        query.setdefault(name, f"{seconds:g}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def notify(
    subject: str,
    body: str,
    *,
    emails: Iterable[str] = (),
    webhooks: Sequence[str] | None = None,
    office: bool = True,
) -> dict[str, bool]:
    """Send now, each channel bounded by its timeout; returns which channels succeeded (``email``, ``webhook``).

    ``office`` copies the security office's own recipients (off for a message meant for one person)."""
    sent: dict[str, bool] = {}
    recipients = sorted({e for e in [*emails, *(office_emails() if office else ())] if e})
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

        timeout = float(settings.JIXIAO_NOTIFY_TIMEOUT_SECONDS)
        client = apprise.Apprise()
        for url in urls:
            client.add(bounded(url, timeout))
        try:
            sent["webhook"] = bool(client.notify(title=subject, body=body))
        except Exception:
            logger.exception("webhook notification failed: %s", subject)
            sent["webhook"] = False
        if not sent["webhook"]:
            logger.warning("webhook notification not delivered: %s", subject)
    return sent


def _send(subject: str, body: str, emails: list[str]) -> dict[str, bool]:
    try:
        return notify(subject, body, emails=emails)
    except Exception:  # pragma: no cover - notify logs its channels' failures itself
        logger.exception("notification failed: %s", subject)
        return {}


def send_in_background(subject: str, body: str, *, emails: Iterable[str] = ()) -> Future[dict[str, bool]]:
    """Hand a notification to the background pool and return at once."""
    global _pool
    recipients = list(emails)
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_POOL_SIZE, thread_name_prefix="jixiao-notify")
        future = _pool.submit(_send, subject, body, recipients)
        _pending.add(future)
    future.add_done_callback(_pending.discard)
    return future


def flush(timeout: float | None = None) -> bool:
    """Wait for the notifications in flight (at most ``timeout`` seconds); True when none is left."""
    with _lock:
        pending = set(_pending)
    if not pending:
        return True
    _, not_done = wait_futures(pending, timeout=timeout)
    return not not_done


def notify_on_commit(subject: str, body: str, *, emails: Iterable[str] = ()) -> None:
    """Send once the current transaction commits, in the background (never blocking or failing the action)."""
    recipients = list(emails)
    transaction.on_commit(lambda: send_in_background(subject, body, emails=recipients))
