"""The target-value grammar: a target string as a form writes it (``≥4万家``) → a typed ``TargetValue``.

Also the small exact readers the form readers share: amounts, percentages, periods and Excel date serials.
The rules are written down in ``README.md`` beside this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from jixiao.domain.targets.model import Operator, Period, TargetKind, TargetValue
from jixiao.domain.text import compact, to_simplified

__all__ = [
    "MAX_DIGITS",
    "UNIT_WORDS",
    "check_digits",
    "compose_target",
    "date_to_excel_serial",
    "excel_serial_to_date",
    "parse_amount",
    "parse_percent",
    "parse_period",
    "parse_target",
]

# --- vocabulary ---------------------------------------------------------------

_NOT_APPLICABLE = frozenset(
    {"", "/", "//", "\\", "-", "--", "—", "——", "–", "无", "不适用", "不涉及", "暂无", "n/a", "na"}
)

# Longest spellings first: the alternation is tried in order at one position.
_OPERATOR_WORDS: dict[str, Operator] = {
    ">=": Operator.GE,
    "=>": Operator.GE,
    "<=": Operator.LE,
    "=<": Operator.LE,
    "≥": Operator.GE,
    "≧": Operator.GE,
    "⩾": Operator.GE,
    "≤": Operator.LE,
    "≦": Operator.LE,
    "⩽": Operator.LE,
    ">": Operator.GT,
    "<": Operator.LT,
    "=": Operator.EQ,
    "大于或等于": Operator.GE,
    "大于等于": Operator.GE,
    "高于或等于": Operator.GE,
    "高于等于": Operator.GE,
    "不少于": Operator.GE,
    "不低于": Operator.GE,
    "不小于": Operator.GE,
    "至少": Operator.GE,
    "达到": Operator.GE,
    "小于或等于": Operator.LE,
    "小于等于": Operator.LE,
    "低于或等于": Operator.LE,
    "低于等于": Operator.LE,
    "不超过": Operator.LE,
    "不高于": Operator.LE,
    "不大于": Operator.LE,
    "不多于": Operator.LE,
    "控制在": Operator.LE,
    "至多": Operator.LE,
    "最多": Operator.LE,
    "大于": Operator.GT,
    "超过": Operator.GT,
    "多于": Operator.GT,
    "高于": Operator.GT,
    "小于": Operator.LT,
    "少于": Operator.LT,
    "低于": Operator.LT,
    "不足": Operator.LT,
    "等于": Operator.EQ,
}

_SUFFIX_OPERATORS: dict[str, Operator] = {
    "及以上": Operator.GE,
    "或以上": Operator.GE,
    "以上": Operator.GE,
    "及以下": Operator.LE,
    "或以下": Operator.LE,
    "以下": Operator.LE,
    "及以内": Operator.LE,
    "以内": Operator.LE,
    "之内": Operator.LE,
    "内": Operator.LE,
    "左右": Operator.EQ,
}

# Units kept as written. Scale prefixes (万, 亿, 百万, 千万; 千 only before 元) are split off in code.
_UNITS = (
    "个工作日", "个百分点", "千瓦时", "立方米", "平方米", "平方公里", "工作日", "百分比", "百分点",
    "人次", "户次", "家次", "场次", "批次", "架次", "车次", "班次", "期次", "篇次", "条次",
    "课时", "学时", "小时", "分钟", "个月", "季度", "公里", "千米", "千克", "公斤", "公顷",
    "千瓦", "平米", "人天", "人日",
    "次", "家", "起", "个", "人", "名", "位", "户", "场", "期", "篇", "条", "件", "项", "辆", "台",
    "套", "部", "册", "本", "份", "张", "幅", "块", "处", "所", "座", "栋", "间", "批", "轮", "组",
    "支", "只", "头", "株", "棵", "亩", "米", "克", "吨", "升", "元", "天", "日", "周", "月", "年",
    "秒", "分", "倍", "村", "校", "节", "门", "集", "字", "页", "点", "单",
)  # fmt: skip
_SYMBOL_UNITS = ("%", "‰", "℃", "㎡", "m²", "m³")
UNIT_WORDS: tuple[str, ...] = _UNITS + _SYMBOL_UNITS
"""Every unit the grammar knows as written after a number (scale prefixes 万/亿 not included)."""

_SCALES: dict[str, Decimal] = {
    "亿": Decimal(10) ** 8,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "万": Decimal(10) ** 4,
    "千": Decimal(10) ** 3,
}

_UNIT_ALIASES = {
    "百分比": "%",
    "个工作日": "工作日",
    "个月": "月",
    "平米": "平方米",
    "㎡": "平方米",
    "m²": "平方米",
}

# Words that make a number a change relative to something else (``较去年提升10%``): not a typed target.
_RELATIVE_WORDS = (
    "提升",
    "提高",
    "增长",
    "增加",
    "增幅",
    "上升",
    "下降",
    "降低",
    "减少",
    "降幅",
    "同比",
    "环比",
    "较",
)

_RELATIVE = re.compile("|".join(_RELATIVE_WORDS))

_TIME_WORDS = ("时间", "日期", "时限", "完成时间", "到位时间", "截止")
_PERCENT_WORDS = ("率", "比例", "占比", "百分比", "满意度")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_RE = (
    rf"(?P<scale>亿|千万|百万|万|千)?"
    rf"(?:(?P<base>{_alternation(_UNITS + _SYMBOL_UNITS)}|[A-Za-z]{{1,5}})"
    rf"(?P<per>/每?(?:(?:(?!{_alternation(_SUFFIX_OPERATORS)})[\u4e00-\u9fff]){{1,4}}|[A-Za-z]{{1,4}}))?)?"
)
_TARGET = re.compile(
    rf"(?P<label>[\u4e00-\u9fff、]{{1,16}}?)??"
    rf"(?:(?P<op>{_alternation(_OPERATOR_WORDS)})|(?P<ocr_w>[Ww]))?"
    rf"(?P<sign>-)?(?P<num>{_NUMBER})"
    rf"{_UNIT_RE}"
    rf"(?P<suffix>{_alternation(_SUFFIX_OPERATORS)})?"
    rf"(?:\((?P<note>[^()\d]{{0,20}})\))?",
    re.ASCII,
)
# With an explicit operator a number is certainly a target; then an unknown unit is kept with a warning.
_LOOSE_TARGET = re.compile(
    rf"(?P<label>[\u4e00-\u9fff、]{{1,16}}?)??"
    rf"(?P<op>{_alternation(_OPERATOR_WORDS)})"
    rf"(?P<num>{_NUMBER})"
    rf"(?P<unit>[\u4e00-\u9fff]{{1,6}}?)"
    rf"(?P<suffix>{_alternation(_SUFFIX_OPERATORS)})?",
    re.ASCII,
)
_PER_ONLY = re.compile(
    rf"(?P<op>{_alternation(_OPERATOR_WORDS)})?(?P<num>{_NUMBER})(?P<scale>万|亿)?(?P<unit>/每?[\u4e00-\u9fff]{{1,3}})",
    re.ASCII,
)
_PER_LABEL = re.compile(r"每(?P<per>月|年|周|日|天|季度|季|人|次|户|场|期|学期|批)")
_PLAIN_NUMBER = re.compile(rf"(?P<sign>-)?(?P<num>{_NUMBER})", re.ASCII)
_INTEGER_SERIAL = re.compile(r"\d{5}|\d{2},\d{3}", re.ASCII)
_TRAILING_PUNCTUATION = ".。;；,，、:"

_DASH = r"\s*(?:-|—|–|~|～|至|到)+\s*"
_PERIOD_YM = re.compile(
    rf"(\d{{4}})(?:[./-]|年)(\d{{1,2}})月?{_DASH}(\d{{4}})(?:[./-]|年)(\d{{1,2}})月?", re.ASCII
)
_PERIOD_COMPACT = re.compile(rf"(\d{{4}})(\d{{2}}){_DASH}(\d{{4}})(\d{{2}})", re.ASCII)
_PERIOD_SAME_YEAR = re.compile(rf"(\d{{4}})年(\d{{1,2}})月?{_DASH}(\d{{1,2}})月", re.ASCII)
_PERIOD_YEARS = re.compile(rf"(\d{{4}})年?{_DASH}(\d{{4}})年?", re.ASCII)
_DATE = re.compile(r"(\d{4})(?:[./-]|年)(\d{1,2})(?:[./-]|月)(\d{1,2})日?(?P<before>前|之前|以前)?", re.ASCII)
_DIGIT = re.compile(r"\d", re.ASCII)
_TIMES_NUMBER = re.compile(r"\d\s*[×xX*]\s*\d", re.ASCII)


class _Context(NamedTuple):
    """What the indicator's name says about its value; only these facts change how a string is read."""

    time_like: bool
    satisfaction: bool
    percentage: bool


