"""The monthly security report of a unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.security.choices import ReportStatusChoices
from jixiao.security.querysets import MonthlyReportQuerySet


class MonthlyReport(models.Model):
    """The monthly security report of a unit: generated from the data, then published."""

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="security_reports", verbose_name=_("单位")
    )
    year = models.PositiveIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatusChoices.choices, default=ReportStatusChoices.DRAFT
    )
    data = models.JSONField(_("数据"), default=dict)
    generated_at = models.DateTimeField(_("生成时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("网络安全月报")
        verbose_name_plural = _("网络安全月报")
        ordering = ("-year", "-month", "unit__path")
        constraints = (
            models.UniqueConstraint(fields=["unit", "year", "month"], name="security_report_unique_month"),
        )

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.month}月网络安全月报"
