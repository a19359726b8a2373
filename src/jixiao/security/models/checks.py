"""Check runs, the deduplicated findings they report, and the monitor's state-change events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.security.choices import (
    CheckGroupChoices,
    FindingStatusChoices,
    MonitorEventKindChoices,
    SeverityChoices,
)
from jixiao.security.models.assets import Asset
from jixiao.security.querysets import CheckRunQuerySet, FindingQuerySet, MonitorEventQuerySet


class CheckRun(models.Model):
    """One probe of one asset: which checks ran, when, the outcome, phase timings and the result summary."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="check_runs")
    group = models.CharField(_("检查组"), max_length=16, choices=CheckGroupChoices.choices, blank=True)
    started = models.DateTimeField(_("开始时间"), db_index=True)
    finished = models.DateTimeField(_("结束时间"))
    checks = models.JSONField(_("检查项"), default=list)
    ok = models.BooleanField(_("可访问"))
    status = models.PositiveIntegerField(_("状态码"), null=True, blank=True)
    timings = models.JSONField(_("耗时（毫秒）"), default=dict)
    summary = models.JSONField(_("结果摘要"), default=dict)
    findings_count = models.PositiveIntegerField(_("发现数"), default=0)

    objects = CheckRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ("-started", "-pk")
        indexes = (models.Index(fields=["asset", "-started"], name="security_run_asset_idx"),)

    def __str__(self) -> str:
        return f"{self.asset_id} {self.started:%Y-%m-%d %H:%M} {'ok' if self.ok else 'fail'}"


class Finding(models.Model):
    """One problem on one asset, deduplicated by the probe's stable ``key``.

    The workflow: open → notified → rectifying → awaiting_verification → verified_fixed; false_positive and
    risk_accepted set it aside. A verified finding that is seen again is reopened (``reopened_count``).
    """

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="findings")
    key = models.CharField(_("去重键"), max_length=40)
    check_name = models.CharField(_("检查项"), max_length=64)
    category = models.CharField(_("检查类别"), max_length=32, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=16, choices=SeverityChoices.choices)
    message = models.TextField(_("说明"))
    status = models.CharField(
        _("状态"),
        max_length=32,
        choices=FindingStatusChoices.choices,
        default=FindingStatusChoices.OPEN,
        db_index=True,
    )
    first_seen = models.DateTimeField(_("首次发现"))
    last_seen = models.DateTimeField(_("最近发现"))
    seen_count = models.PositiveIntegerField(_("发现次数"), default=1)
    reopened_count = models.PositiveIntegerField(_("重新打开次数"), default=0)
    status_changed_at = models.DateTimeField(_("状态变更时间"))
    # A person of the office confirmed the finding is real (``do_confirm_finding``): it may go into a notice.
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    last_run = models.ForeignKey(
        CheckRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最近检查"),
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全发现")
        verbose_name_plural = _("安全发现")
        ordering = ("-last_seen", "-pk")
        constraints = (models.UniqueConstraint(fields=["asset", "key"], name="security_finding_unique_key"),)

    def __str__(self) -> str:
        return f"[{self.severity}] {self.check_name}: {self.message[:80]}"


class MonitorEvent(models.Model):
    """A state change the monitor saw, written in the batch's own transaction: an asset confirmed down or up
    (after the failure / recovery thresholds), a finding that appeared (or came back) or is no longer seen.

    The periodic job (``tasks.process_monitor_events``) acts on each row once: it opens and resolves outage
    incidents and drafts notices for findings the rules name; ``processed_at`` and ``outcome`` say what it did.
    """

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="monitor_events")
    kind = models.CharField(_("变化"), max_length=24, choices=MonitorEventKindChoices.choices)
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("安全发现"),
    )
    severity = models.CharField(_("严重程度"), max_length=16, choices=SeverityChoices.choices, blank=True)
    at = models.DateTimeField(_("发生时间"))
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    outcome = models.JSONField(_("处理结果"), default=dict, blank=True)

    objects = MonitorEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测状态变化")
        verbose_name_plural = _("监测状态变化")
        ordering = ("pk",)
        indexes = (models.Index(fields=["processed_at", "id"], name="security_event_pending_idx"),)

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