_NO_CONTEXT = _Context(False, False, False)
_PERCENT_CONTEXT = _Context(False, False, True)


# --- public entry points ------------------------------------------------------


def parse_target(raw: str, *, indicator: str | None = None, level2: str | None = None) -> TargetValue:
    """Read one target string. Never raises: what is not a typed number is qualitative or not applicable."""
    return _parse_cached(raw, _context(indicator, level2))


def compose_target(
    operator_text: str | None, value_text: str, unit_text: str | None, *, indicator: str | None = None
) -> TargetValue:
    """Read a target spread over 指标性质 / 指标值 / 度量单位 columns.

    ``正向``/``反向``/``定性`` in the operator column are a direction or a kind, not an operator: ignored.
    ``raw`` is the pieces joined as a person writes them (``≥95%``).
    """
    warnings: list[str] = []
    op_text = compact(to_simplified(operator_text or ""))
    op_written = op_text if op_text in _OPERATOR_WORDS else ""
    if op_text and not op_written and not _is_direction(op_text):
        warnings.append(f"operator column {op_text!r} is not an operator; ignored")

    value = compact(to_simplified(value_text))
    unit = compact(to_simplified(unit_text or ""))
    if unit.lower() in _NOT_APPLICABLE:
        unit = ""
    if unit and _PLAIN_NUMBER.fullmatch(unit):
        warnings.append(f"unit column holds a number ({unit}); ignored")
        unit = ""

    if value.lower() in _NOT_APPLICABLE:
        return TargetValue(raw=value_text, kind=TargetKind.NOT_APPLICABLE, warnings=tuple(warnings))
    if _TOO_MANY_DIGITS.search(value):
        return parse_target(value, indicator=indicator)  # not read, with the warning why

    starts_with_operator = any(value.startswith(w) for w in _OPERATOR_WORDS)
    raw = ("" if starts_with_operator else op_written) + value + ("" if value.endswith(unit) else unit)

    number = _PLAIN_NUMBER.fullmatch(value)
    if number is None:
        parsed = parse_target(raw, indicator=indicator)
        return _with_warnings(parsed, warnings)

    ctx = _context(indicator, None)
    operator = _OPERATOR_WORDS[op_written] if op_written else None
    amount = _decimal(number.group("num"), negative=bool(number.group("sign")))
    if not unit:
        serial = _serial_date(number.group("num"), operator, ctx, raw, warnings)
        if serial is not None:
            return serial
        return TargetValue(
            raw, TargetKind.QUANTITATIVE, operator or Operator.EQ, amount, warnings=tuple(warnings)
        )
    canonical, scaled, known = _normalise_unit(unit, amount)
    if not known or canonical is None:
        warnings.append(f"unit {unit!r} is not a known unit; kept as written")
    return TargetValue(
        raw,
        TargetKind.QUANTITATIVE,
        operator or Operator.EQ,
        scaled,
        unit=canonical,
        raw_unit=unit,
        warnings=tuple(warnings),
    )


