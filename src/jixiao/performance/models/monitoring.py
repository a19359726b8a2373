"""Monitoring rounds (运行监控) and what people enter for each indicator in a round."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.performance.choices import (
    DeviationCategoryChoices,
    GradeChoices,
    LikelihoodChoices,
    RoundStatusChoices,
)
from jixiao.performance.models.base import user_fk
from jixiao.performance.models.projects import Indicator, Project
from jixiao.performance.querysets import MonitoringEntryQuerySet, MonitoringRoundQuerySet


class MonitoringRound(models.Model):
    """One monitoring round (运行监控) of a project at a cut-off month, with the people's budget forecast."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="monitoring_rounds", verbose_name=_("项目")
    )
    cutoff_month = models.PositiveSmallIntegerField(_("截至月份"))
    budget_forecast = models.DecimalField(
        _("全年预计执行数（元）"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    budget_note = models.TextField(_("预算执行说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatusChoices.choices, default=RoundStatusChoices.DRAFT
    )
    submitted_by = user_fk(_("送审人"))
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    reviewed_by = user_fk(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    objects = MonitoringRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控轮次")
        verbose_name_plural = _("监控轮次")
        ordering = ("project", "cutoff_month")
        constraints = (
            models.UniqueConstraint(fields=["project", "cutoff_month"], name="performance_round_unique"),
            models.CheckConstraint(
                condition=Q(cutoff_month__gte=1, cutoff_month__lte=12), name="performance_round_month_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} 1–{self.cutoff_month}月"


class MonitoringEntry(models.Model):
    """What people say about one indicator in a monitoring round; the figures are computed at read time."""

    round = models.ForeignKey(
        MonitoringRound, on_delete=models.CASCADE, related_name="entries", verbose_name=_("监控轮次")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="monitoring_entries", verbose_name=_("指标")
    )
    forecast_value = models.DecimalField(
        _("全年预计完成值"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    forecast_grade = models.CharField(
        _("全年预计完成等级"), max_length=16, choices=GradeChoices.choices, blank=True
    )
    deviation_category = models.CharField(
        _("偏差原因类别"), max_length=16, choices=DeviationCategoryChoices.choices, blank=True
    )
    deviation_reason = models.TextField(_("偏差原因"), blank=True)
    likelihood = models.CharField(
        _("完成目标可能性"), max_length=16, choices=LikelihoodChoices.choices, blank=True
    )
    corrective_measures = models.TextField(_("纠偏措施"), blank=True)
    entered_by = user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = MonitoringEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控填报")
        verbose_name_plural = _("监控填报")
        ordering = ("round", "indicator")
        constraints = (
            models.UniqueConstraint(
                fields=["round", "indicator"], name="performance_monitoring_entry_unique"
            ),
            # 完全不可能 without 纠偏措施 is refused by the database too, not only by the action.
            models.CheckConstraint(
                condition=~Q(likelihood=LikelihoodChoices.IMPOSSIBLE) | ~Q(corrective_measures=""),
                name="performance_impossible_needs_measures",
            ),
        )

    def __str__(self) -> str:
        return f"{self.round} {self.indicator.label}"
