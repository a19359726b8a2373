"""Forms of the target declaration pages: a new project's header, the indicator rows as typed, the review."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import units_for
from jixiao.performance.actions.targets import IndicatorDraft, ProjectDraft
from jixiao.performance.choices import FormKindChoices, HorizonChoices
from jixiao.performance.models import Indicator
from jixiao.performance.models.reviews import ReviewCriterionChoices, ReviewGradeChoices

_WAN = Decimal(10000)
# The names the indicator rows post under; every row posts each of them once, in the page's order.
ROW_FIELDS = ("key", "ident", "horizon", "level1", "level2", "name", "target", "weight")


def _styled(form: forms.Form) -> None:
    """Bootstrap's classes on every widget (small controls: the pages are laid out for 1366 px)."""
    for field in form.fields.values():
        css = (
            "form-select form-select-sm"
            if isinstance(field.widget, forms.Select)
            else "form-control form-control-sm"
        )
        field.widget.attrs.setdefault("class", css)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ProjectHeaderForm(forms.Form):
    """A new project: only units the person may change are offered; money typed in 万元, stored in 元."""

    unit = UnitChoiceField(label=_("单位"), queryset=Unit.objects.none().unrestricted(), empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("项目名称"), max_length=500)
    kind = forms.ChoiceField(
        label=_("表类型"),
        choices=[
            (FormKindChoices.TARGET.value, FormKindChoices.TARGET.label),
            (FormKindChoices.DEPARTMENT_WIDE.value, FormKindChoices.DEPARTMENT_WIDE.label),
        ],
    )
    attribute = forms.CharField(label=_("项目属性"), max_length=100, required=False)
    period = forms.CharField(label=_("项目期"), max_length=100, required=False)
    funds_total = forms.DecimalField(
        label=_("年度资金总额（万元）"), required=False, min_value=0, max_digits=16, decimal_places=6
    )
    funds_fiscal = forms.DecimalField(
        label=_("其中：财政拨款（万元）"), required=False, min_value=0, max_digits=16, decimal_places=6
    )
    goal_annual = forms.CharField(
        label=_("年度目标"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    goal_medium_term = forms.CharField(
        label=_("中期目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_for(user, "change").order_by("path")
        _styled(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total, fiscal = data.get("funds_total"), data.get("funds_fiscal")
        if total is not None and fiscal is not None and fiscal > total:
            self.add_error("funds_fiscal", _("财政拨款不能大于资金总额"))
        return data

    def draft(self) -> ProjectDraft:
        data = self.cleaned_data
        return ProjectDraft(
            name=data["name"].strip(),
            year=data["year"],
            kind=data["kind"],
            attribute=data["attribute"].strip(),
            period=data["period"].strip(),
            funds_total=_yuan(data.get("funds_total")),
            funds_fiscal=_yuan(data.get("funds_fiscal")),
            goal_annual=data["goal_annual"].strip(),
            goal_medium_term=data["goal_medium_term"].strip(),
        )


class GoalsForm(forms.Form):
    goal_annual = forms.CharField(
        label=_("年度目标"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    goal_medium_term = forms.CharField(
        label=_("中期目标"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


def _yuan(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan * _WAN).quantize(Decimal("0.01"))


@dataclass
class Row:
    """One indicator row as the page shows it: what was typed, and the problems of the row."""

    key: str
    ident: str = ""
    horizon: str = HorizonChoices.ANNUAL.value
    level1: str = ""
    level2: str = ""
    name: str = ""
    target: str = ""
    weight: str = ""
    error: str = ""

    @classmethod
    def new(cls, horizon: str = HorizonChoices.ANNUAL.value) -> Row:
        return cls(key=uuid.uuid4().hex[:12], horizon=horizon)

    @classmethod
    def of(cls, indicator: Indicator) -> Row:
        weight = "" if indicator.weight is None else f"{indicator.weight.normalize():f}"
        return cls(
            key=f"i{indicator.pk}",
            ident=str(indicator.pk),
            horizon=indicator.horizon,
            level1=indicator.level1,
            level2=indicator.level2,
            name=indicator.name,
            target=indicator.target_raw,
            weight=weight,
        )

    def is_blank(self) -> bool:
        return not (self.level1 or self.level2 or self.name or self.target or self.weight)


def rows_from(data: QueryDict, allowed_idents: set[int]) -> list[Row]:
    """The rows as posted (each field once per row, in page order). A row naming an indicator that is not
    the project's is treated as new."""
    columns = {name: data.getlist(f"row-{name}") for name in ROW_FIELDS}
    count = len(columns["key"])
    rows = []
    for n in range(count):
        values = {name: (columns[name][n] if n < len(columns[name]) else "").strip() for name in ROW_FIELDS}
        row = Row(**values)
        if row.horizon not in HorizonChoices.values:
            row.horizon = HorizonChoices.ANNUAL.value
        if not row.ident.isdigit() or int(row.ident) not in allowed_idents:
            row.ident = ""
        rows.append(row)
    return rows


def drafts(rows: list[Row]) -> tuple[list[IndicatorDraft], list[str]]:
    """The rows as the actions take them, and the errors that say which row and what (Chinese)."""
    out: list[IndicatorDraft] = []
    errors: list[str] = []
    for number, row in enumerate(rows, 1):
        row.error = ""
        weight: Decimal | None = None
        if row.weight:
            try:
                weight = Decimal(row.weight)
            except InvalidOperation:
                weight = None
            if weight is None or not weight.is_finite() or weight < 0 or weight > 1000:
                row.error = str(_("分值应为 0 到 1000 之间的数字，例如 10 或 2.5"))
                errors.append(f"第{number}行“{row.name or '—'}”：{row.error}")
                continue
        if not row.is_blank() and not row.name and not row.level2:
            row.error = str(_("请填写三级指标名称"))
            errors.append(f"第{number}行：{row.error}")
            continue
        out.append(
            IndicatorDraft(
                horizon=row.horizon,
                level1=row.level1,
                level2=row.level2,
                name=row.name,
                target=row.target,
                weight=weight,
                ident=int(row.ident) if row.ident else None,
                position=number,
            )
        )
    return out, errors


class ReviewForm(forms.Form):
    """The reviewer's grade and comment per criterion, and the overall comment (required to return)."""

    comment = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in ReviewCriterionChoices:
            self.fields[f"grade_{criterion.value}"] = forms.ChoiceField(
                label=criterion.label,
                choices=[("", "—"), *ReviewGradeChoices.choices],
                error_messages={"required": _("请为%(c)s评定等级") % {"c": criterion.label}},
            )
            self.fields[f"note_{criterion.value}"] = forms.CharField(
                label=_("%(c)s意见") % {"c": criterion.label}, required=False, max_length=2000
            )
        _styled(self)

    def criteria(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(c.label), self[f"grade_{c.value}"], self[f"note_{c.value}"]) for c in ReviewCriterionChoices
        ]

    def grades(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {c.value: (data[f"grade_{c.value}"], data[f"note_{c.value}"]) for c in ReviewCriterionChoices}


class AdjustmentDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        error_messages={"required": _("请填写审核意见")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