def parse_period(text: str) -> Period | None:
    """``2023.07-2024.01``, ``202001-202012``, ``2023年1月-12月``, ``2023-2025`` → first and last month.

    Both dates are the 1st of their month. ``None`` when it is not a period or a month is impossible.
    """
    cleaned = compact(to_simplified(text))
    for pattern in (_PERIOD_YM, _PERIOD_COMPACT):
        match = pattern.fullmatch(cleaned)
        if match:
            y1, m1, y2, m2 = (int(g) for g in match.groups())
            return _period(y1, m1, y2, m2)
    match = _PERIOD_SAME_YEAR.fullmatch(cleaned)
    if match:
        year, m1, m2 = (int(g) for g in match.groups())
        return _period(year, m1, year, m2)
    match = _PERIOD_YEARS.fullmatch(cleaned)
    if match:
        y1, y2 = (int(g) for g in match.groups())
        return _period(y1, 1, y2, 12)
    return None


_AMOUNT = re.compile(
    rf"(?P<sign>-)?[￥¥]?(?P<num>{_NUMBER})(?P<unit>元|千元|万元|百万元|千万元|亿元|万|亿)?", re.ASCII
)
_AMOUNT_UNITS = {
    "元": Decimal(1),
    "千元": Decimal(10) ** 3,
    "万元": Decimal(10) ** 4,
    "万": Decimal(10) ** 4,
    "百万元": Decimal(10) ** 6,
    "千万元": Decimal(10) ** 7,
    "亿元": Decimal(10) ** 8,
    "亿": Decimal(10) ** 8,
}


