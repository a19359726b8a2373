"""Forms of the monitoring pages: the budget forecast, a return reason, finance's monitoring task."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.performance.forms.locks import styled

MONTHS = [(m, f"1–{m}月") for m in range(1, 13)]


class BudgetForecastForm(forms.Form):
    amount = forms.DecimalField(
        label=_("全年预计执行数（万元）"), required=False, min_value=0, max_digits=16, decimal_places=6
    )
    note = forms.CharField(label=_("预算执行说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    cutoff_month = forms.TypedChoiceField(label=_("监控期间"), choices=MONTHS, coerce=int, initial=7)
    deadline = forms.DateField(
        label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    units = forms.ModelMultipleChoiceField(
        label=_("填报单位"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个填报单位")},
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]
        styled(self)
