"""Every unit-scoped model × every role × own unit, its child, a sibling and the parent: what each person
sees and may do through ``restrict(user, action)``.

The unit tree: 财政局 (parent) → 本单位 (own) → 下级科室 (child); 兄弟单位 (sibling) beside the own unit. A
person holds one role on the own unit. A role on a unit counts on its subtree, so for each action the role
allows the person sees exactly the rows of the own unit and its child; for any other action, nothing. Rows
are made for a unit we choose (``scoped_rows.make``), so the expectation never comes from the model's own
lookup, and a model whose scoping points at the wrong relation fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import models

from jixiao.orgs.actions import do_create_unit, do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import ACTIONS, ROLES_FOR_ACTION, RoleChoices, UnitKindChoices
from jixiao.orgs.models import Unit
from jixiao.orgs.querysets import UnitScopedQuerySet

from .scoped_rows import make, scoped_models

PLACES = ("parent", "own", "child", "sibling")


@dataclass
class Tree:
    units: dict[str, Unit]
    people: dict[str, User]
    superuser: User
    outsider: User


@pytest.fixture
def tree(db: None) -> Tree:
    parent = do_create_unit("财政局", kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason="测试")
    own = do_create_unit("本单位", parent=parent, acting_user=SYSTEM, reason="测试")
    child = do_create_unit(
        "下级科室", parent=own, kind=UnitKindChoices.DIVISION, acting_user=SYSTEM, reason="测试"
    )
    sibling = do_create_unit("兄弟单位", parent=parent, acting_user=SYSTEM, reason="测试")
    people = {}
    for role in RoleChoices.values:
        people[role] = User.objects.create_user(f"own_{role}")
        do_grant_membership(people[role], own, role, acting_user=SYSTEM, reason="测试")
    return Tree(
        units={"parent": parent, "own": own, "child": child, "sibling": sibling},
        people=people,
        superuser=User.objects.create_superuser("root_admin"),
        outsider=User.objects.create_user("outsider"),
    )


def rows_by_place(model: type[models.Model], tree: Tree) -> dict[str, models.Model]:
    if model is Unit:
        return dict(tree.units)
    return {place: make(model, unit) for place, unit in tree.units.items()}


def mismatches(model: type[models.Model], tree: Tree) -> Iterator[str]:
    """Every (person, action) whose visible rows differ from the rows of the units their role covers."""
    rows = rows_by_place(model, tree)
    ids = {row.pk: place for place, row in rows.items()}
    manager: Any = model._default_manager

    def seen(user: Any, action: str) -> set[str]:
        visible = manager.restrict(user, action).filter(pk__in=ids).values_list("pk", flat=True)
        return {ids[pk] for pk in visible}

    for role, user in tree.people.items():
        for action in ACTIONS:
            expected = {"own", "child"} if role in ROLES_FOR_ACTION[action] else set()
            got = seen(user, action)
            if got != expected:
                yield f"{model._meta.label}: {role} {action}: saw {sorted(got)}, expected {sorted(expected)}"
    for action in ACTIONS:
        if seen(tree.outsider, action):
            yield f"{model._meta.label}: a person without a role saw rows ({action})"
        if seen(tree.superuser, action) != set(PLACES):
            yield f"{model._meta.label}: a superuser did not see every row ({action})"
        if seen(SYSTEM, action) != set(PLACES):
            yield f"{model._meta.label}: the system did not see every row ({action})"
        if seen(None, action):
            yield f"{model._meta.label}: nobody (None) saw rows ({action})"


@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m._meta.label)
def test_each_role_sees_exactly_its_units_rows_for_each_action(model: type[models.Model], tree: Tree) -> None:
    problems = list(mismatches(model, tree))
    assert problems == []


def test_every_scoped_model_is_walked() -> None:
    labels = {m._meta.label for m in scoped_models()}
    # The core of each app, at least; a new scoped model joins the walk by itself.
    assert {"orgs.Unit", "performance.Project", "performance.PeriodResult", "security.Finding"} <= labels
    assert len(labels) >= 28


@pytest.mark.parametrize(
    ("label", "broken_lookup"),
    [
        ("performance.Indicator", "project__unit__parent"),
        ("performance.PeriodResult", "indicator__project__unit__parent"),
        ("security.Finding", "asset__owner__parent"),
        ("audit.AuditEvent", "unit__parent"),
    ],
)
def test_a_model_whose_scope_points_at_the_wrong_relation_is_caught(
    label: str, broken_lookup: str, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.apps import apps

    model = apps.get_model(label)
    queryset_class = type(model._default_manager.all())
    assert issubclass(queryset_class, UnitScopedQuerySet)
    monkeypatch.setattr(queryset_class, "unit_lookup", broken_lookup)
    assert list(mismatches(model, tree)) != []
