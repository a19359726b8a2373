"""A scoped queryset says how it is scoped before it reaches the database, or it raises (in the tests)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Membership, Unit
from jixiao.orgs.querysets import UnscopedQuery


@pytest.fixture(autouse=True)
def strict() -> object:
    with override_settings(JIXIAO_STRICT_SCOPES=True):
        yield


@pytest.mark.parametrize(
    "evaluate",
    [
        pytest.param(lambda qs: list(qs), id="iterate"),
        pytest.param(lambda qs: qs.count(), id="count"),
        pytest.param(lambda qs: qs.exists(), id="exists"),
        pytest.param(lambda qs: qs.first(), id="first"),
        pytest.param(lambda qs: qs.get(name="财政局"), id="get"),
        pytest.param(lambda qs: list(qs.values_list("name", flat=True)), id="values_list"),
        pytest.param(lambda qs: list(qs.iterator()), id="iterator"),
        pytest.param(lambda qs: qs.update(name="x"), id="update"),
        pytest.param(lambda qs: qs.in_bulk(), id="in_bulk"),
    ],
)
def test_an_unscoped_queryset_raises_however_it_is_evaluated(root: Unit, evaluate: object) -> None:
    with pytest.raises(UnscopedQuery, match="Unit queryset evaluated without restrict"):
        evaluate(Unit.objects.filter(name="财政局"))  # type: ignore[operator]


def test_restrict_and_unrestricted_are_both_an_answer(root: Unit, suzhou: Unit, suzhou_viewer: User) -> None:
    assert list(Unit.objects.restrict(suzhou_viewer, "view")) == [suzhou]
    assert set(Unit.objects.unrestricted()) == {root, suzhou}
    assert set(Unit.objects.restrict(SYSTEM, "admin")) == {root, suzhou}


def test_the_scope_survives_chaining(suzhou: Unit, suzhou_viewer: User) -> None:
    assert Unit.objects.restrict(suzhou_viewer).filter(name__startswith="中共").order_by("pk").count() == 1


def test_a_related_manager_is_scoped_by_its_object(root: Unit, suzhou: Unit, suzhou_viewer: User) -> None:
    assert list(root.children.all()) == [suzhou]
    assert Membership.objects.restrict(suzhou_viewer).count() == 1
    assert suzhou.memberships.count() == 1


def test_nothing_raises_when_strict_scopes_are_off(root: Unit) -> None:
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        assert Unit.objects.filter(pk=root.pk).count() == 1