def parse_amount(text: str, default_unit: str = "元") -> Decimal | None:
    """Money in 元, exact. A bare number is in ``default_unit`` (``450`` with ``万元`` → 4500000).

    Empty, ``/`` and ``-`` → ``None``; anything else that is not an amount raises ``ValueError``.
    """
    if default_unit not in _AMOUNT_UNITS:
        raise ValueError(f"unknown money unit {default_unit!r}; expected one of {', '.join(_AMOUNT_UNITS)}")
    cleaned = compact(text)
    if cleaned.lower() in _NOT_APPLICABLE:
        return None
    check_digits(cleaned)
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        lookalike = _LETTER_IN_NUMBER.search(cleaned)
        if lookalike is not None:
            raise ValueError(
                f"not an amount of money: {text!r} has the letter {lookalike.group(1)!r} where a digit belongs"
            )
        raise ValueError(f"not an amount of money: {text!r}")
    value = _decimal(match.group("num"), negative=bool(match.group("sign")))
    return value * _AMOUNT_UNITS[match.group("unit") or default_unit]


_PERCENT = re.compile(rf"(?P<sign>-)?(?P<num>{_NUMBER})%?", re.ASCII)


def parse_percent(text: str) -> Decimal | None:
    """``25.00%`` → ``Decimal("25.00")``; a bare number is taken as written (``0.25`` stays 0.25).

    Empty, ``/`` and ``-`` → ``None``; anything else raises ``ValueError``.
    """
    cleaned = compact(text)
    if cleaned.lower() in _NOT_APPLICABLE:
        return None
    check_digits(cleaned)
    match = _PERCENT.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not a percentage: {text!r}")
    return _decimal(match.group("num"), negative=bool(match.group("sign")))


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LOTUS_LEAP_DAY = 60


def excel_serial_to_date(serial: int | Decimal) -> dt.date:
    """An Excel 1900-system day serial → date, honouring the Lotus bug (serial 60 is the phantom 1900-02-29).

    A fractional serial is a time of day on the same date; the time is dropped.
    """
    whole = int(serial)
    if whole < 1:
        raise ValueError(f"Excel date serials start at 1, got {serial}")
    if whole == _LOTUS_LEAP_DAY:
        raise ValueError("Excel serial 60 is 1900-02-29, a day that does not exist")
    if whole < _LOTUS_LEAP_DAY:
        return _EXCEL_EPOCH + dt.timedelta(days=whole + 1)
    return _EXCEL_EPOCH + dt.timedelta(days=whole)


