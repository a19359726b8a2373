"""Every URL of the web app, as every demo role of its own unit and of a foreign unit, and signed out: the
answer for each, and nothing of a foreign unit shown or downloadable."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook
from web_helpers import DEMO_USERNAMES, World, user

from jixiao.performance.models import Project
from jixiao.web.documents import KINDS

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
# Who sees what: an office's people and the reviewer at its finance bureau see that office; the finance
# bureau at the top, the auditor and the administrator see both.
SEES_BOTH = {"finance", "auditor", "admin"}


def urls_of(project: Project, evidence_pk: int) -> list[str]:
    return [
        f"/projects/{project.pk}/",
        *(f"/reports/{project.pk}/{kind}/" for kind in KINDS),
        f"/evidence/{evidence_pk}/",
    ]


LISTS = ["/", "/projects/", "/projects/?export=xlsx", "/reports/", "/projects/?sort=-light&q=经费"]


def body(response: object) -> bytes:
    streaming = getattr(response, "streaming_content", None)
    return b"".join(streaming) if streaming is not None else response.content  # type: ignore[attr-defined]


def test_signed_out_every_page_sends_to_the_sign_in_page(world: World) -> None:
    client = Client()
    own = urls_of(world.suzhou_project, world.suzhou_evidence.pk)
    for url in [*LISTS, *own]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SIGN_IN}?next="), url
    assert client.get(SIGN_IN).status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # signing out is a POST


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_role_sees_its_own_unit_and_never_a_foreign_one(world: World, username: str) -> None:
    client = Client()
    client.force_login(user(username))
    suzhou = urls_of(world.suzhou_project, world.suzhou_evidence.pk)
    shunping = urls_of(world.shunping_project, world.shunping_evidence.pk)
    if username in SEES_BOTH:
        visible, hidden = suzhou + shunping, []
        foreign_marks: list[str] = []
    else:
        own, foreign = world.own_and_foreign(username)
        assert own is not None
        assert foreign is not None
        visible, hidden = (suzhou, shunping) if own == world.suzhou_project else (shunping, suzhou)
        # The foreign office's name, and a link to each of its projects (a project name alone can equal a
        # label on the page: 部门整体绩效目标 is both).
        foreign_marks = [foreign.unit.name] + [
            f'href="/projects/{pk}/"'
            for pk in Project.objects.unrestricted().filter(unit=foreign.unit).values_list("pk", flat=True)
        ]

    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        content = body(response)
        if url.endswith("xlsx"):
            continue  # read back below
        for mark in foreign_marks:
            assert mark.encode() not in content, (url, mark)
    for url in visible:
        response = client.get(url)
        assert response.status_code == 200, (username, url)
    for url in hidden:
        response = client.get(url)
        assert response.status_code == 404, (username, url)
        assert "页面不存在".encode() in body(response)
    exported = load_workbook(BytesIO(body(client.get("/projects/?export=xlsx")))).active
    assert exported is not None
    exported_units = {row[1] for row in exported.iter_rows(min_row=2, values_only=True)}
    if foreign_marks:
        assert foreign_marks[0] not in exported_units
    else:
        assert exported_units == {world.suzhou_project.unit.name, world.shunping_project.unit.name}

    assert client.get(SIGN_IN).status_code == 302  # already signed in: straight to the home page
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


# --- the security pages (/security/): every URL, as every role of its own unit and of a foreign unit -------

SECURITY_USERNAMES = [*DEMO_USERNAMES, "suzhou_security", "shunping_security"]
SECURITY_LISTS = [
    "/security/",
    "/security/board/live/",
    "/security/assets/",
    "/security/findings/",
    "/security/findings/?status=verified_fixed",
    "/security/notices/",
    "/security/notices/?overdue=1",
    "/security/warnings/",
    "/security/incidents/",
    "/security/incidents/?state=all",
    "/security/reports/",
]
# Forms that only some may open: who may (by role), everyone else 403.
SECURITY_FORMS = {
    "/security/assets/new/": {"editor", "head", "security", "admin"},
    "/security/assets/import/": {"editor", "head", "security", "admin"},
    "/security/warnings/new/": {"security", "admin"},
}
# A role's actions on its own unit (orgs.choices.ROLES_FOR_ACTION).
ROLE_ACTIONS = {
    "editor": {"view", "change"},
    "head": {"view", "change"},
    "reviewer": {"view"},
    "finance": {"view"},
    "auditor": {"view"},
    "security": {"view", "security"},
    "admin": {"view", "change", "security"},
}


def _role(username: str) -> str:
    if username == "admin":
        return "admin"
    return {"officer": "editor"}.get(username.rsplit("_", 1)[-1], username.rsplit("_", 1)[-1])


def security_urls(unit_name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The GET pages of one office's security records, and its POST endpoints with the action each needs."""
    from jixiao.performance.models import Indicator
    from jixiao.security.models import (
        Asset,
        Finding,
        Incident,
        MonthlyReport,
        Notice,
        NoticeEvidence,
        SecurityWarning,
    )

    asset = Asset.objects.unrestricted().filter(owner__name=unit_name).order_by("pk").first()
    finding = Finding.objects.unrestricted().filter(asset__owner__name=unit_name).order_by("pk").first()
    notice = Notice.objects.unrestricted().filter(unit__name=unit_name).order_by("pk").first()
    warning = SecurityWarning.objects.unrestricted().filter(issuer__name=unit_name).order_by("pk").first()
    incident = Incident.objects.unrestricted().filter(unit__name=unit_name).order_by("pk").first()
    report = MonthlyReport.objects.unrestricted().filter(unit__name=unit_name).order_by("pk").first()
    evidence = NoticeEvidence.objects.unrestricted().filter(answer__notice__unit__name=unit_name).first()
    indicator = (
        Indicator.objects.unrestricted()
        .filter(project__unit__name=unit_name, name__contains="通报")
        .order_by("pk")
        .first()
    )
    for found in (asset, finding, notice, warning, incident, report, evidence):
        assert found is not None, unit_name
    gets = [
        f"/security/assets/{asset.pk}/",  # type: ignore[union-attr]
        f"/security/findings/{finding.pk}/",  # type: ignore[union-attr]
        f"/security/notices/{notice.pk}/",  # type: ignore[union-attr]
        f"/security/evidence/{evidence.pk}/",  # type: ignore[union-attr]
        f"/security/warnings/{warning.pk}/",  # type: ignore[union-attr]
        f"/security/incidents/{incident.pk}/",  # type: ignore[union-attr]
        f"/security/reports/{report.pk}/",  # type: ignore[union-attr]
        *(f"/security/reports/{report.pk}/{fmt}/" for fmt in ("docx", "xlsx", "pdf")),  # type: ignore[union-attr]
    ]
    if indicator is not None:
        gets.append(f"/security/indicators/{indicator.pk}/")
    posts = [
        (f"/security/findings/{finding.pk}/triage/", "security"),  # type: ignore[union-attr]
        (f"/security/notices/{notice.pk}/send/", "security"),  # type: ignore[union-attr]
        (f"/security/notices/{notice.pk}/recheck/", "security"),  # type: ignore[union-attr]
        (f"/security/notices/{notice.pk}/answer/", "change"),  # type: ignore[union-attr]
        (f"/security/warnings/{warning.pk}/publish/", "security"),  # type: ignore[union-attr]
        (f"/security/warnings/{warning.pk}/withdraw/", "security"),  # type: ignore[union-attr]
        (f"/security/incidents/{incident.pk}/acknowledge/", "change"),  # type: ignore[union-attr]
        (f"/security/incidents/{incident.pk}/resolve/", "change"),  # type: ignore[union-attr]
        (f"/security/reports/{report.pk}/publish/", "security"),  # type: ignore[union-attr]
    ]
    return gets, posts


