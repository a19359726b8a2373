"""The project list's filterset (django-filter): year, unit, kind, status, self-evaluation, light (the stored
summary's, ``performance.summary``) and a search; every filter is a condition of the database query."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.performance.choices import FormKindChoices, TargetStatusChoices
from jixiao.performance.models import Project
from jixiao.web.selectors import LIGHT_CHOICES, NO_EVALUATION, STATUS_CHOICES


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("项目名称、编码或单位")}),
    )
    year = django_filters.ChoiceFilter(label=_("年度"), empty_label=_("全部年度"))
    unit = django_filters.ChoiceFilter(label=_("单位"), method="in_unit", empty_label=_("全部单位"))
    kind = django_filters.ChoiceFilter(
        label=_("表类型"), choices=FormKindChoices.choices, empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(
        label=_("目标状态"),
        field_name="target_status",
        choices=TargetStatusChoices.choices,
        empty_label=_("全部状态"),
    )
    evaluation = django_filters.ChoiceFilter(
        label=_("自评"), choices=STATUS_CHOICES, method="with_evaluation", empty_label=_("全部")
    )
    light = django_filters.ChoiceFilter(
        label=_("灯"), choices=LIGHT_CHOICES, method="with_light", empty_label=_("全部")
    )

    class Meta:
        model = Project
        fields = ("q", "year", "unit", "kind", "status", "evaluation", "light")

    def __init__(
        self, *args: Any, user: Any, choices: dict[str, list[tuple[str, str]]] | None = None, **kwargs: Any
    ) -> None:
        """``choices``: the unit and year choices (``selectors.list_choices``); read here when not given."""
        super().__init__(*args, **kwargs)
        self.user = user
        if choices is None:
            with_projects = self.queryset.order_by().values("unit_id")
            units = Unit.objects.restrict(user, "view").filter(pk__in=with_projects).order_by("path")
            years = self.queryset.order_by("-year").values_list("year", flat=True).distinct()
            choices = {
                "unit": [(str(pk), name) for pk, name in units.values_list("pk", "name")],
                "year": [(str(y), f"{y}年") for y in years if y is not None],
            }
        self.filters["unit"].extra["choices"] = choices["unit"]
        self.filters["year"].extra["choices"] = choices["year"]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(code__icontains=word) | Q(unit__name__icontains=word)
            )
        return queryset

    def in_unit(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        unit = Unit.objects.restrict(self.user, "view").filter(pk=int(value)).first()
        return queryset.filter(unit__path__startswith=unit.path) if unit is not None else queryset.none()

    def with_evaluation(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        if value == NO_EVALUATION:
            return queryset.filter(evaluation__isnull=True)
        return queryset.filter(evaluation__status=value)

    def with_light(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return queryset.filter(summary__colour=value)
