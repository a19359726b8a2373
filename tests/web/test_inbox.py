"""The 待办 inbox: items from every provider in one list (returned first, then overdue, then by deadline), the
home page and ``/inbox/`` with tabs per step, and reminders sent once before a deadline and once when overdue,
by e-mail and to a webhook received by a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM
from jixiao.security.notify import flush
from jixiao.web import inbox
from jixiao.web.actions.reminders import do_send_reminders
from jixiao.web.inbox import InboxItem, Step
from jixiao.web.models import ReminderSent

# Monday 7 December 2026; the calendar's 2026 schedule has no holiday in the two weeks after it.
TODAY = dt.date(2026, 12, 7)


def _items(today: dt.date) -> list[InboxItem]:
    return [
        InboxItem(
            Step.TO_REVIEW,
            "审核绩效目标",
            "甲项目",
            "/projects/1/",
            "宿州",
            deadline=today + dt.timedelta(days=9),
        ),
        InboxItem(
            Step.TO_SUBMIT,
            "送审绩效目标",
            "乙项目",
            "/projects/2/",
            "宿州",
            deadline=today - dt.timedelta(days=3),
        ),
        InboxItem(Step.RETURNED, "修改完成情况", "丙项目", "/projects/3/", "宿州", reason="佐证材料不全"),
        InboxItem(
            Step.TO_FILL,
            "填报7月完成情况",
            "丁项目",
            "/projects/4/",
            "宿州",
            deadline=today + dt.timedelta(days=2),
        ),
        InboxItem(Step.TO_FILL, "填报8月完成情况", "戊项目", "/projects/5/", "宿州"),
    ]


@pytest.fixture
def only_suzhou_editor_has_work(monkeypatch: pytest.MonkeyPatch, suzhou_editor: User) -> list[InboxItem]:
    """A provider that gives the Suzhou editor five items (whatever day it is) and everyone else nothing."""
    today = dt.date.today()

    def provider(user: Any) -> Iterable[InboxItem]:
        return _items(today) if user.pk == suzhou_editor.pk else []

    monkeypatch.setattr(inbox, "_PROVIDERS", [provider])
    return _items(today)


def test_items_come_returned_first_then_overdue_then_by_deadline(
    only_suzhou_editor_has_work: list[InboxItem], suzhou_editor: User, shunping_editor: User
) -> None:
    found = inbox.items_for(suzhou_editor)

    assert [i.subject for i in found] == ["丙项目", "乙项目", "丁项目", "甲项目", "戊项目"]
    assert found[1].overdue
    assert found[1].overdue_days() == 3
    assert inbox.counts(found) == {"TO_FILL": 2, "TO_SUBMIT": 1, "TO_REVIEW": 1, "RETURNED": 1, "OVERDUE": 1}
    assert inbox.items_for(shunping_editor) == []


def test_registering_a_provider_twice_keeps_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "_PROVIDERS", [])

    def provider(user: Any) -> Iterable[InboxItem]:
        return []

    inbox.provider(provider)
    inbox.provider(provider)

    assert inbox.providers() == (provider,)


def test_home_shows_the_inbox_with_its_tabs(
    only_suzhou_editor_has_work: list[InboxItem], suzhou_editor: User, client: Client
) -> None:
    client.force_login(suzhou_editor)

    html = client.get("/").content.decode()

    assert 'data-testid="inbox"' in html
    assert "修改完成情况：丙项目" in html
    assert "退回原因：佐证材料不全" in html
    assert "逾期3天" in html
    assert html.index("丙项目") < html.index("乙项目") < html.index("甲项目")
    assert '被退回 <span class="badge text-bg-light">1</span>' in html


def test_a_tab_shows_only_its_step_and_htmx_gets_the_list_alone(
    only_suzhou_editor_has_work: list[InboxItem], suzhou_editor: User, client: Client
) -> None:
    client.force_login(suzhou_editor)

    page = client.get("/inbox/", {"step": "TO_FILL"}).content.decode()
    assert "丁项目" in page
    assert "戊项目" in page
    assert "甲项目" not in page
    assert "丙项目" not in page
    assert "<html" in page

    overdue = client.get("/inbox/", {"step": "OVERDUE"}, HTTP_HX_REQUEST="true").content.decode()
    assert "乙项目" in overdue
    assert "丁项目" not in overdue
    assert "<html" not in overdue
    assert 'id="inbox"' in overdue

    unknown = client.get("/inbox/", {"step": "NOPE"}).content.decode()
    assert all(name in unknown for name in ("甲项目", "乙项目", "丙项目", "丁项目", "戊项目"))


def test_the_inbox_asks_for_sign_in(client: Client, db: None) -> None:
    response = client.get("/inbox/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


class _Hook(BaseHTTPRequestHandler):
    posts: list[dict[str, Any]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.server.posts.append(json.loads(self.rfile.read(length)))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook(settings: Any) -> Iterator[list[dict[str, Any]]]:
    """A webhook receiver on 127.0.0.1: what apprise's ``json://`` posts to it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.posts = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.JIXIAO_REMINDER_WEBHOOKS = [f"json://127.0.0.1:{server.server_address[1]}/hook"]
    settings.JIXIAO_SECURITY_EMAILS = ["office@example.org"]
    yield server.posts  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


