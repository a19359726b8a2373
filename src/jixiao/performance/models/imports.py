"""Import batches (one run of ``do_import_forms``: who, what it did) and the target adjustments a re-import
proposes for a project whose targets are under review, approved or locked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.performance.choices import (
    AdjustmentChangeChoices,
    AdjustmentStatusChoices,
    ImportStatusChoices,
)
from jixiao.performance.models.base import user_fk
from jixiao.performance.querysets import (
    ImportBatchQuerySet,
    TargetAdjustmentLineQuerySet,
    TargetAdjustmentQuerySet,
)


class ImportBatch(models.Model):
    """One run of ``do_import_forms``: who, when, which files, and what it did."""

    label = models.CharField(_("批次名称"), max_length=200, blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    actor_label = models.CharField(_("导入人名称"), max_length=150)
    reason = models.TextField(_("原因"), blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("本批次所有项目共同所属的最低一级单位"),
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatusChoices.choices, default=ImportStatusChoices.RUNNING
    )
    files = models.JSONField(_("文件"), default=list, blank=True)
    forms_count = models.PositiveIntegerField(_("表数"), default=0)
    created_count = models.PositiveIntegerField(_("新建项目数"), default=0)
    updated_count = models.PositiveIntegerField(_("更新项目数"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变项目数"), default=0)
    proposed_count = models.PositiveIntegerField(
        _("提出目标调整数"), default=0, help_text=_("目标已送审、已审核或已锁定的项目：改动作为目标调整提出")
    )
    indicators_count = models.PositiveIntegerField(_("写入指标数"), default=0)
    warnings_count = models.PositiveIntegerField(_("警告数"), default=0)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return self.label or f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


class TargetAdjustment(models.Model):
    """Changes a re-import proposes for a project that may no longer be changed in place (targets submitted or
    approved, self-evaluation finalised, year locked): the differences line by line, reviewed through
    ``ADJUSTMENT_WORKFLOW``. Approving applies ``proposed`` (the form as read) through the import's merge.
    """

    project = models.ForeignKey(
        "performance.Project",
        on_delete=models.CASCADE,
        related_name="target_adjustments",
        verbose_name=_("项目"),
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_adjustments",
        verbose_name=_("导入批次"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AdjustmentStatusChoices.choices,
        default=AdjustmentStatusChoices.PROPOSED,
    )
    source_file = models.CharField(_("来源文件"), max_length=500)
    source = models.CharField(_("来源"), max_length=700, blank=True)
    protection = models.CharField(_("不能直接修改的原因"), max_length=200)
    # The same form read twice gives the same fingerprint: a second import proposes nothing new.
    fingerprint = models.CharField(_("内容指纹"), max_length=64, db_index=True)
    proposed = models.JSONField(_("导入的表（拟调整为）"), default=dict)
    proposed_by = user_fk(_("提出人"))
    proposed_by_label = models.CharField(_("提出人名称"), max_length=150)
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    reviewed_by = user_fk(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.TextField(_("审核意见"), blank=True)

    objects = TargetAdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标调整")
        verbose_name_plural = _("目标调整")
        ordering = ("-proposed_at", "-id")

    def __str__(self) -> str:
        return f"{self.project} {_('目标调整')} #{self.pk}"


class TargetAdjustmentLine(models.Model):
    """One difference of a target adjustment: an indicator (or a header value) added, changed or removed,
    with the old and new values and the raw target strings as written."""

    adjustment = models.ForeignKey(
        TargetAdjustment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("目标调整")
    )
    order = models.PositiveIntegerField(_("序号"))
    change = models.CharField(_("变动"), max_length=8, choices=AdjustmentChangeChoices.choices)
    subject = models.CharField(
        _("对象"), max_length=700, help_text=_("指标（期间/一级/二级/三级）或项目字段")
    )
    old_raw = models.TextField(_("原指标值（原文）"), blank=True)
    new_raw = models.TextField(_("新指标值（原文）"), blank=True)
    old = models.JSONField(_("原值"), null=True, blank=True)
    new = models.JSONField(_("新值"), null=True, blank=True)

    objects = TargetAdjustmentLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标调整明细")
        verbose_name_plural = _("目标调整明细")
        ordering = ("adjustment", "order")

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.subject}"
