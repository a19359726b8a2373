"""Monitoring tasks (定期监控下发): finance asks many units at once for a monitoring round by a deadline."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.performance.models.base import user_fk
from jixiao.performance.querysets import MonitoringAssignmentQuerySet, MonitoringTaskQuerySet


class MonitoringTask(models.Model):
    """A monitoring task issued by finance (the issuing ``unit``): the year, the cut-off month, the deadline."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_monitoring_tasks", verbose_name=_("下发单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    cutoff_month = models.PositiveSmallIntegerField(_("截至月份"))
    deadline = models.DateField(_("截止日期"))
    note = models.TextField(_("说明"), blank=True)
    issued_by = user_fk(_("下发人"))
    issued_by_label = models.CharField(_("下发人名称"), max_length=150)
    issued_at = models.DateTimeField(_("下发时间"), default=timezone.now)

    objects = MonitoringTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控任务")
        verbose_name_plural = _("监控任务")
        ordering = ("-issued_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(cutoff_month__gte=1, cutoff_month__lte=12), name="performance_task_month_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.year}年1–{self.cutoff_month}月运行监控"


class MonitoringAssignment(models.Model):
    """One unit's share of a monitoring task: its projects of the task's year fill the round by the deadline."""

    task = models.ForeignKey(
        MonitoringTask, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("监控任务")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="monitoring_assignments", verbose_name=_("填报单位")
    )

    objects = MonitoringAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控任务单位")
        verbose_name_plural = _("监控任务单位")
        ordering = ("task", "unit__path")
        constraints = (
            models.UniqueConstraint(fields=["task", "unit"], name="performance_assignment_unique"),
        )

    def __str__(self) -> str:
        return f"{self.task} {self.unit}"
