"""Every performance action says who acts: ``acting_user=None`` is refused before anything is read or written."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM, MissingActor
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import (
    do_approve_target_adjustment,
    do_import_forms,
    do_reject_target_adjustment,
)
from jixiao.performance.actions.monitoring import do_record_budget_forecast, do_record_monitoring_entry
from jixiao.performance.actions.results import (
    do_lock_period,
    do_record_result,
    do_set_accumulation,
    do_set_indicator_weight,
)
from jixiao.performance.actions.spending import do_adjust_budget, do_record_expenditure
from jixiao.performance.actions.targets import do_approve_targets, do_return_targets, do_submit_targets
from jixiao.performance.models import Indicator, Project, TargetAdjustment
from jixiao.performance.periods import Period

Form = Callable[[], FormDocument]
ASSETS = "全市网络资产监测"


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]


@pytest.fixture
def indicator(project: Project) -> Indicator:
    return project.indicators.get(horizon="annual", name=ASSETS)


@pytest.fixture
def adjustment(project: Project) -> TargetAdjustment:
    return TargetAdjustment.objects.create(
        project=project,
        source_file="x",
        protection="目标已审核",
        fingerprint="0" * 64,
        proposed_by_label="系统",
    )


CALLS: dict[str, Callable[[Project, Indicator, TargetAdjustment, Form], Any]] = {
    "import_forms": lambda p, i, a, f: do_import_forms([f()], acting_user=None, reason="x"),
    "submit_targets": lambda p, i, a, f: do_submit_targets(p, acting_user=None),
    "approve_targets": lambda p, i, a, f: do_approve_targets(p, acting_user=None),
    "return_targets": lambda p, i, a, f: do_return_targets(p, acting_user=None, reason="x"),
    "approve_adjustment": lambda p, i, a, f: do_approve_target_adjustment(a, acting_user=None, reason="x"),
    "reject_adjustment": lambda p, i, a, f: do_reject_target_adjustment(a, acting_user=None, reason="x"),
    "record_result": lambda p, i, a, f: do_record_result(
        i, Period.month(1), value=Decimal(1), acting_user=None
    ),
    "lock_period": lambda p, i, a, f: do_lock_period(p, Period.month(1), acting_user=None, reason="x"),
    "set_accumulation": lambda p, i, a, f: do_set_accumulation(i, "latest", acting_user=None, reason="x"),
    "set_indicator_weight": lambda p, i, a, f: do_set_indicator_weight(
        i, Decimal(5), acting_user=None, reason="x"
    ),
    "record_expenditure": lambda p, i, a, f: do_record_expenditure(p, 1, Decimal(1), acting_user=None),
    "adjust_budget": lambda p, i, a, f: do_adjust_budget(p, Decimal(1), acting_user=None, reason="x"),
    "record_monitoring_entry": lambda p, i, a, f: do_record_monitoring_entry(i, 7, acting_user=None),
    "record_budget_forecast": lambda p, i, a, f: do_record_budget_forecast(p, 7, None, acting_user=None),
}


@pytest.mark.parametrize("action", sorted(CALLS))
def test_it_refuses_an_action_without_an_actor(
    action: str, project: Project, indicator: Indicator, adjustment: TargetAdjustment, security_form: Form
) -> None:
    events = AuditEvent.objects.unrestricted().count()

    with pytest.raises(MissingActor):
        CALLS[action](project, indicator, adjustment, security_form)

    assert AuditEvent.objects.unrestricted().count() == events
