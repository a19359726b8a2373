"""The target declaration of a project: 送审 by an editor, 审核通过 or 退回 (with a reason) by a reviewer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM, MissingActor
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.targets import do_approve_targets, do_return_targets, do_submit_targets
from jixiao.performance.models import Project

Form = Callable[[], FormDocument]


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]


def steps(project: Project) -> list[tuple[str, str, str, dict[str, object]]]:
    return list(
        AuditEvent.objects.unrestricted()
        .filter(object_id=project.pk, action__startswith="targets.")
        .order_by("id")
        .values_list("action", "actor_label", "reason", "changes")
    )


def test_an_imported_project_starts_as_a_draft(project: Project) -> None:
    assert (project.target_status, project.get_target_status_display()) == ("draft", "草稿")


def test_it_goes_from_draft_to_submitted_to_approved_with_one_audit_row_per_step(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    submitted = do_submit_targets(project, acting_user=suzhou_editor)
    assert (submitted.target_status, submitted.target_submitted_by) == ("submitted", suzhou_editor)
    assert project.target_status == "submitted"  # the caller's object is refreshed

    approved = do_approve_targets(project, acting_user=suzhou_reviewer, reason="与预算批复一致")

    assert (approved.target_status, approved.target_reviewed_by) == ("approved", suzhou_reviewer)
    assert [(a, who, why, c["target_status"]) for a, who, why, c in steps(project)] == [
        ("targets.submitted", "suzhou_editor", "", ["draft", "submitted"]),
        ("targets.approved", "suzhou_reviewer", "与预算批复一致", ["submitted", "approved"]),
    ]


def test_returning_needs_a_reason_which_the_editor_then_reads(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    do_submit_targets(project, acting_user=suzhou_editor)

    with pytest.raises(ValidationError, match="退回必须填写原因"):
        do_return_targets(project, acting_user=suzhou_reviewer, reason="  ")
    returned = do_return_targets(project, acting_user=suzhou_reviewer, reason="满意率目标低于上年实际")

    assert (returned.target_status, returned.target_return_reason) == ("returned", "满意率目标低于上年实际")
    assert do_submit_targets(project, acting_user=suzhou_editor).target_status == "submitted"


def test_an_approved_declaration_may_be_returned_with_a_reason(
    project: Project, suzhou_reviewer: User
) -> None:
    do_submit_targets(project, acting_user=SYSTEM)
    do_approve_targets(project, acting_user=SYSTEM)

    assert (
        do_return_targets(project, acting_user=suzhou_reviewer, reason="预算调整").target_status == "returned"
    )


def test_a_draft_cannot_be_approved_and_approved_targets_cannot_be_submitted_again(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    with pytest.raises(ValidationError, match="绩效目标当前为“草稿”，不能审核通过"):
        do_approve_targets(project, acting_user=suzhou_reviewer)

    do_submit_targets(project, acting_user=suzhou_editor)
    do_approve_targets(project, acting_user=suzhou_reviewer)
    with pytest.raises(ValidationError, match="绩效目标当前为“已审核”，不能送审"):
        do_submit_targets(project, acting_user=suzhou_editor)


def test_an_editor_may_not_approve_and_a_reviewer_may_not_submit(
    project: Project, suzhou_editor: User, suzhou_reviewer: User, shunping_editor: User
) -> None:
    with pytest.raises(PermissionDenied, match="suzhou_reviewer 无权送审"):
        do_submit_targets(project, acting_user=suzhou_reviewer)
    with pytest.raises(PermissionDenied, match="shunping_editor 无权送审"):
        do_submit_targets(project, acting_user=shunping_editor)
    do_submit_targets(project, acting_user=suzhou_editor)
    with pytest.raises(PermissionDenied, match="suzhou_editor 无权审核"):
        do_approve_targets(project, acting_user=suzhou_editor)

    project.refresh_from_db()
    assert project.target_status == "submitted"


def test_nobody_approves_targets_they_submitted(project: Project, suzhou_admin: User) -> None:
    do_submit_targets(project, acting_user=suzhou_admin)

    with pytest.raises(ValidationError, match="由 suzhou_admin 送审，不能由本人审核通过"):
        do_approve_targets(project, acting_user=suzhou_admin)


def test_it_refuses_an_action_without_an_actor(project: Project) -> None:
    with pytest.raises(MissingActor):
        do_submit_targets(project, acting_user=None)  # type: ignore[arg-type]
