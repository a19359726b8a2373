"""Forms of the spending page: an expenditure and a budget adjustment, money typed in 万元 and kept in 元.

``12.5`` and ``12.5万`` are 万元, ``125,000元`` is 元 (the target grammar's ``parse_amount`` reads them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.domain.targets.grammar import parse_amount
from jixiao.performance.choices import ExpenditureKindChoices, FundSourceChoices

__all__ = ["AdjustmentForm", "ExpenditureForm", "MoneyField"]

_CENT = Decimal("0.01")
_LIMIT = Decimal(10) ** 16


class MoneyField(forms.Field):
    """Money typed in 万元 (or with its unit: ``万``, ``万元``, ``元``) → ``Decimal`` in 元, to the cent."""

    widget = forms.TextInput

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(_("金额过长"), code="too_long")
        try:
            amount = parse_amount(text, "万元")
        except (ValueError, ArithmeticError):
            amount = None
            readable = False
        else:
            readable = amount is not None
        if not readable or amount is None:
            raise forms.ValidationError(
                _("读到“%(text)s”，不是金额；请填写万元数（如 12.5），或带单位（如 12.5万、125,000元）"),
                code="not_money",
                params={"text": text},
            )
        if amount != amount.quantize(_CENT):
            raise forms.ValidationError(
                _("读到“%(text)s”，折合%(yuan)s元，金额最多精确到分"),
                code="cents",
                params={"text": text, "yuan": f"{amount.normalize():f}"},
            )
        if abs(amount) >= _LIMIT:
            raise forms.ValidationError(
                _("读到“%(text)s”，金额过大"), code="too_large", params={"text": text}
            )
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(
                _("读到“%(text)s”，支出金额不能为负数"), code="negative", params={"text": text}
            )
        return amount.quantize(_CENT)


class ExpenditureForm(forms.Form):
    month = forms.TypedChoiceField(label=_("月份"), coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)])
    fund_source = forms.ChoiceField(
        label=_("资金来源"), choices=FundSourceChoices.choices, initial=FundSourceChoices.FISCAL
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=ExpenditureKindChoices.choices, initial=ExpenditureKindChoices.PAYMENT
    )
    amount = MoneyField(label=_("金额（万元）"), help_text=_("如 12.5、12.5万 或 125,000元"))
    description = forms.CharField(label=_("摘要"), max_length=500, required=False)

    prefix = "expenditure"


class AdjustmentForm(forms.Form):
    amount = MoneyField(
        label=_("调整金额（万元）"), allow_negative=True, help_text=_("调增为正数，调减为负数，如 -5")
    )
    fund_source = forms.ChoiceField(
        label=_("资金来源"), choices=FundSourceChoices.choices, initial=FundSourceChoices.FISCAL
    )
    reason = forms.CharField(label=_("调整原因"), widget=forms.Textarea(attrs={"rows": 2}))

    prefix = "adjustment"

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("调整金额不能为0"), code="zero")
        return amount
