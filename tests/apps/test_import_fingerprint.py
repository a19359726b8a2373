"""A re-import of the same form over a project nobody changed is known unchanged by the fingerprint stored with
the project, without reading its rows; any change since the import makes it compare in full, as before."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.domain.forms.model import FormDocument, Horizon
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_approve_target_adjustment, do_import_forms
from jixiao.performance.actions.results import do_lock_period
from jixiao.performance.actions.targets import (
    IndicatorDraft,
    do_approve_targets,
    do_save_targets,
    do_submit_targets,
)
from jixiao.performance.importing.fingerprint import FINGERPRINT_VERSION, form_fingerprint
from jixiao.performance.importing.rows import form_place, plan_form
from jixiao.performance.models import Indicator as IndicatorRow
from jixiao.performance.models import Project, ProjectFunds, TargetAdjustment
from jixiao.performance.periods import Period

Form = Callable[[], FormDocument]
ASSETS = "全市网络资产监测"


def raised(security_form: Form) -> FormDocument:
    """The security form with 资产监测 raised from ≥150家 to ≥180家."""
    form = security_form()
    index = next(
        i for i, ind in enumerate(form.indicators) if ind.horizon == Horizon.ANNUAL and ind.name == ASSETS
    )
    target = TargetValue("≥180家", TargetKind.QUANTITATIVE, Operator.GE, Decimal("180"), "家", "家")
    form.indicators[index] = replace(form.indicators[index], target=target)
    return form


def assets(project: Project) -> IndicatorRow:
    return IndicatorRow.objects.unrestricted().get(project=project, horizon="annual", name=ASSETS)


def fingerprint(project: Project) -> str:
    return Project.objects.unrestricted().values_list("import_fingerprint", flat=True).get(pk=project.pk)


def child_queries(captured: CaptureQueriesContext) -> list[str]:
    """Queries that read or write a project's rows (indicators, money, fund uses, spending plan)."""
    tables = ("performance_indicator", "performance_projectfunds", "performance_fundus", "performance_spend")
    return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in tables)]


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="首次导入").created[0]


def test_an_identical_reimport_is_recognised_without_reading_the_rows_and_changes_nothing(
    project: Project, security_form: Form
) -> None:
    stamp = fingerprint(project)
    rows_before = list(IndicatorRow.objects.unrestricted().filter(project=project).values())
    updated_at = Project.objects.unrestricted().get(pk=project.pk).updated_at

    with CaptureQueriesContext(connection) as captured:
        result = do_import_forms([security_form()], acting_user=SYSTEM, reason="再次导入")

    assert len(stamp) == 64
    assert (result.recognised, result.unchanged, result.updated, result.held) == (
        [project],
        [project],
        [],
        [],
    )
    assert result.batch.unchanged_count == 1
    assert child_queries(captured) == []
    assert list(IndicatorRow.objects.unrestricted().filter(project=project).values()) == rows_before
    assert Project.objects.unrestricted().get(pk=project.pk).updated_at == updated_at
    assert fingerprint(project) == stamp


def test_a_batch_of_recognised_forms_reads_no_rows(
    suzhou: Unit, security_form: Form, office_form: Form
) -> None:
    do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="首次导入")

    with CaptureQueriesContext(connection) as captured:
        result = do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="再次导入")

    assert len(result.recognised) == len(result.unchanged) == 2
    assert child_queries(captured) == []


def test_a_target_edited_since_the_import_is_compared_in_full_and_written_back(
    project: Project, security_form: Form
) -> None:
    row = assets(project)
    row.target_raw = "≥160家"
    row.target_value = Decimal("160")
    row.save()  # as the admin would: no import involved
    assert fingerprint(project) == ""

    result = do_import_forms([security_form()], acting_user=SYSTEM, reason="再次导入")

    assert (result.recognised, result.updated) == ([], [project])
    assert (assets(project).target_raw, assets(project).pk) == ("≥150家", row.pk)
    assert fingerprint(project) != ""
    assert do_import_forms([security_form()], acting_user=SYSTEM, reason="又一次").recognised == [project]


def test_targets_edited_in_the_browser_are_not_taken_for_the_file(
    project: Project, security_form: Form, suzhou_editor: User
) -> None:
    rows = [
        IndicatorDraft(r.horizon, r.level1, r.level2, r.name, r.target_raw, r.weight, ident=r.pk)
        for r in IndicatorRow.objects.unrestricted().filter(project=project).order_by("horizon", "order")
    ]
    rows = [replace(r, target="≥170家") if r.name == ASSETS and r.horizon == "annual" else r for r in rows]
    do_save_targets(project, rows, acting_user=suzhou_editor)
    assert assets(project).target_raw == "≥170家"

    result = do_import_forms([security_form()], acting_user=SYSTEM, reason="重新导入原表")

    assert (result.recognised, result.updated) == ([], [project])
    assert assets(project).target_raw == "≥150家"


