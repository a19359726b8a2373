"""Sign-in throttling: after ``LOGIN_FREE_FAILURES`` failures for an account or from an address, each further
attempt must wait, the wait doubling with every failure (``LOGIN_DELAY_SECONDS`` … ``LOGIN_DELAY_MAX_SECONDS``).

Failures count since the last success of that account (or from that address), within
``LOGIN_FAILURE_WINDOW_SECONDS``. Every failure is logged (logger ``jixiao.web.login``) and stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from jixiao.web.models import LoginAttempt

logger = logging.getLogger("jixiao.web.login")


def client_address(request: HttpRequest) -> str:
    """The peer address. Behind a proxy, the proxy should pass the client's address as REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def delay_after(failures: int) -> dt.timedelta:
    """The wait before the next attempt after ``failures`` consecutive failures (none for the first few)."""
    free = settings.LOGIN_FREE_FAILURES
    if failures < free:
        return dt.timedelta(0)
    seconds = settings.LOGIN_DELAY_SECONDS * 2 ** min(failures - free, 20)
    return dt.timedelta(seconds=min(seconds, settings.LOGIN_DELAY_MAX_SECONDS))


@dataclass(frozen=True)
class Verdict:
    wait_seconds: int  # 0: the attempt may go ahead


def _wait(now: dt.datetime, **where: str) -> dt.timedelta:
    since = now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    failures = LoginAttempt.objects.failures_since_success(since=since, **where)
    count = failures.count()
    if count < settings.LOGIN_FREE_FAILURES:
        return dt.timedelta(0)
    last = failures.order_by("-at").values_list("at", flat=True).first()
    assert last is not None
    return max(dt.timedelta(0), last + delay_after(count) - now)


def check(username: str, address: str) -> Verdict:
    """Whether an attempt for ``username`` from ``address`` may be checked now, or how long it must wait."""
    now = timezone.now()
    wait = max(_wait(now, username=username.lower()), _wait(now, address=address))
    return Verdict(wait_seconds=int(-(-wait.total_seconds() // 1)))


def record(username: str, address: str, *, succeeded: bool, throttled: bool = False) -> None:
    LoginAttempt.objects.create(
        username=username.lower()[:150], address=address, succeeded=succeeded, throttled=throttled
    )
    if throttled:
        logger.warning("sign-in refused (too many failures): user=%r address=%s", username, address)
    elif not succeeded:
        logger.warning("sign-in failed: user=%r address=%s", username, address)
