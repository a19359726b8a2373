"""Re-importing a target form updates indicators in place: results stay attached; a vanished one is
withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from performance_helpers import annual, approved

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument, Horizon
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.evaluation import evaluation_indicators
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.results import do_set_accumulation, do_set_indicator_weight
from jixiao.performance.models import Indicator, PeriodResult, Project
from jixiao.performance.periods import Period
from jixiao.performance.selectors import build_monitoring_snapshot

Form = Callable[[], FormDocument]
ASSETS, MONTHLY = "全市网络资产监测", "网络安全月报"


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    project = do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]
    approved(annual(project, ASSETS), Period.month(6), value="70")
    approved(annual(project, MONTHLY), Period.month(6), value="1")
    return project


def without(form: FormDocument, name: str, horizon: Horizon | None = None) -> FormDocument:
    form.indicators = [
        i for i in form.indicators if not (i.name == name and (horizon is None or i.horizon == horizon))
    ]
    return form


def test_a_changed_target_is_updated_in_place_and_keeps_its_results(
    project: Project, security_form: Form
) -> None:
    ids = dict(project.indicators.values_list("pk", "name").order_by("pk"))
    changed = security_form()
    target = next(i for i in changed.indicators if i.horizon == Horizon.ANNUAL and i.name == ASSETS)
    target.target = TargetValue("≥160家", TargetKind.QUANTITATIVE, Operator.GE, Decimal("160"), "家", "家")

    result = do_import_forms([changed], acting_user=SYSTEM, reason="revised")

    assert result.updated == [project]
    assert dict(project.indicators.values_list("pk", "name").order_by("pk")) == ids
    assets = annual(project, ASSETS)
    assert assets.target_value == Decimal("160")
    assert assets.results.get().value == Decimal("70")


def test_an_indicator_that_leaves_the_form_with_results_is_kept_withdrawn_and_audited(
    project: Project, security_form: Form
) -> None:
    monthly_id = annual(project, MONTHLY).pk
    medium_id = project.indicators.get(horizon="medium_term", name=MONTHLY).pk

    do_import_forms([without(security_form(), MONTHLY)], acting_user=SYSTEM, reason="月报改为季报")

    kept = Indicator.objects.unrestricted().get(pk=monthly_id)
    assert (kept.withdrawn, kept.withdrawn_at is not None) == (True, True)
    assert PeriodResult.objects.unrestricted().filter(indicator_id=monthly_id).count() == 1
    assert not Indicator.objects.unrestricted().filter(pk=medium_id).exists()  # no results: deleted as before
    event = (
        AuditEvent.objects.unrestricted()
        .filter(
            action="project.updated",
            content_type=ContentType.objects.get_for_model(Project),
            object_id=project.pk,
        )
        .get()
    )
    assert event.details["indicators_withdrawn"] == ["annual/产出指标/数量指标/网络安全月报"]
    assert event.details["indicators_deleted"] == ["medium_term/产出指标/数量指标/网络安全月报"]
    assert event.changes["indicators[annual/产出指标/数量指标/网络安全月报].withdrawn"] == [False, True]
    assert MONTHLY not in [i.name for i in evaluation_indicators(project)]
    assert MONTHLY not in [r.indicator.name for r in build_monitoring_snapshot(project).rows]


def test_importing_the_same_form_again_after_a_withdrawal_changes_nothing(
    project: Project, security_form: Form
) -> None:
    do_import_forms([without(security_form(), MONTHLY)], acting_user=SYSTEM, reason="first")

    result = do_import_forms([without(security_form(), MONTHLY)], acting_user=SYSTEM, reason="second")

    assert result.unchanged == [project]


def test_a_withdrawn_indicator_that_comes_back_is_restored_with_its_results(
    project: Project, security_form: Form
) -> None:
    monthly_id = annual(project, MONTHLY).pk
    do_import_forms([without(security_form(), MONTHLY)], acting_user=SYSTEM, reason="removed")

    do_import_forms([security_form()], acting_user=SYSTEM, reason="restored")

    restored = annual(project, MONTHLY)
    assert (restored.pk, restored.withdrawn, restored.withdrawn_at) == (monthly_id, False, None)
    assert restored.results.count() == 1
    event = AuditEvent.objects.unrestricted().filter(action="project.updated", reason="restored").get()
    assert event.details["indicators_restored"] == ["annual/产出指标/数量指标/网络安全月报"]


def test_settings_people_made_on_an_indicator_survive_a_reimport(
    project: Project, security_form: Form
) -> None:
    assets = annual(project, "培训学员满意率")
    do_set_indicator_weight(assets, Decimal("10"), acting_user=SYSTEM, reason="满意度单列")
    do_set_accumulation(
        annual(project, "处置重点网络安全应急事件时限"), "cumulative", acting_user=SYSTEM, reason="x"
    )
    changed = security_form()
    changed.goal_annual = "修订后的年度目标"

    do_import_forms([changed], acting_user=SYSTEM, reason="revised")

    assert annual(project, "培训学员满意率").assigned_weight == Decimal("10")
    assert annual(project, "处置重点网络安全应急事件时限").accumulation == "cumulative"
