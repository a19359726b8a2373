"""The one transition(): locks and refreshes, checks the edge and the role, needs its reason, audits once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from jixiao.audit.models import AuditEvent
from jixiao.audit.transitions import TransitionError, transition, unit_of
from jixiao.domain.forms.model import FormDocument
from jixiao.domain.workflow import Edge, Workflow
from jixiao.orgs.actors import SYSTEM, MissingActor
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.results import do_record_result
from jixiao.performance.models import PeriodResult
from jixiao.performance.periods import Period


class Verb(StrEnum):
    SUBMIT = "test.submit"
    APPROVE = "test.approve"
    RETURN = "test.return"
    EXPIRE = "test.expire"


FLOW = Workflow(
    name="test_result",
    label="测试结果",
    states={"draft": "草稿", "submitted": "已提交", "approved": "已审核", "returned": "已退回"},
    edges=(
        Edge(
            Verb.SUBMIT, frozenset({"draft", "returned"}), "submitted", "submit", reason=False, label="提交"
        ),
        Edge(
            Verb.APPROVE,
            frozenset({"submitted"}),
            "approved",
            "review",
            reason=False,
            system=False,
            label="审核通过",
        ),
        Edge(Verb.RETURN, frozenset({"submitted"}), "returned", "review", label="退回"),
        Edge(Verb.EXPIRE, frozenset({"submitted"}), "draft", "review", people=False, label="过期"),
    ),
    initial="draft",
)


@pytest.fixture
def result(suzhou: Unit, security_form: Callable[[], FormDocument]) -> PeriodResult:
    project = do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]
    indicator = project.indicators.get(horizon="annual", name="全市网络资产监测")
    return do_record_result(
        indicator, Period.month(3), value=Decimal("120"), acting_user=SYSTEM, reason="seed"
    )


def test_it_moves_the_object_and_audits_one_row_with_the_verb(
    result: PeriodResult, suzhou_editor: User
) -> None:
    before = AuditEvent.objects.unrestricted().count()
    moved = transition(result, FLOW, Verb.SUBMIT, acting_user=suzhou_editor, reason="")
    assert moved.status == "submitted"
    assert PeriodResult.objects.unrestricted().get(pk=result.pk).status == "submitted"
    event = AuditEvent.objects.unrestricted().latest("id")
    assert AuditEvent.objects.unrestricted().count() == before + 1
    assert (event.action, event.actor_label, event.changes) == (
        "test.submit",
        "suzhou_editor",
        {"status": ["draft", "submitted"]},
    )
    assert event.unit == unit_of(result)


def test_it_refreshes_the_callers_object(result: PeriodResult, suzhou_editor: User) -> None:
    transition(result, FLOW, Verb.SUBMIT, acting_user=suzhou_editor, stamp_field="submitted_at")
    assert result.status == "submitted"
    assert result.submitted_at is not None


def test_it_refuses_an_edge_the_state_does_not_have_and_changes_nothing(
    result: PeriodResult, suzhou_reviewer: User
) -> None:
    with pytest.raises(TransitionError, match="当前为“草稿”，不能审核通过"):
        transition(result, FLOW, Verb.APPROVE, acting_user=suzhou_reviewer)
    assert PeriodResult.objects.unrestricted().get(pk=result.pk).status == "draft"


def test_it_requires_the_reason_the_edge_asks_for(
    result: PeriodResult, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    transition(result, FLOW, Verb.SUBMIT, acting_user=suzhou_editor)
    with pytest.raises(TransitionError, match="退回必须填写原因"):
        transition(result, FLOW, Verb.RETURN, acting_user=suzhou_reviewer, reason="  ")
    returned = transition(result, FLOW, Verb.RETURN, acting_user=suzhou_reviewer, reason="数据有误")
    assert returned.status == "returned"
    assert AuditEvent.objects.unrestricted().latest("id").reason == "数据有误"


def test_it_refuses_a_role_without_the_action(result: PeriodResult, suzhou_viewer: User) -> None:
    with pytest.raises(PermissionDenied, match="suzhou_viewer 无权送审"):
        transition(result, FLOW, Verb.SUBMIT, acting_user=suzhou_viewer)


def test_it_refuses_a_person_of_another_unit(result: PeriodResult, shunping_editor: User) -> None:
    with pytest.raises(PermissionDenied):
        transition(result, FLOW, Verb.SUBMIT, acting_user=shunping_editor)
    assert PeriodResult.objects.unrestricted().get(pk=result.pk).status == "draft"


def test_it_refuses_none_as_the_actor(result: PeriodResult) -> None:
    with pytest.raises(MissingActor):
        transition(result, FLOW, Verb.SUBMIT, acting_user=None)


def test_the_system_takes_its_edges_and_is_named_in_chinese(result: PeriodResult) -> None:
    transition(result, FLOW, Verb.SUBMIT, acting_user=SYSTEM)
    with pytest.raises(PermissionDenied, match="须由人完成"):
        transition(result, FLOW, Verb.APPROVE, acting_user=SYSTEM)
    transition(result, FLOW, Verb.EXPIRE, acting_user=SYSTEM, reason="到期")
    event = AuditEvent.objects.unrestricted().latest("id")
    assert (event.actor, event.actor_label, event.action) == (None, "系统", "test.expire")


def test_a_person_cannot_take_a_system_edge(
    result: PeriodResult, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    transition(result, FLOW, Verb.SUBMIT, acting_user=suzhou_editor)
    with pytest.raises(PermissionDenied, match="由系统完成"):
        transition(result, FLOW, Verb.EXPIRE, acting_user=suzhou_reviewer, reason="到期")


def test_a_guard_refuses_before_anything_changes(result: PeriodResult, suzhou_editor: User) -> None:
    def guard(obj: PeriodResult, edge: Edge) -> None:
        raise TransitionError("不行")

    with pytest.raises(TransitionError, match="不行"):
        transition(result, FLOW, Verb.SUBMIT, acting_user=suzhou_editor, guard=guard)
    assert PeriodResult.objects.unrestricted().get(pk=result.pk).status == "draft"


def test_side_effects_run_only_on_commit(
    result: PeriodResult, suzhou_editor: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    seen: list[str] = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[attr-defined]
        transition(
            result, FLOW, Verb.SUBMIT, acting_user=suzhou_editor, on_commit=lambda r: seen.append(r.status)
        )
        assert seen == []
    assert len(callbacks) == 1
    assert seen == ["submitted"]