def _answer_with_evidence(unit_name: str, officer: str) -> None:
    """A unit's answer with a file on its sent notice, so the evidence download can be tried."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.security.actions.notices import do_answer_notice
    from jixiao.security.models import Notice

    notice = Notice.objects.unrestricted().filter(unit__name=unit_name, status="sent").order_by("pk").first()
    assert notice is not None
    upload = SimpleUploadedFile("整改说明.txt", "已整改\n".encode(), content_type="text/plain")
    do_answer_notice(notice, "已整改", [upload], acting_user=user(officer), recheck=False)


def test_signed_out_every_security_page_sends_to_the_sign_in_page(world: World) -> None:
    _answer_with_evidence(world.suzhou_project.unit.name, "suzhou_officer")
    client = Client()
    gets, posts = security_urls(world.suzhou_project.unit.name)
    for url in [*SECURITY_LISTS, *SECURITY_FORMS, *gets, *(u for u, _ in posts)]:
        response = client.get(url) if url not in dict(posts) else client.post(url, {"reason": "x"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SIGN_IN}?next="), url


@pytest.mark.parametrize("username", SECURITY_USERNAMES)
def test_each_role_sees_its_own_security_records_and_never_a_foreign_one(world: World, username: str) -> None:
    suzhou, shunping = world.suzhou_project.unit.name, world.shunping_project.unit.name
    _answer_with_evidence(suzhou, "suzhou_officer")
    _answer_with_evidence(shunping, "shunping_officer")
    client = Client()
    client.force_login(user(username))
    role = _role(username)
    own_gets, own_posts = security_urls(suzhou if username.startswith("suzhou") else shunping)
    foreign_gets, foreign_posts = security_urls(shunping if username.startswith("suzhou") else suzhou)
    if username in SEES_BOTH:
        own_gets, own_posts = own_gets + foreign_gets, own_posts + foreign_posts
        foreign_gets, foreign_posts, foreign_name = [], [], None
    else:
        foreign_name = shunping if username.startswith("suzhou") else suzhou

    foreign_marks = [u for u in foreign_gets if "/reports/" not in u or u.count("/") == 5]
    for url in SECURITY_LISTS:
        response = client.get(url)
        assert response.status_code == 200, (username, url)
        content = body(response)
        if foreign_name:
            assert foreign_name.encode() not in content, (username, url)
        for mark in foreign_marks:
            assert f'href="{mark}"'.encode() not in content, (username, url, mark)
    for url, roles in SECURITY_FORMS.items():
        assert client.get(url).status_code == (200 if role in roles else 403), (username, url)
    for url in own_gets:
        assert client.get(url).status_code == 200, (username, url)
    for url in foreign_gets:
        response = client.get(url)
        assert response.status_code == 404, (username, url)
    for url, needed in own_posts:
        if needed not in ROLE_ACTIONS[role]:
            assert (
                client.post(url, {"reason": "越权尝试", "text": "x", "decision": "confirm"}).status_code
                == 403
            ), (
                username,
                url,
            )
    for url, _needed in foreign_posts:
        assert (
            client.post(url, {"reason": "越权尝试", "text": "x", "decision": "confirm"}).status_code == 404
        ), (
            username,
            url,
        )
