"""A project's figures as the lists show them, stored: the light at the monitoring cut-off, the budget
execution and the key-indicator tiles (``performance.summary`` computes and refreshes them).

A summary is derived data, never entered: the monitoring snapshot (``selectors.build_monitoring_snapshot``)
stays the truth, and a summary that is missing, of another cut-off month or version, or older than its
project's ``updated_at`` is computed again before a page reads it (``performance.summary``). Why it exists:
``docs/decisions.md``, "A stored summary per project".
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.querysets import UnitScopedQuerySet


class ProjectSummaryQuerySet(UnitScopedQuerySet["ProjectSummary"]):
    unit_lookup = "project__unit"


class ProjectSummary(models.Model):
    """One row per project: what ``build_monitoring_snapshot(project, cutoff_month)`` says, kept for lists."""

    project = models.OneToOneField(
        "performance.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="summary",
        verbose_name=_("项目"),
    )
    version = models.PositiveSmallIntegerField(_("计算版本"))
    cutoff_month = models.PositiveSmallIntegerField(_("截至月份"))
    # ``none`` when nothing can be judged; light_rank orders worst first (red 0 … none 4).
    colour = models.CharField(_("灯"), max_length=8)
    light_rank = models.PositiveSmallIntegerField(_("灯的排序"))
    light_method = models.CharField(_("判定方法"), max_length=64, blank=True)
    light_explanation = models.TextField(_("判定依据"), blank=True)
    budget = models.DecimalField(
        _("全年预算数（元）"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    executed = models.DecimalField(_("已执行（元）"), max_digits=20, decimal_places=2)
    rate = models.DecimalField(_("执行率（%）"), max_digits=16, decimal_places=6, null=True, blank=True)
    plan_percent = models.DecimalField(
        _("计划支出进度（%）"), max_digits=16, decimal_places=6, null=True, blank=True
    )
    # The project's key-indicator tiles (``web.selectors.Tile`` as dicts) and the best (lowest) light rank
    # among them; ``None`` when the project has none.
    tile_rank = models.PositiveSmallIntegerField(_("指标卡排序"), null=True, blank=True)
    tiles = models.JSONField(_("重点指标"), default=list, blank=True)
    project_updated_at = models.DateTimeField(_("项目更新时间"))
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    objects = ProjectSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目汇总")
        verbose_name_plural = _("项目汇总")
        indexes = (
            models.Index(fields=["light_rank"], name="summary_light_rank_idx"),
            models.Index(fields=["tile_rank"], name="summary_tile_rank_idx"),
            models.Index(fields=["rate"], name="summary_rate_idx"),
        )

    def __str__(self) -> str:
        return f"{self.project_id}: {self.colour}"


class SummaryGeneration(models.Model):
    """One row: a number raised whenever a summary is forgotten (something it is computed from changed).

    With the projects' count, highest id and latest ``updated_at`` (which bulk imports set) it tells a page
    whether anything it read before may have changed (``performance.summary.data_state``).
    """

    value = models.BigIntegerField(_("代数"), default=0)

    class Meta:
        verbose_name = _("项目汇总代数")
        verbose_name_plural = _("项目汇总代数")

    def __str__(self) -> str:
        return str(self.value)
