"""The project list as a django-tables2 table over the database's rows; the same columns make the xlsx export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jixiao.domain.scoring.lights import Light
from jixiao.performance.choices import FormKindChoices, TargetStatusChoices
from jixiao.performance.summary import NO_LIGHT, light_of
from jixiao.web.selectors import evaluation_label
from jixiao.web.templatetags.jixiao_format import light, light_text, money, percent


class ProjectTable(tables.Table):
    """Rows are dicts (``selectors.list_rows``): sorted by the database, one page read at a time."""

    name = tables.Column(verbose_name=_("项目名称"), accessor="name", order_by=("name", "pk"))
    unit = tables.Column(verbose_name=_("单位"), accessor="unit_name", order_by=("unit_path", "name", "pk"))
    year = tables.Column(verbose_name=_("年度"), accessor="year", order_by=("year", "pk"))
    kind = tables.Column(verbose_name=_("表类型"), accessor="kind", order_by=("kind", "pk"))
    status = tables.Column(
        verbose_name=_("目标状态"), accessor="target_status", order_by=("target_status", "pk")
    )
    evaluation = tables.Column(
        verbose_name=_("自评"),
        accessor="evaluation_status",
        order_by=("evaluation_status", "pk"),
        empty_values=(),
    )
    budget = tables.Column(
        verbose_name=_("全年预算（万元）"),
        accessor="budget",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    executed = tables.Column(
        verbose_name=_("已执行（万元）"),
        accessor="executed",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    rate = tables.Column(
        verbose_name=_("执行率"),
        accessor="rate",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    light = tables.Column(verbose_name=_("灯"), accessor="colour", order_by=("light_rank", "unit_path", "pk"))

    class Meta:
        attrs: ClassVar[dict[str, str]] = {"class": "table table-sm table-hover align-middle mb-0"}
        orderable = True
        empty_text = _("没有符合条件的项目")
        template_name = "django_tables2/bootstrap5.html"

    # A missing figure sorts below every number, both ways (as ``—`` reads: nothing yet).
    def _by(self, queryset: QuerySet[Any], name: str, is_descending: bool) -> tuple[QuerySet[Any], bool]:
        field = F(name).desc(nulls_last=True) if is_descending else F(name).asc(nulls_first=True)
        return queryset.order_by(field, "pk"), True

    def order_budget(self, queryset: QuerySet[Any], is_descending: bool) -> tuple[QuerySet[Any], bool]:
        return self._by(queryset, "budget", is_descending)

    def order_executed(self, queryset: QuerySet[Any], is_descending: bool) -> tuple[QuerySet[Any], bool]:
        return self._by(queryset, "executed", is_descending)

    def order_rate(self, queryset: QuerySet[Any], is_descending: bool) -> tuple[QuerySet[Any], bool]:
        return self._by(queryset, "rate", is_descending)

    def render_name(self, value: str, record: dict[str, Any]) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("web:project", args=[record["pk"]]), value)

    def value_name(self, value: str) -> str:
        return value

    def render_kind(self, value: str) -> str:
        return str(_KIND_LABELS.get(value, "—"))

    def render_status(self, value: str) -> str:
        return str(_TARGET_STATUS_LABELS.get(value, "—"))

    def render_evaluation(self, value: str | None) -> str:
        return evaluation_label(value)

    def value_light(self, value: str, record: dict[str, Any]) -> str:
        return light_text(_light(record))

    def render_year(self, value: int | None) -> str:
        return f"{value}年" if value else "—"

    def render_budget(self, value: Decimal | None) -> str:
        return money(value)

    def render_executed(self, value: Decimal | None) -> str:
        return money(value)

    def render_rate(self, value: Decimal | None) -> str:
        return percent(value)

    def render_light(self, value: str, record: dict[str, Any]) -> SafeString:
        return light(_light(record))


_KIND_LABELS = dict(FormKindChoices.choices)
_TARGET_STATUS_LABELS = dict(TargetStatusChoices.choices)


def _light(record: dict[str, Any]) -> Light:
    return light_of(
        record["colour"] or NO_LIGHT, record["light_method"] or "", record["light_explanation"] or ""
    )
