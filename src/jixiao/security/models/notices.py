"""Notices (通报) to owner units and security warnings (预警) to many units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.security.choices import NoticeStatusChoices, SeverityChoices, WarningStatusChoices
from jixiao.security.models.checks import Finding
from jixiao.security.querysets import (
    NoticeAnswerQuerySet,
    NoticeEvidenceQuerySet,
    NoticeQuerySet,
    SecurityWarningQuerySet,
    WarningReceiptQuerySet,
)


class Notice(models.Model):
    """A notice (通报) to an owner unit: the findings to rectify, a deadline and a contact."""

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="security_notices", verbose_name=_("被通报单位")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    findings = models.ManyToManyField(Finding, related_name="notices", verbose_name=_("通报的问题"))
    deadline = models.DateTimeField(_("整改期限"))
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=64, blank=True)
    contact_email = models.CharField(_("联系邮箱"), max_length=254, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatusChoices.choices, default=NoticeStatusChoices.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("通报时间"), null=True, blank=True, db_index=True)
    last_recheck_at = models.DateTimeField(_("最近复核"), null=True, blank=True)
    # When the scheduler enqueued the re-check due at the deadline (it is asked for once, not every tick).
    recheck_requested_at = models.DateTimeField(_("申请复核时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.title


class SecurityWarning(models.Model):
    """A security warning (预警): an advisory published by a unit to many units."""

    issuer = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="security_warnings_issued",
        verbose_name=_("发布单位"),
    )
    recipients = models.ManyToManyField(
        "orgs.Unit", related_name="security_warnings_received", verbose_name=_("接收单位")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    severity = models.CharField(
        _("等级"), max_length=16, choices=SeverityChoices.choices, default=SeverityChoices.MEDIUM
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=WarningStatusChoices.choices, default=WarningStatusChoices.DRAFT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = SecurityWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全预警")
        verbose_name_plural = _("安全预警")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.title


class WarningReceipt(models.Model):
    """A recipient unit's confirmation that it has read a published warning: who, and when."""

    warning = models.ForeignKey(SecurityWarning, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        related_name="security_warning_receipts",
        verbose_name=_("接收单位"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认阅读时间"))

    objects = WarningReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警阅读确认")
        verbose_name_plural = _("预警阅读确认")
        ordering = ("warning", "unit__path")
        constraints = (
            models.UniqueConstraint(fields=["warning", "unit"], name="security_receipt_unique_unit"),
        )

    def __str__(self) -> str:
        return f"{self.warning_id}: {self.unit_id} {self.confirmed_at:%Y-%m-%d %H:%M}"


class NoticeAnswer(models.Model):
    """The notified unit's answer to a notice: what it did (text) and its evidence files; a re-check follows."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="answers", verbose_name=_("通报")
    )
    text = models.TextField(_("整改情况"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("反馈时间"))

    objects = NoticeAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报整改反馈")
        verbose_name_plural = _("通报整改反馈")
        ordering = ("notice", "answered_at", "pk")

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.answered_at:%Y-%m-%d %H:%M}"


class NoticeEvidence(models.Model):
    """A file the unit attached to its answer (checked like any evidence, always handed out as a download)."""

    answer = models.ForeignKey(
        NoticeAnswer, on_delete=models.CASCADE, related_name="files", verbose_name=_("整改反馈")
    )
    file = models.FileField(_("文件"), upload_to="security/answers/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))

    objects = NoticeEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")
        ordering = ("answer", "pk")

    def __str__(self) -> str:
        return self.original_name
