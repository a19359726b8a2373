"""The monitoring loop closed: a site that goes down opens an incident by itself after the failure threshold and
resolves it when it is back; a critical finding drafts a notice by itself; the office hears of both through a
webhook received by a local aiohttp server (apprise's ``json://`` POST), all on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from security_helpers import DOWN, GIT, NO_CSP, CountingServer, result

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security import tasks
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.actions.findings import do_mark_false_positive
from jixiao.security.actions.incidents import do_open_incident
from jixiao.security.jobs import auto_notice_deadline, process_monitor_events
from jixiao.security.models import Asset, Finding, Incident, MonitorEvent, Notice
from jixiao.security.notify import flush, send_in_background
from jixiao.security.store import Probed, record_probe_results


@pytest.fixture
def receiver() -> Iterator[CountingServer]:
    """The office's webhook endpoint: a local aiohttp server that keeps what apprise posts to it."""
    server = CountingServer()
    yield server
    server.stop()


@pytest.fixture
def webhooks(settings: Any, receiver: CountingServer) -> CountingServer:
    settings.JIXIAO_SECURITY_WEBHOOKS = [f"json://127.0.0.1:{receiver.port}/hook"]
    return receiver


def monitor_round() -> None:
    """One pass of the monitor as ``monitor --once`` runs it: the scheduler's tick (periodic jobs among it),
    then workers until the queue is empty."""
    call_command("monitor", "--once", "--workers", "1")


def titles(server: CountingServer) -> list[str]:
    assert flush(timeout=15), "a notification was still being sent after 15 seconds"
    return [str(post["title"]) for post in server.posts]


@pytest.mark.django_db(transaction=True)
def test_a_site_that_goes_down_opens_an_incident_by_itself_and_resolves_it_when_it_is_back(
    education: Unit, counting: CountingServer, webhooks: CountingServer, settings: Any
) -> None:
    settings.JIXIAO_SECURITY_SCHEDULES = {"key": {"availability": 0}}  # due again on every round
    site = do_create_asset(
        "教育局门户网站",
        counting.url("/"),
        owner=education,
        importance="key",
        acting_user=SYSTEM,
        reason="test setup",
    )
    monitor_round()  # every check group once: the site is up
    counting.down = True
    monitor_round()
    monitor_round()  # two failures: not confirmed yet
    assert not MonitorEvent.objects.unrestricted().filter(kind="asset_down").exists()
    assert not Incident.objects.unrestricted().exists()

    monitor_round()  # the third failure confirms the outage; the event is written with the batch
    [down] = MonitorEvent.objects.unrestricted().filter(kind="asset_down")
    assert down.processed_at is None
    monitor_round()  # the next tick acts on it

    incident = Incident.objects.unrestricted().get()
    assert (incident.asset_id, incident.unit_id, incident.outage) == (site.pk, education.pk, True)
    assert (incident.status, incident.incident_class, incident.sla_hours) == ("open", "key", Decimal(6))
    assert incident.opened_at == down.at
    assert incident.due_at == down.at + dt.timedelta(hours=6)
    down.refresh_from_db()
    assert down.processed_at is not None
    assert down.outcome == {"incident": incident.pk, "action": "opened"}
    opened = AuditEvent.objects.unrestricted().get(action="incident.opened", object_id=incident.pk)
    assert opened.actor_label == "系统"
    assert "连续 3 次检查失败" in opened.reason
    assert "【网络安全事件】教育局门户网站无法访问" in titles(webhooks)

    monitor_round()  # still down: the same incident, no second one
    assert Incident.objects.unrestricted().count() == 1

    counting.down = False
    monitor_round()  # one success: not yet recovered
    incident.refresh_from_db()
    assert incident.status == "open"
    monitor_round()  # the second success confirms recovery
    monitor_round()  # the next tick resolves the incident
    incident.refresh_from_db()
    [up] = MonitorEvent.objects.unrestricted().filter(kind="asset_up")
    assert incident.status == "resolved"
    assert incident.resolved_at == up.at
    assert incident.within_sla is True
    resolved = AuditEvent.objects.unrestricted().get(action="incident.resolved", object_id=incident.pk)
    assert resolved.actor_label == "系统"
    assert resolved.reason == "监测确认恢复：连续 2 次检查正常"
    assert resolved.changes["status"] == ["open", "resolved"]
    assert "【网络安全事件已处置】教育局门户网站无法访问" in titles(webhooks)