def date_to_excel_serial(date: dt.date) -> int:
    """The inverse of ``excel_serial_to_date`` for dates from 1900-01-01 on."""
    days = (date - _EXCEL_EPOCH).days
    if days < 2:
        raise ValueError(f"{date} is before the Excel 1900 date system")
    return days - 1 if days <= _LOTUS_LEAP_DAY else days


# --- the parser ---------------------------------------------------------------


@lru_cache(maxsize=4096)
def _context(indicator: str | None, level2: str | None) -> _Context:
    if not indicator and not level2:
        return _NO_CONTEXT
    name = to_simplified(indicator or "")
    group = to_simplified(level2 or "")
    satisfaction = "满意" in name or "满意度" in group
    return _Context(
        time_like=any(word in name for word in _TIME_WORDS),
        satisfaction=satisfaction,
        percentage=satisfaction or any(word in name for word in _PERCENT_WORDS),
    )


@lru_cache(maxsize=65536)
def _parse_cached(raw: str, ctx: _Context) -> TargetValue:
    return _parse(raw, ctx)


def _parse(raw: str, ctx: _Context) -> TargetValue:
    text = compact(to_simplified(raw)).rstrip(_TRAILING_PUNCTUATION)
    if text.lower() in _NOT_APPLICABLE:
        return TargetValue(raw=raw, kind=TargetKind.NOT_APPLICABLE)
    if "0" <= text[0] <= "9":
        period = parse_period(text)
        if period is not None:
            return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE, period=period)
        date = _DATE.fullmatch(text)
        if date is not None:
            return _written_date(raw, date)
    if _DIGIT.search(text) is None:
        return _chinese_numeral(raw, text, ctx) or TargetValue(raw=raw, kind=TargetKind.QUALITATIVE)
    if _TOO_MANY_DIGITS.search(text):
        return TargetValue(
            raw=raw,
            kind=TargetKind.QUALITATIVE,
            warnings=(f"{raw!r}: a number of more than {MAX_DIGITS} digits is no plausible value; not read",),
        )
    lookalike = _LETTER_IN_NUMBER.search(text)
    if lookalike is not None:
        return TargetValue(
            raw=raw,
            kind=TargetKind.QUALITATIVE,
            warnings=(
                f"{raw!r}: letter {lookalike.group(1)!r} inside a number (a digit mistyped?); not read as a number",
            ),
        )
    if _TIMES_NUMBER.search(text):
        # 7×24小时: a service window, not a count to compare against.
        return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE)
    match = _TARGET.fullmatch(text)
    if match is not None:
        return _from_match(raw, match, ctx)
    per_only = _PER_ONLY.fullmatch(text)
    if per_only is not None:
        return _from_per_only(raw, per_only)
    loose = _LOOSE_TARGET.fullmatch(text)
    if loose is not None and not _is_relative(loose.group("label")):
        return _from_loose_match(raw, loose)
    return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE)


MAX_DIGITS = 15
"""Digits a value may have before its decimal point: 10¹⁵ 元 is far beyond any budget, and more would not
survive the 28-digit decimal arithmetic of the scores and reports. The digits after a decimal point do not
count up to 17, what a spreadsheet prints for a binary fraction (`0.0900000762939453`); more are no value."""
_TOO_MANY_DIGITS = re.compile(rf"(?<![\d,.])\d(?:,?\d){{{MAX_DIGITS},}}|\.\d{{18,}}", re.ASCII)


