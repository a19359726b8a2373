"""Pages kept whole: the most opened read pages (home, inbox, project list, project page) are rendered once per
person and state of the data, and served again from Django's ``pages`` cache while both hold.

A kept page is keyed by

- the person (their id: what they may see and the top bar are theirs), the language, the path, the query
  string and the htmx headers the views look at, the local date (deadlines, overdue days);
- the **write stamp** (``write_stamp``): the highest audit event id (every change made through an action
  writes one, in any process), the highest admin log id (the back office) and the summaries' generation (the
  lights). Besides, any row saved or deleted in this process, by any code path, empties the kept pages before
  the next page is served (``_dirty``): the stamp is the same in every worker, so a shared cache serves a page
  kept by one worker to the others;
- and it expires after ``JIXIAO_PAGE_CACHE_SECONDS`` (300 s) whatever happens: the bound on staleness for
  changes that leave no trace in the stamp (the monitor's unaudited state rows, a database restored).

The CSRF token is the one part of a page that belongs to the session rather than the person: a kept page is
rendered with a marker in its place (``context.kept_page_token``) and every answer gets the session's own
token put in. A page is neither kept nor served from the cache while the session has messages to show, for
a POST, for an anonymous visitor, or when the answer is not a 200 HTML page.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

# Alphanumeric, so that it survives HTML and JSON escaping unchanged wherever the token is written.
TOKEN_MARKER = "jixiaoKeptPageCsrfTokenMarker0000"
_MARKER_BYTES = TOKEN_MARKER.encode()
KEY_VERSION = 1
_HTMX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER_NAME", "HTTP_HX_BOOSTED")

# Rows whose writes never change a kept page (sessions, sign-in attempts, task queue, the monitor's own
# bookkeeping) do not count: they are written on every request or every check.
_NOT_COUNTED = {
    "sessions.session",
    "web.loginattempt",
    "web.remindersent",
    "django_tasks_database.dbtaskresult",
    "security.checkrun",
    "security.monitorevent",
    "security.assetschedule",
    "security.assetstate",
    "performance.projectsummary",
    "performance.summarygeneration",
}
_UNSHOWN_FIELDS = {"auth.user": {"last_login"}}
_dirty = False


def _count_write(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    global _dirty
    if sender._meta.label_lower in _NOT_COUNTED:
        return
    if update_fields is not None and set(update_fields) <= _UNSHOWN_FIELDS.get(
        sender._meta.label_lower, set()
    ):
        return  # a sign-in stamping ``last_login``: no kept page shows it
    _dirty = True


def _forget_if_written() -> None:
    """Empty the kept pages once after this process wrote anything (``_dirty``)."""
    global _dirty
    if _dirty:
        _dirty = False
        _pages().clear()


def connect() -> None:
    """Count this process's writes (``WebConfig.ready``)."""
    post_save.connect(_count_write, dispatch_uid="jixiao.web.pagecache.save")
    post_delete.connect(_count_write, dispatch_uid="jixiao.web.pagecache.delete")


def write_stamp() -> tuple[Any, ...]:
    """What changes whenever a kept page may have changed; one query of three index look-ups."""
    from django.contrib.admin.models import LogEntry

    from jixiao.audit.models import AuditEvent
    from jixiao.performance.models import SummaryGeneration

    sql = "SELECT (SELECT MAX(id) FROM {}), (SELECT MAX(id) FROM {}), (SELECT value FROM {} WHERE id = 1)".format(
        *(connection.ops.quote_name(m._meta.db_table) for m in (AuditEvent, LogEntry, SummaryGeneration))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(row)


def _pages() -> Any:
    return caches["pages"]


def _key(request: HttpRequest, name: str) -> str:
    user = request.user
    query = sorted(request.GET.lists())
    parts = (
        KEY_VERSION,
        name,
        connection.alias,
        connection.settings_dict["NAME"],
        user.pk,
        translation.get_language(),
        request.path,
        query,
        [request.META.get(h, "") for h in _HTMX_HEADERS],
        timezone.localdate().isoformat(),
        write_stamp(),
    )
    return "jixiao:page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _has_messages(request: HttpRequest) -> bool:
    # ``len`` loads the messages without marking them shown.
    return len(get_messages(request)) > 0


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    content = response.content
    if _MARKER_BYTES in content:
        response.content = content.replace(_MARKER_BYTES, get_token(request).encode())
    return response


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
    )


def kept_page(name: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Keep ``view``'s answers as described in the module docstring; ``name`` names the page in the key."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            seconds = settings.JIXIAO_PAGE_CACHE_SECONDS
            if (
                seconds <= 0
                or request.method not in ("GET", "HEAD")
                or not request.user.is_authenticated
                or _has_messages(request)
            ):
                return view(request, *args, **kwargs)
            _forget_if_written()
            key = _key(request, name)
            found = _pages().get(key)
            if found is not None:
                content_type, packed = found
                response = HttpResponse(zlib.decompress(packed), content_type=content_type)
                return _with_token(request, response)
            request.kept_page = True  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if _keepable(response):
                _pages().set(key, (response["Content-Type"], zlib.compress(response.content, 1)), seconds)
            return _with_token(request, response)

        return wrapper

    return decorate