@pytest.mark.django_db(transaction=True)
def test_an_exposed_git_config_drafts_a_notice_by_itself_and_tells_the_office(
    education: Unit, counting: CountingServer, webhooks: CountingServer
) -> None:
    counting.git_exposed = True
    site = do_create_asset(
        "教育局业务系统",
        counting.url("/"),
        owner=education,
        contact_name="王工",
        contact_email="it@edu.test",
        acting_user=SYSTEM,
        reason="test setup",
    )
    monitor_round()  # the full check finds /.git/config exposed (critical)
    [appeared] = MonitorEvent.objects.unrestricted().filter(kind="finding_appeared", severity="critical")
    assert appeared.processed_at is None
    monitor_round()  # the next tick drafts the notice

    finding = Finding.objects.unrestricted().get(asset=site, severity="critical")
    notice = Notice.objects.unrestricted().get()
    assert (notice.status, notice.unit_id, notice.created_by) == ("draft", education.pk, None)
    assert list(notice.findings.values_list("pk", flat=True)) == [finding.pk]
    assert notice.contact_name == "王工"
    assert notice.deadline == auto_notice_deadline(notice.created_at)
    assert site.url in notice.body
    created = AuditEvent.objects.unrestricted().get(action="notice.created", object_id=notice.pk)
    assert created.actor_label == "系统"
    assert "按规则自动起草通报" in created.reason
    assert [t for t in titles(webhooks) if t.startswith("【通报草稿待发出】")] == [
        f"【通报草稿待发出】{notice.title}"
    ]

    monitor_round()  # seen again: still one notice
    assert Notice.objects.unrestricted().count() == 1
    assert not MonitorEvent.objects.unrestricted().filter(processed_at__isnull=True).exists()


def test_the_rules_say_which_severities_draft_a_notice(edu_site: Asset, health: Unit, settings: Any) -> None:
    record_probe_results([Probed(edu_site, result(edu_site, findings=[NO_CSP]))], run_started=timezone.now())
    assert process_monitor_events() == {"finding_appeared:none": 1}  # medium: not by default
    assert not Notice.objects.unrestricted().exists()

    settings.JIXIAO_SECURITY_AUTO_NOTICE_SEVERITIES = ["critical", "medium"]
    other = do_create_asset(
        "卫健委网站", "http://127.0.0.1:10/", owner=health, acting_user=SYSTEM, reason="test setup"
    )
    record_probe_results(
        [
            Probed(edu_site, result(edu_site, findings=[NO_CSP, GIT])),
            Probed(other, result(other, findings=[NO_CSP])),
        ],
        run_started=timezone.now(),
    )
    # The CSP finding of edu_site was already processed; its .git and the other site's CSP are new.
    assert process_monitor_events() == {"finding_appeared:drafted": 2}
    drafted = {n.unit_id: n for n in Notice.objects.unrestricted()}
    assert set(drafted) == {edu_site.owner_id, health.pk}  # one notice per owner unit
    assert [f.check_name for f in drafted[edu_site.owner_id].findings.all()] == ["exposure.git"]
    assert process_monitor_events() == {}


def test_a_drafted_notice_is_due_in_working_days_by_the_official_calendar(db: None, settings: Any) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    # The day before the 2026 National Day holiday (Oct 1–7); Saturday Oct 10 is a 调休 working day.
    before_holiday = dt.datetime(2026, 9, 30, 10, 0, tzinfo=shanghai)
    assert auto_notice_deadline(before_holiday) == dt.datetime(2026, 10, 13, 18, 0, tzinfo=shanghai)
    settings.JIXIAO_SECURITY_AUTO_NOTICE_WORKING_DAYS = 1
    thursday_night = dt.datetime(2026, 12, 3, 23, 30, tzinfo=shanghai)
    assert auto_notice_deadline(thursday_night) == dt.datetime(2026, 12, 4, 18, 0, tzinfo=shanghai)


