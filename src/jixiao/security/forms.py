"""The security pages' forms: plain fields (addresses one per line, tags as words), a reason on every change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.security.choices import (
    AssetKindChoices,
    ImportanceChoices,
    ScheduleClassChoices,
    SeverityChoices,
)
from jixiao.security.registry import _split_list

REASON_HELP = _("写明原因，记入操作记录")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=500, help_text=REASON_HELP, error_messages={"required": _("请填写原因")}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class AssetForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=AssetKindChoices.choices)
    owner = UnitChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), empty_label=None)
    url = forms.CharField(label=_("主网址"), max_length=500, help_text=_("例如 https://www.example.gov.cn/"))
    extra_urls = forms.CharField(
        label=_("其他网址或主机"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个"),
    )
    tags = forms.CharField(
        label=_("标签"), required=False, help_text=_("多个标签用逗号、顿号或空格分开，例如：政务网站、重点")
    )
    category = forms.CharField(label=_("分类"), max_length=100, required=False)
    importance = forms.ChoiceField(label=_("重要程度"), choices=ImportanceChoices.choices)
    schedule_class = forms.ChoiceField(label=_("监测频率"), choices=ScheduleClassChoices.choices)
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=64, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), max_length=254, required=False)
    active = forms.BooleanField(label=_("启用监测"), required=False, initial=True)
    internal = forms.BooleanField(
        label=_("内网资产"), required=False, help_text=_("内网资产的地址不受受限地址名单限制")
    )
    reason = forms.CharField(label=_("原因"), max_length=500, help_text=REASON_HELP)

    def __init__(self, *args: Any, units: QuerySet[Unit], may_mark_internal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        if not may_mark_internal:
            del self.fields["internal"]
        _style(self)

    def clean_extra_urls(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["extra_urls"].splitlines() if line.strip()]

    def clean_tags(self) -> list[str]:
        text = self.cleaned_data["tags"].replace(" ", ",").replace("\u3000", ",")
        return _split_list(text)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("登记表文件"), help_text=_("xlsx、xls 或 csv，第一行为表头"))
    reason = forms.CharField(label=_("原因"), max_length=500, initial=_("批量登记网络资产"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


TRIAGE_CHOICES = (
    ("confirm", _("确认问题")),
    ("false_positive", _("误报")),
    ("risk_accepted", _("接受风险")),
)


class TriageForm(ReasonForm):
    decision = forms.ChoiceField(label=_("研判结论"), choices=TRIAGE_CHOICES)


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    working_days = forms.IntegerField(
        label=_("整改期限（工作日）"),
        min_value=1,
        max_value=60,
        initial=5,
        help_text=_("按法定节假日和调休计算"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=64, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=500, initial=_("确认的安全问题须限期整改"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the Django documentation's pattern): a list, maybe empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("整改情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写整改情况")},
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"), required=False, help_text=_("可选多个文件：pdf、图片、Word、Excel 或文本")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class WarningForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 5}))
    severity = forms.ChoiceField(
        label=_("等级"), choices=SeverityChoices.choices, initial=SeverityChoices.MEDIUM
    )
    issuer = UnitChoiceField(label=_("发布单位"), queryset=Unit.objects.none(), empty_label=None)
    recipients = UnitsChoiceField(
        label=_("接收单位"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("原因"), max_length=500, initial=_("发布网络安全预警"))

    def __init__(
        self, *args: Any, issuers: QuerySet[Unit], recipients: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers.order_by("path")  # type: ignore[attr-defined]
        self.fields["recipients"].queryset = recipients.order_by("path")  # type: ignore[attr-defined]
        _style(self)


class ReportForm(forms.Form):
    unit = UnitChoiceField(label=_("单位"), queryset=Unit.objects.none(), empty_label=None)
    year = forms.IntegerField(label=_("年"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月"), min_value=1, max_value=12)
    reason = forms.CharField(label=_("原因"), max_length=500, initial=_("生成网络安全月报"))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        today = dt.date.today()
        previous = today.replace(day=1) - dt.timedelta(days=1)
        self.fields["year"].initial = previous.year
        self.fields["month"].initial = previous.month
        _style(self)
