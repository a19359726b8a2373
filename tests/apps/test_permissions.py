"""Row-level permission: a role on a unit counts on its subtree; sibling offices never see each other."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actions import do_create_unit
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import can, units_for
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.models import Indicator, Project

Form = Callable[[], FormDocument]


@pytest.fixture
def both_imported(suzhou: Unit, shunping: Unit, security_form: Form, office_form: Form) -> None:
    do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="seed")


@pytest.mark.usefixtures("both_imported")
def test_an_office_member_sees_only_their_office(suzhou_viewer: User) -> None:
    assert list(Project.objects.restrict(suzhou_viewer, "view").values_list("name", flat=True)) == [
        "网络安全和信息化工作经费"
    ]
    assert {i.project.unit.name for i in Indicator.objects.restrict(suzhou_viewer, "view")} == {
        "中共宿州市委网络安全和信息化委员会办公室"
    }


@pytest.mark.usefixtures("both_imported")
def test_a_finance_bureau_member_sees_every_office(bureau_editor: User) -> None:
    assert Project.objects.restrict(bureau_editor, "view").count() == 2
    assert Indicator.objects.restrict(bureau_editor, "view").count() == 17


@pytest.mark.usefixtures("both_imported")
def test_a_superuser_sees_everything_and_a_stranger_nothing(superuser: User, outsider: User) -> None:
    assert Project.objects.restrict(superuser, "view").count() == 2
    assert Project.objects.restrict(outsider, "view").count() == 0
    assert Project.objects.restrict(AnonymousUser(), "view").count() == 0
    assert Project.objects.restrict(None, "view").count() == 0


@pytest.mark.usefixtures("both_imported")
def test_a_viewer_may_not_change_and_an_inactive_user_may_not_view(suzhou_viewer: User, suzhou: Unit) -> None:
    assert Project.objects.restrict(suzhou_viewer, "change").count() == 0
    suzhou_viewer.is_active = False
    suzhou_viewer.save()
    assert Project.objects.restrict(suzhou_viewer, "view").count() == 0
    assert not can(suzhou_viewer, "view", suzhou)


def test_a_role_counts_on_the_whole_subtree_but_not_upwards(
    suzhou: Unit, root: Unit, suzhou_editor: User
) -> None:
    division = do_create_unit("网络安全科", parent=suzhou, acting_user=SYSTEM, reason="setup")

    assert set(units_for(suzhou_editor, "change")) == {suzhou, division}
    assert can(suzhou_editor, "change", division)
    assert not can(suzhou_editor, "view", root)


def test_the_audit_log_is_scoped_like_the_data(
    suzhou: Unit, shunping: Unit, suzhou_viewer: User, security_form: Form, office_form: Form
) -> None:
    do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="seed")

    visible = AuditEvent.objects.restrict(suzhou_viewer, "view")
    assert {e.unit for e in visible} == {suzhou}
    assert visible.filter(action="project.created").count() == 1


def test_an_office_editor_may_import_into_their_office(
    suzhou: Unit, suzhou_editor: User, security_form: Form
) -> None:
    result = do_import_forms([security_form()], acting_user=suzhou_editor, reason="intake")

    assert result.created[0].unit == suzhou


def test_an_office_editor_may_not_import_into_another_office(
    suzhou: Unit, shunping: Unit, suzhou_editor: User, office_form: Form
) -> None:
    with pytest.raises(PermissionDenied, match="suzhou_editor 无权修改单位“224001"):
        do_import_forms([office_form()], acting_user=suzhou_editor, reason="intake")

    with pytest.raises(PermissionDenied):
        do_import_forms([office_form()], acting_user=suzhou_editor, reason="intake", unit=shunping)

    assert Project.objects.unrestricted().count() == 0


def test_a_viewer_may_not_import(suzhou: Unit, suzhou_viewer: User, security_form: Form) -> None:
    with pytest.raises(PermissionDenied):
        do_import_forms([security_form()], acting_user=suzhou_viewer, reason="intake")


def test_a_project_code_cannot_pull_another_offices_project_across(
    suzhou: Unit, shunping: Unit, suzhou_editor: User, office_form: Form
) -> None:
    do_import_forms([office_form()], acting_user=SYSTEM, reason="seed")

    with pytest.raises(PermissionDenied):
        do_import_forms([office_form()], acting_user=suzhou_editor, reason="takeover", unit=suzhou)

    assert Project.objects.unrestricted().get().unit == shunping


def test_a_finance_bureau_editor_may_import_into_both_offices(
    suzhou: Unit, shunping: Unit, bureau_editor: User, security_form: Form, office_form: Form
) -> None:
    result = do_import_forms([security_form(), office_form()], acting_user=bureau_editor, reason="intake")

    assert {p.unit for p in result.created} == {suzhou, shunping}


def test_an_office_editor_may_not_create_a_new_unit_by_importing(
    suzhou: Unit, suzhou_editor: User, office_form: Form
) -> None:
    with pytest.raises(PermissionDenied):
        do_import_forms([office_form()], acting_user=suzhou_editor, reason="intake")

    assert not Unit.objects.unrestricted().filter(code="224001").exists()
