"""Choices of the performance app; values mirror the domain enums, so a FormDocument maps onto them 1:1."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.domain.forms.model import FormKind, Horizon, Taxonomy
from jixiao.domain.scoring.config import QualitativeGrade
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


class AccumulationChoices(models.TextChoices):
    """How an indicator's period values make up its value to date and its year value."""

    CUMULATIVE = "cumulative", _("累计值（每期填截至当期的累计数）")
    PER_PERIOD = "per_period", _("当期值（各期相加）")
    LATEST = "latest", _("最新值（取最近一期，如比率、百分比）")


class PeriodKindChoices(models.TextChoices):
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季度")
    HALF = "half", _("半年")
    YEAR = "year", _("全年")


class ResultStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class GradeChoices(models.TextChoices):
    """The three grades of a qualitative indicator (values are the domain's ``QualitativeGrade``)."""

    ACHIEVED = QualitativeGrade.ACHIEVED.value, _("达成")
    PARTLY = QualitativeGrade.PARTLY.value, _("部分达成并具有一定效果")
    NOT_ACHIEVED = QualitativeGrade.NOT_ACHIEVED.value, _("未达成且效果较差")


class FundSourceChoices(models.TextChoices):
    FISCAL = "fiscal", _("财政拨款")
    OTHER = "other", _("其他资金")


class ExpenditureKindChoices(models.TextChoices):
    PAYMENT = "payment", _("支付")
    MONTHLY = "monthly", _("月度执行数")


class DeviationCategoryChoices(models.TextChoices):
    FUNDING = "funding", _("经费保障")
    RULES = "rules", _("制度保障")
    STAFF = "staff", _("人员保障")
    HARDWARE = "hardware", _("硬件条件保障")
    OTHER = "other", _("其他")


class LikelihoodChoices(models.TextChoices):
    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


class ForecastSourceChoices(models.TextChoices):
    ENTERED = "entered", _("填报")
    LINEAR = "linear", _("按进度线性推算")


class EvaluationStatusChoices(models.TextChoices):
    DRAFT = "draft", _("填写中")
    FINALISED = "finalised", _("已定稿")


class TargetStatusChoices(models.TextChoices):
    """The target declaration (绩效目标申报) of a project: 填报人 送审, 审核人 approves or returns it."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已送审")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class AdjustmentStatusChoices(models.TextChoices):
    """A proposed target adjustment (目标调整) from a re-import of a project under review or approved."""

    PROPOSED = "proposed", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    SUPERSEDED = "superseded", _("已被新导入替代")


class AdjustmentChangeChoices(models.TextChoices):
    ADDED = "added", _("新增")
    CHANGED = "changed", _("修改")
    REMOVED = "removed", _("删除")


class RoundStatusChoices(models.TextChoices):
    """A monitoring round (运行监控): the unit fills and 送审, a reviewer approves or returns it."""

    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已送审")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class RectificationStatusChoices(models.TextChoices):
    """A rectification item (整改): opened by a review, answered by the unit, accepted or sent back."""

    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已反馈")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class RectificationSourceChoices(models.TextChoices):
    MONITORING = "monitoring", _("运行监控")
    EVALUATION = "evaluation", _("绩效自评")
