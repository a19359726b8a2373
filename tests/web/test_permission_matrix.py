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


LISTS = [
    "/",
    "/inbox/",
    "/inbox/?step=TO_REVIEW",
    "/projects/",
    "/projects/?export=xlsx",
    "/reports/",
    "/projects/?sort=-light&q=经费",
]


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


# --- the results grid, evidence and spending pages (performance/urls.py: Results, Spending) ----------------

# The roles allowed to change, submit and review in the demo (ROLES_FOR_ACTION): an office's officer and
# head change and submit; the bureau's reviewer, finance and the administrator review.
CHANGES = {"suzhou_officer", "suzhou_head", "shunping_officer", "shunping_head", "admin"}
REVIEWS = {"suzhou_reviewer", "shunping_reviewer", "finance", "admin"}


def result_pages(project: Project) -> list[str]:
    return [f"/projects/{project.pk}/results/month-7/", f"/projects/{project.pk}/spending/"]


def result_posts(project: Project, evidence_pk: int, result_pk: int) -> list[tuple[str, str, int]]:
    """(url, who may, answer when allowed) for each change; the data changes nothing where it is allowed
    (no cell, no selection, no decision, no file, an amount that is not one), except the removal, last."""
    return [
        (f"/projects/{project.pk}/results/month-7/", "change", 302),
        (f"/projects/{project.pk}/results/month-7/submit/", "change", 302),
        (f"/projects/{project.pk}/results/month-7/approve/", "review", 302),
        (f"/results/{result_pk}/review/", "review", 302),
        (f"/results/{result_pk}/evidence/", "change", 302),
        (f"/projects/{project.pk}/spending/expenditures/", "change", 422),
        (f"/projects/{project.pk}/spending/adjustments/", "change", 422),
        (f"/evidence/{evidence_pk}/remove/", "change", 302),
    ]


POST_DATA = {"expenditure-amount": "很多", "expenditure-month": "3", "adjustment-amount": "0", "result": "0"}


def test_signed_out_the_results_and_spending_pages_send_to_the_sign_in_page(world: World) -> None:
    client = Client()
    evidence = world.suzhou_evidence
    for url in result_pages(world.suzhou_project):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SIGN_IN}?next="), url
    for url, _who, _answer in result_posts(world.suzhou_project, evidence.pk, evidence.result_id):
        response = client.post(url, POST_DATA)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SIGN_IN}?next="), url


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_role_reads_and_changes_results_and_spending_only_as_its_role_allows(
    world: World, username: str
) -> None:
    client = Client()
    client.force_login(user(username))
    offices = {
        world.suzhou_project.pk: (world.suzhou_project, world.suzhou_evidence),
        world.shunping_project.pk: (world.shunping_project, world.shunping_evidence),
    }
    own, foreign = world.own_and_foreign(username)
    visible = list(offices.values()) if own is None else [offices[own.pk]]
    hidden = [] if foreign is None else [offices[foreign.pk]]

    for project, evidence in hidden:
        for url in result_pages(project):
            assert client.get(url).status_code == 404, (username, url)
        for url, _who, _answer in result_posts(project, evidence.pk, evidence.result_id):
            response = client.post(url, POST_DATA)
            assert response.status_code == 404, (username, url)
            assert "页面不存在".encode() in response.content
    for project, evidence in visible:
        for url in result_pages(project):
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            if foreign is not None:
                assert foreign.unit.name.encode() not in response.content, (username, url)
        for url, who, answer in result_posts(project, evidence.pk, evidence.result_id):
            allowed = username in (CHANGES if who == "change" else REVIEWS)
            expected = answer if allowed else 403
            assert client.post(url, POST_DATA).status_code == expected, (username, url)


# --- the year's review pages: monitoring rounds and tasks, self-evaluation, rectification, locks, the zip ---------

ROLE_ACTIONS = {
    "officer": {"view", "change", "submit"},
    "head": {"view", "change", "submit"},
    "reviewer": {"view", "review"},
    "finance": {"view", "review", "finance"},
    "auditor": {"view"},
    "admin": {"view", "change", "submit", "review", "finance"},
}


def _role(username: str) -> str:
    return username.rsplit("_", 1)[-1]