def check_digits(text: str) -> None:
    """Raise ``ValueError`` for a number with more than ``MAX_DIGITS`` digits (before any decimal point)."""
    if _TOO_MANY_DIGITS.search(text):
        raise ValueError(f"a number of more than {MAX_DIGITS} digits is no plausible value: {text[:40]!r}")


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(
    rf"^(?P<op>{_alternation(_OPERATOR_WORDS)})?(?P<cn>[零〇一二两三四五六七八九十百千]{{1,8}})(?P<rest>.*)$"
)
# A digit, then a letter that looks like a digit, then nothing or a unit: 45O, 1l0, 2O%.
_LETTER_IN_NUMBER = re.compile(r"(?<=\d)([OoIl])[OoIl]*+(?![A-Za-z])", re.ASCII)


def _chinese_value(numeral: str) -> int | None:
    """三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105; None when it is not a well-formed numeral."""
    total, digit = 0, None
    for ch in numeral:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # 三三: not a numeral
            digit = _CN_DIGITS[ch]
        else:
            power = _CN_POWERS[ch]
            total += (1 if digit is None else digit) * power
            digit = None
    return total + (digit or 0)


def _chinese_numeral(raw: str, text: str, ctx: _Context) -> TargetValue | None:
    """``≥三次``, ``两万元``: a number written in Chinese numerals before a unit, read with a warning."""
    match = _CN_NUMBER.match(text)
    if match is None or not match.group("rest"):
        return None
    value = _chinese_value(match.group("cn"))
    if value is None:
        return None
    rewritten = (match.group("op") or "") + str(value) + match.group("rest")
    parsed = _TARGET.fullmatch(rewritten)
    if parsed is None or parsed.group("label"):
        return None
    result = _from_match(raw, parsed, ctx)
    if result.kind is not TargetKind.QUANTITATIVE:
        return None
    note = f"{raw!r}: Chinese numeral {match.group('cn')!r} read as {value}"
    return _with_warnings(result, [note])


def _from_match(raw: str, match: re.Match[str], ctx: _Context) -> TargetValue:
    label, op_text, ocr_w, sign, num, scale, base, per, suffix = match.group(
        "label", "op", "ocr_w", "sign", "num", "scale", "base", "per", "suffix"
    )
    if label and _is_relative(label):
        return TargetValue(
            raw=raw,
            kind=TargetKind.QUALITATIVE,
            warnings=(f"{raw!r} is a change relative to another value, not a level; kept as qualitative",),
        )
    if ocr_w and label:
        # The W rule is only certain at the very start of the cell.
        return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE)

    warnings: list[str] = []
    operator = _OPERATOR_WORDS[op_text] if op_text else None
    if label == "二" and operator is None and not ocr_w:
        operator = Operator.EQ
        warnings.append(f"{raw!r}: leading '二' read as '=' (OCR damage)")
    if ocr_w:
        operator = Operator.LE
        warnings.append(f"{raw!r}: leading {ocr_w!r} read as '≤' (OCR damage)")
    operator, contradiction = _combine(raw, operator, suffix)
    if contradiction is not None:
        return contradiction

    negative = sign is not None
    value = _decimal(num, negative=negative)
    raw_unit = (scale or "") + (base or "") + (per or "")

    if not raw_unit and not negative and ctx.time_like:
        serial = _serial_date(num, operator, ctx, raw, warnings)
        if serial is not None:
            return serial
    if operator is None and not negative and num[0] == "2" and scale is None and per is None:
        repaired = _repair_leading_two(num, base, ctx)
        if repaired is not None:
            operator, value = Operator.GE, repaired
            warnings.append(f"{raw!r}: leading '2' read as '≥' (OCR damage): ≥{repaired}")
        elif base == "%" and _repair_leading_two(num, base, _PERCENT_CONTEXT) is not None and not label:
            # 295%: a percentage above 100 that is ≥95% with ≥ read as 2, or a real 295 %. Not a guess.
            return TargetValue(
                raw=raw,
                kind=TargetKind.QUALITATIVE,
                warnings=(
                    f"{raw!r}: either {num}% or ≥{num[1:]}% with '≥' read as '2' (OCR); not read as a number",
                ),
            )
    if operator is None and base == "年" and not scale and not per and _is_year(value):
        # 2023年 names a year; it is not a count of years.
        return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE, warnings=tuple(warnings))

    unit: str | None = None
    if raw_unit:
        unit, value, _known = _normalise_unit(raw_unit, value)
    per_label = _PER_LABEL.fullmatch(label) if label else None
    if per_label is not None and unit is not None and "/" not in unit:
        # 每月1次 is the rate 1 次/月.
        unit = f"{unit}/{per_label.group('per')}"
        raw_unit = f"{raw_unit}/{per_label.group('per')}"
    return TargetValue(
        raw=raw,
        kind=TargetKind.QUANTITATIVE,
        operator=operator or Operator.EQ,
        value=value,
        unit=unit,
        raw_unit=raw_unit or None,
        warnings=tuple(warnings),
    )


