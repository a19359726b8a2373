"""``load_demo``: the unit tree, the admin user and the forms, and nothing changes on a second run."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

import jixiao.domain.forms
from jixiao.domain.forms.model import FormDocument, FormReadError, Location
from jixiao.orgs.models import Unit
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
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_it_builds_the_unit_tree_and_imports_the_forms(db: None, seed_dir: Path) -> None:
    output = run(str(seed_dir))

    root = Unit.objects.get(parent__isnull=True)
    assert (root.name, root.kind) == ("财政局", "finance_bureau")
    assert set(root.children.values_list("name", "kind")) == {
        ("宿州市财政局", "finance_bureau"),
        ("顺平县财政局", "finance_bureau"),
    }
    offices = {u.parent.name: (u.name, u.code) for u in Unit.objects.filter(kind="office")}
    assert offices == {
        "宿州市财政局": ("中共宿州市委网络安全和信息化委员会办公室", None),
        "顺平县财政局": ("中共顺平县委网络安全和信息化委员会办公室（本级）", "224001"),
    }
    assert Project.objects.count() == 2
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


def test_running_it_twice_changes_nothing(db: None, seed_dir: Path) -> None:
    run(str(seed_dir))
    before = (
        list(Unit.objects.values_list("id", "path")),
        list(Project.objects.values_list("id", "updated_at")),
        list(Indicator.objects.values_list("id", flat=True)),
        User.objects.count(),
    )

    output = run(str(seed_dir))

    after = (
        list(Unit.objects.values_list("id", "path")),
        list(Project.objects.values_list("id", "updated_at")),
        list(Indicator.objects.values_list("id", flat=True)),
        User.objects.count(),
    )
    assert after == before
    assert "0 created, 0 updated, 2 unchanged" in output
    assert ImportBatch.objects.count() == 2


def test_an_unreadable_file_stops_it_with_the_file_named(db: None, seed_dir: Path) -> None:
    (seed_dir / "broken.txt").write_text("nothing here", encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken.txt: .*no performance form found"):
        run(str(seed_dir))

    assert Project.objects.count() == 0
