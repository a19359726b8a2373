"""Registered network assets, their check schedules and what the monitor remembers about each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.security.choices import (
    AssetKindChoices,
    CheckGroupChoices,
    ImportanceChoices,
    ScheduleClassChoices,
)
from jixiao.security.querysets import AssetQuerySet, AssetScheduleQuerySet, AssetStateQuerySet


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
    # Only an administrator sets it: an internal asset may resolve to loopback, link-local or private
    # addresses, which the probe refuses for any other (JIXIAO_SECURITY_DENY_NETWORKS).
    internal = models.BooleanField(
        _("内网资产"),
        default=False,
        help_text=_("内网资产的地址不受受限地址名单限制，只有系统管理员可以设置"),
    )
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
    # What the live board shows, kept from the last result that had it (the board never reads run JSON).
    last_total_ms = models.PositiveIntegerField(_("最近响应时间（毫秒）"), null=True, blank=True)
    cert_expires = models.DateTimeField(_("证书到期时间"), null=True, blank=True)
    header_grade = models.CharField(_("安全头评级"), max_length=4, blank=True)
    header_score = models.IntegerField(_("安全头得分"), null=True, blank=True)

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
