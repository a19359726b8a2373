"""The demo people of ``load_demo``: the unit tree, one person per role and unit, one printed password, and a
second run that leaves every change alone."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User

from jixiao.orgs.actions import do_create_unit, do_revoke_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import UnitKindChoices
from jixiao.orgs.models import Membership, Unit
from jixiao.web.demo import ROOT_NAME, load_demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    monkeypatch.delenv("JIXIAO_ADMIN_PASSWORD", raising=False)


def run() -> str:
    out = StringIO()
    load_demo_users(out)
    return out.getvalue()


def test_it_builds_the_two_offices_under_their_finance_bureaus() -> None:
    run()

    tree = {u.name: (u.parent.name if u.parent else None) for u in Unit.objects.all()}
    assert tree["宿州市财政局"] == ROOT_NAME
    assert tree["顺平县财政局"] == ROOT_NAME
    assert tree["中共宿州市委网络安全和信息化委员会办公室"] == "宿州市财政局"
    assert tree["中共顺平县委网络安全和信息化委员会办公室(本级)"] == "顺平县财政局"


def test_it_reuses_and_moves_an_office_the_seed_import_created() -> None:
    root = do_create_unit(ROOT_NAME, kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason="导入")
    seeded = do_create_unit(
        "中共宿州市委网络安全和信息化委员会办公室", parent=root, acting_user=SYSTEM, reason="导入"
    )

    run()

    seeded.refresh_from_db()
    assert seeded.parent is not None
    assert seeded.parent.name == "宿州市财政局"
    assert Unit.objects.filter(name=seeded.name).count() == 1


def test_it_prints_the_password_first_and_everyone_signs_in_with_it() -> None:
    output = run()

    assert output.splitlines()[0] == "demo users: password 'jixiao-demo' (set JIXIAO_DEMO_PASSWORD to choose)"
    names = ["suzhou_officer", "suzhou_head", "suzhou_reviewer", "shunping_officer", "shunping_head"]
    names += ["shunping_reviewer", "finance", "auditor", "admin"]
    for name in names:
        assert User.objects.get(username=name).check_password("jixiao-demo"), name
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()


def test_the_password_comes_from_the_environment_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_DEMO_PASSWORD", "s3cret-demo")

    output = run()

    assert "from JIXIAO_DEMO_PASSWORD" in output
    assert "s3cret-demo" not in output
    assert User.objects.get(username="suzhou_head").check_password("s3cret-demo")


def test_each_person_holds_one_role_on_the_right_unit() -> None:
    run()

    held = {m.user.username: (m.unit.name, m.role) for m in Membership.objects.select_related("user", "unit")}
    assert held["suzhou_officer"][0] == "中共宿州市委网络安全和信息化委员会办公室"
    assert held["suzhou_reviewer"] == ("宿州市财政局", "reviewer")
    assert held["shunping_reviewer"] == ("顺平县财政局", "reviewer")
    assert held["finance"][0] == ROOT_NAME
    assert held["auditor"][0] == ROOT_NAME
    assert Membership.objects.count() == 8


def test_a_second_run_keeps_changed_passwords_and_taken_roles() -> None:
    run()
    officer = User.objects.get(username="suzhou_officer")
    officer.set_password("changed-by-her")
    officer.save()
    do_revoke_membership(Membership.objects.get(user__username="auditor"), acting_user=SYSTEM, reason="离职")

    output = run()

    assert "0 created now" in output
    assert User.objects.get(username="suzhou_officer").check_password("changed-by-her")
    assert not Membership.objects.filter(user__username="auditor").exists()