def test_an_approved_project_whose_target_was_changed_since_still_proposes_an_adjustment(
    project: Project, security_form: Form, suzhou_editor: User
) -> None:
    do_submit_targets(project, acting_user=SYSTEM)
    do_approve_targets(project, acting_user=SYSTEM)
    row = assets(project)
    row.target_raw = "≥160家"
    row.target_value = Decimal("160")
    row.save()

    result = do_import_forms([security_form()], acting_user=suzhou_editor, reason="原表")

    assert (result.recognised, result.held, len(result.proposed)) == ([], [project], 1)
    assert assets(project).target_raw == "≥160家"  # approved stays approved
    line = result.proposed[0].lines.get(subject__endswith=ASSETS)
    assert (line.old_raw, line.new_raw) == ("≥160家", "≥150家")


def test_after_an_approved_adjustment_the_old_form_is_compared_in_full(
    project: Project, security_form: Form, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    do_submit_targets(project, acting_user=SYSTEM)
    do_approve_targets(project, acting_user=SYSTEM)
    [adjustment] = do_import_forms([raised(security_form)], acting_user=suzhou_editor, reason="新版").proposed
    do_approve_target_adjustment(adjustment, acting_user=suzhou_reviewer, reason="同意")
    assert assets(project).target_raw == "≥180家"
    assert fingerprint(project) == ""

    result = do_import_forms([security_form()], acting_user=suzhou_editor, reason="旧表")

    assert (result.recognised, result.held, len(result.proposed)) == ([], [project], 1)
    assert assets(project).target_raw == "≥180家"
    assert TargetAdjustment.objects.unrestricted().filter(project=project, status="proposed").count() == 1


def test_a_changed_form_over_an_approved_project_is_never_recognised(
    project: Project, security_form: Form, suzhou_editor: User
) -> None:
    do_submit_targets(project, acting_user=SYSTEM)
    do_approve_targets(project, acting_user=SYSTEM)

    result = do_import_forms([raised(security_form)], acting_user=suzhou_editor, reason="新版")

    assert (result.recognised, result.held, len(result.proposed)) == ([], [project], 1)
    assert assets(project).target_raw == "≥150家"


@pytest.mark.parametrize("change", ["submit", "lock"])
def test_a_new_protection_is_compared_in_full_once_then_recognised(
    project: Project, security_form: Form, change: str
) -> None:
    if change == "submit":
        do_submit_targets(project, acting_user=SYSTEM)
    else:
        do_lock_period(project, Period.year(), acting_user=SYSTEM, reason="年度结束")
    stamp = fingerprint(project)

    first = do_import_forms([security_form()], acting_user=SYSTEM, reason="原表")
    second = do_import_forms([security_form()], acting_user=SYSTEM, reason="原表")

    assert (first.recognised, first.unchanged, first.proposed) == ([], [project], [])
    assert (second.recognised, second.proposed) == ([project], [])
    assert fingerprint(project) not in ("", stamp)


def test_a_header_saved_or_the_money_deleted_empties_the_fingerprint(
    project: Project, security_form: Form
) -> None:
    stored = Project.objects.unrestricted().get(pk=project.pk)
    stored.goal_annual = "改过的年度目标"
    stored.save()
    assert stored.import_fingerprint == fingerprint(project) == ""
    assert do_import_forms([security_form()], acting_user=SYSTEM, reason="原表").updated == [project]
    assert fingerprint(project) != ""

    ProjectFunds.objects.unrestricted().get(project=project, horizon="annual").delete()

    assert fingerprint(project) == ""
    assert do_import_forms([security_form()], acting_user=SYSTEM, reason="原表").updated == [project]


def test_a_status_change_alone_keeps_the_fingerprint_column(project: Project) -> None:
    stamp = fingerprint(project)

    do_submit_targets(project, acting_user=SYSTEM)

    assert fingerprint(project) == stamp  # the protection is part of what the next form hashes


def test_the_fingerprint_depends_on_the_values_only(suzhou: Unit, security_form: Form) -> None:
    plan = plan_form(security_form(), form_place(security_form(), 1))
    plan.unit = suzhou
    twin = copy.deepcopy(plan)
    twin.project["name"] = "".join(list(plan.project["name"]))  # an equal string, another object
    other = copy.deepcopy(plan)
    other.children["indicators"][0]["target_value"] = Decimal("1.50")

    assert form_fingerprint(plan, "") == form_fingerprint(twin, "") != form_fingerprint(plan, "目标已送审")
    assert form_fingerprint(other, "") != form_fingerprint(plan, "")
    assert FINGERPRINT_VERSION >= 1
