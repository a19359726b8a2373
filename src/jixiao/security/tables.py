"""Tables of the security pages (django-tables2): assets, findings (with a box to choose each), notices."""

from __future__ import annotations

from typing import Any, ClassVar

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jixiao.security.models import Asset, Finding, Notice
from jixiao.web.templatetags.jixiao_format import date_cn, datetime_cn

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle mb-0"}
TEMPLATE = "django_tables2/bootstrap5.html"
SEVERITY_CSS = {
    "critical": "danger",
    "high": "warning",
    "medium": "info",
    "low": "secondary",
    "info": "light",
}


def severity_badge(finding: Finding) -> SafeString:
    css = SEVERITY_CSS.get(finding.severity, "secondary")
    text = "text-dark" if css in ("warning", "info", "light") else ""
    return format_html(
        '<span class="badge text-bg-{} {}">{}</span>', css, text, finding.get_severity_display()
    )


class AssetTable(tables.Table):
    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类型"))
    owner = tables.Column(verbose_name=_("责任单位"), accessor="owner__name", order_by=("owner__path",))
    url = tables.Column(verbose_name=_("主网址"))
    tags = tables.Column(verbose_name=_("标签"), orderable=False)
    contact_name = tables.Column(verbose_name=_("联系人"))
    state = tables.Column(verbose_name=_("可访问性"), accessor="pk", orderable=False)
    active = tables.BooleanColumn(verbose_name=_("启用"), yesno="是,否")

    class Meta:
        attrs: ClassVar[dict[str, str]] = TABLE_ATTRS
        template_name = TEMPLATE
        empty_text = _("没有符合条件的网络资产")

    def render_name(self, value: str, record: Asset) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("security:asset", args=[record.pk]), value)

    def render_kind(self, value: str, record: Asset) -> str:
        return str(record.get_kind_display())

    def render_tags(self, value: list[str]) -> SafeString:
        return format_html_join(
            " ", '<span class="badge text-bg-light border">{}</span>', ((t,) for t in value)
        )

    def render_state(self, value: Any, record: Asset) -> SafeString:
        state = getattr(record, "state", None)
        if state is None or state.last_checked_at is None:
            return format_html('<span class="muted">{}</span>', _("尚未检查"))
        if state.failing:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("不可用"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("可访问"))


class FindingTable(tables.Table):
    choose = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"name": "finding", "form": "group-form"}})
    severity = tables.Column(verbose_name=_("严重程度"))
    message = tables.Column(verbose_name=_("问题"))
    asset = tables.Column(verbose_name=_("资产"), accessor="asset__name")
    unit = tables.Column(
        verbose_name=_("责任单位"), accessor="asset__owner__name", order_by=("asset__owner__path",)
    )
    status = tables.Column(verbose_name=_("状态"))
    last_seen = tables.Column(verbose_name=_("最近发现"))

    class Meta:
        attrs: ClassVar[dict[str, str]] = TABLE_ATTRS
        template_name = TEMPLATE
        empty_text = _("没有符合条件的安全发现")

    def render_severity(self, value: str, record: Finding) -> SafeString:
        return severity_badge(record)

    def render_message(self, value: str, record: Finding) -> SafeString:
        return format_html(
            '<a href="{}" class="wrap">{}</a>', reverse("security:finding", args=[record.pk]), value[:120]
        )

    def render_status(self, value: str, record: Finding) -> SafeString:
        confirmed = (
            format_html(' <span class="badge text-bg-light border">{}</span>', _("已确认"))
            if record.confirmed_at
            else ""
        )
        return format_html("{}{}", record.get_status_display(), confirmed)

    def render_last_seen(self, value: Any) -> str:
        return datetime_cn(value)


class NoticeTable(tables.Table):
    title = tables.Column(verbose_name=_("标题"))
    unit = tables.Column(verbose_name=_("被通报单位"), accessor="unit__name", order_by=("unit__path",))
    finding_count = tables.Column(
        verbose_name=_("问题数"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    status = tables.Column(verbose_name=_("状态"))
    sent_at = tables.Column(verbose_name=_("通报时间"))
    deadline = tables.Column(verbose_name=_("整改期限"))

    class Meta:
        attrs: ClassVar[dict[str, str]] = TABLE_ATTRS
        template_name = TEMPLATE
        empty_text = _("没有通报")

    def render_title(self, value: str, record: Notice) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("security:notice", args=[record.pk]), value)

    def render_status(self, value: str, record: Notice) -> SafeString:
        if record.status == "sent" and record.deadline < timezone.now():
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', record.get_status_display(), _("已逾期")
            )
        return format_html("{}", record.get_status_display())

    def render_sent_at(self, value: Any) -> str:
        return datetime_cn(value)

    def render_deadline(self, value: Any) -> str:
        return date_cn(value)
