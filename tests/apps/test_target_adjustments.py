"""Approved stays approved: a re-import of a project whose targets are submitted, approved or locked never
changes it; it proposes a target adjustment, reviewed like any workflow object, or is refused when it cannot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument, Horizon, Indicator, Location
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import (
    FormImportError,
    do_approve_target_adjustment,
    do_import_forms,
    do_reject_target_adjustment,
)
from jixiao.performance.actions.results import do_lock_period
from jixiao.performance.actions.targets import do_approve_targets, do_return_targets, do_submit_targets
from jixiao.performance.models import ImportBatch, Project, TargetAdjustment
from jixiao.performance.models import Indicator as IndicatorRow
from jixiao.performance.periods import Period

Form = Callable[[], FormDocument]
ASSETS = "全市网络资产监测"
MONTHLY = "网络安全月报"
NEW = "重点网站安全检查"


def count(raw: str, value: str, unit: str) -> TargetValue:
    return TargetValue(raw, TargetKind.QUANTITATIVE, Operator.GE, Decimal(value), unit, unit)


def annual_index(form: FormDocument, name: str) -> int:
    return next(
        i for i, ind in enumerate(form.indicators) if ind.horizon == Horizon.ANNUAL and ind.name == name
    )


def changed_form(security_form: Form) -> FormDocument:
    """The same project with 资产监测 raised to 180家, 月报 gone and a new annual indicator."""
    form = security_form()
    form.indicators[annual_index(form, ASSETS)] = replace(
        form.indicators[annual_index(form, ASSETS)], target=count("≥180家", "180", "家")
    )
    del form.indicators[annual_index(form, MONTHLY)]
    form.indicators.append(
        Indicator(
            Horizon.ANNUAL,
            "产出指标",
            "数量指标",
            NEW,
            count("≥20次", "20", "次"),
            location=Location(form.source, line=70),
        )
    )
    return form


def targets(project: Project) -> dict[str, tuple[str, int]]:
    return {
        row.name: (row.target_raw, row.pk)
        for row in IndicatorRow.objects.unrestricted().filter(project=project, horizon="annual")
    }


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    """The security project with its targets approved."""
    project = do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]
    do_submit_targets(project, acting_user=SYSTEM)
    return do_approve_targets(project, acting_user=SYSTEM)


def test_a_changed_reimport_leaves_approved_targets_as_they_were_and_proposes_the_differences(
    project: Project, security_form: Form, suzhou_editor: User
) -> None:
    before = targets(project)

    result = do_import_forms([changed_form(security_form)], acting_user=suzhou_editor, reason="新版目标表")

    assert targets(project) == before
    assert (result.updated, result.held) == ([], [project])
    assert (result.batch.proposed_count, result.batch.updated_count) == (1, 0)
    [adjustment] = result.proposed
    assert (adjustment.status, adjustment.protection, adjustment.proposed_by) == (
        "proposed",
        "目标已审核",
        suzhou_editor,
    )
    lines = {
        (line.change, line.subject, line.old_raw, line.new_raw)
        for line in adjustment.lines.all()
        if line.subject.startswith("年度/")
    }
    assert lines == {
        ("changed", f"年度/产出指标/数量指标/{ASSETS}", "≥150家", "≥180家"),
        ("removed", f"年度/产出指标/数量指标/{MONTHLY}", "≥1次/月", ""),
        ("added", f"年度/产出指标/数量指标/{NEW}", "", "≥20次"),
    }
    changed = adjustment.lines.get(change="changed", subject__endswith=ASSETS)
    assert (changed.old, changed.new) == (
        {"target_raw": "≥150家", "target_value": "150"},
        {"target_raw": "≥180家", "target_value": "180"},
    )
    event = AuditEvent.objects.unrestricted().get(action="target_adjustment.proposed")
    assert (event.actor_label, event.reason, event.object_id) == (
        "suzhou_editor",
        "新版目标表",
        adjustment.pk,
    )


def test_the_same_form_imported_twice_proposes_one_adjustment(project: Project, security_form: Form) -> None:
    do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="第一次")
    again = do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="第二次")

    assert again.proposed == []
    assert again.batch.unchanged_count == 1
    assert TargetAdjustment.objects.unrestricted().filter(project=project).count() == 1


def test_an_unchanged_form_changes_nothing_and_proposes_nothing(
    project: Project, security_form: Form
) -> None:
    before = targets(project)

    result = do_import_forms([security_form()], acting_user=SYSTEM, reason="原表")

    assert (result.unchanged, result.held, result.proposed) == ([project], [], [])
    assert targets(project) == before
    assert not TargetAdjustment.objects.unrestricted().exists()


def test_approving_applies_the_differences_in_place_and_keeps_the_old_values(
    project: Project, security_form: Form, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    before = targets(project)
    adjustment = do_import_forms(
        [changed_form(security_form)], acting_user=suzhou_editor, reason="新版目标表"
    ).proposed[0]

    with pytest.raises(ValidationError, match="批准必须填写原因"):
        do_approve_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason="")
    do_approve_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason="年中预算追加，目标相应提高")

    after = targets(project)
    assert after[ASSETS] == ("≥180家", before[ASSETS][1])  # the same row, updated in place
    assert MONTHLY not in after
    assert after[NEW][0] == "≥20次"
    assert (adjustment.status, adjustment.reviewed_by, adjustment.review_reason) == (
        "approved",
        suzhou_reviewer,
        "年中预算追加，目标相应提高",
    )
    project.refresh_from_db()
    assert project.target_status == "approved"
    applied = AuditEvent.objects.unrestricted().get(action="project.adjusted", object_id=project.pk)
    assert applied.actor_label == "suzhou_reviewer"
    assert applied.changes[f"indicators[annual/产出指标/数量指标/{ASSETS}].target_raw"] == [
        "≥150家",
        "≥180家",
    ]
    assert applied.details["adjustment"] == adjustment.pk
    assert adjustment.lines.get(subject__endswith=ASSETS).old_raw == "≥150家"
    # Applied: the same form now matches the project.
    assert do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="再导入").proposed == []


def test_rejecting_needs_a_reason_leaves_the_project_and_the_same_form_proposes_nothing_again(
    project: Project, security_form: Form, suzhou_reviewer: User
) -> None:
    before = targets(project)
    adjustment = do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="新版").proposed[0]

    with pytest.raises(ValidationError, match="驳回必须填写原因"):
        do_reject_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason=" ")
    do_reject_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason="目标不应降低")

    assert (adjustment.status, targets(project)) == ("rejected", before)
    with pytest.raises(ValidationError, match="目标调整当前为“已驳回”，不能批准"):
        do_approve_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason="改主意")
    assert do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="再导入").proposed == []


def test_a_newer_form_supersedes_a_proposal_nobody_reviewed(project: Project, security_form: Form) -> None:
    first = do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="第一版").proposed[0]
    newer = changed_form(security_form)
    newer.indicators[annual_index(newer, ASSETS)] = replace(
        newer.indicators[annual_index(newer, ASSETS)], target=count("≥200家", "200", "家")
    )

    second = do_import_forms([newer], acting_user=SYSTEM, reason="第二版").proposed[0]

    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "proposed")
    assert (
        AuditEvent.objects.unrestricted()
        .filter(action="target_adjustment.superseded", object_id=first.pk)
        .exists()
    )


def test_a_target_measured_in_another_unit_is_refused_with_the_file_named(
    project: Project, security_form: Form
) -> None:
    form = security_form()
    form.indicators[annual_index(form, ASSETS)] = replace(
        form.indicators[annual_index(form, ASSETS)], target=count("≥150个", "150", "个")
    )
    batches = ImportBatch.objects.unrestricted().count()

    with pytest.raises(FormImportError, match=r"000_seed.txt.*目标已审核.*度量单位由“家”改为“个”"):
        do_import_forms([form], acting_user=SYSTEM, reason="改单位")

    assert ImportBatch.objects.unrestricted().count() == batches
    assert not TargetAdjustment.objects.unrestricted().exists()


def test_a_form_that_puts_an_approved_project_in_another_unit_is_refused(
    suzhou: Unit, shunping: Unit, office_form: Form
) -> None:
    office = do_import_forms([office_form()], acting_user=SYSTEM, reason="seed").created[0]
    do_submit_targets(office, acting_user=SYSTEM)
    do_approve_targets(office, acting_user=SYSTEM)

    with pytest.raises(FormImportError, match=r"004_seed.txt.*目标已审核.*与项目所在单位.*不同"):
        do_import_forms([office_form()], acting_user=SYSTEM, reason="换单位", unit=suzhou)

    office.refresh_from_db()
    assert office.unit == shunping


def test_a_submitted_or_year_locked_project_is_held_too(
    suzhou: Unit, security_form: Form, suzhou_reviewer: User
) -> None:
    submitted = do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]
    do_submit_targets(submitted, acting_user=SYSTEM)
    assert do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="x").proposed[
        0
    ].protection == ("目标已送审")

    do_return_targets(submitted, acting_user=suzhou_reviewer, reason="重新填报")
    do_lock_period(submitted, Period.year(), acting_user=suzhou_reviewer, reason="年度已结账")
    newer = changed_form(security_form)
    del newer.indicators[annual_index(newer, NEW)]
    assert do_import_forms([newer], acting_user=SYSTEM, reason="y").proposed[0].protection == "全年已锁定"


def test_a_returned_draft_is_updated_in_place(
    project: Project, security_form: Form, suzhou_reviewer: User
) -> None:
    do_return_targets(project, acting_user=suzhou_reviewer, reason="请按新预算修改")

    result = do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="修改后")

    assert (result.updated, result.proposed) == ([project], [])
    assert targets(project)[ASSETS][0] == "≥180家"


def test_the_person_who_imported_it_may_not_approve_it(
    project: Project, security_form: Form, suzhou_admin: User
) -> None:
    adjustment = do_import_forms(
        [changed_form(security_form)], acting_user=suzhou_admin, reason="新版"
    ).proposed[0]

    with pytest.raises(ValidationError, match="由 suzhou_admin 导入提出，不能由本人审核"):
        do_approve_target_adjustment(adjustment, acting_user=suzhou_admin, reason="同意")


def test_adjustments_are_scoped_to_the_projects_unit(
    project: Project, security_form: Form, suzhou_reviewer: User, shunping_reviewer: User
) -> None:
    adjustment = do_import_forms([changed_form(security_form)], acting_user=SYSTEM, reason="新版").proposed[0]

    assert list(TargetAdjustment.objects.restrict(suzhou_reviewer, "review")) == [adjustment]
    assert not TargetAdjustment.objects.restrict(shunping_reviewer, "view").exists()
    with pytest.raises(PermissionDenied, match="shunping_reviewer 无权审核"):
        do_approve_target_adjustment(adjustment, acting_user=shunping_reviewer, reason="同意")
