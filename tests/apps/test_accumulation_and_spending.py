"""Accumulation rules (cumulative, per period, latest) and spending: adjusted budget, execution rate, plan."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from performance_helpers import annual, approved

from jixiao.domain.forms.model import FormDocument, FormKind, Funds, ProjectInfo
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.results import do_lock_period, do_record_result, do_set_accumulation
from jixiao.performance.actions.spending import do_adjust_budget, do_record_expenditure
from jixiao.performance.guards import PeriodLocked
from jixiao.performance.models import Project
from jixiao.performance.periods import Period
from jixiao.performance.selectors import approved_results, budget_figures, progress, spending_summary

Form = Callable[[], FormDocument]


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]


@pytest.fixture
def office(shunping: Unit, office_form: Form) -> Project:
    return do_import_forms([office_form()], acting_user=SYSTEM, reason="seed").created[0]


def to_date(project: Project, name: str, month: int) -> Decimal | None:
    indicator = annual(project, name)
    return progress(indicator, approved_results([indicator])[indicator.pk], month).value


def test_the_import_sets_counts_cumulative_and_levels_latest(project: Project) -> None:
    rules = dict(project.indicators.filter(horizon="annual").values_list("name", "accumulation"))
    assert rules == {
        "全市网络资产监测": "cumulative",
        "网络安全月报": "latest",
        "经费支出合规性": "latest",
        "处置重点网络安全应急事件时限": "latest",
        "不适用": "latest",
        "培训学员满意率": "latest",
    }


def test_a_cumulative_indicator_reads_the_last_period_reported_by_the_cut_off(project: Project) -> None:
    assets = annual(project, "全市网络资产监测")
    approved(assets, Period.month(3), value="30")
    approved(assets, Period.month(6), value="70")
    approved(assets, Period.half(1), value="72")  # same end as 6月: the longer period is the one reported
    approved(assets, Period.quarter(3), value="100")

    assert to_date(project, "全市网络资产监测", 5) == Decimal("30")
    assert to_date(project, "全市网络资产监测", 7) == Decimal("72")
    assert to_date(project, "全市网络资产监测", 12) == Decimal("100")


def test_a_per_period_indicator_adds_its_periods_and_refuses_overlaps(project: Project) -> None:
    assets = annual(project, "全市网络资产监测")
    do_set_accumulation(assets, "per_period", acting_user=SYSTEM, reason="按月新增数填报")
    approved(assets, Period.month(1), value="10")
    approved(assets, Period.month(2), value="20")
    approved(assets, Period.month(3), value="5")
    approved(assets, Period.month(9), value="40")

    assert to_date(project, "全市网络资产监测", 7) == Decimal("35")
    assert to_date(project, "全市网络资产监测", 12) == Decimal("75")
    with pytest.raises(ValidationError, match="与已填报的1月、2月、3月重叠"):
        do_record_result(assets, Period.quarter(1), value=Decimal(35), acting_user=SYSTEM)


def test_a_latest_indicator_reads_its_most_recent_level(project: Project) -> None:
    rate = annual(project, "培训学员满意率")
    approved(rate, Period.month(3), value="96")
    approved(rate, Period.month(6), value="94")

    assert to_date(project, "培训学员满意率", 7) == Decimal("94")


def test_only_approved_results_count(project: Project) -> None:
    assets = annual(project, "全市网络资产监测")
    approved(assets, Period.month(3), value="30")
    do_record_result(assets, Period.month(6), value=Decimal(70), acting_user=SYSTEM)

    assert to_date(project, "全市网络资产监测", 7) == Decimal("30")


def test_the_accumulation_cannot_change_once_results_are_submitted(project: Project) -> None:
    assets = annual(project, "全市网络资产监测")
    approved(assets, Period.month(3), value="30")

    with pytest.raises(ValidationError, match="不能再改累计方式"):
        do_set_accumulation(assets, "latest", acting_user=SYSTEM, reason="x")


# --- spending ----------------------------------------------------------------------------------------------


def test_the_adjusted_budget_is_the_annual_total_plus_adjustments_each_with_a_reason(
    project: Project, suzhou_editor: User
) -> None:
    with pytest.raises(ValidationError, match="预算调整必须填写原因"):
        do_adjust_budget(project, Decimal("20000"), acting_user=suzhou_editor, reason="")
    do_adjust_budget(project, Decimal("20000"), acting_user=suzhou_editor, reason="追加网络安全检查经费")
    do_adjust_budget(project, Decimal("-5000"), acting_user=suzhou_editor, reason="压减一般性支出")

    figures = budget_figures(project)
    assert (figures.initial, figures.adjustments, figures.adjusted) == (
        Decimal("300000"),
        Decimal("15000"),
        Decimal("315000"),
    )
    assert figures.by_source == {"fiscal": Decimal("315000"), "other": None}
    assert project.budget_adjustments.get(amount=Decimal("-5000")).reason == "压减一般性支出"


def test_the_execution_rate_is_against_the_adjusted_budget_and_counts_both_fund_sources(
    project: Project, suzhou_editor: User
) -> None:
    do_adjust_budget(project, Decimal("20000"), acting_user=suzhou_editor, reason="追加")
    for month in range(1, 8):
        do_record_expenditure(project, month, Decimal("20000"), acting_user=suzhou_editor)
    do_record_expenditure(project, 5, Decimal("4000"), fund_source="other", acting_user=suzhou_editor)
    do_record_expenditure(project, 8, Decimal("99999"), acting_user=suzhou_editor)  # after the cut-off

    summary = spending_summary(project, 7)

    assert summary.executed == Decimal("144000")
    assert summary.executed_by_source == {"fiscal": Decimal("140000"), "other": Decimal("4000")}
    assert summary.rate == Decimal("45")  # 144000 ÷ 320000
    assert summary.plan_percent is None


def test_the_execution_rate_is_held_to_the_projects_own_spending_plan(office: Project) -> None:
    do_record_expenditure(office, 2, Decimal("20000.00"), acting_user=SYSTEM)
    do_record_expenditure(office, 6, Decimal("25000.00"), acting_user=SYSTEM)

    summary = spending_summary(office, 7)

    assert summary.rate == Decimal("40")  # 45000 ÷ 112500
    assert summary.plan_percent == Decimal("50")  # 6月底 50 % is the last step due by the end of July
    assert summary.rate_vs_plan == Decimal("80")
    assert spending_summary(office, 2).plan_percent == Decimal("0")  # before 3月底 the plan asks nothing


def test_payments_and_a_monthly_figure_are_not_mixed_in_one_month(project: Project) -> None:
    do_record_expenditure(project, 3, Decimal("1000"), acting_user=SYSTEM)

    with pytest.raises(ValidationError, match="月度执行数只填一次"):
        do_record_expenditure(project, 3, Decimal("5000"), kind="monthly", acting_user=SYSTEM)
    do_record_expenditure(project, 4, Decimal("5000"), kind="monthly", acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="不再逐笔录入支付"):
        do_record_expenditure(project, 4, Decimal("1000"), acting_user=SYSTEM)


def test_money_must_be_exact_to_the_cent_and_the_month_real(project: Project) -> None:
    with pytest.raises(ValidationError, match="超过两位小数"):
        do_record_expenditure(project, 3, Decimal("10.005"), acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="月份须为1–12"):
        do_record_expenditure(project, 13, Decimal("10"), acting_user=SYSTEM)


def test_spending_in_a_locked_month_is_refused_and_other_units_may_not_record(
    project: Project, suzhou_reviewer: User, shunping_editor: User
) -> None:
    do_lock_period(project, Period.quarter(1), acting_user=suzhou_reviewer, reason="一季度决算已报")

    with pytest.raises(PeriodLocked, match="原因：一季度决算已报"):
        do_record_expenditure(project, 2, Decimal("10"), acting_user=SYSTEM)
    with pytest.raises(PermissionDenied):
        do_record_expenditure(project, 5, Decimal("10"), acting_user=shunping_editor)
    with pytest.raises(PermissionDenied):
        do_adjust_budget(project, Decimal("10"), acting_user=shunping_editor, reason="x")


def test_a_department_wide_project_counts_the_units_whole_budget(office: Project) -> None:
    department = do_import_forms(
        [
            FormDocument(
                source="004_seed.txt",
                kind=FormKind.DEPARTMENT_WIDE,
                year=2023,
                project=ProjectInfo(unit=office.unit.name, unit_code="224001"),
                funds_annual=Funds(Decimal("500000"), Decimal("500000"), None),
            )
        ],
        acting_user=SYSTEM,
        reason="seed",
    ).created[0]
    do_record_expenditure(department, 1, Decimal("40000"), description="基本支出", acting_user=SYSTEM)
    do_record_expenditure(office, 1, Decimal("10000"), acting_user=SYSTEM)
    do_adjust_budget(office, Decimal("7500"), acting_user=SYSTEM, reason="追加")

    summary = spending_summary(department, 1)

    assert summary.budget.adjusted == Decimal("620000")  # 500000 + 112500 + 7500
    assert summary.executed == Decimal("50000")
    assert spending_summary(office, 1).executed == Decimal("10000")  # a project counts only its own
