"""Which performance indicators the security records count, their live values and the records behind them.

An indicator is matched by its name (``全市网络资产监测`` → assets monitored, ``通报网络安全风险和事件`` → risks
notified, ``发布安全预警`` → warnings published, ``处置重点网络安全应急事件时限`` → the longest handling time of a
key incident, ``网络安全月报`` → monthly reports published). The value is over the project's unit and its
subtree in the project's year (Asia/Shanghai), from ``selectors.indicator_counts``; the records a person is
shown are restricted to what that person may see.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.orgs.actors import AnyUser
from jixiao.performance.models import Indicator
from jixiao.security.choices import (
    IncidentClassChoices,
    NoticeStatusChoices,
    ReportStatusChoices,
    WarningStatusChoices,
)
from jixiao.security.models import Asset, Finding, Incident, MonthlyReport, SecurityWarning
from jixiao.security.selectors import hours, indicator_counts

__all__ = ["METRICS", "IndicatorValue", "Metric", "metric_for", "metric_for_name", "records_for", "value_for"]


@dataclass(frozen=True)
class Metric:
    key: str  # the figure of ``indicator_counts``
    pattern: re.Pattern[str]
    label: str  # what the value counts, in Chinese
    unit: str  # 家, 起, 次, 小时
    records: str  # what the list behind it shows


METRICS: tuple[Metric, ...] = (
    Metric("risks_notified", re.compile("通报"), "已通报的网络安全风险和事件", "起", "通报中的安全发现"),
    Metric("warnings_issued", re.compile("预警"), "已发布的安全预警", "次", "安全预警"),
    Metric("monthly_reports_published", re.compile("月报"), "已发布的网络安全月报", "次", "网络安全月报"),
    Metric(
        "key_incidents_handling_hours_max",
        re.compile("(6|六)小时|应急事件|安全事件.*时限"),
        "重点网络安全事件最长处置用时",
        "小时",
        "已处置的重点网络安全事件",
    ),
    Metric(
        "assets_monitored",
        re.compile("网络资产监测|监测.*(网站|信息系统)|(网站|信息系统).*监测"),
        "有监测记录的网站和信息系统",
        "家",
        "被监测的网络资产",
    ),
)


def metric_for(indicator: Indicator) -> Metric | None:
    """The security figure an indicator counts, by its name (or level-2 name), or ``None``."""
    return metric_for_name(indicator.name)


def metric_for_name(name: str | None) -> Metric | None:
    """The security figure an indicator of this name counts, or ``None``."""
    text = name or ""
    for metric in METRICS:
        if metric.pattern.search(text):
            return metric
    return None


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    metric: Metric
    value: Decimal | int | None
    start: dt.datetime
    end: dt.datetime

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value} {self.metric.unit}"


def year_window(year: int | None) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    chosen = year or timezone.localdate().year
    return dt.datetime(chosen, 1, 1, tzinfo=zone), dt.datetime(chosen + 1, 1, 1, tzinfo=zone)


def value_for(indicator: Indicator) -> IndicatorValue | None:
    """The live value of a security indicator for its project's unit and year; ``None`` if it counts nothing."""
    metric = metric_for(indicator)
    if metric is None:
        return None
    project = indicator.project
    start, end = year_window(project.year)
    counts = indicator_counts(project.unit, start, end)
    return IndicatorValue(indicator, metric, counts[metric.key], start, end)


def values_for(indicators: list[Indicator]) -> list[IndicatorValue]:
    """Values of several indicators, one ``indicator_counts`` per (unit, year)."""
    cache: dict[tuple[int, int | None], dict[str, Any]] = {}
    found = []
    for indicator in indicators:
        metric = metric_for(indicator)
        if metric is None:
            continue
        project = indicator.project
        start, end = year_window(project.year)
        key = (project.unit_id, project.year)
        if key not in cache:
            cache[key] = indicator_counts(project.unit, start, end)
        found.append(IndicatorValue(indicator, metric, cache[key][metric.key], start, end))
    return found


@dataclass(frozen=True)
class Records:
    columns: list[str]
    rows: list[list[Any]]
    links: list[str]
    hidden: int  # records that count but this person may not see