def test_an_outage_opens_an_incident_of_the_assets_class_once_even_when_asked_twice(
    edu_site: Asset, health: Unit
) -> None:
    ordinary = do_create_asset(
        "卫健委网站", "http://127.0.0.1:10/", owner=health, acting_user=SYSTEM, reason="test setup"
    )
    for _ in range(3):
        record_probe_results(
            [
                Probed(edu_site, result(edu_site, ok=False, findings=[DOWN])),
                Probed(ordinary, result(ordinary, ok=False, findings=[DOWN])),
            ],
            run_started=timezone.now(),
        )
    # The confirmed outages open incidents; their availability findings (high) draft nothing by default.
    assert process_monitor_events() == {"asset_down:opened": 2, "finding_appeared:none": 2}
    assert process_monitor_events() == {}
    classes = dict(Incident.objects.unrestricted().values_list("asset_id", "incident_class"))
    assert classes == {edu_site.pk: "key", ordinary.pk: "ordinary"}
    key = Incident.objects.unrestricted().get(asset=edu_site)
    assert key.findings.get().check_name == "availability.connect"
    assert (key.sla_hours, Incident.objects.unrestricted().get(asset=ordinary).sla_hours) == (6, 24)

    # An event handled again (a runner that died before marking it) finds the incident already open.
    MonitorEvent.objects.unrestricted().filter(kind="asset_down", asset=edu_site).update(processed_at=None)
    assert process_monitor_events() == {"asset_down:already_open": 1}
    assert Incident.objects.unrestricted().count() == 2


def test_the_job_is_also_a_task_a_worker_runs(edu_site: Asset) -> None:
    for _ in range(3):
        record_probe_results(
            [Probed(edu_site, result(edu_site, ok=False, findings=[DOWN]))], run_started=timezone.now()
        )
    assert tasks.process_monitor_events.call() == {"asset_down:opened": 1, "finding_appeared:none": 1}
    tasks.process_monitor_events.enqueue()
    assert DBTaskResult.objects.filter(task_path=tasks.process_monitor_events.module_path).count() == 1


def test_a_false_positive_is_a_persons_judgement_not_the_systems(edu_site: Asset, analyst: User) -> None:
    record_probe_results([Probed(edu_site, result(edu_site, findings=[GIT]))], run_started=timezone.now())
    finding = Finding.objects.unrestricted().get()
    with pytest.raises(PermissionDenied, match="须由人完成"):
        do_mark_false_positive(finding, acting_user=SYSTEM, reason="自动判断")
    do_mark_false_positive(finding, acting_user=analyst, reason="测试环境，已确认")
    assert finding.status == "false_positive"  # the caller's object is refreshed


def test_a_slow_or_dead_webhook_never_holds_up_an_action(
    education: Unit,
    analyst: User,
    receiver: CountingServer,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JIXIAO_NOTIFY_TIMEOUT_SECONDS = 0.5
    settings.JIXIAO_SECURITY_WEBHOOKS = [
        f"json://127.0.0.1:{receiver.port}/slow",  # answers after 5 s
        "json://127.0.0.1:9/hook",  # nothing listens
    ]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        incident = do_open_incident(education, "门户网站被篡改", acting_user=analyst, reason="监测发现")
    assert time.monotonic() - started < 0.5  # the action returned before any webhook answered
    assert incident.pk is not None
    # The first send may also import apprise (its plugins take seconds on a busy machine): wait generously.
    assert flush(timeout=60)

    started = time.monotonic()
    sent = send_in_background("测试", "正文").result(timeout=10)
    assert sent == {"webhook": False}  # both refused or timed out, logged, not raised
    assert time.monotonic() - started < 4.5  # bounded by the 0.5 s timeouts, not the 5 s answer
