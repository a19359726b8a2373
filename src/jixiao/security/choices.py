"""Choices of the security app: asset kinds and classes, check groups, finding, notice and incident states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.domain.probes import Severity


class AssetKindChoices(models.TextChoices):
    WEBSITE = "website", _("网站")
    INFORMATION_SYSTEM = "information_system", _("信息系统")
    PLATFORM_ACCOUNT = "platform_account", _("平台账号")


class ImportanceChoices(models.TextChoices):
    KEY = "key", _("重点")
    ORDINARY = "ordinary", _("一般")


class ScheduleClassChoices(models.TextChoices):
    """How often an asset is checked; the intervals per check group are in ``scheduling.SCHEDULES``."""

    KEY = "key", _("重点（可用性每分钟）")
    ORDINARY = "ordinary", _("一般（可用性每5分钟）")
    LOW = "low", _("低频（可用性每30分钟）")


class CheckGroupChoices(models.TextChoices):
    """Check groups with their own cadence; each group is a set of probe checks (``scheduling.GROUP_CHECKS``)."""

    AVAILABILITY = "availability", _("可用性")
    CONTENT = "content", _("内容与暗链")
    TLS = "tls", _("证书与安全头")
    FULL = "full", _("全面检查（含敏感文件暴露）")
    TLS_FULL = "tls_full", _("TLS协议与密码套件枚举")


class SeverityChoices(models.TextChoices):
    CRITICAL = Severity.CRITICAL.value, _("严重")
    HIGH = Severity.HIGH.value, _("高危")
    MEDIUM = Severity.MEDIUM.value, _("中危")
    LOW = Severity.LOW.value, _("低危")
    INFO = Severity.INFO.value, _("提示")


class FindingStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    NOTIFIED = "notified", _("已通报")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_VERIFICATION = "awaiting_verification", _("待复核")
    VERIFIED_FIXED = "verified_fixed", _("已复核整改")
    FALSE_POSITIVE = "false_positive", _("误报")
    RISK_ACCEPTED = "risk_accepted", _("接受风险")


# A finding in one of these is still a live problem: seeing it again only moves last_seen.
ACTIVE_FINDING_STATUSES = frozenset(
    {
        FindingStatusChoices.OPEN,
        FindingStatusChoices.NOTIFIED,
        FindingStatusChoices.RECTIFYING,
        FindingStatusChoices.AWAITING_VERIFICATION,
    }
)
# Judged by a person not to need work: seeing it again does not reopen it.
SUPPRESSED_FINDING_STATUSES = frozenset(
    {FindingStatusChoices.FALSE_POSITIVE, FindingStatusChoices.RISK_ACCEPTED}
)


class NoticeStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已通报")
    CLOSED = "closed", _("已办结")


class WarningStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class IncidentClassChoices(models.TextChoices):
    """The SLA class of an incident; hours per class come from ``incidents.sla_hours``."""

    KEY = "key", _("重点网络安全事件")
    ORDINARY = "ordinary", _("一般网络安全事件")


class IncidentStatusChoices(models.TextChoices):
    OPEN = "open", _("已发现")
    ACKNOWLEDGED = "acknowledged", _("已响应")
    CONTAINED = "contained", _("已控制")
    RESOLVED = "resolved", _("已处置")


class ReportStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class MonitorEventKindChoices(models.TextChoices):
    """State changes the monitor records for the periodic job (``MonitorEvent``)."""

    ASSET_DOWN = "asset_down", _("确认不可用")
    ASSET_UP = "asset_up", _("确认恢复")
    FINDING_APPEARED = "finding_appeared", _("发现问题")
    FINDING_GONE = "finding_gone", _("问题消失")
