"""The permission matrix of the target declaration pages: every URL they add, as every demo role of the own
unit and of a foreign unit, and signed out. What a person may not see answers 404, what they see but may not
change answers 403, and nothing of a foreign unit is shown."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from web_helpers import DEMO_USERNAMES, World, user

from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.adjustments import do_propose_target_adjustment
from jixiao.performance.actions.targets import IndicatorDraft
from jixiao.performance.models import Indicator, Project, TargetAdjustment

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
SEES_BOTH = {"finance", "auditor", "admin"}
# What each role may do on its own unit's approved project (the demo approves every declaration).
CHANGES = {"suzhou_officer", "suzhou_head", "shunping_officer", "shunping_head", "admin"}
REVIEWS = {"suzhou_reviewer", "shunping_reviewer", "finance", "admin"}


def propose(project: Project) -> TargetAdjustment:
    """An adjustment of the project's first annual indicator, proposed by the system."""
    rows = [
        IndicatorDraft(i.horizon, i.level1, i.level2, i.name, i.target_raw, i.weight, i.pk)
        for i in Indicator.objects.unrestricted()
        .filter(project=project, withdrawn=False)
        .order_by("order", "-horizon", "pk")
    ]
    first = next(n for n, r in enumerate(rows) if r.horizon == "annual" and r.name)
    row = rows[first]
    rows[first] = IndicatorDraft(
        row.horizon, row.level1, row.level2, f"{row.name}（调整）", row.target, row.weight
    )
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        return do_propose_target_adjustment(project, rows, acting_user=SYSTEM, reason="测试：调整指标名称")


def answers(
    project: Project, adjustment: TargetAdjustment, role: str | None
) -> list[tuple[str, str, dict, int]]:
    """(method, url, data, expected status) for ``role`` on the own unit (``None``: a foreign unit's)."""
    base = f"/projects/{project.pk}"
    changes = role in CHANGES
    reviews = role in REVIEWS

    def own(allowed: bool, ok: int = 200) -> int:
        return ok if allowed else 403

    if role is None:
        return [
            ("get", f"{base}/targets/", {}, 404),
            ("post", f"{base}/targets/check/", {}, 404),
            ("post", f"{base}/targets/submit/", {}, 404),
            ("get", f"{base}/targets/review/", {}, 404),
            ("post", f"{base}/targets/review/", {"decision": "approve"}, 404),
            ("get", f"{base}/adjustments/{adjustment.pk}/", {}, 404),
            ("post", f"{base}/adjustments/{adjustment.pk}/", {"decision": "approve", "reason": ""}, 404),
        ]
    return [
        ("get", f"{base}/targets/", {}, own(changes)),
        ("post", f"{base}/targets/check/", {}, own(changes)),
        ("post", f"{base}/targets/submit/", {}, own(changes, 409)),  # approved: nothing to submit
        ("get", f"{base}/targets/review/", {}, own(reviews)),
        ("post", f"{base}/targets/review/", {"decision": "approve"}, own(reviews, 422)),
        ("get", f"{base}/adjustments/{adjustment.pk}/", {}, 200),
        (
            "post",
            f"{base}/adjustments/{adjustment.pk}/",
            {"decision": "approve", "reason": ""},
            own(reviews, 422),
        ),
    ]


def test_signed_out_every_target_page_sends_to_the_sign_in_page(world: World) -> None:
    adjustment = propose(world.suzhou_project)
    client = Client()
    urls = [u for _, u, _, _ in answers(world.suzhou_project, adjustment, "admin")]
    urls += [
        "/projects/new/",
        "/projects/new/check/",
        "/projects/targets/row/",
        "/imports/",
        "/imports/batches/1/",
    ]
    urls += ["/imports/abcdefghijklmnopqrstuvwxyz/"]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(f"{SIGN_IN}?next="), url


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_role_may_do_on_the_targets_what_its_role_allows_and_nothing_abroad(
    world: World, username: str
) -> None:
    suzhou_adjustment = propose(world.suzhou_project)
    shunping_adjustment = propose(world.shunping_project)
    assert world.suzhou_project.target_status == "approved"
    client = Client()
    client.force_login(user(username))
    if username in SEES_BOTH:
        checks = answers(world.suzhou_project, suzhou_adjustment, username)
        checks += answers(world.shunping_project, shunping_adjustment, username)
        foreign_unit = None
    else:
        own, foreign = world.own_and_foreign(username)
        assert own is not None
        assert foreign is not None
        adjustments = {
            world.suzhou_project.pk: suzhou_adjustment,
            world.shunping_project.pk: shunping_adjustment,
        }
        checks = answers(own, adjustments[own.pk], username) + answers(foreign, adjustments[foreign.pk], None)
        foreign_unit = foreign.unit.name

    for method, url, data, expected in checks:
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (username, method, url, response.status_code)
        if foreign_unit is not None:
            assert foreign_unit.encode() not in response.content, (username, url)

    may_declare = username in CHANGES
    for url in ("/projects/new/", "/imports/"):
        response = client.get(url)
        assert response.status_code == (200 if may_declare else 403), (username, url)
        if foreign_unit is not None:
            assert foreign_unit.encode() not in response.content, (username, url)
    assert client.post("/projects/new/check/", {}).status_code == (200 if may_declare else 403)
    assert client.get("/projects/targets/row/").status_code == 200  # an empty row: nothing of anyone's
    # Nobody reaches another person's staged upload, nor an unknown one.
    assert client.get("/imports/abcdefghijklmnopqrstuvwxyz/").status_code == (404 if may_declare else 403)
    # The project page shows the declaration and only the steps this person may take.
    own_project = world.own_and_foreign(username)[0] or world.suzhou_project
    page = client.get(f"/projects/{own_project.pk}/").content.decode()
    assert "绩效目标申报" in page
    assert ("申请调整" in page) == may_declare
    assert (
        f"/adjustments/{suzhou_adjustment.pk if own_project == world.suzhou_project else shunping_adjustment.pk}/"
        in page
    )
