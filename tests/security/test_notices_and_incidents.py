"""Notices with re-checks that verify fixes, warnings to many units, incidents with an SLA clock, and the
notifications they send on commit (e-mail through Django, webhooks through apprise to 127.0.0.1)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from security_helpers import Committed, CountingServer

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.advisories import do_create_warning, do_publish_warning
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.actions.findings import do_report_fixed, do_start_rectifying
from jixiao.security.actions.incidents import (
    do_acknowledge_incident,
    do_check_incident_clocks,
    do_contain_incident,
    do_open_incident,
    do_resolve_incident,
)
from jixiao.security.actions.notices import (
    do_create_notice,
    do_recheck_notice,
    do_send_notice,
)
from jixiao.security.models import Asset, Finding, SecurityWarning
from jixiao.security.pipeline import probe_assets
from jixiao.security.store import Probed, record_probe_results
from jixiao.security.tasks import enqueue_notice_rechecks, recheck_notice


def probe_full(asset: Asset) -> None:
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    [result] = asyncio.run(probe_assets([asset], "full"))
    record_probe_results([Probed(asset, result, group="full")], run_started=timezone.now())


@pytest.fixture
def exposed_site(education: Unit, counting: CountingServer) -> Asset:
    counting.git_exposed = True
    return do_create_asset(
        "教育局业务系统",
        counting.url("/"),
        owner=education,
        contact_email="it@edu.test",
        acting_user=SYSTEM,
        reason="test setup",
    )


def test_a_notice_is_rechecked_until_the_fix_holds_and_then_closes(
    exposed_site: Asset,
    counting: CountingServer,
    education: Unit,
    analyst: User,
    education_editor: User,
    committed: Committed,
) -> None:
    probe_full(exposed_site)
    finding = Finding.objects.unrestricted().get(asset=exposed_site, check_name="exposure")
    deadline = timezone.now() + dt.timedelta(days=3)

    with pytest.raises(PermissionDenied):
        do_create_notice(education, [finding], deadline=deadline, acting_user=education_editor, reason="x")
    notice = do_create_notice(
        education,
        [finding],
        deadline=deadline,
        contact_name="王工",
        contact_phone="0557-0000000",
        acting_user=analyst,
        reason="月度巡检",
    )
    with committed():
        do_send_notice(notice, acting_user=analyst, reason="发出通报")
    finding.refresh_from_db()
    assert finding.status == "notified"
    [email] = mail.outbox
    assert email.to == ["it@edu.test"]
    assert "网络安全通报" in email.subject
    assert exposed_site.url in email.body
    assert "王工" in email.body

    do_start_rectifying(finding, acting_user=education_editor, reason="已安排")
    do_report_fixed(finding, acting_user=education_editor, reason="已删除")
    outcome = do_recheck_notice(notice, acting_user=analyst, reason="复核")  # still exposed
    assert outcome.still_present == [finding.pk]
    assert not outcome.closed
    finding.refresh_from_db()
    assert finding.status == "rectifying"

    counting.git_exposed = False
    do_report_fixed(finding, acting_user=education_editor, reason="这次真的删除了")
    assert enqueue_notice_rechecks(timezone.now()) == []  # not due before the deadline
    with committed():
        assert enqueue_notice_rechecks(deadline + dt.timedelta(minutes=1)) == [notice.pk]
    # Asked for once: the next tick does not ask again while the re-check waits for a worker.
    assert enqueue_notice_rechecks(deadline + dt.timedelta(minutes=2)) == []
    [queued] = DBTaskResult.objects.filter(task_path=recheck_notice.module_path)
    assert queued.args_kwargs["args"] == [notice.pk]
    due = recheck_notice.call(notice.pk)  # what the worker runs
    assert due["verified"] == [finding.pk]
    assert due["closed"]
    finding.refresh_from_db()
    notice.refresh_from_db()
    assert (finding.status, notice.status) == ("verified_fixed", "closed")
    assert enqueue_notice_rechecks(deadline + dt.timedelta(hours=1)) == []  # once per deadline
    assert (
        AuditEvent.objects.unrestricted().filter(action="notice.rechecked", object_id=notice.pk).count() == 2
    )
    assert (
        AuditEvent.objects.unrestricted().filter(action="finding.verified_fixed", actor_label="系统").exists()
    )


def test_a_notice_lists_only_live_findings_of_the_units_own_assets(
    exposed_site: Asset, health: Unit, education: Unit, analyst: User
) -> None:
    probe_full(exposed_site)
    finding = Finding.objects.unrestricted().get(check_name="exposure")
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="不属于"):
        do_create_notice(health, [finding], deadline=later, acting_user=analyst, reason="x")
    with pytest.raises(ValidationError, match="必须晚于现在"):
        do_create_notice(education, [finding], deadline=timezone.now(), acting_user=analyst, reason="x")


def test_a_published_warning_reaches_every_recipient_unit_and_their_contacts(
    office: Unit,
    education: Unit,
    health: Unit,
    school: Unit,
    analyst: User,
    education_editor: User,
    health_editor: User,
    outsider: User,
    edu_site: Asset,
    committed: Committed,
) -> None:
    warning = do_create_warning(
        office,
        "关于防范勒索病毒的预警",
        "请立即检查备份。",
        recipients=[education, health],
        severity="high",
        acting_user=analyst,
        reason="上级通报",
    )
    assert not SecurityWarning.objects.restrict(education_editor, "view").exists()  # a draft stays home
    with pytest.raises(PermissionDenied):
        do_publish_warning(warning, acting_user=education_editor, reason="x")
    with committed():
        do_publish_warning(warning, acting_user=analyst, reason="发布")

    assert list(SecurityWarning.objects.restrict(education_editor, "view")) == [warning]
    assert list(SecurityWarning.objects.restrict(health_editor, "view")) == [warning]
    assert not SecurityWarning.objects.restrict(outsider, "view").exists()
    [email] = mail.outbox
    assert email.to == ["edu@example.test"]
    assert email.subject == "【网络安全预警】关于防范勒索病毒的预警"


def test_a_key_incident_escalates_at_eighty_percent_and_breaches_after_six_hours(
    education: Unit,
    edu_site: Asset,
    analyst: User,
    education_editor: User,
    counting: CountingServer,
    settings: Any,
    committed: Committed,
) -> None:
    settings.JIXIAO_SECURITY_WEBHOOKS = [f"json://127.0.0.1:{counting.port}/hook"]
    opened = timezone.now() - dt.timedelta(hours=7)
    with committed():
        incident = do_open_incident(
            education,
            "门户网站首页被篡改",
            asset=edu_site,
            opened_at=opened,
            acting_user=analyst,
            reason="监测发现",
        )
    assert incident.sla_hours == Decimal(6)
    assert incident.due_at == opened + dt.timedelta(hours=6)
    assert len(mail.outbox) == 1
    assert counting.posts[0]["title"] == "【网络安全事件】门户网站首页被篡改"

    assert do_check_incident_clocks(opened + dt.timedelta(hours=4), acting_user=SYSTEM) == []
    with pytest.raises(PermissionDenied, match="由系统计时"):
        do_check_incident_clocks(opened + dt.timedelta(hours=5), acting_user=analyst)
    with committed():
        [(escalated, verb)] = do_check_incident_clocks(
            opened + dt.timedelta(hours=4, minutes=49), acting_user=SYSTEM
        )
    assert verb == "incident.escalated"
    assert escalated.breached_at is None
    assert (
        do_check_incident_clocks(opened + dt.timedelta(hours=5), acting_user=SYSTEM) == []
    )  # escalated once
    do_acknowledge_incident(
        incident, at=opened + dt.timedelta(hours=5), acting_user=education_editor, reason="已响应"
    )
    [(_, verb)] = do_check_incident_clocks(opened + dt.timedelta(hours=6, minutes=1), acting_user=SYSTEM)
    assert verb == "incident.breached"
    do_contain_incident(
        incident, at=opened + dt.timedelta(hours=6, minutes=30), acting_user=education_editor, reason="已下线"
    )
    with committed():
        resolved = do_resolve_incident(
            incident, at=opened + dt.timedelta(hours=7), acting_user=education_editor, reason="已恢复"
        )
    assert resolved.handling_time == dt.timedelta(hours=7)
    assert resolved.within_sla is False
    assert [p["title"] for p in counting.posts][-2:] == [
        "【即将超时】门户网站首页被篡改",
        "【网络安全事件已处置】门户网站首页被篡改",
    ]
    with pytest.raises(ValidationError, match="不能响应"):
        do_acknowledge_incident(resolved, acting_user=education_editor, reason="x")
    verbs = list(
        AuditEvent.objects.unrestricted()
        .filter(object_id=incident.pk, action__startswith="incident.")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert verbs == [
        "incident.opened",
        "incident.escalated",
        "incident.acknowledged",
        "incident.breached",
        "incident.contained",
        "incident.resolved",
    ]


def test_sla_hours_per_class_are_configurable_and_late_resolution_records_a_breach(
    education: Unit, analyst: User, settings: Any
) -> None:
    settings.JIXIAO_SECURITY_SLA_HOURS = {"ordinary": 12}
    opened = timezone.now() - dt.timedelta(hours=20)
    incident = do_open_incident(
        education,
        "信息系统漏洞",
        incident_class="ordinary",
        opened_at=opened,
        acting_user=analyst,
        reason="x",
    )
    assert incident.due_at == opened + dt.timedelta(hours=12)
    resolved = do_resolve_incident(
        incident, at=opened + dt.timedelta(hours=13), acting_user=analyst, reason="修复"
    )
    assert resolved.breached_at == resolved.due_at
    with pytest.raises(ValidationError, match="原因"):
        do_open_incident(education, "x", acting_user=analyst, reason="")
