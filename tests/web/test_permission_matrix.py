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
