"""The admin: changelists scoped to the viewer's units, projects and the audit log read-only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actions import do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.targets import do_submit_targets
from jixiao.performance.models import Project

Form = Callable[[], FormDocument]
SUZHOU_PROJECT = "网络安全和信息化工作经费"
SHUNPING_PROJECT = "网络信息办公专项经费"


@pytest.fixture
def both_imported(suzhou: Unit, shunping: Unit, security_form: Form, office_form: Form) -> None:
    do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="seed")


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.mark.usefixtures("both_imported")
def test_an_office_viewer_sees_only_their_projects_in_the_changelist(
    client: Client, suzhou_viewer: User
) -> None:
    response = logged_in(client, suzhou_viewer).get("/admin/performance/project/")

    assert response.status_code == 200
    content = response.content.decode()
    assert SUZHOU_PROJECT in content
    assert SHUNPING_PROJECT not in content


@pytest.mark.usefixtures("both_imported")
def test_an_office_viewer_cannot_open_another_offices_project(client: Client, suzhou_viewer: User) -> None:
    other = Project.objects.unrestricted().get(name=SHUNPING_PROJECT)

    response = logged_in(client, suzhou_viewer).get(f"/admin/performance/project/{other.pk}/change/")

    assert (
        response.status_code == 302
    )  # the admin redirects a missing (here: out of scope) object to its index
    assert Project.objects.unrestricted().filter(pk=other.pk).exists()


@pytest.mark.usefixtures("both_imported")
def test_a_project_page_shows_its_indicators_read_only(client: Client, suzhou_viewer: User) -> None:
    own = Project.objects.unrestricted().get(name=SUZHOU_PROJECT)

    response = logged_in(client, suzhou_viewer).get(f"/admin/performance/project/{own.pk}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "全市网络资产监测" in content
    assert "≥150家" in content
    assert 'name="_save"' not in content


@pytest.mark.usefixtures("both_imported")
def test_a_finance_bureau_member_sees_both_offices(client: Client, bureau_editor: User) -> None:
    content = logged_in(client, bureau_editor).get("/admin/performance/project/").content.decode()

    assert SUZHOU_PROJECT in content
    assert SHUNPING_PROJECT in content


@pytest.mark.usefixtures("both_imported")
def test_a_staff_user_without_a_role_sees_no_jixiao_models(client: Client, outsider: User) -> None:
    client = logged_in(client, outsider)

    assert client.get("/admin/performance/project/").status_code == 403
    assert "/admin/performance/project/" not in client.get("/admin/").content.decode()


@pytest.mark.usefixtures("both_imported")
def test_the_audit_log_is_scoped_and_cannot_be_edited(client: Client, suzhou_viewer: User) -> None:
    client = logged_in(client, suzhou_viewer)
    content = client.get("/admin/audit/auditevent/").content.decode()
    other = AuditEvent.objects.unrestricted().get(action="project.created", unit__code="224001")
    own = AuditEvent.objects.unrestricted().get(
        action="project.created", unit__name__startswith="中共宿州市委"
    )

    assert SUZHOU_PROJECT in content
    assert f"/admin/audit/auditevent/{other.pk}/" not in content
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.unrestricted().filter(pk=own.pk).exists()


def test_a_unit_admin_adds_a_child_unit_through_the_audited_action(
    client: Client, suzhou: Unit, shunping: Unit
) -> None:
    admin_user = User.objects.create_user("suzhou_admin", is_staff=True)
    do_grant_membership(admin_user, suzhou, RoleChoices.ADMIN, acting_user=SYSTEM, reason="setup")
    client = logged_in(client, admin_user)

    response = client.post(
        "/admin/orgs/unit/add/",
        {
            "name": "网络安全科",
            "code": "",
            "kind": "division",
            "parent": suzhou.pk,
            "reason": "新设科室",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
        },
    )
    refused = client.post(
        "/admin/orgs/unit/add/",
        {
            "name": "越权科室",
            "code": "",
            "kind": "division",
            "parent": shunping.pk,
            "reason": "try",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    division = Unit.objects.unrestricted().get(name="网络安全科")
    assert division.path == f"{suzhou.path}{division.pk}/"
    event = AuditEvent.objects.unrestricted().get(action="unit.created", object_id=division.pk)
    assert (event.actor, event.reason) == (admin_user, "新设科室")
    assert refused.status_code == 200  # the form comes back: shunping is not a choice for this admin
    assert not Unit.objects.unrestricted().filter(name="越权科室").exists()


@pytest.mark.usefixtures("both_imported")
def test_a_proposed_target_adjustment_shows_its_lines_read_only_to_its_unit_only(
    client: Client, suzhou_viewer: User, security_form: Form
) -> None:
    own = Project.objects.unrestricted().get(name=SUZHOU_PROJECT)
    do_submit_targets(own, acting_user=SYSTEM)
    changed = security_form()
    index = next(i for i, ind in enumerate(changed.indicators) if ind.target.raw == "≥150家")
    changed.indicators[index] = replace(
        changed.indicators[index],
        target=replace(changed.indicators[index].target, raw="≥160家", value=Decimal(160)),
    )
    adjustment = do_import_forms([changed], acting_user=SYSTEM, reason="新版").proposed[0]

    response = logged_in(client, suzhou_viewer).get(
        f"/admin/performance/targetadjustment/{adjustment.pk}/change/"
    )
    listing = logged_in(client, suzhou_viewer).get("/admin/performance/targetadjustment/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "≥150家" in content
    assert "≥160家" in content
    assert 'name="_save"' not in content
    assert listing.status_code == 200
    assert SUZHOU_PROJECT in listing.content.decode()
    shunping_viewer = User.objects.create_user("shunping_viewer", password="pw", is_staff=True)
    do_grant_membership(
        shunping_viewer,
        Unit.objects.unrestricted().get(code="224001"),
        RoleChoices.VIEWER,
        acting_user=SYSTEM,
        reason="t",
    )
    other = Client()
    other.force_login(shunping_viewer)
    # Out of scope: the admin treats it as missing and redirects to its index.
    assert other.get(f"/admin/performance/targetadjustment/{adjustment.pk}/change/").status_code == 302
