"""Every security page answers for the security staff of the demo, in Chinese, without a code or ``None``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from jixiao.security.models import Finding, Incident, MonthlyReport, Notice, SecurityWarning

pytestmark = pytest.mark.django_db


def test_the_security_staff_opens_every_page(world: object) -> None:
    client = Client()
    client.force_login(User.objects.get(username="suzhou_security"))
    finding = Finding.objects.unrestricted().filter(asset__owner__name__contains="宿州").first()
    assert finding is not None
    notice = Notice.objects.unrestricted().filter(unit__name__contains="宿州").first()
    incident = Incident.objects.unrestricted().filter(unit__name__contains="宿州").first()
    warning = SecurityWarning.objects.unrestricted().filter(issuer__name__contains="宿州").first()
    report = MonthlyReport.objects.unrestricted().filter(unit__name__contains="宿州").first()
    assert notice is not None
    assert incident is not None
    assert warning is not None
    assert report is not None
    for url in [
        "/security/",
        "/security/board/live/",
        "/security/assets/",
        "/security/assets/new/",
        "/security/assets/import/",
        f"/security/assets/{finding.asset_id}/",
        "/security/findings/",
        f"/security/findings/{finding.pk}/",
        "/security/notices/",
        "/security/notices/?overdue=1",
        f"/security/notices/{notice.pk}/",
        "/security/warnings/",
        "/security/warnings/new/",
        f"/security/warnings/{warning.pk}/",
        "/security/incidents/",
        "/security/incidents/?state=all",
        f"/security/incidents/{incident.pk}/",
        "/security/reports/",
        f"/security/reports/{report.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "None" not in text, url
