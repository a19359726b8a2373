"""``load_demo``: the unit tree, the admin user and the forms, and nothing changes on a second run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

import jixiao.domain.forms
from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument, FormReadError, Location
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_approve_target_adjustment, do_import_forms
from jixiao.performance.models import ImportBatch, Indicator, Project

Form = Callable[[], FormDocument]


@pytest.fixture
def seed_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, security_form: Form, office_form: Form) -> Path:
    """Two seed-named files; the reader is replaced so this tests the loader, not the reader."""
    forms = {"000_seed.txt": security_form, "004_seed.txt": office_form}
    for name in forms:
        (tmp_path / name).write_text("stand-in", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a form", encoding="utf-8")

    def read_forms(path: Path) -> list[FormDocument]:
        if path.name not in forms:
            raise FormReadError("no performance form found", Location(path.name))
        return [forms[path.name]()]

    monkeypatch.setattr(jixiao.domain.forms, "read_forms", read_forms)
    monkeypatch.delenv("JIXIAO_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    return tmp_path


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, "--no-current-year", stdout=out)
    return out.getvalue()


def test_it_builds_the_unit_tree_and_imports_the_forms(db: None, seed_dir: Path) -> None:
    output = run(str(seed_dir))

    root = Unit.objects.unrestricted().get(parent__isnull=True)
    assert (root.name, root.kind) == ("财政局", "finance_bureau")
    assert set(root.children.values_list("name", "kind")) == {
        ("宿州市财政局", "finance_bureau"),
        ("顺平县财政局", "finance_bureau"),
    }
    offices = {u.parent.name: (u.name, u.code) for u in Unit.objects.unrestricted().filter(kind="office")}
    assert offices == {
        "宿州市财政局": ("中共宿州市委网络安全和信息化委员会办公室", None),
        "顺平县财政局": ("中共顺平县委网络安全和信息化委员会办公室（本级）", "224001"),
    }
    assert Project.objects.unrestricted().count() == 2
    assert "2 created" in output


def test_it_creates_an_admin_with_the_demo_password_and_says_so(db: None, seed_dir: Path) -> None:
    output = run(str(seed_dir))

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("jixiao-demo")
    assert "password 'jixiao-demo'" in output


def test_it_takes_the_admin_password_from_the_environment(
    db: None, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIXIAO_ADMIN_PASSWORD", "s3cret-demo")

    run(str(seed_dir))

    assert User.objects.get(username="admin").check_password("s3cret-demo")


def snapshot() -> tuple[list[tuple[object, ...]], ...]:
    """Every unit, project and indicator row as stored, and the people."""
    return (
        sorted(Unit.objects.unrestricted().values_list("id", "path", "name")),
        sorted(
            Project.objects.unrestricted().values_list("id", "updated_at", "target_status", "last_import_id")
        ),
        sorted(Indicator.objects.unrestricted().values_list("id", "target_raw", "target_value", "withdrawn")),
        sorted(User.objects.values_list("id", "username", "password")),
    )


def test_running_it_twice_changes_nothing(db: None, seed_dir: Path) -> None:
    run(str(seed_dir))
    before = snapshot()

    output = run(str(seed_dir))

    assert snapshot() == before
    assert "本次不再导入" in output
    assert ImportBatch.objects.unrestricted().count() == 1


def test_it_approves_the_demo_targets_through_the_workflow_as_the_system(db: None, seed_dir: Path) -> None:
    run(str(seed_dir))

    assert set(Project.objects.unrestricted().values_list("target_status", flat=True)) == {"approved"}
    steps = list(
        AuditEvent.objects.unrestricted()
        .filter(action__startswith="targets.")
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert steps == [("targets.submitted", "系统"), ("targets.approved", "系统")] * 2


def test_a_restart_keeps_what_a_user_changed_after_the_demo_was_loaded(
    db: None, seed_dir: Path, office_form: Form
) -> None:
    run(str(seed_dir))
    project = Project.objects.unrestricted().get(code="13063621HBMFX90HG2OQ7")
    changed = office_form()
    changed.indicators[0] = replace(
        changed.indicators[0],
        target=TargetValue("12次", TargetKind.QUANTITATIVE, Operator.EQ, Decimal(12), "次", "次"),
    )
    proposal = do_import_forms([changed], acting_user=SYSTEM, reason="调整后的目标表").proposed[0]
    do_approve_target_adjustment(proposal, acting_user=SYSTEM, reason="活动次数按新计划调整")
    user_changed = snapshot()
    assert Indicator.objects.unrestricted().filter(project=project, target_raw="12次").exists()

    run(str(seed_dir))

    assert snapshot() == user_changed
    assert ImportBatch.objects.unrestricted().filter(label="load_demo").count() == 1


def test_an_unreadable_file_stops_it_with_the_file_named(db: None, seed_dir: Path) -> None:
    (seed_dir / "broken.txt").write_text("nothing here", encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken.txt: .*no performance form found"):
        run(str(seed_dir))

    assert Project.objects.unrestricted().count() == 0
