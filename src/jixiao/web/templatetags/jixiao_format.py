"""How values read on a page: money in 万元 with 千分位, dates as 2023年9月5日, empty as —, lights with words."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jixiao.domain.scoring.lights import Colour, Light

register = template.Library()

DASH = "—"
_CENT = Decimal("0.01")
_WAN = Decimal(10000)
_LIGHT_WORDS = {Colour.RED: "红", Colour.YELLOW: "黄", Colour.GREEN: "绿", Colour.BLUE: "蓝"}


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {}, ())


def _decimal(value: Any) -> Decimal | None:
    if _is_empty(value) or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def grouped(number: Decimal, places: int = 2) -> str:
    """``3309.84`` → ``3,309.84``: 千分位 and a fixed number of decimals, rounded half up."""
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, ROUND_HALF_UP):,.{places}f}"


@register.filter
def money(value: Any) -> str:
    """元 → 万元 with 千分位 and two decimals: ``33098400`` → ``3,309.84``; empty → ``—``."""
    number = _decimal(value)
    if number is None:
        return DASH
    return grouped(number / _WAN)


@register.filter
def yuan(value: Any) -> str:
    """元 with 千分位 and two decimals (where a form shows 元)."""
    number = _decimal(value)
    return DASH if number is None else grouped(number)


@register.filter
def number(value: Any, places: int = 2) -> str:
    """A figure with 千分位 and at most ``places`` decimals, trailing zeros dropped (``52``, ``99.5``)."""
    figure = _decimal(value)
    if figure is None:
        return DASH
    text = grouped(figure, int(places))
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """A percentage (already ×100) with its sign: ``58.333`` → ``58.3%``."""
    figure = _decimal(value)
    return DASH if figure is None else f"{grouped(figure, int(places))}%"


@register.filter
def date_cn(value: Any) -> str:
    """``2023年9月5日`` (a date-time in Asia/Shanghai first); empty → ``—``."""
    if not isinstance(value, dt.date):
        return DASH
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def datetime_cn(value: Any) -> str:
    """``2023年9月5日 14:05`` in Asia/Shanghai; empty → ``—``."""
    if not isinstance(value, dt.datetime):
        return date_cn(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def dash(value: Any) -> Any:
    """The value, or ``—`` when it is empty (``None``, blank text, an empty list)."""
    return DASH if _is_empty(value) else value


def light_word(colour: Colour | str | None) -> str:
    if colour is None or colour == "":
        return "无灯"
    return _LIGHT_WORDS[Colour(colour)]


def light_text(value: Light | None) -> str:
    """``红灯`` … or ``无灯`` when nothing can be judged."""
    colour = value.colour if value is not None else None
    return f"{light_word(colour)}灯" if colour is not None else "无灯"


@register.filter
def light(value: Light | Colour | str | None) -> SafeString:
    """A light as a coloured badge that always carries its word (红/黄/绿/蓝), the explanation as a tooltip."""
    colour = value.colour if isinstance(value, Light) else (Colour(value) if value else None)
    explanation = value.explanation if isinstance(value, Light) else ""
    css = f"light-{colour.value}" if colour is not None else "light-none"
    word = f"{light_word(colour)}灯" if colour is not None else "无灯"
    return format_html(
        '<span class="light {}" title="{}"><span class="light-dot" aria-hidden="true"></span>{}</span>',
        css,
        explanation or word,
        word,
    )