def year_rows(project: Project) -> dict[str, int]:
    """A rectification item with an evidence file, a lock and a lock exception of ``project``'s unit, and a
    monitoring task asked of that unit alone (made by the system, as test setup)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings
    from django.utils import timezone

    from jixiao.orgs.actors import SYSTEM
    from jixiao.performance.actions.locks import do_grant_lock_exception
    from jixiao.performance.actions.rectification import (
        do_attach_rectification_evidence,
        do_open_rectification,
    )
    from jixiao.performance.actions.results import do_lock_period
    from jixiao.performance.actions.tasks import do_issue_monitoring_task
    from jixiao.performance.models import Indicator
    from jixiao.performance.periods import Period

    with override_settings(JIXIAO_STRICT_SCOPES=False):
        later = timezone.localdate() + dt.timedelta(days=20)
        item = do_open_rectification(
            project, problem="目标值偏低", requirement="重新测算", deadline=later, acting_user=SYSTEM
        )
        upload = SimpleUploadedFile("整改.txt", "整改情况\n".encode(), content_type="text/plain")
        evidence = do_attach_rectification_evidence(item, upload, acting_user=SYSTEM)
        lock = do_lock_period(project, Period.month(3), acting_user=SYSTEM, reason="一季度已报")
        exception = do_grant_lock_exception(
            project.unit,
            Period.month(3),
            timezone.now() + dt.timedelta(days=2),
            acting_user=SYSTEM,
            reason="补报",
        )
        task = do_issue_monitoring_task(
            [project.unit], year=2023, cutoff_month=7, deadline=later, acting_user=SYSTEM
        )
        indicator = Indicator.objects.unrestricted().filter(project=project, horizon="annual").first()
        assert indicator is not None
    return {
        "project": project.pk,
        "item": item.pk,
        "evidence": evidence.pk,
        "lock": lock.pk,
        "exception": exception.pk,
        "task": task.pk,
        "indicator": indicator.pk,
    }


def year_gets(rows: dict[str, int]) -> list[str]:
    p = rows["project"]
    return [
        f"/projects/{p}/monitoring/7/",
        f"/projects/{p}/evaluation/",
        f"/monitoring/tasks/{rows['task']}/",
        f"/rectification/evidence/{rows['evidence']}/",
    ]


def year_posts(rows: dict[str, int]) -> list[tuple[str, dict[str, str], str]]:
    """(url, data, the action it needs): data that a permitted person gets refused (422) or that changes
    nothing, so every role can be asked in turn."""
    p = rows["project"]
    return [
        (f"/projects/{p}/monitoring/7/entries/", {}, "change"),
        (f"/projects/{p}/monitoring/7/budget/", {"amount": "-1"}, "change"),
        (f"/projects/{p}/monitoring/7/submitted/", {}, "submit"),
        (f"/projects/{p}/monitoring/7/approved/", {}, "review"),
        (f"/projects/{p}/monitoring/7/returned/", {"reason": ""}, "review"),
        (f"/projects/{p}/evaluation/texts/", {"conclusion": "x"}, "change"),
        (f"/projects/{p}/evaluation/adjust/{rows['indicator']}/", {}, "review"),
        (f"/projects/{p}/evaluation/finalise/", {}, "review"),
        (f"/projects/{p}/evaluation/reopen/", {"reason": ""}, "review"),
        (f"/projects/{p}/rectification/new/", {}, "review"),
        (f"/rectification/{rows['item']}/answer/", {}, "submit"),
        (f"/rectification/{rows['item']}/accepted/", {}, "review"),
        (f"/rectification/{rows['item']}/returned/", {"reason": ""}, "review"),
        (f"/locks/{rows['lock']}/unlock/", {"reason": ""}, "finance"),
        (f"/locks/exceptions/{rows['exception']}/revoke/", {"reason": ""}, "finance"),
    ]


YEAR_LISTS = ["/monitoring/tasks/", "/locks/", "/reports/all.zip"]
YEAR_FORMS = [
    ("/monitoring/tasks/new/", "finance"),
    ("/locks/new/", "finance"),
    ("/locks/exceptions/new/", "finance"),
]


def test_signed_out_the_year_pages_send_to_sign_in(world: World) -> None:
    rows = year_rows(world.suzhou_project)
    client = Client()
    for url in [
        *YEAR_LISTS,
        *year_gets(rows),
        "/monitoring/tasks/new/",
        f"/projects/{rows['project']}/monitoring/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SIGN_IN}?next="), url
    for url, data, _ in year_posts(rows):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SIGN_IN}?next="), url


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_the_year_pages_answer_each_role_of_the_own_and_a_foreign_unit(world: World, username: str) -> None:
    import zipfile

    suzhou, shunping = year_rows(world.suzhou_project), year_rows(world.shunping_project)
    client = Client()
    client.force_login(user(username))
    allowed = ROLE_ACTIONS[_role(username)]
    if username in SEES_BOTH:
        own_sets, foreign_sets = [suzhou, shunping], []
        foreign_name = None
    else:
        own, foreign = world.own_and_foreign(username)
        assert own is not None
        assert foreign is not None
        own_sets, foreign_sets = (
            ([suzhou], [shunping]) if own == world.suzhou_project else ([shunping], [suzhou])
        )
        foreign_name = foreign.unit.name

    for url in YEAR_LISTS:
        response = client.get(url)
        assert response.status_code == 200, (username, url)
        content = body(response)
        if url.endswith(".zip"):
            names = zipfile.ZipFile(BytesIO(content)).namelist()
            assert names, username
            if foreign_name:
                assert not any(n.startswith(foreign_name) for n in names), username
        elif foreign_name:
            assert foreign_name.encode() not in content, (username, url)
    for url, action in YEAR_FORMS:
        response = client.get(url) if url.endswith("tasks/new/") else client.post(url, {})
        expected = (200 if url.endswith("tasks/new/") else 422) if action in allowed else 403
        assert response.status_code == expected, (username, url)

    for rows in own_sets:
        assert client.get(f"/projects/{rows['project']}/monitoring/").status_code == 302
        for url in year_gets(rows):
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            if foreign_name and not url.startswith("/rectification/evidence/"):
                assert foreign_name.encode() not in body(response), (username, url)
        for url, data, action in year_posts(rows):
            response = client.post(url, data)
            if action in allowed:
                assert response.status_code in (302, 422), (username, url, response.status_code)
            else:
                assert response.status_code == 403, (username, url, response.status_code)
    for rows in foreign_sets:
        for url in [f"/projects/{rows['project']}/monitoring/", *year_gets(rows)]:
            response = client.get(url)
            assert response.status_code == 404, (username, url)
        for url, data, _ in year_posts(rows):
            assert client.post(url, data).status_code == 404, (username, url)


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
SECURITY_ROLE_ACTIONS = {
    "editor": {"view", "change"},
    "head": {"view", "change"},
    "reviewer": {"view"},
    "finance": {"view"},
    "auditor": {"view"},
    "security": {"view", "security"},
    "admin": {"view", "change", "security"},
}


def _security_role(username: str) -> str:
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
    role = _security_role(username)
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
        if needed not in SECURITY_ROLE_ACTIONS[role]:
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
