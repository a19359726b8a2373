"""The monitoring snapshot (1–7月 by default) on a hand-computed case, and what people enter for a round."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from performance_helpers import annual, approved

from jixiao.domain.forms.model import FormDocument
from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.monitoring import do_record_budget_forecast, do_record_monitoring_entry
from jixiao.performance.actions.results import do_record_result, do_submit_result
from jixiao.performance.actions.spending import do_record_expenditure
from jixiao.performance.models import MonitoringEntry, MonitoringRound, Project
from jixiao.performance.periods import Period
from jixiao.performance.selectors import build_monitoring_snapshot

Form = Callable[[], FormDocument]


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    """Seed 000's 网络安全 project with 1–7月 activity whose figures are worked out by hand below."""
    project = do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]
    for month in range(1, 8):
        do_record_expenditure(project, month, Decimal("21000"), acting_user=SYSTEM)  # 147000 in all
    do_record_expenditure(project, 9, Decimal("50000"), acting_user=SYSTEM)  # after the cut-off
    approved(annual(project, "全市网络资产监测"), Period.month(7), value="50")
    do_submit_result(
        do_record_result(
            annual(project, "全市网络资产监测"), Period.quarter(2), value=Decimal(45), acting_user=SYSTEM
        ),
        acting_user=SYSTEM,
    )
    approved(annual(project, "网络安全月报"), Period.month(6), value="1")
    approved(
        annual(project, "经费支出合规性"),
        Period.half(1),
        grade="部分达成并具有一定效果",
        narrative="一笔报销缺附件",
    )
    approved(annual(project, "处置重点网络安全应急事件时限"), Period.month(7), value="8")
    return project


def row(snapshot: object, name: str) -> object:
    return next(r for r in snapshot.rows if r.indicator.name == name)  # type: ignore[attr-defined]


def test_the_budget_figures_of_the_snapshot(project: Project) -> None:
    snapshot = build_monitoring_snapshot(project)

    assert snapshot.cutoff_month == 7
    assert snapshot.annual_budget == Decimal("300000")
    assert snapshot.executed == Decimal("147000")
    assert snapshot.rate == Decimal("49")
    # No forecast entered: 147000 × 12 ÷ 7, marked as a projection.
    assert (snapshot.budget_forecast, snapshot.budget_forecast_source) == (Decimal("252000.00"), "linear")
    # 49 % ÷ (7/12 = 58.33 %) = 84 % of the time share: green.
    assert snapshot.budget_light is not None
    assert snapshot.budget_light.colour == "green"
    assert snapshot.budget_light.inputs["by_time_percent"] == "84.00"


def test_the_indicator_figures_and_lights_of_the_snapshot(project: Project) -> None:
    snapshot = build_monitoring_snapshot(project)

    assets = row(snapshot, "全市网络资产监测")
    # Cumulative 50 家 by July against 150 × 7/12 = 87.5: 57.14 %, red; the submitted Q2 figure does not count.
    assert (assets.actual, assets.actual_through_month, assets.pending_results) == (Decimal("50"), 7, 1)
    assert assets.light.colour == "red"
    assert assets.light.inputs["progress_percent"] == "57.14"
    assert (assets.forecast, assets.forecast_source) == (Decimal("85.71"), "linear")  # 50 × 12 ÷ 7
    monthly = row(snapshot, "网络安全月报")
    # A rate is a level: held to the full target (1 of 1 = 100 %) and projected as itself.
    assert (monthly.actual, monthly.light.colour) == (Decimal("1"), "green")
    assert (monthly.forecast, monthly.forecast_source) == (Decimal("1"), "linear")
    compliance = row(snapshot, "经费支出合规性")
    assert (compliance.actual, compliance.light.colour) == (QualitativeGrade.PARTLY, "yellow")
    assert (compliance.forecast, compliance.forecast_source) == (None, None)
    time_limit = row(snapshot, "处置重点网络安全应急事件时限")
    assert (time_limit.actual, time_limit.light.colour) == (Decimal("8"), "red")  # 8 小时 > 6 小时
    satisfaction = row(snapshot, "培训学员满意率")
    assert (satisfaction.actual, satisfaction.light.colour) == (None, None)
    assert row(snapshot, "不适用").light.colour is None
    assert snapshot.light.colour == "red"
    assert snapshot.light.inputs == {"red": "2", "yellow": "1", "blue": "0", "green": "2"}
    assert "“网络安全月报”最近一期已审核的完成值截至6月" in snapshot.warnings


