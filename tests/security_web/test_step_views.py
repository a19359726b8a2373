"""The one-step pages of the security records (send and re-check a notice, publish and withdraw a warning, the
steps of an incident, publish a monthly report): who may, what a missing reason answers, what a refused step
answers, and that a refused or incomplete step changes nothing (Django's test client, the demo's records)."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.security.models import Incident, MonthlyReport, Notice, SecurityWarning
from security_web.helpers import client_of, office

pytestmark = pytest.mark.django_db


def _events() -> int:
    return AuditEvent.objects.unrestricted().count()


def test_notice_steps_without_a_reason_show_the_notice_again_and_a_refused_step_says_why(world: Any) -> None:
    suzhou = office("suzhou")
    notice = Notice.objects.unrestricted().filter(unit=suzhou, status="sent").order_by("pk").first()
    assert notice is not None
    staff, officer = client_of("suzhou_security"), client_of("suzhou_officer")
    before = _events()

    for step in ("send", "recheck"):
        response = staff.post(f"/security/notices/{notice.pk}/{step}/", {"reason": ""})
        assert response.status_code == 422
        page = response.content.decode()
        assert notice.title in page  # the notice's own page, not an error page
        assert "操作未完成" not in page
        assert officer.post(f"/security/notices/{notice.pk}/{step}/", {"reason": "x"}).status_code == 403

    # Already sent: the action refuses, the page says so in Chinese.
    response = staff.post(f"/security/notices/{notice.pk}/send/", {"reason": "再次发出"})
    assert response.status_code == 422
    assert "操作未完成" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert _events() == before
    assert (
        client_of("shunping_security")
        .post(f"/security/notices/{notice.pk}/send/", {"reason": "x"})
        .status_code
        == 404
    )


def test_warning_steps_check_the_issuer_first_then_the_verb_then_the_reason(world: Any) -> None:
    suzhou = office("suzhou")
    warning = SecurityWarning.objects.unrestricted().filter(issuer=suzhou, status="published").first()
    assert warning is not None
    staff, officer = client_of("suzhou_security"), client_of("suzhou_officer")
    before = _events()

    assert staff.post(f"/security/warnings/{warning.pk}/bogus/", {"reason": "x"}).status_code == 404
    response = officer.post(f"/security/warnings/{warning.pk}/bogus/", {"reason": "x"})
    assert response.status_code == 403  # a recipient, not the issuer: refused before the verb is looked at
    response = staff.post(f"/security/warnings/{warning.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 422
    assert "请填写原因" in response.content.decode()
    response = staff.post(f"/security/warnings/{warning.pk}/publish/", {"reason": "再发一次"})
    assert response.status_code == 422  # already published
    assert "操作未完成" in response.content.decode()
    assert _events() == before

    response = staff.post(f"/security/warnings/{warning.pk}/withdraw/", {"reason": "误发"})
    assert response.status_code == 302
    assert response["Location"] == f"/security/warnings/{warning.pk}/"
    warning.refresh_from_db()
    assert warning.status == "withdrawn"


def test_incident_steps_look_at_the_step_first_then_the_unit_then_the_reason(world: Any) -> None:
    suzhou = office("suzhou")
    incident = Incident.objects.unrestricted().filter(unit=suzhou).exclude(status="resolved").first()
    if incident is None:  # every demo outage of this office is handled: the other office's then
        incident = Incident.objects.unrestricted().exclude(status="resolved").select_related("unit").first()
    assert incident is not None
    prefix = "suzhou" if incident.unit_id == suzhou.pk else "shunping"
    staff, officer = client_of(f"{prefix}_security"), client_of(f"{prefix}_officer")
    before = _events()

    assert staff.post(f"/security/incidents/{incident.pk}/bogus/", {"reason": "x"}).status_code == 404
    response = staff.post(f"/security/incidents/{incident.pk}/contain/", {"reason": "x"})
    assert response.status_code == 403  # the security staff watches; the responsible unit handles
    response = officer.post(f"/security/incidents/{incident.pk}/contain/", {"reason": ""})
    assert response.status_code == 422
    assert "请填写处置说明" in response.content.decode()
    assert _events() == before

    response = officer.post(f"/security/incidents/{incident.pk}/resolve/", {"reason": "已恢复"})
    assert response.status_code == 302
    assert response["Location"] == f"/security/incidents/{incident.pk}/"
    before = _events()
    response = officer.post(f"/security/incidents/{incident.pk}/resolve/", {"reason": "再次处置"})
    assert response.status_code == 422  # already resolved
    assert "操作未完成" in response.content.decode()
    assert _events() == before


def test_report_publish_asks_for_a_reason_and_refuses_a_published_report(world: Any) -> None:
    suzhou = office("suzhou")
    draft = MonthlyReport.objects.unrestricted().get(unit=suzhou, status="draft")
    published = MonthlyReport.objects.unrestricted().filter(unit=suzhou, status="published").first()
    assert published is not None
    staff = client_of("suzhou_security")
    before = _events()

    response = staff.post(f"/security/reports/{draft.pk}/publish/", {"reason": " "})
    assert response.status_code == 422
    assert "请填写发布原因" in response.content.decode()
    response = staff.post(f"/security/reports/{published.pk}/publish/", {"reason": "再发布"})
    assert response.status_code == 422
    assert "操作未完成" in response.content.decode()
    assert (
        client_of("suzhou_officer")
        .post(f"/security/reports/{draft.pk}/publish/", {"reason": "x"})
        .status_code
        == 403
    )
    assert _events() == before
    draft.refresh_from_db()
    assert draft.status == "draft"
