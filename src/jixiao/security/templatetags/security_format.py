"""Cells of the security lists: a date-time in Chinese, anything else as it is (never ``None``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from jixiao.web.templatetags.jixiao_format import DASH, datetime_cn

register = template.Library()


@register.filter
def cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return datetime_cn(value)
    if value is None or value == "":
        return DASH
    return value
