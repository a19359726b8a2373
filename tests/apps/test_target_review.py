"""Targets typed in the browser (a new project, edited targets), the reviewer's grades with the approval or the
return, and an adjustment of approved targets proposed from the page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.adjustments import do_propose_target_adjustment
from jixiao.performance.actions.imports import do_approve_target_adjustment, do_import_forms
from jixiao.performance.actions.targets import (
    IndicatorDraft,
    ProjectDraft,
    do_create_project,
    do_review_targets,
    do_save_targets,
    do_submit_targets,
)
from jixiao.performance.models import Indicator, Project, TargetReview

Form = Callable[[], FormDocument]
GOOD = dict.fromkeys(("completeness", "relevance", "appropriateness", "feasibility"), ("good", ""))


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]


def rows_of(project: Project) -> list[IndicatorDraft]:
    return [
        IndicatorDraft(i.horizon, i.level1, i.level2, i.name, i.target_raw, i.weight, i.pk)
        for i in Indicator.objects.unrestricted()
        .filter(project=project, withdrawn=False)
        .order_by("order", "-horizon", "pk")
    ]


def test_a_project_typed_in_the_browser_is_stored_as_a_draft_with_typed_targets(
    suzhou: Unit, suzhou_editor: User
) -> None:
    header = ProjectDraft(name="网络安全宣传周经费", year=2024, funds_total=Decimal("150000"))
    rows = [
        IndicatorDraft("annual", "产出指标", "数量指标", "覆盖网站数", "≥4万家"),
        IndicatorDraft("annual", "产出指标", "时效指标", "处置时限", "≤6小时"),
        IndicatorDraft("annual", "", "", "", ""),  # an empty row added and left blank
    ]
    project = do_create_project(suzhou, header, rows, acting_user=suzhou_editor)

    assert (project.unit, project.year, project.target_status) == (suzhou, 2024, "draft")
    stored = list(Indicator.objects.unrestricted().filter(project=project).order_by("order"))
    assert [(i.name, i.target_operator, i.target_value, i.target_unit) for i in stored] == [
        ("覆盖网站数", ">=", Decimal("40000"), "家"),
        ("处置时限", "<=", Decimal("6"), "小时"),
    ]
    assert project.funds.get(horizon="annual").total == Decimal("150000")
    with pytest.raises(ValidationError, match="已有2024年的项目"):
        do_create_project(suzhou, header, rows, acting_user=suzhou_editor)


def test_only_someone_who_may_change_the_unit_creates_a_project(suzhou: Unit, shunping_editor: User) -> None:
    with pytest.raises(PermissionDenied):
        do_create_project(suzhou, ProjectDraft(name="x", year=2024), [], acting_user=shunping_editor)
    assert not Project.objects.unrestricted().exists()


def test_saved_targets_keep_their_indicator_rows(project: Project, suzhou_editor: User) -> None:
    rows = rows_of(project)
    first = rows[0]
    rows[0] = IndicatorDraft(
        first.horizon, first.level1, first.level2, first.name, "≥99%", first.weight, first.ident
    )
    do_save_targets(project, rows, acting_user=suzhou_editor)
    changed = Indicator.objects.unrestricted().get(pk=first.ident)
    assert (changed.target_raw, changed.target_value) == ("≥99%", Decimal("99"))


def test_submitted_targets_cannot_be_saved_in_place(project: Project, suzhou_editor: User) -> None:
    do_submit_targets(project, acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="申请目标调整"):
        do_save_targets(project, rows_of(project), acting_user=suzhou_editor)


def test_a_return_needs_a_comment_and_records_the_grades(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    do_submit_targets(project, acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="退回时请填写审核意见"):
        do_review_targets(project, GOOD, approve=False, acting_user=suzhou_reviewer, reason=" ")
    with pytest.raises(ValidationError, match="完整性"):
        do_review_targets(project, {}, approve=False, acting_user=suzhou_reviewer, reason="x")
    grades = {**GOOD, "feasibility": ("poor", "处置时限过短")}
    review = do_review_targets(
        project, grades, approve=False, acting_user=suzhou_reviewer, reason="请修改时限"
    )

    project.refresh_from_db()
    assert (project.target_status, project.target_return_reason) == ("returned", "请修改时限")
    assert [
        (line.get_criterion_display(), line.get_grade_display(), line.comment) for line in review.lines.all()
    ] == [
        ("完整性", "良", ""),
        ("相关性", "良", ""),
        ("适当性", "良", ""),
        ("可行性", "差", "处置时限过短"),
    ]
    graded = AuditEvent.objects.unrestricted().get(action="targets.graded")
    assert graded.details["grades"]["可行性"] == "差"


def test_the_submitter_cannot_approve_and_a_failed_review_stores_nothing(
    project: Project, suzhou_admin: User
) -> None:
    do_submit_targets(project, acting_user=suzhou_admin)
    with pytest.raises(ValidationError, match="不能由本人审核通过"):
        do_review_targets(project, GOOD, approve=True, acting_user=suzhou_admin, reason="")
    assert not TargetReview.objects.unrestricted().exists()


def test_an_approved_target_changes_only_through_an_approved_adjustment(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    do_submit_targets(project, acting_user=suzhou_editor)
    do_review_targets(project, GOOD, approve=True, acting_user=suzhou_reviewer, reason="")
    rows = rows_of(project)
    with pytest.raises(ValidationError, match="目标相同"):
        do_propose_target_adjustment(project, rows, acting_user=suzhou_editor, reason="无改动")
    with pytest.raises(ValidationError, match="调整原因"):
        do_propose_target_adjustment(project, rows, acting_user=suzhou_editor, reason="")
    at = next(n for n, r in enumerate(rows) if r.horizon == "annual" and "%" in r.target)
    first = rows[at]
    old_raw = first.target
    rows[at] = IndicatorDraft(
        first.horizon, first.level1, first.level2, first.name, "≥120%", first.weight, first.ident
    )

    adjustment = do_propose_target_adjustment(project, rows, acting_user=suzhou_editor, reason="任务增加")

    assert adjustment.batch is not None
    assert adjustment.batch.reason == "任务增加"
    assert [(line.change, line.old_raw, line.new_raw) for line in adjustment.lines.all()] == [
        ("changed", old_raw, "≥120%")
    ]
    assert (
        Indicator.objects.unrestricted().get(pk=first.ident).target_raw == old_raw
    )  # unchanged until approved
    do_approve_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason="同意")
    assert Indicator.objects.unrestricted().get(pk=first.ident).target_raw == "≥120%"
