"""Unit and membership actions: paths kept for subtree queries, permission checked, every change audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actions import do_create_unit, do_grant_membership, do_move_unit, do_revoke_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Membership, Unit


def test_it_gives_a_new_unit_a_path_of_its_ancestors(root: Unit, suzhou: Unit) -> None:
    division = do_create_unit("网络安全科", parent=suzhou, acting_user=SYSTEM, reason="setup")

    assert root.path == f"/{root.pk}/"
    assert division.path == f"/{root.pk}/{suzhou.pk}/{division.pk}/"
    assert Unit.objects.unrestricted().get(pk=division.pk).path == division.path
    assert division.ancestor_ids() == [root.pk, suzhou.pk, division.pk]
    assert set(Unit.objects.unrestricted().subtree_of(suzhou)) == {suzhou, division}


def test_moving_a_unit_rewrites_the_paths_of_its_whole_subtree(
    root: Unit, suzhou: Unit, shunping: Unit
) -> None:
    division = do_create_unit("网络安全科", parent=suzhou, acting_user=SYSTEM, reason="setup")
    team = do_create_unit("应急组", parent=division, acting_user=SYSTEM, reason="setup")

    do_move_unit(division, new_parent=shunping, acting_user=SYSTEM, reason="reorganisation")

    team.refresh_from_db()
    assert team.path == f"/{root.pk}/{shunping.pk}/{division.pk}/{team.pk}/"
    assert set(Unit.objects.unrestricted().subtree_of(shunping)) == {shunping, division, team}
    event = AuditEvent.objects.unrestricted().get(action="unit.moved")
    assert event.reason == "reorganisation"
    assert event.changes["parent"] == [str(suzhou), str(shunping)]


def test_a_unit_cannot_move_under_its_own_subtree(root: Unit, suzhou: Unit) -> None:
    division = do_create_unit("网络安全科", parent=suzhou, acting_user=SYSTEM, reason="setup")

    with pytest.raises(Exception, match="它自己或它的下级单位"):
        do_move_unit(suzhou, new_parent=division, acting_user=SYSTEM, reason="loop")


def test_only_a_superuser_may_create_a_root_unit(db: None, superuser: User, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        do_create_unit("另一个财政局", acting_user=outsider, reason="try")

    unit = do_create_unit("另一个财政局", acting_user=superuser, reason="setup")

    assert unit.parent is None
    assert AuditEvent.objects.unrestricted().get(action="unit.created").actor == superuser


def test_a_unit_admin_may_create_below_but_an_editor_may_not(suzhou: Unit, suzhou_editor: User) -> None:
    with pytest.raises(PermissionDenied):
        do_create_unit("网络安全科", parent=suzhou, acting_user=suzhou_editor, reason="try")

    admin = User.objects.create_user("suzhou_admin")
    do_grant_membership(admin, suzhou, RoleChoices.ADMIN, acting_user=SYSTEM, reason="setup")

    assert do_create_unit("网络安全科", parent=suzhou, acting_user=admin, reason="setup").parent == suzhou


def test_granting_a_role_is_audited_once_and_revoking_it_too(
    suzhou: Unit, superuser: User, outsider: User
) -> None:
    first = do_grant_membership(outsider, suzhou, RoleChoices.VIEWER, acting_user=superuser, reason="joined")
    again = do_grant_membership(outsider, suzhou, RoleChoices.VIEWER, acting_user=superuser, reason="joined")

    assert first == again
    granted = AuditEvent.objects.unrestricted().filter(action="membership.granted", actor=superuser)
    assert granted.count() == 1
    assert granted.get().changes == {"user": [None, "outsider"], "role": [None, "viewer"]}

    do_revoke_membership(first, acting_user=superuser, reason="left")

    assert not Membership.objects.unrestricted().filter(user=outsider).exists()
    assert AuditEvent.objects.unrestricted().get(action="membership.revoked").reason == "left"
