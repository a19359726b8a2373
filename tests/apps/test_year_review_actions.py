"""The actions of the year's review: monitoring tasks, the monitoring round's workflow, rectification items,
lock exceptions; who may take each step, what each refuses, and the audit row each writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from performance_helpers import annual

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.locks import (
    do_grant_lock_exception,
    do_lock_projects,
    do_revoke_lock_exception,
)
from jixiao.performance.actions.monitoring import (
    do_approve_monitoring_round,
    do_record_monitoring_entry,
    do_return_monitoring_round,
    do_submit_monitoring_round,
)
from jixiao.performance.actions.rectification import (
    do_accept_rectification,
    do_answer_rectification,
    do_attach_rectification_evidence,
    do_open_rectification,
    do_return_rectification,
)
from jixiao.performance.actions.results import do_record_result, do_unlock_period
from jixiao.performance.actions.tasks import do_issue_monitoring_task
from jixiao.performance.guards import PeriodLocked, lock_covering
from jixiao.performance.models import MonitoringAssignment, Project
from jixiao.performance.periods import Period
from org_tree import member

Form = Callable[[], FormDocument]
ASSETS = "全市网络资产监测"
pytestmark = pytest.mark.django_db


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]


@pytest.fixture
def finance(root: Unit) -> User:
    return member("finance_person", root, RoleChoices.FINANCE)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.unrestricted().filter(action=action))


def test_finance_issues_one_task_to_many_units_owned_by_their_common_bureau(
    root: Unit, suzhou: Unit, shunping: Unit, finance: User, suzhou_editor: User
) -> None:
    deadline = timezone.localdate() + dt.timedelta(days=10)
    task = do_issue_monitoring_task(
        [suzhou, shunping], year=2023, cutoff_month=7, deadline=deadline, note="1–7月", acting_user=finance
    )
    assert task.unit == root
    assert set(
        MonitoringAssignment.objects.unrestricted().filter(task=task).values_list("unit", flat=True)
    ) == {
        suzhou.pk,
        shunping.pk,
    }
    assert events("monitoring_task.issued")[0].details["units"] == [suzhou.name, shunping.name]
    with pytest.raises(PermissionDenied):
        do_issue_monitoring_task(
            [suzhou], year=2023, cutoff_month=7, deadline=deadline, acting_user=suzhou_editor
        )
    with pytest.raises(ValidationError, match="已过"):
        do_issue_monitoring_task(
            [suzhou],
            year=2023,
            cutoff_month=7,
            deadline=deadline - dt.timedelta(days=30),
            acting_user=finance,
        )
    with pytest.raises(ValidationError, match="截至月份"):
        do_issue_monitoring_task([suzhou], year=2023, cutoff_month=13, deadline=deadline, acting_user=finance)
    with pytest.raises(ValidationError, match="至少选择"):
        do_issue_monitoring_task([], year=2023, cutoff_month=7, deadline=deadline, acting_user=finance)


def test_a_round_is_submitted_only_complete_and_approved_by_another_person(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    indicator = annual(project, ASSETS)
    do_record_monitoring_entry(
        indicator,
        7,
        deviation_category="funding",
        deviation_reason="经费6月到位",
        likelihood="possible",
        acting_user=suzhou_editor,
    )
    with pytest.raises(ValidationError, match=f"“{indicator.label}”完成目标可能性为“有可能”，须填写纠偏措施"):
        do_submit_monitoring_round(project, 7, acting_user=suzhou_editor)
    with pytest.raises(PermissionDenied):
        do_submit_monitoring_round(project, 7, acting_user=suzhou_reviewer)
    for other in project.indicators.filter(horizon="annual", withdrawn=False).exclude(pk=indicator.pk):
        if other.target_kind != "not_applicable":
            do_record_monitoring_entry(other, 7, likelihood="certain", acting_user=suzhou_editor)
    do_record_monitoring_entry(
        indicator,
        7,
        deviation_category="funding",
        deviation_reason="经费6月到位",
        likelihood="possible",
        corrective_measures="9月完成采购",
        acting_user=suzhou_editor,
    )
    round_ = do_submit_monitoring_round(project, 7, acting_user=suzhou_editor)
    assert round_.status == "submitted"
    assert round_.submitted_by == suzhou_editor
    with pytest.raises(ValidationError, match="不能修改"):
        do_record_monitoring_entry(indicator, 7, likelihood="certain", acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="原因"):
        do_return_monitoring_round(round_, acting_user=suzhou_reviewer, reason=" ")
    do_return_monitoring_round(round_, acting_user=suzhou_reviewer, reason="请核实")
    assert (round_.status, round_.return_reason) == ("returned", "请核实")
    do_submit_monitoring_round(project, 7, acting_user=suzhou_editor)
    approved = do_approve_monitoring_round(round_, acting_user=suzhou_reviewer)
    assert approved.status == "approved"
    assert [
        e.action
        for e in AuditEvent.objects.unrestricted()
        .filter(action__startswith="monitoring_round.")
        .order_by("pk")
    ] == [
        "monitoring_round.submitted",
        "monitoring_round.returned",
        "monitoring_round.submitted",
        "monitoring_round.approved",
    ]


def test_rectification_is_opened_answered_with_evidence_returned_and_accepted(
    project: Project, suzhou_editor: User, suzhou_reviewer: User, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    deadline = timezone.localdate() + dt.timedelta(days=20)
    with pytest.raises(PermissionDenied):
        do_open_rectification(
            project, problem="p", requirement="r", deadline=deadline, acting_user=suzhou_editor
        )
    with pytest.raises(ValidationError, match="整改要求"):
        do_open_rectification(
            project, problem="p", requirement=" ", deadline=deadline, acting_user=suzhou_reviewer
        )
    item = do_open_rectification(
        project, problem="目标值偏低", requirement="重新测算", deadline=deadline, acting_user=suzhou_reviewer
    )
    with pytest.raises(ValidationError):
        do_accept_rectification(item, acting_user=suzhou_reviewer)  # nothing answered yet
    with pytest.raises(ValidationError, match=r"内容不是\.pdf"):
        do_attach_rectification_evidence(
            item,
            SimpleUploadedFile("a.pdf", b"no", content_type="application/pdf"),
            acting_user=suzhou_editor,
        )
    do_attach_rectification_evidence(
        item,
        SimpleUploadedFile("说明.txt", "已测算\n".encode(), content_type="text/plain"),
        acting_user=suzhou_editor,
    )
    with pytest.raises(ValidationError, match="整改反馈"):
        do_answer_rectification(item, answer="", acting_user=suzhou_editor)
    do_answer_rectification(item, answer="已重新测算", acting_user=suzhou_editor)
    assert item.status == "answered"
    do_return_rectification(item, acting_user=suzhou_reviewer, reason="请附测算依据")
    assert (item.status, item.return_reason) == ("returned", "请附测算依据")
    do_answer_rectification(item, answer="已重新测算，附依据", acting_user=suzhou_editor)
    do_accept_rectification(item, acting_user=suzhou_reviewer)
    assert item.status == "accepted"
    with pytest.raises(ValidationError, match="不能再修改"):
        do_attach_rectification_evidence(
            item, SimpleUploadedFile("b.txt", b"x\n", content_type="text/plain"), acting_user=suzhou_editor
        )
    assert len(events("rectification.opened")) == 1
    assert len(events("rectification.evidence_attached")) == 1


def test_an_exception_lifts_a_lock_for_its_unit_until_it_expires_or_is_revoked(
    project: Project, finance: User, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    indicator = annual(project, ASSETS)
    with pytest.raises(PermissionDenied):
        do_lock_projects([project], Period.year(), acting_user=suzhou_reviewer, reason="年度已报")
    (lock,) = do_lock_projects([project], Period.year(), acting_user=finance, reason="年度已报")
    with pytest.raises(PeriodLocked):
        do_record_result(indicator, Period.month(8), value=Decimal(1), acting_user=suzhou_editor)
    with pytest.raises(PermissionDenied):
        do_grant_lock_exception(
            project.unit,
            Period.year(),
            timezone.now() + dt.timedelta(days=1),
            acting_user=suzhou_reviewer,
            reason="x",
        )
    with pytest.raises(ValidationError, match="已过"):
        do_grant_lock_exception(
            project.unit,
            Period.year(),
            timezone.now() - dt.timedelta(minutes=1),
            acting_user=finance,
            reason="x",
        )
    # An exception for a shorter period does not open a longer lock.
    narrow = do_grant_lock_exception(
        project.unit,
        Period.month(8),
        timezone.now() + dt.timedelta(days=1),
        acting_user=finance,
        reason="8月补报",
    )
    assert lock_covering(project, Period.month(8)) == lock
    do_revoke_lock_exception(narrow, acting_user=finance, reason="不需要了")
    exception = do_grant_lock_exception(
        project.unit, Period.year(), timezone.now() + dt.timedelta(days=1), acting_user=finance, reason="补报"
    )
    assert lock_covering(project, Period.month(8)) is None
    do_record_result(indicator, Period.month(8), value=Decimal(1), acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="原因"):
        do_revoke_lock_exception(exception, acting_user=finance, reason="")
    do_revoke_lock_exception(exception, acting_user=finance, reason="补报完毕")
    with pytest.raises(PeriodLocked):
        do_record_result(indicator, Period.month(9), value=Decimal(1), acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="已撤销"):
        do_revoke_lock_exception(exception, acting_user=finance, reason="再次")
    # Finance unlocks; a reviewer may not.
    with pytest.raises(PermissionDenied):
        do_unlock_period(lock, acting_user=suzhou_reviewer, reason="更正")
    with override_settings(JIXIAO_STRICT_SCOPES=True):
        do_unlock_period(lock, acting_user=finance, reason="更正")
    assert lock_covering(project, Period.month(9)) is None
