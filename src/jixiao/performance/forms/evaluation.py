"""Forms of the self-evaluation page: texts, a reviewer's adjusted score, sign-off, rectification."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TextsForm(forms.Form):
    conclusion = forms.CharField(
        label=_("评价结论"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    improvements = forms.CharField(
        label=_("改进措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget_explanation = forms.CharField(
        label=_("预算执行偏差说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdjustForm(forms.Form):
    score = forms.DecimalField(label=_("调整后得分"), min_value=0, max_digits=9, decimal_places=2)
    reason = forms.CharField(label=_("调整原因"), widget=forms.Textarea(attrs={"rows": 2}))


class FinaliseForm(forms.Form):
    override_reason = forms.CharField(
        label=_("越过审核意见定稿的原因（仅在目标表仍有审核错误时填写）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RectificationForm(forms.Form):
    problem = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 2}))
    requirement = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class AnswerForm(forms.Form):
    """The answer's text; its evidence files (several) are read from ``request.FILES.getlist("files")``."""

    answer = forms.CharField(label=_("整改反馈"), widget=forms.Textarea(attrs={"rows": 3}))
