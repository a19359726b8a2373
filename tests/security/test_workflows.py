"""The security workflows as data, and the moves that go through them: every state reachable, the system's
edges marked, warnings read and confirmed by their recipients, monthly reports published by a person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Unit
from jixiao.security.actions.advisories import (
    do_confirm_warning_read,
    do_create_warning,
    do_publish_warning,
    do_withdraw_warning,
)
from jixiao.security.actions.monthly import do_generate_monthly_report, do_publish_monthly_report
from jixiao.security.workflows import (
    FINDING_WORKFLOW,
    INCIDENT_WORKFLOW,
    MONTHLY_REPORT_WORKFLOW,
    NOTICE_WORKFLOW,
    WARNING_WORKFLOW,
    FindingVerb,
)
from org_tree import member


@pytest.mark.parametrize(
    "workflow",
    [FINDING_WORKFLOW, NOTICE_WORKFLOW, INCIDENT_WORKFLOW, WARNING_WORKFLOW, MONTHLY_REPORT_WORKFLOW],
    ids=lambda w: w.name,
)
def test_every_state_of_a_workflow_can_be_reached(workflow: object) -> None:
    assert workflow.reachable() == set(workflow.states)  # type: ignore[attr-defined]


def test_only_people_judge_a_finding_and_only_the_system_says_what_a_check_saw() -> None:
    people_only = {str(e.verb) for e in FINDING_WORKFLOW.edges if not e.system}
    system_only = {str(e.verb) for e in FINDING_WORKFLOW.edges if not e.people}
    assert people_only == {
        FindingVerb.START_RECTIFYING,
        FindingVerb.REPORT_FIXED,
        FindingVerb.MARK_FALSE_POSITIVE,
        FindingVerb.ACCEPT_RISK,
    }
    assert system_only == {FindingVerb.RECOVER, FindingVerb.GONE, FindingVerb.GONE_AWAITING}
    assert FINDING_WORKFLOW.edge(FindingVerb.GONE_AWAITING, "notified").target == "awaiting_verification"


def test_recipients_confirm_reading_a_published_warning_once(
    office: Unit, education: Unit, health: Unit, analyst: User, education_editor: User
) -> None:
    warning = do_create_warning(
        office,
        "关于防范勒索病毒的预警",
        "请及时更新补丁。",
        recipients=[education],
        acting_user=analyst,
        reason="x",
    )
    with pytest.raises(ValidationError, match="不能确认阅读"):
        do_confirm_warning_read(warning, education, acting_user=education_editor)
    with pytest.raises(PermissionDenied):
        do_publish_warning(warning, acting_user=SYSTEM, reason="自动发布")  # a person publishes
    do_publish_warning(warning, acting_user=analyst, reason="发布")
    assert warning.status == "published"
    with pytest.raises(PermissionDenied):
        do_confirm_warning_read(warning, health, acting_user=education_editor)  # not their unit
    with pytest.raises(ValidationError, match="不是"):
        do_confirm_warning_read(warning, health, acting_user=analyst)  # health did not receive it

    first = do_confirm_warning_read(warning, education, acting_user=education_editor)
    again = do_confirm_warning_read(warning, education, acting_user=education_editor)
    assert (first.pk, first.confirmed_at) == (again.pk, again.confirmed_at)
    assert first.confirmed_by == education_editor
    assert list(warning.receipts.values_list("unit", flat=True)) == [education.pk]
    assert AuditEvent.objects.unrestricted().filter(action="warning.read_confirmed").count() == 1

    do_withdraw_warning(warning, acting_user=analyst, reason="已过时")
    verbs = list(
        AuditEvent.objects.unrestricted()
        .filter(object_id=warning.pk, action__startswith="warning.")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert verbs == ["warning.created", "warning.published", "warning.read_confirmed", "warning.withdrawn"]


def test_a_monthly_report_is_published_by_security_staff_with_a_reason(office: Unit, analyst: User) -> None:
    watch = member("watch", office, RoleChoices.SECURITY)
    viewer = member("viewer", office, RoleChoices.VIEWER)
    report = do_generate_monthly_report(office, 2026, 11, acting_user=watch, reason="月初生成")
    with pytest.raises(PermissionDenied):
        do_publish_monthly_report(report, acting_user=viewer, reason="x")
    with pytest.raises(ValidationError, match="原因"):
        do_publish_monthly_report(report, acting_user=watch, reason=" ")
    do_publish_monthly_report(report, acting_user=watch, reason="审核通过")
    assert report.status == "published"
    assert report.published_at is not None
    with pytest.raises(ValidationError, match="不能发布"):
        do_publish_monthly_report(report, acting_user=watch, reason="again")
    with pytest.raises(ValidationError, match="已发布"):
        do_generate_monthly_report(office, 2026, 11, acting_user=watch, reason="重新生成")
