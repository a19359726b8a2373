"""Helpers of the web tests: the demo world: the seed forms loaded by ``load_demo`` (units, people, a year of activity),
plus a piece of evidence per office so downloads can be tried. Passwords are hashed with MD5 here (fast);
the Argon2 test sets the project's hashers back."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings

import jixiao.domain.forms
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.results import do_attach_evidence, do_record_result, do_unlock_period
from jixiao.performance.guards import PeriodLocked
from jixiao.performance.models import Evidence, Indicator, PeriodLock, Project
from jixiao.performance.periods import Period
from jixiao.web.demo import OFFICES, demo_users

PASSWORD = "jixiao-demo"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_READ_FORMS = jixiao.domain.forms.read_forms


@functools.cache
def _parsed(path: str) -> tuple[FormDocument, ...]:
    return tuple(_READ_FORMS(Path(path)))


def _read(path: str) -> list[FormDocument]:
    return copy.deepcopy(list(_parsed(path)))


@dataclass
class World:
    """The demo after ``load_demo``: a project and an evidence file of each office."""

    suzhou_project: Project
    shunping_project: Project
    suzhou_evidence: Evidence
    shunping_evidence: Evidence

    def own_and_foreign(self, username: str) -> tuple[Project | None, Project | None]:
        if username.startswith("suzhou"):
            return self.suzhou_project, self.shunping_project
        if username.startswith("shunping"):
            return self.shunping_project, self.suzhou_project
        return None, None


def _evidence(unit_projects: list[Project], name: str) -> Evidence:
    """A draft October result (after the demo's locked months) of an unlocked project, with a file attached."""
    for project in unit_projects:
        indicator = (
            Indicator.objects.unrestricted()
            .filter(project=project, horizon="annual", target_kind="quantitative", withdrawn=False)
            .order_by("order")
            .first()
        )
        if indicator is None:
            continue
        # The demo's finalised self-evaluation locks the year: lift that lock (an action, audited) first.
        for lock in PeriodLock.objects.unrestricted().filter(project=project, period_kind="year"):
            do_unlock_period(lock, acting_user=SYSTEM, reason="测试：补充佐证材料")
        try:
            result = do_record_result(
                indicator, Period.month(10), value=Decimal("1"), acting_user=SYSTEM, reason="测试"
            )
        except PeriodLocked:
            continue
        upload = SimpleUploadedFile(name, "佐证材料：会议纪要\n".encode(), content_type="text/plain")
        return do_attach_evidence(result, upload, acting_user=SYSTEM, reason="测试")
    raise AssertionError("no unlocked project to attach evidence to")


DEMO_USERNAMES = [u.username for u in demo_users()] + ["admin"]


def user(username: str) -> User:
    return User.objects.get(username=username)


def build_world(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    # The demo loader and the actions are the system at work (their own scoping is tested with them); the
    # pages under test are held to strict scopes.
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        return _build_world(seeds, monkeypatch)


def _build_world(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """``load_demo`` on the seed forms (read once per process), and an evidence file for each office."""
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    monkeypatch.delenv("JIXIAO_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(jixiao.domain.forms, "read_forms", lambda path: _read(str(path)))
    call_command("load_demo", str(seeds), "--no-current-year", stdout=StringIO())
    suzhou = (
        Project.objects.unrestricted()
        .filter(unit__name=OFFICES[0].office, kind="target")
        .order_by("pk")
        .first()
    )
    shunping = (
        Project.objects.unrestricted()
        .filter(unit__code=OFFICES[1].code, kind="target")
        .order_by("pk")
        .first()
    )
    assert suzhou is not None
    assert shunping is not None
    return World(
        suzhou,
        shunping,
        _evidence(
            list(Project.objects.unrestricted().filter(unit=suzhou.unit).order_by("pk")), "宿州佐证.txt"
        ),
        _evidence(
            list(Project.objects.unrestricted().filter(unit=shunping.unit).order_by("pk")), "顺平佐证.txt"
        ),
    )