def records_for(value: IndicatorValue, user: AnyUser) -> Records:
    """The records behind a value that ``user`` may see (``hidden`` says how many more count)."""
    unit = value.indicator.project.unit
    start, end = value.start, value.end
    subtree = unit.path
    key = value.metric.key
    rows: list[list[Any]] = []
    links: list[str] = []
    total: int
    if key == "risks_notified":
        everything: QuerySet[Any] = (
            Finding.objects.unrestricted()
            .filter(
                notices__unit__path__startswith=subtree,
                notices__status__in=[NoticeStatusChoices.SENT, NoticeStatusChoices.CLOSED],
                notices__sent_at__gte=start,
                notices__sent_at__lt=end,
            )
            .distinct()
        )
        total = everything.count()
        seen = Finding.objects.restrict(user, "view").filter(pk__in=everything.values("pk"))
        columns = ["资产", "严重程度", "问题", "状态", "首次发现"]
        for f in seen.select_related("asset").order_by("first_seen", "pk"):
            rows.append(
                [f.asset.name, f.get_severity_display(), f.message, f.get_status_display(), f.first_seen]
            )
            links.append(f"/security/findings/{f.pk}/")
    elif key == "warnings_issued":
        everything = SecurityWarning.objects.unrestricted().filter(
            issuer__path__startswith=subtree,
            status__in=[WarningStatusChoices.PUBLISHED, WarningStatusChoices.WITHDRAWN],
            published_at__gte=start,
            published_at__lt=end,
        )
        total = everything.count()
        columns = ["标题", "发布单位", "等级", "发布时间"]
        for w in (
            SecurityWarning.objects.restrict(user, "view")
            .filter(pk__in=everything.values("pk"))
            .select_related("issuer")
            .order_by("published_at", "pk")
        ):
            rows.append([w.title, w.issuer.name, w.get_severity_display(), w.published_at])
            links.append(f"/security/warnings/{w.pk}/")
    elif key == "monthly_reports_published":
        everything = MonthlyReport.objects.unrestricted().filter(
            unit__path__startswith=subtree,
            status=ReportStatusChoices.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        )
        total = everything.count()
        columns = ["月报", "单位", "发布时间"]
        for r in (
            MonthlyReport.objects.restrict(user, "view")
            .filter(pk__in=everything.values("pk"))
            .select_related("unit")
            .order_by("year", "month", "pk")
        ):
            rows.append([f"{r.year}年{r.month}月", r.unit.name, r.published_at])
            links.append(f"/security/reports/{r.pk}/")
    elif key == "key_incidents_handling_hours_max":
        everything = Incident.objects.unrestricted().filter(
            unit__path__startswith=subtree,
            incident_class=IncidentClassChoices.KEY,
            resolved_at__gte=start,
            resolved_at__lt=end,
        )
        total = everything.count()
        columns = ["事件", "单位", "发现时间", "处置完成", "用时（小时）", "是否超时"]
        for i in (
            Incident.objects.restrict(user, "view")
            .filter(pk__in=everything.values("pk"))
            .select_related("unit")
            .order_by("opened_at", "pk")
        ):
            assert i.resolved_at is not None
            rows.append(
                [
                    i.title,
                    i.unit.name,
                    i.opened_at,
                    i.resolved_at,
                    hours(i.resolved_at - i.opened_at),
                    "在时限内" if i.within_sla else "超时",
                ]
            )
            links.append(f"/security/incidents/{i.pk}/")
    else:
        everything = (
            Asset.objects.unrestricted()
            .filter(
                owner__path__startswith=subtree, check_runs__started__gte=start, check_runs__started__lt=end
            )
            .distinct()
        )
        total = everything.count()
        columns = ["资产", "责任单位", "网址"]
        for a in (
            Asset.objects.restrict(user, "view")
            .filter(pk__in=everything.values("pk"))
            .select_related("owner")
            .order_by("owner__path", "name", "pk")
        ):
            rows.append([a.name, a.owner.name, a.url])
            links.append(f"/security/assets/{a.pk}/")
    return Records(columns, rows, links, hidden=total - len(rows))