def test_what_people_enter_replaces_the_projection_and_is_shown_beside_the_figures(project: Project) -> None:
    do_record_monitoring_entry(
        annual(project, "全市网络资产监测"),
        7,
        forecast_value=Decimal("120"),
        deviation_category="staff",
        deviation_reason="两名监测人员借调",
        likelihood="impossible",
        corrective_measures="9月起由网络安全科协助巡检",
        acting_user=SYSTEM,
    )
    do_record_monitoring_entry(
        annual(project, "经费支出合规性"), 7, forecast_grade="达成", likelihood="possible", acting_user=SYSTEM
    )
    do_record_budget_forecast(project, 7, Decimal("290000"), note="合同尾款11月支付", acting_user=SYSTEM)

    snapshot = build_monitoring_snapshot(project)

    assets = row(snapshot, "全市网络资产监测")
    assert (assets.forecast, assets.forecast_source) == (Decimal("120"), "entered")
    assert (assets.deviation_category, assets.deviation_reason) == ("staff", "两名监测人员借调")
    assert (assets.likelihood, assets.corrective_measures) == ("impossible", "9月起由网络安全科协助巡检")
    assert row(snapshot, "经费支出合规性").forecast == QualitativeGrade.ACHIEVED
    assert (snapshot.budget_forecast, snapshot.budget_forecast_source) == (Decimal("290000"), "entered")
    # Another round is another set of entries: the June round has none of these.
    assert build_monitoring_snapshot(project, 6).rows[0].likelihood == ""


def test_the_snapshot_is_computed_when_read_so_a_new_approval_shows_at_once(project: Project) -> None:
    before = row(build_monitoring_snapshot(project), "培训学员满意率")
    approved(annual(project, "培训学员满意率"), Period.month(7), value="96")

    after = row(build_monitoring_snapshot(project), "培训学员满意率")

    assert (before.actual, after.actual, after.light.colour) == (None, Decimal("96"), "green")


def test_the_default_cut_off_is_configurable(project: Project) -> None:
    with override_settings(JIXIAO_MONITORING_CUTOFF_MONTH=6):
        snapshot = build_monitoring_snapshot(project)

    assert (snapshot.cutoff_month, snapshot.executed) == (6, Decimal("126000"))


def test_completely_impossible_needs_corrective_measures_in_the_action_and_in_the_database(
    project: Project,
) -> None:
    assets = annual(project, "全市网络资产监测")

    with pytest.raises(ValidationError, match="须填写纠偏措施"):
        do_record_monitoring_entry(assets, 7, likelihood="impossible", acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="须选择类别"):
        do_record_monitoring_entry(assets, 7, deviation_reason="经费晚到", acting_user=SYSTEM)
    round_ = MonitoringRound.objects.create(project=project, cutoff_month=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringEntry.objects.create(round=round_, indicator=assets, likelihood="impossible")


def test_another_unit_cannot_enter_or_see_monitoring_entries(
    project: Project, shunping_editor: User, suzhou_viewer: User
) -> None:
    assets = annual(project, "全市网络资产监测")
    do_record_monitoring_entry(assets, 7, likelihood="certain", acting_user=SYSTEM)

    with pytest.raises(PermissionDenied):
        do_record_monitoring_entry(assets, 7, likelihood="possible", acting_user=shunping_editor)
    assert MonitoringEntry.objects.restrict(shunping_editor).count() == 0
    assert MonitoringEntry.objects.restrict(suzhou_viewer).count() == 1
