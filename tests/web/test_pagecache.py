"""Pages kept whole (``jixiao.web.pagecache``): served again while the person and the data stay the same, never
stale after a change made through an action in any process or any write in this one, with the session's own
CSRF token, and never kept while there are messages to show."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from web_helpers import PASSWORD, World, user

from jixiao.audit.log import build, record_many
from jixiao.performance.models import Project
from jixiao.web import pagecache

PAGES = ["/", "/inbox/", "/projects/", "/projects/?q=网", "{project}"]


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def _url(url: str, world: World) -> str:
    return url.format(project=f"/projects/{world.suzhou_project.pk}/")


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def _without_token(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[A-Za-z0-9]+', r"\1", html)


@pytest.mark.parametrize("url", PAGES)
def test_a_page_is_kept_and_served_again_with_a_handful_of_queries(world: World, url: str) -> None:
    client = signed_in("suzhou_officer")
    first, cold = _get(client, _url(url, world))
    again, warm = _get(client, _url(url, world))

    assert _without_token(again) == _without_token(first)
    assert warm <= 4 < cold  # session, person, write stamp (and the messages' session read)
    assert pagecache.TOKEN_MARKER not in again


def test_a_change_through_an_action_in_another_process_shows_at_once(world: World) -> None:
    client = signed_in("suzhou_officer")
    url = f"/projects/{world.suzhou_project.pk}/"
    _get(client, url)
    # Another process: the rows change without a signal here, and the action's audit event is written.
    Project.objects.unrestricted().filter(pk=world.suzhou_project.pk).update(name="改过名字的项目")
    pagecache._dirty = False
    record_many([build(None, "test.rename", world.suzhou_project, reason="测试")])
    assert not pagecache._dirty  # no signal: only the audit event's id can tell

    assert "改过名字的项目" in _get(client, url)[0]


def test_any_write_in_this_process_shows_at_once(world: World) -> None:
    client = signed_in("suzhou_officer")
    url = f"/projects/{world.suzhou_project.pk}/"
    _get(client, url)
    project = Project.objects.unrestricted().get(pk=world.suzhou_project.pk)
    project.name = "在本进程改名的项目"
    project.save(update_fields=["name"])

    assert "在本进程改名的项目" in _get(client, url)[0]


def test_a_change_that_leaves_no_trace_shows_once_the_page_expires(world: World, settings: Any) -> None:
    settings.JIXIAO_PAGE_CACHE_SECONDS = 1
    client = signed_in("suzhou_officer")
    url = f"/projects/{world.suzhou_project.pk}/"
    _get(client, url)
    Project.objects.unrestricted().filter(pk=world.suzhou_project.pk).update(name="无痕改名的项目")
    assert "无痕改名的项目" not in _get(client, url)[0]  # kept: nothing told this process
    time.sleep(1.2)

    assert "无痕改名的项目" in _get(client, url)[0]


def test_each_session_gets_its_own_csrf_token_in_a_kept_page(world: World) -> None:
    first = Client(enforce_csrf_checks=True)
    assert first.login(username="suzhou_officer", password=PASSWORD)
    first.get("/")
    second = Client(enforce_csrf_checks=True)
    # Signing in stamps last_login: a write that no kept page shows, so the page stays kept.
    assert second.login(username="suzhou_officer", password=PASSWORD)
    html, queries = _get(second, "/")
    assert queries <= 4  # served from what the first session's visit kept

    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', html)
    assert token is not None
    assert pagecache.TOKEN_MARKER not in html
    # The token works for this session: signing out is a POST that the CSRF check lets through.
    response = second.post("/accounts/logout/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    refused = first.post("/accounts/logout/", {"csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_a_page_is_not_served_from_the_cache_while_messages_wait(world: World, rf: Any) -> None:
    client = signed_in("suzhou_officer")
    _get(client, "/")
    assert _get(client, "/")[1] <= 4
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.SUCCESS, "已保存3项完成情况")
    response = HttpResponse()
    storage.update(response)
    client.cookies.update(response.cookies)

    assert _get(client, "/")[1] > 4


def test_a_kept_page_is_never_served_to_another_person(world: World) -> None:
    _get(signed_in("suzhou_officer"), "/projects/")
    html, _ = _get(signed_in("shunping_officer"), "/projects/")

    assert world.shunping_project.name in html
    assert world.suzhou_project.name not in html
    assert "赵磊" in html
    assert "王敏" not in html


def test_nothing_is_kept_when_switched_off(world: World, settings: Any) -> None:
    settings.JIXIAO_PAGE_CACHE_SECONDS = 0
    client = signed_in("suzhou_officer")
    _get(client, "/")
    _, again = _get(client, "/")

    assert again > 10  # the inbox's providers, the tiles, … asked again