@pytest.fixture
def dated_items(monkeypatch: pytest.MonkeyPatch, suzhou_editor: User) -> User:
    suzhou_editor.email = "officer@example.org"
    suzhou_editor.save()

    def provider(user: Any) -> Iterable[InboxItem]:
        return _items(TODAY) if user.pk == suzhou_editor.pk else []

    monkeypatch.setattr(inbox, "_PROVIDERS", [provider])
    return suzhou_editor


@pytest.mark.django_db(transaction=True)
def test_reminders_go_once_before_the_deadline_and_once_when_overdue(
    dated_items: User, hook: list[dict[str, Any]], settings: Any, shunping_editor: User
) -> None:
    settings.JIXIAO_REMINDER_WORKING_DAYS = 3

    first = do_send_reminders(acting_user=SYSTEM, today=TODAY)
    assert flush(timeout=15)

    # 乙 is 3 days overdue; 丁 is due in 2 working days; 甲 (9 days, 7 working days) is not yet; 戊 and 丙 have no
    # deadline.
    assert first == {"overdue": 1, "before": 1}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["【待办】填报7月完成情况：丁项目", "【逾期】送审绩效目标：乙项目"]
    assert all(m.to == ["officer@example.org"] for m in mail.outbox), (
        "a personal reminder is not copied to the office"
    )
    overdue = next(m for m in mail.outbox if m.subject.startswith("【逾期】"))
    assert "已逾期3天" in overdue.body
    assert "办理地址：/projects/2/" in overdue.body
    assert sorted(p["title"] for p in hook) == subjects
    assert AuditEvent.objects.unrestricted().filter(action="reminders.sent", reason="待办提醒").count() == 1

    again = do_send_reminders(acting_user=SYSTEM, today=TODAY)
    assert flush(timeout=15)
    assert again == {}
    assert len(mail.outbox) == 2

    # Seven days later 甲 is within 3 working days (a 'before' reminder) and 丁 is overdue (its second reminder).
    later = do_send_reminders(acting_user=SYSTEM, today=TODAY + dt.timedelta(days=7))
    assert flush(timeout=15)
    assert later == {"before": 1, "overdue": 1}
    assert sorted(m.subject for m in mail.outbox[2:]) == [
        "【待办】审核绩效目标：甲项目",
        "【逾期】填报7月完成情况：丁项目",
    ]
    assert ReminderSent.objects.filter(user=dated_items).count() == 4
    assert not ReminderSent.objects.filter(user=shunping_editor).exists()


@pytest.mark.django_db(transaction=True)
def test_a_reminder_that_cannot_be_recorded_sends_nothing(
    dated_items: User, hook: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("jixiao.web.actions.reminders.audit.record", broken)

    with pytest.raises(RuntimeError):
        do_send_reminders(acting_user=SYSTEM, today=TODAY)
    assert flush(timeout=15)

    assert not ReminderSent.objects.exists()
    assert mail.outbox == []
    assert hook == []


@pytest.mark.django_db(transaction=True)
def test_the_monitor_process_sends_reminders_at_most_once_an_hour(
    dated_items: User, hook: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.security import monitor

    monkeypatch.setattr(monitor, "_last_reminders", None)
    now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    jobs = monitor.periodic_jobs()

    assert jobs["inbox_reminders"](now) == {"overdue": 1, "before": 1}
    assert flush(timeout=15)
    # Within the hour nothing runs; after it the run finds nothing new to send.
    assert jobs["inbox_reminders"](now + dt.timedelta(minutes=59)) == {}
    assert jobs["inbox_reminders"](now + dt.timedelta(minutes=61)) == {}
    assert ReminderSent.objects.count() == 2