def _from_per_only(raw: str, match: re.Match[str]) -> TargetValue:
    """``≤28.40/株``, ``≤620万/月``: a rate whose numerator unit was left out; the value is certain (scaled by
    万/亿), the unit is kept as written, with a warning."""
    op = match.group("op")
    operator = _OPERATOR_WORDS[op] if op else Operator.EQ
    unit = match.group("unit")
    value = _decimal(match.group("num"))
    if match.group("scale"):
        value *= _SCALES[match.group("scale")]
    return TargetValue(
        raw=raw,
        kind=TargetKind.QUANTITATIVE,
        operator=operator,
        value=value,
        unit=unit,
        raw_unit=unit,
        warnings=(f"{raw!r}: unit {unit!r} has no numerator (元/株?); kept as written",),
    )


def _from_loose_match(raw: str, match: re.Match[str]) -> TargetValue:
    operator, contradiction = _combine(raw, _OPERATOR_WORDS[match.group("op")], match.group("suffix"))
    if contradiction is not None:
        return contradiction
    unit = match.group("unit")
    return TargetValue(
        raw=raw,
        kind=TargetKind.QUANTITATIVE,
        operator=operator,
        value=_decimal(match.group("num")),
        unit=unit,
        raw_unit=unit,
        warnings=(f"{raw!r}: unit {unit!r} is not a known unit; kept as written",),
    )


def _combine(
    raw: str, operator: Operator | None, suffix: str | None
) -> tuple[Operator | None, TargetValue | None]:
    """Merge an operator with a suffix (``以上``, ``以内``); a contradiction gives a qualitative value."""
    suffix_operator = _SUFFIX_OPERATORS[suffix] if suffix else None
    if suffix_operator is None:
        return operator, None
    if operator is None or operator is Operator.EQ:
        return suffix_operator, None
    if suffix_operator is Operator.EQ or _direction(operator) == _direction(suffix_operator):
        return operator, None
    warning = f"{raw!r}: operator {operator.value} contradicts {suffix!r}; kept as qualitative"
    return None, TargetValue(raw=raw, kind=TargetKind.QUALITATIVE, warnings=(warning,))


def _normalise_unit(raw_unit: str, value: Decimal) -> tuple[str | None, Decimal, bool]:
    """Split a scale prefix off a unit (``万家`` → 家 ×10⁴); returns (unit, scaled value, known unit).

    ``3万`` has no unit left once scaled: (None, 30000, True).
    """
    unit, factor, known = _unit_parts(raw_unit)
    return unit, value if factor is None else value * factor, known


