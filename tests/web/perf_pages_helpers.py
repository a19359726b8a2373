"""Helpers of the results and spending page tests: a small project of this year under a unit, imported through
the import action, with a count in 万家, a rate, an upper bound in hours, a qualitative and a not-applicable
indicator, 30万元 of annual funds and a spending plan (6月底 50%, 12月底 100%)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from jixiao.domain.forms.model import (
    FormDocument,
    FormKind,
    Funds,
    Horizon,
    Indicator,
    Location,
    ProjectInfo,
    SpendingStep,
)
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.models import Indicator as StoredIndicator
from jixiao.performance.models import Project

COUNT = "监测网站数量"
RATE = "培训学员满意率"
HOURS = "应急事件处置时限"
RULES = "经费支出合规性"
NONE = "不适用"


def _indicator(level2: str, name: str, target: TargetValue, line: int) -> Indicator:
    return Indicator(
        Horizon.ANNUAL, "产出指标", level2, name, target, location=Location("test.txt", line=line)
    )


def small_form(unit_name: str, name: str = "网络安全监测经费", year: int | None = None) -> FormDocument:
    q = TargetKind.QUANTITATIVE
    return FormDocument(
        source="test.txt",
        kind=FormKind.TARGET,
        year=year or timezone.localdate().year,
        project=ProjectInfo(name=name, unit=unit_name),
        funds_annual=Funds(Decimal("300000"), Decimal("300000"), None),
        spending_plan=[
            SpendingStep("6月底", Decimal("50"), Location("test.txt", line=9)),
            SpendingStep("12月底", Decimal("100"), Location("test.txt", line=10)),
        ],
        indicators=[
            _indicator(
                "数量指标", COUNT, TargetValue("≥4万家", q, Operator.GE, Decimal(40000), "家", "万家"), 20
            ),
            _indicator("满意度指标", RATE, TargetValue("≥95%", q, Operator.GE, Decimal(95), "%", "%"), 21),
            _indicator(
                "时效指标", HOURS, TargetValue("≤6小时", q, Operator.LE, Decimal(6), "小时", "小时"), 22
            ),
            _indicator("质量指标", RULES, TargetValue("严格执行财经制度", TargetKind.QUALITATIVE), 23),
            _indicator("经济效益指标", NONE, TargetValue("不适用", TargetKind.NOT_APPLICABLE), 24),
        ],
        money_unit="元",
        location=Location("test.txt", line=1),
    )


def small_project(unit: Unit, name: str = "网络安全监测经费", year: int | None = None) -> Project:
    return do_import_forms([small_form(unit.name, name, year)], acting_user=SYSTEM, reason="测试").created[0]


def indicator(project: Project, name: str) -> StoredIndicator:
    return StoredIndicator.objects.unrestricted().get(project=project, horizon="annual", name=name)


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client
