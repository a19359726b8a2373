"""Fixtures of the security app tests: a unit tree (office above two owner units), named people, assets."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from security_helpers import Committed, CountingServer

from jixiao.orgs.actions import do_create_unit
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices, UnitKindChoices
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.models import Asset
from jixiao.security.notify import flush
from org_tree import member


@pytest.fixture(autouse=True)
def test_sites_on_loopback(settings: Any) -> None:
    """The test sites stand on 127.0.0.1, where the default deny list would refuse them; the suite denies
    a documentation range instead. ``test_confinement.py`` checks the default list on its own."""
    settings.JIXIAO_SECURITY_DENY_NETWORKS = ["198.51.100.0/24"]


@pytest.fixture
def office(db: None) -> Unit:
    """The cyberspace affairs office: it monitors, notifies and warns the units below it."""
    return do_create_unit(
        "市委网信办", kind=UnitKindChoices.DEPARTMENT, acting_user=SYSTEM, reason="test setup"
    )


@pytest.fixture
def education(office: Unit) -> Unit:
    return do_create_unit("市教育局", parent=office, code="EDU01", acting_user=SYSTEM, reason="test setup")


@pytest.fixture
def health(office: Unit) -> Unit:
    return do_create_unit("市卫健委", parent=office, code="HLT01", acting_user=SYSTEM, reason="test setup")


@pytest.fixture
def school(education: Unit) -> Unit:
    return do_create_unit("第一中学", parent=education, acting_user=SYSTEM, reason="test setup")


@pytest.fixture
def analyst(office: Unit) -> User:
    """The office's security analyst: reviews findings, sends notices, opens incidents."""
    return member("analyst", office, RoleChoices.ADMIN)


@pytest.fixture
def education_editor(education: Unit) -> User:
    return member("edu_editor", education, RoleChoices.EDITOR)


@pytest.fixture
def health_editor(health: Unit) -> User:
    return member("health_editor", health, RoleChoices.EDITOR)


@pytest.fixture
def edu_site(education: Unit) -> Asset:
    return do_create_asset(
        "教育局门户网站",
        "http://127.0.0.1:9/",
        owner=education,
        importance="key",
        contact_email="edu@example.test",
        acting_user=SYSTEM,
        reason="test setup",
    )


@pytest.fixture
def counting() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.stop()


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Callable[..., Any]) -> Committed:
    """Run what the block leaves for the commit (notifications among it), then wait for the background
    sends, so a test can look at the outbox and at what the webhook receiver got."""

    @contextlib.contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        assert flush(timeout=15), "a notification was still being sent after 15 seconds"

    return run
