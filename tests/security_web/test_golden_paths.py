"""The security staff's golden paths through the pages (Django's test client; sites on 127.0.0.1 only):
finding → confirmed → notice → the unit answers with evidence → re-check → closed; a false positive stays
dismissed; an outage opens an incident that the unit acknowledges and resolves; a warning is read by its
recipients; the monthly report is generated, published and downloaded; an indicator shows its records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actions import do_create_unit
from jixiao.orgs.actors import SYSTEM
from jixiao.performance.models import Indicator, Project
from jixiao.security import jobs
from jixiao.security.models import (
    Asset,
    Finding,
    Incident,
    MonthlyReport,
    Notice,
    NoticeEvidence,
    SecurityWarning,
)
from jixiao.security.store import Probed, record_probe_results
from jixiao.security.tasks import recheck_notice
from jixiao.workdays.selectors import deadline_after
from org_tree import member
from security_web.helpers import CountingServer, client_of, office, probe_full, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> Iterator[CountingServer]:
    server = CountingServer()
    server.git_exposed = True
    yield server
    server.stop()


def _exposed(asset: Asset) -> Finding:
    probe_full(asset)
    return Finding.objects.unrestricted().get(asset=asset, check_name="exposure")


def test_a_finding_is_confirmed_notified_answered_with_evidence_rechecked_and_closed(
    world: Any, site: CountingServer, django_capture_on_commit_callbacks: Any
) -> None:
    suzhou = office("suzhou")
    asset = register(suzhou, site.url("/"))
    finding = _exposed(asset)
    staff, officer, foreign = (
        client_of("suzhou_security"),
        client_of("suzhou_officer"),
        client_of("shunping_officer"),
    )

    page = staff.get(f"/security/findings/{finding.pk}/").content.decode()
    assert "敏感文件可被下载" in page  # the title from the catalogue, in Chinese
    assert "为什么要紧" in page
    assert "怎样整改" in page
    # A decision without a reason changes nothing.
    response = staff.post(f"/security/findings/{finding.pk}/triage/", {"decision": "confirm", "reason": ""})
    assert response.status_code == 422
    finding.refresh_from_db()
    assert finding.confirmed_at is None
    # The unit's own officer may read the finding but not judge it; a foreign unit does not see it at all.
    assert officer.get(f"/security/findings/{finding.pk}/").status_code == 200
    assert (
        officer.post(
            f"/security/findings/{finding.pk}/triage/", {"decision": "false_positive", "reason": "不是问题"}
        ).status_code
        == 403
    )
    assert foreign.get(f"/security/findings/{finding.pk}/").status_code == 404
    response = staff.post(
        f"/security/findings/{finding.pk}/triage/", {"decision": "confirm", "reason": "人工复现，确认可下载"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.confirmed_at is not None
    assert finding.status == "open"

    # Grouped into a notice to its unit, five working days from today.
    assert staff.get("/security/notices/new/", {"finding": [finding.pk]}).status_code == 200
    response = staff.post(
        "/security/notices/new/",
        {
            "finding": [finding.pk],
            "title": "关于业务系统源代码泄露的通报",
            "working_days": "5",
            "contact_name": "王工",
            "reason": "确认的严重问题",
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.unrestricted().get(title="关于业务系统源代码泄露的通报")
    assert timezone.localdate(notice.deadline) == deadline_after(timezone.localdate(), 5)
    assert officer.post(f"/security/notices/{notice.pk}/send/", {"reason": "发出"}).status_code == 403
    assert staff.post(f"/security/notices/{notice.pk}/send/", {"reason": "限期整改"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "notified"

    # The unit answers through its own sign-in, with evidence; a foreign unit can neither see nor answer.
    assert foreign.get(f"/security/notices/{notice.pk}/").status_code == 404
    assert foreign.post(f"/security/notices/{notice.pk}/answer/", {"text": "x"}).status_code == 404
    page = officer.get(f"/security/notices/{notice.pk}/").content.decode()
    assert "反馈整改情况" in page
    assert officer.post(f"/security/notices/{notice.pk}/answer/", {"text": ""}).status_code == 422
    evidence = SimpleUploadedFile(
        "整改说明.txt", "已删除 .git 目录并更换口令\n".encode(), content_type="text/plain"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"/security/notices/{notice.pk}/answer/",
            {"text": "已删除 .git 目录，更换了泄露的口令", "files": [evidence]},
        )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "awaiting_verification"
    [stored] = NoticeEvidence.objects.unrestricted().filter(answer__notice=notice)
    download = officer.get(f"/security/evidence/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "已删除 .git 目录并更换口令\n".encode()  # type: ignore[attr-defined]
    assert foreign.get(f"/security/evidence/{stored.pk}/").status_code == 404
    # The answer asked for a re-check through the pipeline (a task for a worker).
    assert DBTaskResult.objects.filter(task_path=recheck_notice.module_path).exists()

    # The site is fixed; the staff re-checks now: the finding is verified and the notice closes.
    site.git_exposed = False
    assert officer.post(f"/security/notices/{notice.pk}/recheck/", {"reason": "复核"}).status_code == 403
    assert (
        staff.post(f"/security/notices/{notice.pk}/recheck/", {"reason": "单位已反馈整改"}).status_code == 302
    )
    finding.refresh_from_db()
    notice.refresh_from_db()
    assert (finding.status, notice.status) == ("verified_fixed", "closed")
    assert site.hits.get("/", 0) >= 2  # probed on loopback, before and after
    page = staff.get(f"/security/notices/{notice.pk}/").content.decode()
    assert "已办结" in page
    assert "整改说明.txt" in page


def test_a_false_positive_is_dismissed_with_a_reason_and_stays_dismissed(
    world: Any, site: CountingServer
) -> None:
    asset = register(office("suzhou"), site.url("/"))
    finding = _exposed(asset)
    staff = client_of("suzhou_security")
    assert (
        staff.post(
            f"/security/findings/{finding.pk}/triage/", {"decision": "false_positive", "reason": ""}
        ).status_code
        == 422
    )
    response = staff.post(
        f"/security/findings/{finding.pk}/triage/",
        {"decision": "false_positive", "reason": "该文件为公开的示例配置，不含敏感信息"},
    )
    assert response.status_code == 302
    probe_full(asset)  # seen again: a person's judgement holds
    finding.refresh_from_db()
    assert finding.status == "false_positive"
    assert (
        AuditEvent.objects.unrestricted()
        .filter(
            action="finding.false_positive",
            object_id=finding.pk,
            reason="该文件为公开的示例配置，不含敏感信息",
        )
        .exists()
    )
    listed = staff.get("/security/findings/").content.decode()
    assert f"/security/findings/{finding.pk}/" not in listed  # live findings only, by default
    assert (
        f"/security/findings/{finding.pk}/"
        in staff.get("/security/findings/?status=false_positive").content.decode()
    )


def _down(asset: Asset, rounds: int = 3) -> None:
    from security_helpers import result

    start = timezone.now() - dt.timedelta(minutes=10)
    for n in range(rounds):
        at = start + dt.timedelta(seconds=n)
        record_probe_results([Probed(asset, result(asset, ok=False), finished=at)], run_started=at)


def test_an_outage_opens_an_incident_on_the_clock_that_the_unit_acknowledges_and_resolves(world: Any) -> None:
    asset = register(office("suzhou"), "http://127.0.0.1:9/", name="测试门户网站")
    _down(asset)
    jobs.process_monitor_events()
    incident = Incident.objects.unrestricted().get(asset=asset)
    assert incident.incident_class == "key"
    staff, officer, foreign = (
        client_of("suzhou_security"),
        client_of("suzhou_officer"),
        client_of("shunping_head"),
    )
    page = staff.get(f"/security/incidents/{incident.pk}/").content.decode()
    assert (
        f'data-due="{incident.due_at.isoformat()}"' in page
    )  # the clock counts down to the server's deadline
    assert "处置时限 6 小时" in page
    assert "security/security.js" in page
    assert "<script>" not in page
    assert "测试门户网站" in staff.get("/security/").content.decode()  # on the board, down
    assert foreign.get(f"/security/incidents/{incident.pk}/").status_code == 404
    assert (
        staff.post(f"/security/incidents/{incident.pk}/acknowledge/", {"reason": "收到"}).status_code == 403
    )
    assert officer.post(f"/security/incidents/{incident.pk}/acknowledge/", {"reason": ""}).status_code == 422
    assert (
        officer.post(f"/security/incidents/{incident.pk}/acknowledge/", {"reason": "运维已到场"}).status_code
        == 302
    )
    assert (
        officer.post(f"/security/incidents/{incident.pk}/resolve/", {"reason": "服务器已恢复"}).status_code
        == 302
    )
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert incident.within_sla
    page = staff.get(f"/security/incidents/{incident.pk}/").content.decode()
    assert "运维已到场" in page
    assert "服务器已恢复" in page
    listing = staff.get("/security/incidents/?state=all").content.decode()
    assert 'id="mttr-data"' in listing  # the MTTR chart's figures, as JSON beside it
    assert "重点网络安全事件" in listing


def test_a_warning_goes_to_many_units_and_shows_who_read_it_when(world: Any) -> None:
    suzhou = office("suzhou")
    units = [
        do_create_unit(name, parent=suzhou, acting_user=SYSTEM, reason="测试准备")
        for name in ("市教育局", "市卫健委")
    ]
    member("edu_head", units[0], "head")
    member("health_editor", units[1], "editor")
    staff = client_of("suzhou_security")
    response = staff.post(
        "/security/warnings/new/",
        {
            "title": "关于防范勒索病毒的预警",
            "body": "请立即修补远程桌面漏洞。",
            "severity": "high",
            "issuer": suzhou.pk,
            "recipients": [u.pk for u in units],
            "reason": "发布预警",
        },
    )
    assert response.status_code == 302
    warning = SecurityWarning.objects.unrestricted().get(title="关于防范勒索病毒的预警")
    edu = client_of("edu_head")
    assert edu.get(f"/security/warnings/{warning.pk}/").status_code == 404  # a draft is the issuer's
    assert staff.post(f"/security/warnings/{warning.pk}/publish/", {"reason": "情况紧急"}).status_code == 302
    page = edu.get(f"/security/warnings/{warning.pk}/").content.decode()
    assert "市教育局确认已阅读" in page
    assert "市卫健委" not in page  # a recipient sees its own confirmation, not the others'
    assert edu.post(f"/security/warnings/{warning.pk}/confirm/", {"unit": units[0].pk}).status_code == 302
    assert edu.post(f"/security/warnings/{warning.pk}/confirm/", {"unit": units[1].pk}).status_code == 403
    page = staff.get(f"/security/warnings/{warning.pk}/").content.decode()
    assert "阅读确认：1 / 2" in page
    assert "未确认" in page  # 市卫健委 has not
    assert client_of("shunping_officer").get(f"/security/warnings/{warning.pk}/").status_code == 404


def test_the_monthly_report_is_generated_published_and_downloaded(world: Any) -> None:
    suzhou = office("suzhou")
    staff = client_of("suzhou_security")
    today = timezone.localdate()
    response = staff.post(
        "/security/reports/", {"unit": suzhou.pk, "year": today.year, "month": today.month, "reason": "月度"}
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.unrestricted().get(unit=suzhou, year=today.year, month=today.month)
    assert report.data["current"]["assets_registered"] >= 1
    assert (
        client_of("suzhou_officer")
        .post(f"/security/reports/{report.pk}/publish/", {"reason": "x"})
        .status_code
        == 403
    )
    assert staff.post(f"/security/reports/{report.pk}/publish/", {"reason": "已审阅"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "published"
    docx = staff.get(f"/security/reports/{report.pk}/docx/")
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"
    xlsx = staff.get(f"/security/reports/{report.pk}/xlsx/")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None
    assert any("网络安全月报" in str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    pdf = staff.get(f"/security/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf.content[:4] == b"%PDF"
    assert client_of("shunping_security").get(f"/security/reports/{report.pk}/docx/").status_code == 404


def test_the_notice_indicator_shows_its_live_value_and_the_records_behind_it(world: Any) -> None:
    suzhou = office("suzhou")
    indicator = (
        Indicator.objects.unrestricted()
        .filter(project__unit=suzhou, name="通报网络安全风险和事件", horizon="annual")
        .select_related("project")
        .first()
    )
    assert indicator is not None
    # The seed project is of 2023; the demo's notices are of this year: count this year's work for it.
    Project.objects.unrestricted().filter(pk=indicator.project_id).update(year=timezone.localdate().year)
    notified = (
        Finding.objects.unrestricted()
        .filter(notices__unit=suzhou, notices__status__in=["sent", "closed"])
        .distinct()
    )
    expected = notified.count()
    assert expected >= 1
    staff = client_of("suzhou_security")
    page = staff.get(f"/security/indicators/{indicator.pk}/").content.decode()
    assert f"{expected} 起" in page
    for finding in notified:
        assert f"/security/findings/{finding.pk}/" in page
    project_page = client_of("suzhou_officer").get(f"/projects/{indicator.project_id}/").content.decode()
    assert f"/security/indicators/{indicator.pk}/" in project_page
    assert f"{expected} 起" in project_page
    home = client_of("suzhou_officer").get("/").content.decode()
    assert 'data-testid="security-tiles"' in home
    assert client_of("shunping_officer").get(f"/security/indicators/{indicator.pk}/").status_code == 404
