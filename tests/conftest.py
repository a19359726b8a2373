"""Shared test fixtures: where the seed forms are, and the one unit tree with its named people (org_tree.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from hypothesis import settings

from jixiao.orgs.actions import do_create_unit
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices, UnitKindChoices
from jixiao.orgs.models import Unit
from org_tree import SHUNPING, SUZHOU, member

# CI runs the property tests on a fixed seed, so that a run is repeatable; locally they explore anew each time
# (JIXIAO_HYPOTHESIS=long explores ten times as far).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=1000, deadline=None)
if os.environ.get("JIXIAO_HYPOTHESIS"):
    settings.load_profile(os.environ["JIXIAO_HYPOTHESIS"])
elif os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared reference folder: ``JIXIAO_SHARED`` or ``../shared`` beside the repository."""
    configured = os.environ.get("JIXIAO_SHARED")
    path = Path(configured) if configured else ROOT.parent / "shared"
    if not (path / "seeds").is_dir():
        pytest.fail(f"the seed forms are missing: expected {path / 'seeds'} (set JIXIAO_SHARED)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return shared_dir() / "seeds"


@pytest.fixture
def fixtures_dir() -> Path:
    return ROOT / "tests" / "fixtures"


# --- the unit tree and its named people (database tests) ------------------------------------------------


@pytest.fixture
def root(db: None) -> Unit:
    return do_create_unit(
        "财政局", kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason="test setup"
    )


@pytest.fixture
def suzhou(root: Unit) -> Unit:
    return do_create_unit(SUZHOU, parent=root, acting_user=SYSTEM, reason="test setup")


@pytest.fixture
def shunping(root: Unit) -> Unit:
    return do_create_unit(SHUNPING, parent=root, code="224001", acting_user=SYSTEM, reason="test setup")


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("boss", password="pw")


@pytest.fixture
def suzhou_editor(suzhou: Unit) -> User:
    return member("suzhou_editor", suzhou, RoleChoices.EDITOR)


@pytest.fixture
def suzhou_viewer(suzhou: Unit) -> User:
    return member("suzhou_viewer", suzhou, RoleChoices.VIEWER)


@pytest.fixture
def shunping_editor(shunping: Unit) -> User:
    return member("shunping_editor", shunping, RoleChoices.EDITOR)


@pytest.fixture
def bureau_editor(root: Unit) -> User:
    return member("bureau_editor", root, RoleChoices.EDITOR)


@pytest.fixture
def outsider(db: None) -> User:
    return User.objects.create_user("outsider", password="pw", is_staff=True)


@pytest.fixture
def suzhou_reviewer(suzhou: Unit) -> User:
    return member("suzhou_reviewer", suzhou, RoleChoices.REVIEWER)


@pytest.fixture
def suzhou_admin(suzhou: Unit) -> User:
    return member("suzhou_admin", suzhou, RoleChoices.ADMIN)


@pytest.fixture
def shunping_reviewer(shunping: Unit) -> User:
    return member("shunping_reviewer", shunping, RoleChoices.REVIEWER)
