"""Registered network assets, their schedules and monitoring state, check runs and deduplicated findings;
notices (通报) to owner units, security warnings (预警), incidents with an SLA clock, monthly reports.

Every state change goes through the action modules (``assets``, ``findings``, ``notices``, ``incidents``,
``advisories``, ``reports``); the monitor writes check runs and findings in bulk (``findings``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.security.choices import (
    AssetKindChoices,
    CheckGroupChoices,
    FindingStatusChoices,
    ImportanceChoices,
    IncidentClassChoices,
    IncidentStatusChoices,
    NoticeStatusChoices,
    ReportStatusChoices,
    ScheduleClassChoices,
    SeverityChoices,
    WarningStatusChoices,
)
from jixiao.security.querysets import (
    AssetQuerySet,
    AssetScheduleQuerySet,
    AssetStateQuerySet,
    CheckRunQuerySet,
    FindingQuerySet,
    IncidentQuerySet,
    MonthlyReportQuerySet,
    NoticeQuerySet,
    SecurityWarningQuerySet,
)


class Asset(models.Model):
    """A registered website, information system or platform account, owned by a unit.

    ``url`` is the primary URL in normal form (``assets.normalise_url``): the identity an import matches on.
    Only registered assets are ever probed.
    """

    kind = models.CharField(
        _("类型"), max_length=32, choices=AssetKindChoices.choices, default=AssetKindChoices.WEBSITE
    )
    name = models.CharField(_("名称"), max_length=200)
    owner = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="security_assets", verbose_name=_("主办单位")
    )
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=64, blank=True)
    contact_email = models.CharField(_("联系邮箱"), max_length=254, blank=True)
    category = models.CharField(_("分类"), max_length=100, blank=True)
    importance = models.CharField(
        _("重要程度"), max_length=16, choices=ImportanceChoices.choices, default=ImportanceChoices.ORDINARY
    )
    url = models.CharField(_("主网址"), max_length=500, unique=True)
    extra_urls = models.JSONField(_("其他网址或主机"), default=list, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    active = models.BooleanField(_("启用监测"), default=True, db_index=True)
    schedule_class = models.CharField(
        _("监测频率"),
        max_length=16,
        choices=ScheduleClassChoices.choices,
        default=ScheduleClassChoices.ORDINARY,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("网络资产")
        verbose_name_plural = _("网络资产")
        ordering = ("owner__path", "name", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class AssetState(models.Model):
    """What the monitor remembers between runs of one asset: the failure tracker and the content baseline."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="state", primary_key=True)
    failing = models.BooleanField(_("确认不可用"), default=False)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    successes = models.PositiveIntegerField(_("连续成功次数"), default=0)
    baseline_raw_hash = models.CharField(max_length=64, blank=True)
    baseline_text_hash = models.CharField(max_length=64, blank=True)
    baseline_text = models.TextField(blank=True)
    # The baseline page's analysis (keywords, hidden links, scripts): lets an unchanged page skip parsing.
    baseline_analysis = models.JSONField(null=True, blank=True, default=None)
    # How http://host/ answered an https site (the header grade's redirection test), with the time it was
    # asked: frequent checks reuse it for a day instead of knocking on port 80 every time.
    redirection = models.JSONField(null=True, blank=True, default=None)
    last_checked_at = models.DateTimeField(_("最近检查"), null=True, blank=True)
    last_ok = models.BooleanField(_("最近可访问"), null=True, blank=True)
    last_status = models.PositiveIntegerField(_("最近状态码"), null=True, blank=True)

    objects = AssetStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测状态")
        verbose_name_plural = _("监测状态")

    def __str__(self) -> str:
        return f"{self.asset_id}: {'failing' if self.failing else 'ok'}"


class AssetSchedule(models.Model):
    """When one check group of one asset is next due, and the lease of the worker that claimed it.

    A scheduler claims rows with ``next_due <= now`` and no live lease (``claimed_until``); the worker that
    finishes the batch moves ``next_due`` on and clears the lease only if its ``claim_token`` still holds.
    """

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="schedules")
    group = models.CharField(_("检查组"), max_length=16, choices=CheckGroupChoices.choices)
    next_due = models.DateTimeField(_("下次检查"))
    claimed_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_run_at = models.DateTimeField(_("最近执行"), null=True, blank=True)

    objects = AssetScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        constraints = (
            models.UniqueConstraint(fields=["asset", "group"], name="security_schedule_unique_group"),
        )
        indexes = (models.Index(fields=["next_due"], name="security_schedule_due_idx"),)

    def __str__(self) -> str:
        return f"{self.asset_id}/{self.group} due {self.next_due:%Y-%m-%d %H:%M}"


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


class Incident(models.Model):
    """A security incident with a clock: opened, acknowledged, contained, resolved.

    The SLA runs from ``opened_at``; ``due_at`` is fixed when it opens (``sla_hours`` kept beside it, so a
    later change of the configured hours does not rewrite history).
    """

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="security_incidents", verbose_name=_("责任单位")
    )
    asset = models.ForeignKey(
        Asset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("资产"),
    )
    findings = models.ManyToManyField(
        Finding, related_name="incidents", blank=True, verbose_name=_("相关发现")
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    incident_class = models.CharField(
        _("事件级别"), max_length=16, choices=IncidentClassChoices.choices, default=IncidentClassChoices.KEY
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=IncidentStatusChoices.choices, default=IncidentStatusChoices.OPEN
    )
    sla_hours = models.DecimalField(_("处置时限（小时）"), max_digits=8, decimal_places=2)
    opened_at = models.DateTimeField(_("发现时间"), db_index=True)
    due_at = models.DateTimeField(_("处置期限"))
    acknowledged_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    contained_at = models.DateTimeField(_("控制时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("处置完成时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级提醒时间"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ("-opened_at", "-pk")

    def __str__(self) -> str:
        return self.title

    @property
    def handling_time(self) -> dt.timedelta | None:
        return self.resolved_at - self.opened_at if self.resolved_at is not None else None

    @property
    def within_sla(self) -> bool | None:
        """Resolved by the deadline; ``None`` while still open."""
        return self.resolved_at <= self.due_at if self.resolved_at is not None else None

    def sla_delta(self) -> dt.timedelta:
        return dt.timedelta(seconds=float(self.sla_hours * Decimal(3600)))


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
