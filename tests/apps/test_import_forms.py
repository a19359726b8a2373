"""``do_import_forms``: what it stores, that it is idempotent, atomic, identity-keyed, and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from jixiao.audit.models import AuditEvent, AuditLogIsAppendOnly
from jixiao.domain.forms.model import FormDocument, FormKind, FormWarning, Horizon, Indicator, Location
from jixiao.domain.targets.model import Operator, Period, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import FormImportError, do_import_forms
from jixiao.performance.models import (
    FundUse,
    ImportBatch,
    Project,
    ProjectFunds,
    SpendingStep,
)
from jixiao.performance.models import Indicator as IndicatorRow

Form = Callable[[], FormDocument]


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.unrestricted().count()
        for model in (
            Unit,
            Project,
            ProjectFunds,
            FundUse,
            SpendingStep,
            IndicatorRow,
            ImportBatch,
            AuditEvent,
        )
    }


def project_events(project: Project) -> list[AuditEvent]:
    content_type = ContentType.objects.get_for_model(Project)
    return list(
        AuditEvent.objects.unrestricted()
        .filter(content_type=content_type, object_id=project.pk)
        .order_by("id")
    )


def test_it_stores_every_header_field_and_money_in_yuan(suzhou: Unit, security_form: Form) -> None:
    result = do_import_forms([security_form()], acting_user=SYSTEM, reason="seed")

    project = Project.objects.unrestricted().get()
    assert result.created == [project]
    assert project.unit == suzhou
    assert (project.name, project.code, project.year, project.kind) == (
        "网络安全和信息化工作经费",
        None,
        2023,
        FormKind.TARGET,
    )
    assert (project.attribute, project.period, project.money_unit) == ("延续项目", "长期", "万元")
    assert project.goal_annual.startswith("目标1：常态化开展")
    funds = {f.horizon: f for f in project.funds.all()}
    assert (funds["medium_term"].total, funds["medium_term"].fiscal, funds["medium_term"].other) == (
        Decimal("900000"),
        Decimal("900000"),
        None,
    )
    assert (funds["annual"].total, funds["annual"].fiscal) == (Decimal("300000"), Decimal("300000"))


def test_it_stores_indicators_of_both_horizons_with_typed_targets(suzhou: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="seed")

    project = Project.objects.unrestricted().get()
    assert project.indicators.filter(horizon=Horizon.MEDIUM_TERM).count() == 6
    assert project.indicators.filter(horizon=Horizon.ANNUAL).count() == 6
    annual = project.indicators.get(horizon=Horizon.ANNUAL, name="全市网络资产监测")
    assert (annual.level1, annual.level2, annual.order) == ("产出指标", "数量指标", 1)
    assert (annual.target_raw, annual.target_kind, annual.target_operator) == ("≥150家", "quantitative", ">=")
    assert (annual.target_value, annual.target_unit) == (Decimal("150"), "家")
    rate = project.indicators.get(horizon=Horizon.MEDIUM_TERM, name="网络安全月报")
    assert rate.target_unit == "次/月"
    compliance = project.indicators.get(horizon=Horizon.ANNUAL, name="经费支出合规性")
    assert (compliance.target_kind, compliance.target_operator, compliance.target_value) == (
        "qualitative",
        None,
        None,
    )


def test_it_records_where_each_value_came_from(suzhou: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="seed")

    project = Project.objects.unrestricted().get()
    assert project.source_file == "000_seed.txt"
    assert project.source_location == "000_seed.txt, line 43"
    assert project.source_of("funds_annual.total") == "000_seed.txt, line 50"
    assert project.source_of("period") == "000_seed.txt, line 43"
    annual = project.indicators.get(horizon=Horizon.ANNUAL, name="全市网络资产监测")
    assert annual.source_location == "000_seed.txt, line 51, column 7"


def test_it_stores_fund_uses_spending_plan_and_descriptions(shunping: Unit, office_form: Form) -> None:
    do_import_forms([office_form()], acting_user=SYSTEM, reason="seed")

    project = Project.objects.unrestricted().get(code="13063621HBMFX90HG2OQ7")
    assert project.unit == shunping
    assert [(u.order, u.item, u.amount) for u in project.fund_uses.all()] == [
        (1, "宣传材料费", Decimal("55000")),
        (2, "网评学习资料", Decimal("15000")),
        (3, "网信办公经费", Decimal("32500")),
        (4, "网络安全调研", Decimal("10000")),
    ]
    assert project.fund_uses.get(order=2).raw == "费用15000万元"
    assert [(s.label, s.cumulative_percent) for s in project.spending_plan.all()] == [
        ("3月底", Decimal("25")),
        ("6月底", Decimal("50")),
        ("10月底", Decimal("75")),
        ("12月底", Decimal("100")),
    ]
    assert project.spending_plan.get(order=4).source_location == "004_seed.txt, line 58"
    annual_funds = project.funds.get(horizon=Horizon.ANNUAL)
    assert (annual_funds.total, annual_funds.other) == (Decimal("112500"), Decimal("0"))
    cost = project.indicators.get(name="平均每月的费用")
    assert (cost.description, cost.basis) == ("平均每月网络信息各项任务所需费用", "网络信息办公经费实施计划")


def test_it_stores_periods_dates_and_reader_warnings(suzhou: Unit, security_form: Form) -> None:
    form = security_form()
    form.indicators.append(
        Indicator(
            Horizon.ANNUAL,
            "产出指标",
            "时效指标",
            "项目实施期",
            TargetValue(
                "2023.07-2024.01",
                TargetKind.QUALITATIVE,
                period=Period(dt.date(2023, 7, 1), dt.date(2024, 1, 31)),
                warnings=("read as a period",),
            ),
        )
    )
    form.warnings.append(FormWarning("其他资金 is empty", Location("000_seed.txt", line=50)))

    do_import_forms([form], acting_user=SYSTEM, reason="seed")

    row = IndicatorRow.objects.unrestricted().get(name="项目实施期")
    assert (row.target_period_start, row.target_period_end) == (dt.date(2023, 7, 1), dt.date(2024, 1, 31))
    assert row.target_warnings == ["read as a period"]
    assert Project.objects.unrestricted().get().warnings == [
        {"message": "其他资金 is empty", "location": "000_seed.txt, line 50"}
    ]


def test_importing_the_same_forms_twice_changes_no_rows(
    suzhou: Unit, shunping: Unit, security_form: Form, office_form: Form
) -> None:
    do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="first")
    first = table_counts()
    indicator_ids = set(IndicatorRow.objects.unrestricted().values_list("id", flat=True))

    result = do_import_forms([security_form(), office_form()], acting_user=SYSTEM, reason="second")

    second = table_counts()
    assert result.created == []
    assert result.updated == []
    assert len(result.unchanged) == 2
    assert set(IndicatorRow.objects.unrestricted().values_list("id", flat=True)) == indicator_ids
    # Only the second batch and its audit rows (one per project, one for the batch) are new.
    assert second == {**first, "ImportBatch": first["ImportBatch"] + 1, "AuditEvent": first["AuditEvent"] + 3}


def test_the_second_identical_import_is_audited_as_no_changes(suzhou: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="first")
    do_import_forms([security_form()], acting_user=SYSTEM, reason="second")

    events = project_events(Project.objects.unrestricted().get())
    assert [e.action for e in events] == ["project.created", "project.unchanged"]
    assert events[1].changes == {}
    assert events[1].details["outcome"] == "no changes"
    assert events[1].reason == "second"


def test_a_changed_reimport_updates_in_place_and_audits_the_difference(
    suzhou: Unit, security_form: Form
) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="first")
    project_id = Project.objects.unrestricted().get().pk
    changed = security_form()
    changed.funds_annual.total = Decimal("350000")
    changed.funds_annual.fiscal = Decimal("350000")
    changed.goal_annual = "目标1：动态监测系统数不少于160家。"
    annual_count = next(
        i for i in changed.indicators if i.horizon == Horizon.ANNUAL and i.name == "全市网络资产监测"
    )
    annual_count.target = TargetValue(
        "≥160家", TargetKind.QUANTITATIVE, Operator.GE, Decimal("160"), "家", "家"
    )
    changed.indicators = [i for i in changed.indicators if i.name != "网络安全月报"]

    result = do_import_forms([changed], acting_user=SYSTEM, reason="revised targets")

    project = Project.objects.unrestricted().get()
    assert project.pk == project_id
    assert result.updated == [project]
    assert project.funds.get(horizon="annual").total == Decimal("350000")
    assert project.indicators.count() == 10
    assert project.indicators.get(horizon="annual", name="全市网络资产监测").target_value == Decimal("160")
    event = project_events(project)[-1]
    assert event.action == "project.updated"
    assert event.reason == "revised targets"
    changes = event.changes
    assert changes["funds.annual.total"] == ["300000", "350000"]
    assert changes["goal_annual"][1] == "目标1：动态监测系统数不少于160家。"
    key = "indicators[annual/产出指标/数量指标/全市网络资产监测]"
    assert changes[f"{key}.target_raw"] == ["≥150家", "≥160家"]
    assert changes[f"{key}.target_value"] == ["150", "160"]
    assert f"{key}.target_operator" not in changes
    removed = changes["indicators[medium_term/产出指标/数量指标/网络安全月报]"]
    assert removed[0]["target_raw"] == "≥1次/月"
    assert removed[1] is None


def test_a_failing_form_leaves_the_database_exactly_as_before(
    suzhou: Unit, shunping: Unit, security_form: Form, office_form: Form
) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="first")
    before = table_counts()
    changed = security_form()
    changed.goal_annual = "a change that must not be stored"
    broken = office_form()
    broken.fund_uses[1].amount = Decimal("15000.005")

    with pytest.raises(FormImportError) as caught:
        do_import_forms([changed, broken], acting_user=SYSTEM, reason="second")

    assert table_counts() == before
    assert Project.objects.unrestricted().get().goal_annual.startswith("目标1：常态化开展")
    assert caught.value.where == "004_seed.txt，第1张表「网络信息办公专项经费」"
    assert caught.value.field == "第2项资金用途的金额（元）"
    assert "15000.005的小数超过2位" in str(caught.value)


def test_a_form_without_a_project_name_is_rejected_with_its_place(suzhou: Unit, security_form: Form) -> None:
    first, second = security_form(), security_form()
    second.project.name = None

    with pytest.raises(FormImportError, match=r"000_seed.txt，第2张表：项目名称：表中没有项目名称"):
        do_import_forms([first, second], acting_user=SYSTEM, reason="seed")

    assert Project.objects.unrestricted().count() == 0


def test_a_float_is_rejected_rather_than_stored_inexactly(suzhou: Unit, security_form: Form) -> None:
    form = security_form()
    form.funds_annual.total = 300000.1  # type: ignore[assignment]

    with pytest.raises(FormImportError, match=r"年度资金的.*：“300000.1”不是准确的十进制数"):
        do_import_forms([form], acting_user=SYSTEM, reason="seed")


def test_the_same_project_twice_in_one_batch_is_an_error(suzhou: Unit, security_form: Form) -> None:
    with pytest.raises(FormImportError, match=r"与000_seed\.txt，第1张表「.*」是同一个项目"):
        do_import_forms([security_form(), security_form()], acting_user=SYSTEM, reason="seed")


def test_a_project_with_a_code_is_found_by_its_code_even_when_renamed(
    shunping: Unit, office_form: Form
) -> None:
    do_import_forms([office_form()], acting_user=SYSTEM, reason="first")
    renamed = office_form()
    renamed.project.name = "网络信息办公专项经费（调整）"

    result = do_import_forms([renamed], acting_user=SYSTEM, reason="renamed")

    project = Project.objects.unrestricted().get()
    assert result.updated == [project]
    assert project.name == "网络信息办公专项经费（调整）"
    assert project_events(project)[-1].changes["name"] == [
        "网络信息办公专项经费",
        "网络信息办公专项经费（调整）",
    ]


def test_a_project_without_a_code_is_identified_by_unit_name_and_year(
    suzhou: Unit, shunping: Unit, security_form: Form
) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="2023")
    next_year = security_form()
    next_year.year = 2024
    elsewhere = security_form()
    elsewhere.project.unit = shunping.name

    result = do_import_forms([next_year, elsewhere], acting_user=SYSTEM, reason="more")

    assert len(result.created) == 2
    assert Project.objects.unrestricted().count() == 3
    assert set(Project.objects.unrestricted().values_list("unit__name", "year")) == {
        (suzhou.name, 2023),
        (suzhou.name, 2024),
        (shunping.name, 2023),
    }


def test_a_target_form_and_a_self_evaluation_of_one_project_are_kept_apart(
    shunping: Unit, office_form: Form
) -> None:
    evaluation = office_form()
    evaluation.kind = FormKind.SELF_EVALUATION

    do_import_forms([office_form(), evaluation], acting_user=SYSTEM, reason="seed")

    assert sorted(Project.objects.unrestricted().values_list("kind", flat=True)) == [
        "self_evaluation",
        "target",
    ]


def test_a_unit_is_found_by_its_code_before_its_name(shunping: Unit, office_form: Form) -> None:
    form = office_form()
    form.project.unit = "顺平县委网信办"

    do_import_forms([form], acting_user=SYSTEM, reason="seed")

    assert Project.objects.unrestricted().get().unit == shunping


def test_a_missing_unit_is_created_under_the_root_and_audited(root: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="seed")

    unit = Project.objects.unrestricted().get().unit
    assert unit.parent == root
    assert unit.path == f"{root.path}{unit.pk}/"
    assert (
        AuditEvent.objects.unrestricted()
        .filter(action="unit.created", object_id=unit.pk, reason="seed")
        .exists()
    )


def test_without_a_root_unit_a_missing_unit_is_an_error(db: None, security_form: Form) -> None:
    with pytest.raises(FormImportError, match="不存在，也没有唯一的上级单位"):
        do_import_forms([security_form()], acting_user=SYSTEM, reason="seed")

    assert Unit.objects.unrestricted().count() == 0


def test_an_explicit_unit_overrides_the_unit_named_on_the_form(shunping: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="seed", unit=shunping)

    assert Project.objects.unrestricted().get().unit == shunping
    assert Unit.objects.unrestricted().filter(name=security_form().project.unit).count() == 0


def test_the_batch_records_who_when_files_and_counts(
    suzhou: Unit, shunping: Unit, root: Unit, superuser: User, security_form: Form, office_form: Form
) -> None:
    result = do_import_forms(
        [security_form(), office_form()],
        acting_user=superuser,
        reason="annual intake",
        batch_label="2023 targets",
    )

    batch = ImportBatch.objects.unrestricted().get()
    assert result.batch == batch
    assert (batch.label, batch.acting_user, batch.actor_label, batch.status) == (
        "2023 targets",
        superuser,
        "boss",
        "completed",
    )
    assert batch.files == ["000_seed.txt", "004_seed.txt"]
    assert (batch.forms_count, batch.created_count, batch.indicators_count) == (2, 2, 17)
    assert batch.unit == root  # the lowest unit above both offices
    assert batch.finished_at is not None
    assert set(Project.objects.unrestricted().values_list("last_import", flat=True)) == {batch.pk}


def test_audit_rows_carry_the_actor_and_the_reason(
    suzhou: Unit, superuser: User, security_form: Form
) -> None:
    do_import_forms([security_form()], acting_user=superuser, reason="annual intake")

    created = AuditEvent.objects.unrestricted().get(action="project.created")
    assert (created.actor, created.actor_label, created.reason) == (superuser, "boss", "annual intake")
    assert created.unit == suzhou
    assert created.object == Project.objects.unrestricted().get()
    assert created.changes["name"] == [None, "网络安全和信息化工作经费"]
    batch_event = AuditEvent.objects.unrestricted().get(action="import.completed")
    assert batch_event.details["created"] == 1
    assert batch_event.actor == superuser


def test_a_system_import_is_audited_as_the_system(suzhou: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="cron")

    assert set(
        AuditEvent.objects.unrestricted()
        .filter(action__startswith="project.")
        .values_list("actor", "actor_label")
    ) == {(None, "系统")}


def test_audit_rows_cannot_be_changed_or_deleted(suzhou: Unit, security_form: Form) -> None:
    do_import_forms([security_form()], acting_user=SYSTEM, reason="seed")
    event = AuditEvent.objects.unrestricted().get(action="project.created")
    event.reason = "rewritten"

    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.unrestricted().all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.unrestricted().update(reason="rewritten")


def test_an_indicator_with_two_problems_is_refused_for_the_first_in_its_row(
    suzhou: Unit, security_form: Form
) -> None:
    form = security_form()
    first = form.indicators[0]
    form.indicators[0] = replace(first, name="很长的指标名称" * 100, weight=Decimal("1.23456"))

    with pytest.raises(FormImportError) as caught:
        do_import_forms([form], acting_user=SYSTEM, reason="seed")

    assert caught.value.field is not None
    assert caught.value.field.startswith("第1个绩效指标「很长的指标名称")
    assert caught.value.field.endswith("的三级指标")
    assert "超过500个字符：很长的指标名称" in caught.value.message
    assert Project.objects.unrestricted().count() == 0


def test_a_value_outside_a_fields_choices_is_refused_with_the_choices_named(
    suzhou: Unit, security_form: Form
) -> None:
    form = security_form()
    form.indicators[0] = replace(form.indicators[0], horizon="weekly")  # type: ignore[arg-type]

    with pytest.raises(FormImportError, match=r"第1个绩效指标「.*」的.*：“weekly”不是可选的值（"):
        do_import_forms([form], acting_user=SYSTEM, reason="seed")
