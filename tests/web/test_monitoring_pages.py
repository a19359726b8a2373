"""The monitoring round's page and finance's monitoring tasks, through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from web_helpers import World, user
from year_helpers import reopen_year

from jixiao.audit.models import AuditEvent
from jixiao.performance.models import MonitoringAssignment, MonitoringEntry, MonitoringRound, MonitoringTask

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def _entry_form(page_rows: list[MonitoringEntry], **override: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for entry in page_rows:
        key = entry.indicator_id
        data |= {
            f"category-{key}": entry.deviation_category,
            f"reason-{key}": entry.deviation_reason,
            f"likelihood-{key}": entry.likelihood,
            f"measures-{key}": entry.corrective_measures,
            f"forecast-{key}": ""
            if entry.forecast_value is None
            else f"{entry.forecast_value.normalize():f}",
        }
    return data | override


def test_the_round_is_filled_refused_without_measures_submitted_and_approved(world: World) -> None:
    project = world.suzhou_project
    reopen_year(project)
    officer = signed_in("suzhou_officer")
    url = f"/projects/{project.pk}/monitoring/7/"
    assert officer.get(f"/projects/{project.pk}/monitoring/").url == url
    page = officer.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "绩效运行监控（1–7月）" in text
    assert "填报中" in text
    entries = list(
        MonitoringEntry.objects.unrestricted().filter(round__project=project).order_by("indicator")
    )
    # The demo's round has an indicator 有可能 with a deviation reason but no 纠偏措施: 送审 is refused by name.
    uncertain = next(e for e in entries if e.likelihood == "possible" and not e.corrective_measures)
    refused = officer.post(f"{url}submitted/")
    assert refused.status_code == 422
    message = refused.content.decode()
    assert f"“{uncertain.indicator.label}”完成目标可能性为“有可能”，须填写纠偏措施" in message
    assert MonitoringRound.objects.unrestricted().get(project=project, cutoff_month=7).status == "draft"

    # A bad forecast in one row stores nothing of the form.
    key = uncertain.indicator_id
    bad = _entry_form(entries, **{f"measures-{key}": "追加经费，9月完成采购", f"forecast-{key}": "很多"})
    answer = officer.post(f"{url}entries/", bad)
    assert answer.status_code == 422
    assert "不是数字" in answer.content.decode()
    uncertain.refresh_from_db()
    assert uncertain.corrective_measures == ""

    good = _entry_form(entries, **{f"measures-{key}": "追加经费，9月完成采购"})
    for entry in entries:  # the other deviations (red lights) get their reason and measures too
        if entry.indicator_id != key and not entry.corrective_measures:
            good |= {
                f"category-{entry.indicator_id}": entry.deviation_category or "staff",
                f"reason-{entry.indicator_id}": entry.deviation_reason or "人员借调，进度滞后",
                f"measures-{entry.indicator_id}": "调整分工，按月调度",
            }
    assert officer.post(f"{url}entries/", good).status_code == 302
    uncertain.refresh_from_db()
    assert uncertain.corrective_measures == "追加经费，9月完成采购"
    assert officer.post(f"{url}submitted/").status_code == 302
    round_ = MonitoringRound.objects.unrestricted().get(project=project, cutoff_month=7)
    assert round_.status == "submitted"
    # Submitted: the officer can no longer change entries, and cannot approve their own round.
    assert "保存填报" not in officer.get(url).content.decode()
    assert officer.post(f"{url}approved/").status_code == 403

    reviewer = signed_in("suzhou_reviewer")
    assert reviewer.post(f"{url}returned/", {"reason": ""}).status_code == 422
    assert reviewer.post(f"{url}returned/", {"reason": "预计完成值偏乐观，请核实"}).status_code == 302
    round_.refresh_from_db()
    assert (round_.status, round_.return_reason) == ("returned", "预计完成值偏乐观，请核实")
    assert "预计完成值偏乐观，请核实" in officer.get(url).content.decode()
    assert officer.post(f"{url}submitted/").status_code == 302
    assert reviewer.post(f"{url}approved/").status_code == 302
    round_.refresh_from_db()
    assert round_.status == "approved"
    verbs = list(
        AuditEvent.objects.unrestricted()
        .filter(action__startswith="monitoring_round.", object_id=round_.pk)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert verbs == [
        "monitoring_round.submitted",
        "monitoring_round.returned",
        "monitoring_round.submitted",
        "monitoring_round.approved",
    ]


def test_a_locked_round_says_why_and_offers_no_edits(world: World) -> None:
    project = world.suzhou_project  # the demo's finalised self-evaluation locks the year
    officer = signed_in("suzhou_officer")
    reopen_year(project)
    from jixiao.performance.actions.results import do_lock_period
    from jixiao.performance.periods import Period

    # 上半年 (1–6月) does not hold the 1–7月 round, whose last month is 7月.
    do_lock_period(project, Period.half(1), acting_user=user("finance"), reason="上半年数据已报财政局")
    page = officer.get(f"/projects/{project.pk}/monitoring/7/").content.decode()
    assert "已锁定" not in page
    assert "保存填报" in page
    do_lock_period(project, Period.month(7), acting_user=user("finance"), reason="7月数据已报财政局")
    page = officer.get(f"/projects/{project.pk}/monitoring/7/").content.decode()
    assert "7月已锁定，不能录入或修改" in page
    assert "7月数据已报财政局" in page
    assert "锁定人" in page
    assert "保存填报" not in page
    assert "送审</button>" not in page
    assert officer.post(f"/projects/{project.pk}/monitoring/7/submitted/").status_code == 422


def test_finance_issues_a_task_to_both_units_and_each_sees_its_deadline(world: World) -> None:
    finance = signed_in("finance")
    form = finance.get("/monitoring/tasks/new/")
    assert form.status_code == 200
    assert world.suzhou_project.unit.name in form.content.decode()
    deadline = timezone.localdate() + dt.timedelta(days=10)
    units = [world.suzhou_project.unit.pk, world.shunping_project.unit.pk]
    missing = finance.post(
        "/monitoring/tasks/new/", {"year": 2023, "cutoff_month": 7, "deadline": deadline.isoformat()}
    )
    assert missing.status_code == 422
    assert "请至少选择一个填报单位" in missing.content.decode()
    answer = finance.post(
        "/monitoring/tasks/new/",
        {
            "year": world.suzhou_project.year,
            "cutoff_month": 7,
            "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日",
            "units": units,
            "note": "请于截止日期前完成1–7月运行监控",
        },
    )
    assert answer.status_code == 302
    task = MonitoringTask.objects.unrestricted().get()
    assert answer.url == f"/monitoring/tasks/{task.pk}/"
    assert set(MonitoringAssignment.objects.unrestricted().values_list("unit", flat=True)) == set(units)
    listing = finance.get("/monitoring/tasks/").content.decode()
    assert world.shunping_project.unit.name in listing
    detail = finance.get(f"/monitoring/tasks/{task.pk}/").content.decode()
    assert world.suzhou_project.name in detail

    officer = signed_in("suzhou_officer")
    mine = officer.get("/monitoring/tasks/").content.decode()
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in mine
    assert world.shunping_project.unit.name not in mine
    assert officer.get(f"/monitoring/tasks/{task.pk}/").status_code == 200
    assert (
        world.shunping_project.unit.name not in officer.get(f"/monitoring/tasks/{task.pk}/").content.decode()
    )
    round_page = officer.get(f"/projects/{world.suzhou_project.pk}/monitoring/7/").content.decode()
    assert "截止日期" in round_page
    # Only finance issues tasks.
    assert officer.get("/monitoring/tasks/new/").status_code == 403
    assert signed_in("suzhou_reviewer").post("/monitoring/tasks/new/", {}).status_code == 403


def test_the_year_pages_keep_the_content_policy_and_show_no_code_or_none(world: World) -> None:
    import re

    project = world.suzhou_project
    reopen_year(project)
    pages = [
        ("suzhou_officer", f"/projects/{project.pk}/monitoring/7/"),
        ("suzhou_reviewer", f"/projects/{project.pk}/evaluation/"),
        ("suzhou_officer", f"/projects/{project.pk}/evaluation/"),
        ("finance", "/monitoring/tasks/"),
        ("finance", "/monitoring/tasks/new/"),
        ("finance", "/locks/"),
        ("suzhou_officer", f"/projects/{project.pk}/"),
    ]
    for username, url in pages:
        response = signed_in(username).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\sstyle\s*=", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        text = re.sub(r"<[^>]+>", " ", html)
        assert not re.search(r"\bNone\b", text), url
        for code in ("draft", "submitted", "approved", "returned", "finalised", "possible", "impossible"):
            assert not re.search(rf"(?<![\w-]){code}(?![\w-])", text), (url, code)
