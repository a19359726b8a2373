"""What happens to an indicator during the year: results per period, their evidence, and period locks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.performance.choices import GradeChoices, PeriodKindChoices, ResultStatusChoices
from jixiao.performance.models.base import user_fk
from jixiao.performance.models.projects import Indicator, Project
from jixiao.performance.periods import Period as ReportingPeriod
from jixiao.performance.querysets import EvidenceQuerySet, PeriodLockQuerySet, PeriodResultQuerySet


class PeriodFields(models.Model):
    """A period of the project's year (``periods.Period``): kind and number."""

    period_kind = models.CharField(_("期间类型"), max_length=8, choices=PeriodKindChoices.choices)
    period_index = models.PositiveSmallIntegerField(_("期间序号"))

    class Meta:
        abstract = True

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod(self.period_kind, self.period_index)


class PeriodResult(PeriodFields):
    """An indicator's actual value (or grade) for one period, with evidence and a review workflow.

    draft → submitted → approved, or submitted → returned (with a reason) → draft again. Changes go through
    ``performance.results``; an approved result, or one in a locked period, is not changed.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="results", verbose_name=_("指标")
    )
    value = models.DecimalField(_("完成值"), max_digits=24, decimal_places=6, null=True, blank=True)
    # A rate entered as its count (满意率 = 满意人数 ÷ 调查人数): ``value`` is then computed from the two, in %.
    numerator = models.DecimalField(_("分子"), max_digits=24, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=24, decimal_places=6, null=True, blank=True)
    grade = models.CharField(_("完成等级"), max_length=16, choices=GradeChoices.choices, blank=True)
    narrative = models.TextField(_("完成情况说明"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    links = models.JSONField(_("佐证链接"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ResultStatusChoices.choices, default=ResultStatusChoices.DRAFT
    )
    entered_by = user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    submitted_by = user_fk(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = user_fk(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    objects = PeriodResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标完成情况")
        verbose_name_plural = _("指标完成情况")
        ordering = ("indicator", "period_kind", "period_index")
        constraints = (
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_index"], name="performance_result_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True, denominator__isnull=True)
                | Q(numerator__isnull=False, denominator__gt=0),
                name="performance_result_counts_together",
            ),
        )

    def __str__(self) -> str:
        shown = self.grade or (f"{self.value.normalize():f}" if self.value is not None else "—")
        return f"{self.indicator.label} {self.period.label} {shown}"

    @property
    def has_counts(self) -> bool:
        return self.numerator is not None and self.denominator is not None


class Evidence(models.Model):
    """A file attached to a result as evidence (佐证材料), stored under MEDIA_ROOT after its checks."""

    result = models.ForeignKey(
        PeriodResult, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("完成情况")
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = user_fk(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ("result", "uploaded_at", "id")

    def __str__(self) -> str:
        return self.original_name


class PeriodLock(PeriodFields):
    """A period closed for changes after approval: who, when and why (shown when a change is refused)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="period_locks", verbose_name=_("项目")
    )
    reason = models.TextField(_("锁定原因"))
    locked_by = user_fk(_("锁定人"))
    locked_by_label = models.CharField(_("锁定人名称"), max_length=150)
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("期间锁定")
        verbose_name_plural = _("期间锁定")
        ordering = ("project", "period_kind", "period_index")
        constraints = (
            models.UniqueConstraint(
                fields=["project", "period_kind", "period_index"], name="performance_lock_unique_period"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.period.label} {_('已锁定')}"

    def describe(self) -> str:
        when = timezone.localtime(self.locked_at).strftime("%Y-%m-%d %H:%M")
        return (
            f"{self.period.label}已锁定（锁定人：{self.locked_by_label}，时间：{when}，原因：{self.reason}）"
        )
