"""The 待办 items of the target declaration: heads see drafts to submit, the unit's reviewers see submitted
targets and proposed adjustments (not their own), editors and heads see returned targets with the reason; no
item ever names another unit's project."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from web_helpers import FAST_HASHERS

import jixiao.domain.forms
from jixiao.orgs.actors import SYSTEM
from jixiao.performance import inbox
from jixiao.performance.actions.adjustments import do_propose_target_adjustment
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.targets import IndicatorDraft, do_review_targets, do_submit_targets
from jixiao.performance.models import Indicator, Project
from jixiao.web.demo import load_demo_users
from jixiao.web.inbox import Step, items_for, providers

pytestmark = pytest.mark.django_db
GOOD = dict.fromkeys(("completeness", "relevance", "appropriateness", "feasibility"), ("good", ""))


@pytest.fixture
def projects(db: None, settings: Any, seeds_dir: Path) -> dict[str, Project]:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    load_demo_users(StringIO())
    forms = [doc for path in sorted(seeds_dir.iterdir()) for doc in jixiao.domain.forms.read_forms(path)]
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        do_import_forms(forms, acting_user=SYSTEM, reason="测试")
        return {p.name: p for p in Project.objects.unrestricted().filter(kind="target")}


def person(username: str) -> User:
    return User.objects.get(username=username)


def subjects(username: str, step: Step) -> set[str]:
    return {i.subject for i in items_for(person(username)) if i.step is step}


def test_the_providers_are_registered_by_the_app() -> None:
    registered = set(providers())
    assert {
        inbox.targets_to_submit,
        inbox.targets_to_review,
        inbox.returned_targets,
        inbox.adjustments_to_review,
    } <= registered


def test_each_step_reaches_the_people_of_the_unit_and_nobody_abroad(projects: dict[str, Project]) -> None:
    suzhou = projects["网络安全和信息化工作经费"]
    shunping = projects["网络信息办公专项经费"]

    # Drafts: the heads of each office, not the officers, not the reviewers.
    assert "2023年 网络安全和信息化工作经费" in subjects("suzhou_head", Step.TO_SUBMIT)
    assert not any("网络信息办公专项经费" in s for s in subjects("suzhou_head", Step.TO_SUBMIT))
    assert any("网络信息办公专项经费" in s for s in subjects("shunping_head", Step.TO_SUBMIT))
    assert subjects("suzhou_officer", Step.TO_SUBMIT) == set()
    assert subjects("suzhou_reviewer", Step.TO_SUBMIT) == set()

    with override_settings(JIXIAO_STRICT_SCOPES=False):
        do_submit_targets(suzhou, acting_user=person("suzhou_officer"))
        do_submit_targets(shunping, acting_user=person("shunping_officer"))
    reviewing = subjects("suzhou_reviewer", Step.TO_REVIEW)
    assert reviewing == {"2023年 网络安全和信息化工作经费"}
    assert subjects("finance", Step.TO_REVIEW) >= reviewing | {"网络信息办公专项经费"}  # no year on its form
    assert subjects("auditor", Step.TO_REVIEW) == set()  # reads everything, reviews nothing

    with override_settings(JIXIAO_STRICT_SCOPES=False):
        do_review_targets(
            suzhou, GOOD, approve=False, acting_user=person("suzhou_reviewer"), reason="请补充依据"
        )
    returned = [i for i in items_for(person("suzhou_officer")) if i.step is Step.RETURNED]
    assert [(i.subject, i.reason) for i in returned] == [("2023年 网络安全和信息化工作经费", "请补充依据")]
    assert items_for(person("suzhou_officer"))[0].step is Step.RETURNED  # returned items come first
    assert [i for i in items_for(person("shunping_officer")) if i.step is Step.RETURNED] == []


def test_a_proposed_adjustment_waits_for_a_reviewer_who_did_not_propose_it(
    projects: dict[str, Project],
) -> None:
    project = projects["网络安全和信息化工作经费"]
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        do_submit_targets(project, acting_user=person("suzhou_officer"))
        do_review_targets(project, GOOD, approve=True, acting_user=person("suzhou_reviewer"), reason="")
        rows = [
            IndicatorDraft(i.horizon, i.level1, i.level2, i.name, i.target_raw, i.weight, i.pk)
            for i in Indicator.objects.unrestricted()
            .filter(project=project, withdrawn=False)
            .order_by("order", "-horizon", "pk")
        ]
        at = next(n for n, r in enumerate(rows) if r.horizon == "annual" and r.target == "≤6小时")
        old = rows[at]
        rows[at] = IndicatorDraft(
            old.horizon, old.level1, old.level2, old.name, "≤4小时", old.weight, old.ident
        )
        adjustment = do_propose_target_adjustment(
            project, rows, acting_user=person("suzhou_officer"), reason="缩短时限"
        )
    items = [i for i in items_for(person("suzhou_reviewer")) if i.what == "审核目标调整"]
    assert [i.url for i in items] == [f"/projects/{project.pk}/adjustments/{adjustment.pk}/"]
    assert [i for i in items_for(person("shunping_reviewer")) if i.what == "审核目标调整"] == []
    assert [i for i in items_for(person("suzhou_officer")) if i.what == "审核目标调整"] == []