@lru_cache(maxsize=1024)
def _unit_parts(raw_unit: str) -> tuple[str | None, Decimal | None, bool]:
    numerator, slash, denominator = raw_unit.partition("/")
    denominator = denominator.removeprefix("每")
    scale = next((s for s in _SCALES if numerator.startswith(s)), None)
    if scale is not None and numerator in _KNOWN_UNITS:
        # 千米, 千克, 千瓦 are units in their own right, not a thousand of something.
        scale = None
    base = numerator[len(scale) :] if scale else numerator
    factor = _SCALES[scale] if scale is not None else None
    base = _UNIT_ALIASES.get(base, base)
    known = base in _KNOWN_UNITS or (base.isascii() and base.isalpha()) or (not base and scale is not None)
    if not base:
        return (None, factor, known) if not slash else (slash + denominator, factor, False)
    return (base + slash + denominator if slash else base), factor, known


_KNOWN_UNITS = frozenset(_UNITS) | frozenset(_SYMBOL_UNITS) | frozenset(_UNIT_ALIASES.values())


def _repair_leading_two(num: str, base: str | None, ctx: _Context) -> Decimal | None:
    """``295%`` for a rate indicator is ``≥95%`` with ``≥`` read as ``2``; repaired only when certain.

    Certain means: the number as read is impossible for the indicator (a rate or satisfaction above 100), and
    dropping the leading ``2`` leaves a plausible value (1 to 100, no leading zero).
    """
    if len(num) < 2 or num[0] != "2" or not num[1].isdigit() or num[1] == "0" or "," in num:
        return None
    if base in ("%", "百分比"):
        if not ctx.percentage:
            return None
    elif base is not None or not ctx.satisfaction:
        return None
    as_read = Decimal(num)
    rest = Decimal(num[1:])
    if as_read > 100 and 0 < rest <= 100:
        return rest
    return None


def _serial_date(
    num: str, operator: Operator | None, ctx: _Context, raw: str, warnings: list[str]
) -> TargetValue | None:
    if not ctx.time_like or not _INTEGER_SERIAL.fullmatch(num):
        return None
    serial = int(num.replace(",", ""))
    if not 20000 <= serial <= 80000:
        return None
    date = excel_serial_to_date(serial)
    warnings.append(f"Excel date serial {serial} read as {date.isoformat()}")
    return TargetValue(
        raw=raw,
        kind=TargetKind.QUALITATIVE,
        operator=operator if operator is not Operator.EQ else None,
        date=date,
        warnings=tuple(warnings),
    )


def _written_date(raw: str, match: re.Match[str]) -> TargetValue:
    try:
        date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE, warnings=(f"{raw!r} is not a real date",))
    operator = Operator.LE if match.group("before") else None
    return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE, operator=operator, date=date)


def _period(y1: int, m1: int, y2: int, m2: int) -> Period | None:
    if not (1900 <= y1 <= 2200 and 1900 <= y2 <= 2200 and 1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    start, end = dt.date(y1, m1, 1), dt.date(y2, m2, 1)
    if end < start:
        return None
    return Period(start=start, end=end)


def _decimal(num: str, *, negative: bool = False) -> Decimal:
    try:
        value = Decimal(num.replace(",", "") if "," in num else num)
    except InvalidOperation as error:  # the regexes only let digits through; this is a guard
        raise ValueError(f"not a number: {num!r}") from error
    return -value if negative else value


def _is_year(value: Decimal) -> bool:
    return value == value.to_integral_value() and 1900 <= value <= 2200


def _direction(operator: Operator) -> int:
    if operator in (Operator.GE, Operator.GT):
        return 1
    if operator in (Operator.LE, Operator.LT):
        return -1
    return 0


def _is_relative(label: str | None) -> bool:
    return bool(label) and _RELATIVE.search(label or "") is not None


def _is_direction(text: str) -> bool:
    return text in {"正向", "反向", "正向指标", "反向指标", "定性", "定量", "中性"}


def _with_warnings(value: TargetValue, extra: list[str]) -> TargetValue:
    if not extra:
        return value
    return TargetValue(
        raw=value.raw,
        kind=value.kind,
        operator=value.operator,
        value=value.value,
        unit=value.unit,
        raw_unit=value.raw_unit,
        period=value.period,
        date=value.date,
        warnings=tuple(extra) + value.warnings,
    )
