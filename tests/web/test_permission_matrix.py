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
