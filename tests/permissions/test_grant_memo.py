"""A user object keeps its granted unit paths for its life (one request), and forgets them the moment a
membership or a unit's place in the tree changes: a revoked role never keeps its reach."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.orgs.actions import do_grant_membership
from jixiao.orgs.actions.units import do_create_unit, do_move_unit, do_revoke_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Membership, Unit
from jixiao.orgs.permissions import can, units_for


def test_the_membership_lookup_runs_once_per_action_for_one_user_object(
    suzhou_editor: User, suzhou: Unit
) -> None:
    with CaptureQueriesContext(connection) as captured:
        for _ in range(5):
            assert set(units_for(suzhou_editor, "view")) >= {suzhou}
    lookups = [q for q in captured.captured_queries if "orgs_membership" in q["sql"]]
    assert len(lookups) == 1


def test_a_revoked_membership_takes_effect_on_the_same_user_object(suzhou_editor: User, suzhou: Unit) -> None:
    assert can(suzhou_editor, "change", suzhou)
    membership = Membership.objects.unrestricted().get(user=suzhou_editor, unit=suzhou)
    do_revoke_membership(membership, acting_user=SYSTEM, reason="test")
    assert not can(suzhou_editor, "change", suzhou)
    assert not units_for(suzhou_editor, "view").exists()


def test_a_granted_membership_takes_effect_on_the_same_user_object(outsider: User, shunping: Unit) -> None:
    assert not can(outsider, "view", shunping)
    do_grant_membership(outsider, shunping, "viewer", acting_user=SYSTEM, reason="test")
    assert can(outsider, "view", shunping)


def test_a_moved_unit_carries_the_reach_of_its_members_along(
    outsider: User, suzhou: Unit, shunping: Unit
) -> None:
    child = do_create_unit("顺平某科", parent=shunping, kind="division", acting_user=SYSTEM, reason="test")
    do_grant_membership(outsider, child, "viewer", acting_user=SYSTEM, reason="test")
    assert can(outsider, "view", child)  # the memo now holds the child's old path
    do_move_unit(child, new_parent=suzhou, acting_user=SYSTEM, reason="test")
    child.refresh_from_db()
    assert child.path.startswith(suzhou.path)
    assert can(outsider, "view", child)
    assert set(units_for(outsider, "view")) == {child}
