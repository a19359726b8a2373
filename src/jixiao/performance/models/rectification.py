"""Rectification (整改): items a review opens (problem, requirement, deadline), answered by the unit with
evidence and accepted or sent back by the reviewer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.performance.choices import RectificationSourceChoices, RectificationStatusChoices
from jixiao.performance.models.base import user_fk
from jixiao.performance.models.projects import Project
from jixiao.performance.querysets import RectificationEvidenceQuerySet, RectificationItemQuerySet


class RectificationItem(models.Model):
    """One rectification item of a project: what is wrong, what is required, by when, and the unit's answer."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("项目")
    )
    source = models.CharField(
        _("来源"),
        max_length=16,
        choices=RectificationSourceChoices.choices,
        default=RectificationSourceChoices.EVALUATION,
    )
    problem = models.TextField(_("存在问题"))
    requirement = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RectificationStatusChoices.choices,
        default=RectificationStatusChoices.OPEN,
    )
    opened_by = user_fk(_("下达人"))
    opened_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    answer = models.TextField(_("整改反馈"), blank=True)
    answered_by = user_fk(_("反馈人"))
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    reviewed_by = user_fk(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ("project", "opened_at", "id")

    def __str__(self) -> str:
        return f"{self.project} 整改：{self.problem[:30]}"


class RectificationEvidence(models.Model):
    """A file the unit attaches to its rectification answer (checked like any evidence, served as a download)."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("整改事项")
    )
    file = models.FileField(_("文件"), upload_to="rectification/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = user_fk(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = RectificationEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")
        ordering = ("item", "uploaded_at", "id")

    def __str__(self) -> str:
        return self.original_name
