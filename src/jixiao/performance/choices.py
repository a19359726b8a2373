"""Choices of the performance app; values mirror the domain enums, so a FormDocument maps onto them 1:1."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.domain.forms.model import FormKind, Horizon, Taxonomy
from jixiao.domain.targets.model import Operator, TargetKind


class FormKindChoices(models.TextChoices):
    TARGET = FormKind.TARGET.value, _("绩效目标申报表")
    SELF_EVALUATION = FormKind.SELF_EVALUATION.value, _("绩效自评表")
    MONITORING = FormKind.MONITORING.value, _("绩效运行监控表")
    DEPARTMENT_WIDE = FormKind.DEPARTMENT_WIDE.value, _("部门整体绩效目标")


class HorizonChoices(models.TextChoices):
    ANNUAL = Horizon.ANNUAL.value, _("年度")
    MEDIUM_TERM = Horizon.MEDIUM_TERM.value, _("中期")


class TaxonomyChoices(models.TextChoices):
    CLASSIC = Taxonomy.CLASSIC.value, _("财预〔2015〕88号")
    T2021 = Taxonomy.T2021.value, _("财预〔2021〕101号")


class TargetKindChoices(models.TextChoices):
    QUANTITATIVE = TargetKind.QUANTITATIVE.value, _("定量")
    QUALITATIVE = TargetKind.QUALITATIVE.value, _("定性")
    NOT_APPLICABLE = TargetKind.NOT_APPLICABLE.value, _("不适用")


class OperatorChoices(models.TextChoices):
    GE = Operator.GE.value, "≥"
    GT = Operator.GT.value, ">"
    EQ = Operator.EQ.value, "="
    LE = Operator.LE.value, "≤"
    LT = Operator.LT.value, "<"


class ImportStatusChoices(models.TextChoices):
    RUNNING = "running", _("进行中")
    COMPLETED = "completed", _("已完成")
    FAILED = "failed", _("失败")
