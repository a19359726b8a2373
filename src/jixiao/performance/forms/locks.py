"""Forms of the locks page: lock a period for the projects of units, grant an exception, give a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.performance.periods import Period

PERIODS = [
    *((f"month-{m}", f"{m}月") for m in range(1, 13)),
    *((f"quarter-{q}", Period.quarter(q).label) for q in range(1, 5)),
    ("half-1", "上半年"),
    ("half-2", "下半年"),
    ("year-1", "全年"),
]


def parse_period(value: str) -> Period:
    kind, index = value.split("-")
    return Period(kind, int(index))


def styled(form: forms.Form) -> None:
    """Bootstrap's classes on every widget (checkbox lists keep their own markup in the template)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = (
            "form-select form-select-sm"
            if isinstance(widget, forms.Select)
            else "form-control form-control-sm"
        )
        widget.attrs["class"] = css
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = 2


class _UnitsMixin:
    def _unit_choices(self, units: Any) -> None:
        styled(self)  # type: ignore[arg-type]
        field = self.fields["units" if "units" in self.fields else "unit"]  # type: ignore[attr-defined]
        field.queryset = units
        field.label_from_instance = lambda u: u.name


class LockForm(_UnitsMixin, forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("期间"), choices=PERIODS, initial="month-7")
    reason = forms.CharField(label=_("锁定原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._unit_choices(units)


class ExceptionForm(_UnitsMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    period = forms.ChoiceField(label=_("期间"), choices=PERIODS, initial="year-1")
    expires_on = forms.DateField(
        label=_("有效期至（当日24时）"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "exception_%s")  # beside the lock form on one page: ids of its own
        super().__init__(*args, **kwargs)
        self._unit_choices(units)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))
