"""Property tests of the grammar and the exact readers: what is rendered as text reads back the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jixiao.domain.targets.grammar import (
    compose_target,
    date_to_excel_serial,
    excel_serial_to_date,
    parse_amount,
    parse_target,
)
from jixiao.domain.targets.model import Operator, TargetKind

# How people write each operator in front of a number.
PREFIXES = {
    Operator.GE: ["≥", ">=", "＞=", "不少于", "不低于", "大于等于", "至少"],
    Operator.GT: [">", "＞", "大于", "超过", "高于"],
    Operator.EQ: ["", "=", "＝"],
    Operator.LE: ["≤", "<=", "不超过", "不高于", "小于等于"],
    Operator.LT: ["<", "＜", "小于", "少于", "低于"],
}
SUFFIXES = {Operator.GE: ["以上", "及以上"], Operator.LE: ["以下", "以内", "内"]}
UNITS = [
    "次", "人次", "家", "起", "个", "人", "场", "期", "篇", "条", "件", "项", "辆", "台", "套",
    "天", "日", "小时", "分钟", "工作日", "月", "M", "G", "MB", "GB", "元", "%", "户",
    "次/月", "人/年", "元/人", "次/年",
]  # fmt: skip
SCALED_UNITS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}

decimals = st.decimals(
    min_value=0, max_value=Decimal(10) ** 9, allow_nan=False, allow_infinity=False, places=3
)


def render(value: Decimal, *, thousands: bool) -> str:
    return format(value, ",f" if thousands else "f")


@given(
    operator=st.sampled_from(list(Operator)),
    data=st.data(),
    value=decimals,
    unit=st.sampled_from([*UNITS, None]),
    thousands=st.booleans(),
    label=st.sampled_from(["", "满意度", "累计"]),
)
def test_a_rendered_target_reads_back_the_same(
    operator: Operator, data: st.DataObject, value: Decimal, unit: str | None, thousands: bool, label: str
) -> None:
    prefix = data.draw(st.sampled_from(PREFIXES[operator]))
    text = f"{label}{prefix}{render(value, thousands=thousands)}{unit or ''}"
    target = parse_target(text)
    assert target.kind is TargetKind.QUANTITATIVE, text
    assert (target.operator, target.value, target.unit) == (operator, value, unit), text
    assert target.raw == text


@given(
    operator=st.sampled_from([Operator.GE, Operator.LE]),
    data=st.data(),
    value=decimals,
    unit=st.sampled_from(UNITS),
)
def test_a_target_with_a_suffix_reads_back_the_same(
    operator: Operator, data: st.DataObject, value: Decimal, unit: str
) -> None:
    suffix = data.draw(st.sampled_from(SUFFIXES[operator]))
    target = parse_target(f"{render(value, thousands=False)}{unit}{suffix}")
    assert (target.operator, target.value, target.unit) == (operator, value, unit)


@given(
    operator=st.sampled_from(list(Operator)),
    value=decimals,
    scale=st.sampled_from(list(SCALED_UNITS)),
    base=st.sampled_from(["元", "家", "人次", "人", "元/人"]),
)
def test_a_scaled_unit_is_multiplied_out_exactly(
    operator: Operator, value: Decimal, scale: str, base: str
) -> None:
    text = f"{operator.value}{render(value, thousands=False)}{scale}{base}"
    target = parse_target(text)
    assert target.value == value * SCALED_UNITS[scale]
    assert (target.operator, target.unit, target.raw_unit) == (operator, base, scale + base)


@given(operator=st.sampled_from(list(Operator)), value=decimals, unit=st.sampled_from([*UNITS, ""]))
def test_separate_columns_read_like_the_joined_text(operator: Operator, value: Decimal, unit: str) -> None:
    composed = compose_target(operator.value, render(value, thousands=False), unit)
    assert composed == parse_target(composed.raw)
    assert (composed.operator, composed.value, composed.unit) == (operator, value, unit or None)


@given(text=st.text(max_size=40))
def test_it_never_raises_and_always_keeps_the_raw_text(text: str) -> None:
    target = parse_target(text)
    assert target.raw == text
    _assert_consistent(target.kind, target.operator, target.value)


@given(
    text=st.text(
        alphabet="0123456789,.%≥≤<>=＞＜Ww2万亿千元次人家/-—×*年月日以上下内 满意度率较提升不少于",
        max_size=20,
    ),
    indicator=st.sampled_from([None, "培训学员满意度", "到位时间", "处置率"]),
)
def test_it_never_raises_on_target_like_noise(text: str, indicator: str | None) -> None:
    target = parse_target(text, indicator=indicator)
    assert target.raw == text
    _assert_consistent(target.kind, target.operator, target.value)


@given(
    operator=st.text(max_size=5), value=st.text(max_size=12), unit=st.one_of(st.none(), st.text(max_size=6))
)
def test_compose_never_raises(operator: str, value: str, unit: str | None) -> None:
    target = compose_target(operator, value, unit)
    _assert_consistent(target.kind, target.operator, target.value)


def _assert_consistent(kind: TargetKind, operator: Operator | None, value: Decimal | None) -> None:
    if kind is TargetKind.QUANTITATIVE:
        assert operator is not None
        assert isinstance(value, Decimal)
    else:
        assert value is None


money = st.decimals(min_value=0, max_value=Decimal(10) ** 12, allow_nan=False, allow_infinity=False, places=2)


@given(amount=money, thousands=st.booleans())
def test_an_amount_in_yuan_reads_back_exactly(amount: Decimal, thousands: bool) -> None:
    assert parse_amount(render(amount, thousands=thousands)) == amount
    assert parse_amount(render(amount, thousands=thousands) + "元") == amount


@given(amount=money, thousands=st.booleans(), written=st.sampled_from(["万", "万元"]))
def test_an_amount_in_wan_reads_back_exactly(amount: Decimal, thousands: bool, written: str) -> None:
    text = render(amount, thousands=thousands)
    assert parse_amount(text + written) == amount * 10000
    assert parse_amount(text, "万元") == amount * 10000


@given(date=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_a_date_survives_the_trip_through_an_excel_serial(date: dt.date) -> None:
    assert excel_serial_to_date(date_to_excel_serial(date)) == date


@given(serial=st.integers(min_value=1, max_value=120000).filter(lambda n: n != 60))
def test_a_serial_survives_the_trip_through_a_date(serial: int) -> None:
    assert date_to_excel_serial(excel_serial_to_date(serial)) == serial
