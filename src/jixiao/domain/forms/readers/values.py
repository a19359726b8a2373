"""Spreadsheet cell values as the text a person reads: exact numbers without float noise, ISO dates.

Shared by the xlsx and xls readers. Numbers keep every significant digit Excel stores (15); a number format
only adds what it shows literally (percent sign, fixed decimals when no digit is lost, quoted units).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

# Excel keeps 15 significant decimal digits; anything beyond that in a float is binary noise (0.1+0.2).
_EXCEL_DIGITS = ".15g"
_PLACEHOLDERS = "0#?"


def value_text(value: object, number_format: str = "General") -> str:
    """The text of one spreadsheet value; ``None`` is the empty string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return date_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return number_text(value, number_format)
    return str(value)


def date_text(value: dt.datetime) -> str:
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(sep=" ", timespec="seconds")


def number_text(value: int | float | Decimal, number_format: str = "General") -> str:
    """The number as Excel shows it, without float noise and without thousands separators.

    ``0.25`` with ``0.00%`` → ``25.00%``; ``0.1+0.2`` → ``0.3``; ``450.0`` → ``450``;
    ``9`` with ``0"次"`` → ``9次``.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        number = Decimal(format(value, _EXCEL_DIGITS))
    else:
        number = Decimal(value)
    prefix, body, suffix = _split_format(number_format)
    percent = "%" in body
    if percent:
        number = number.scaleb(2)
    decimals = _fixed_decimals(body)
    text = _plain(number)
    if decimals:
        try:
            padded = number.quantize(Decimal(1).scaleb(-decimals))
        except InvalidOperation:
            padded = None
        # Padding to the format's decimals shows what Excel shows; rounding to them would lose a digit.
        if padded is not None and padded == number:
            text = format(padded, "f")
    return f"{prefix}{text}{'%' if percent else ''}{suffix}"


def _plain(number: Decimal) -> str:
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def _fixed_decimals(body: str) -> int:
    point = body.find(".")
    if point < 0:
        return 0
    decimals = 0
    for char in body[point + 1 :]:
        if char == "0":
            decimals += 1
        elif char not in "#?":
            break
    return decimals


def _split_format(number_format: str) -> tuple[str, str, str]:
    """Literal prefix, the placeholder part, and literal suffix of a format's first (positive) section.

    Only quoted text, backslash escapes and non-ASCII characters count as literals: thousands separators,
    colours, locales and spacing are display dressing that would only make the number harder to parse.
    """
    prefix: list[str] = []
    body: list[str] = []
    suffix: list[str] = []
    i = 0
    n = len(number_format)
    while i < n:
        char = number_format[i]
        if char == ";":
            break
        target = prefix if not body else suffix
        if char == '"':
            end = number_format.find('"', i + 1)
            end = n if end < 0 else end
            target.append(number_format[i + 1 : end])
            i = end + 1
            continue
        if char == "\\" and i + 1 < n:
            target.append(number_format[i + 1])
            i += 2
            continue
        if char == "[":
            end = number_format.find("]", i + 1)
            i = n if end < 0 else end + 1
            continue
        if char in "_*":
            i += 2
            continue
        if char in "Ee" and body:
            # Scientific notation: the exponent's digits are not decimals.
            body.append(char)
            i += 2 if i + 1 < n and number_format[i + 1] in "+-" else 1
            continue
        if char in _PLACEHOLDERS or (char in ".,%" and body) or (char == "%" and not body):
            if suffix and char in _PLACEHOLDERS:
                # Placeholders after a literal: the literal sits inside the number; keep it out.
                suffix.clear()
            body.append(char)
        elif ord(char) > 127:
            target.append(char)
        i += 1
    return "".join(prefix), "".join(body), "".join(suffix)
