"""Filters of the security pages (django-filter): assets by unit, kind, tag and up/down; findings by severity,
unit and state. Units offered are only those the person may see."""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.security.choices import AssetKindChoices, FindingStatusChoices, SeverityChoices
from jixiao.security.models import Asset, Finding

STATE_CHOICES = (("up", _("可访问")), ("down", _("不可用")), ("unknown", _("尚未检查")))


def _style(filterset: django_filters.FilterSet) -> None:
    for field in filterset.form.fields.values():
        field.widget.attrs.setdefault(
            "class",
            "form-select form-select-sm"
            if isinstance(field.widget, forms.Select)
            else "form-control form-control-sm",
        )


def _unit_choices(user: Any, related: str) -> list[tuple[str, str]]:
    units = (
        Unit.objects.restrict(user, "view")
        .filter(**{f"{related}__isnull": False})
        .distinct()
        .order_by("path")
    )
    return [(str(u.pk), u.name) for u in units]


class _UnitMixin:
    user: Any
    unit_path: str

    def in_unit(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        unit = (
            Unit.objects.restrict(self.user, "view").filter(pk=int(value)).first()
            if value.isdigit()
            else None
        )
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.unit_path}__path__startswith": unit.path})


class AssetFilter(_UnitMixin, django_filters.FilterSet):
    unit_path = "owner"
    q = django_filters.CharFilter(
        label=_("搜索"), method="search", widget=forms.TextInput(attrs={"placeholder": _("名称或网址")})
    )
    unit = django_filters.ChoiceFilter(label=_("责任单位"), method="in_unit", empty_label=_("全部单位"))
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=AssetKindChoices.choices, empty_label=_("全部类型")
    )
    tag = django_filters.CharFilter(label=_("标签"), method="with_tag")
    state = django_filters.ChoiceFilter(
        label=_("可访问性"), choices=STATE_CHOICES, method="in_state", empty_label=_("全部")
    )

    class Meta:
        model = Asset
        fields = ("q", "unit", "kind", "tag", "state")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["unit"].extra["choices"] = _unit_choices(user, "security_assets")
        _style(self)

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(url__icontains=word))
        return queryset

    def with_tag(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        tag = value.strip()
        if not tag:
            return queryset
        # Tags are a JSON list stored as text (SQLite has no JSON containment): match the quoted element.
        # SQLite keeps the text as Django wrote it (\u escapes); PostgreSQL's jsonb prints the characters.
        return queryset.annotate(tags_text=Cast("tags", TextField())).filter(
            Q(tags_text__contains=json.dumps(tag))
            | Q(tags_text__contains=json.dumps(tag, ensure_ascii=False))
        )

    def in_state(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        if value == "down":
            return queryset.filter(state__failing=True)
        if value == "unknown":
            return queryset.filter(Q(state__isnull=True) | Q(state__last_checked_at__isnull=True))
        return queryset.filter(state__failing=False, state__last_checked_at__isnull=False)


def board_filter(user: Any, params: Any) -> AssetFilter:
    """The board's filter (unit, tag, up/down) over the assets the person may see."""
    filterset = AssetFilter(params or None, queryset=Asset.objects.restrict(user, "view"), user=user)
    for name in ("q", "kind"):
        filterset.filters.pop(name, None)
        filterset.form.fields.pop(name, None)
    return filterset


class FindingFilter(_UnitMixin, django_filters.FilterSet):
    unit_path = "asset__owner"
    severity = django_filters.ChoiceFilter(
        label=_("严重程度"), choices=SeverityChoices.choices, empty_label=_("全部")
    )
    unit = django_filters.ChoiceFilter(label=_("责任单位"), method="in_unit", empty_label=_("全部单位"))
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=FindingStatusChoices.choices, empty_label=_("待处理的全部状态")
    )
    q = django_filters.CharFilter(
        label=_("搜索"), method="search", widget=forms.TextInput(attrs={"placeholder": _("资产或问题")})
    )

    class Meta:
        model = Finding
        fields = ("severity", "unit", "status", "q")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["unit"].extra["choices"] = _unit_choices(user, "security_assets")
        _style(self)

    def search(self, queryset: QuerySet[Finding], name: str, value: str) -> QuerySet[Finding]:
        for word in value.split():
            queryset = queryset.filter(
                Q(asset__name__icontains=word) | Q(asset__url__icontains=word) | Q(message__icontains=word)
            )
        return queryset
