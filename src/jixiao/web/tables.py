"""The project list as a django-tables2 table; the same columns make the xlsx export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jixiao.web.data import LIGHT_RANK, ProjectRow
from jixiao.web.templatetags.jixiao_format import light, light_text, money, percent

_LOW = Decimal("-1e30")


def _key(value: Decimal | None) -> Decimal:
    return _LOW if value is None else value


class ProjectTable(tables.Table):
    name = tables.Column(verbose_name=_("项目名称"), accessor="project__name", order_by=("sort_name",))
    unit = tables.Column(verbose_name=_("单位"), accessor="project__unit__name", order_by=("sort_unit",))
    year = tables.Column(verbose_name=_("年度"), accessor="project__year", order_by=("sort_year",))
    kind = tables.Column(verbose_name=_("表类型"), accessor="kind_label", order_by=("kind_label",))
    status = tables.Column(verbose_name=_("状态"), accessor="status_label", order_by=("status_label",))
    budget = tables.Column(
        verbose_name=_("全年预算（万元）"),
        accessor="budget",
        order_by=("sort_budget",),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    executed = tables.Column(
        verbose_name=_("已执行（万元）"),
        accessor="executed",
        order_by=("sort_executed",),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    rate = tables.Column(
        verbose_name=_("执行率"),
        accessor="rate",
        order_by=("sort_rate",),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    light = tables.Column(verbose_name=_("灯"), accessor="colour", order_by=("sort_light",))

    class Meta:
        attrs: ClassVar[dict[str, str]] = {"class": "table table-sm table-hover align-middle mb-0"}
        orderable = True
        empty_text = _("没有符合条件的项目")
        template_name = "django_tables2/bootstrap5.html"

    def render_name(self, value: str, record: dict[str, Any]) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("web:project", args=[record["project"].pk]), value)

    def value_name(self, value: str) -> str:
        return value

    def value_light(self, value: str, record: dict[str, Any]) -> str:
        return light_text(record["light"])

    def render_year(self, value: int | None) -> str:
        return f"{value}年" if value else "—"

    def render_budget(self, value: Decimal | None) -> str:
        return money(value)

    def render_executed(self, value: Decimal | None) -> str:
        return money(value)

    def render_rate(self, value: Decimal | None) -> str:
        return percent(value)

    def render_light(self, value: str, record: dict[str, Any]) -> SafeString:
        return light(record["light"])


def table_data(rows: list[ProjectRow]) -> list[dict[str, Any]]:
    """Rows as dicts, with sort keys that never compare ``None`` with a number."""
    return [
        {
            "project": row.project,
            "kind_label": str(row.project.get_kind_display()),
            "status_label": row.status_label,
            "budget": row.budget,
            "executed": row.executed,
            "rate": row.rate,
            "colour": row.colour,
            "light": row.light,
            "sort_name": row.project.name,
            "sort_unit": row.project.unit.path,
            "sort_year": row.project.year or 0,
            "sort_budget": _key(row.budget),
            "sort_executed": _key(row.executed),
            "sort_rate": _key(row.rate),
            "sort_light": LIGHT_RANK[row.colour],
        }
        for row in rows
    ]
