"""How values read: money in 万元 with 千分位, Chinese dates, — for empty, lights with their word; date inputs
in the forms people type (the project format module)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation

from jixiao.domain.scoring.lights import Colour, Light
from jixiao.web.templatetags.jixiao_format import dash, date_cn, datetime_cn, light, money, number, percent


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (Decimal("33098400"), "3,309.84"),
        (Decimal("4500000.00"), "450.00"),
        (Decimal("123456.78"), "12.35"),
        (Decimal("50"), "0.01"),
        (Decimal("-2000000"), "-200.00"),
        (0, "0.00"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_money_is_shown_in_wan_yuan_with_thousands_separators(yuan: object, shown: str) -> None:
    assert money(yuan) == shown


def test_numbers_and_percentages_drop_noise_but_keep_their_sign() -> None:
    assert number(Decimal("52.000000")) == "52"
    assert number(Decimal("99.500000")) == "99.5"
    assert number(Decimal("40000")) == "40,000"
    assert percent(Decimal("58.33333")) == "58.3%"
    assert number(None) == "—"
    assert percent(None) == "—"


def test_dates_read_in_chinese_and_times_in_beijing_time() -> None:
    assert date_cn(dt.date(2023, 9, 5)) == "2023年9月5日"
    late_utc = dt.datetime(2023, 9, 4, 17, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 on the 5th in Beijing
    assert date_cn(late_utc) == "2023年9月5日"
    assert datetime_cn(late_utc) == "2023年9月5日 01:30"
    assert date_cn(None) == "—"


def test_empty_values_show_as_a_dash() -> None:
    assert dash(None) == "—"
    assert dash("  ") == "—"
    assert dash([]) == "—"
    assert dash("有内容") == "有内容"
    assert dash(0) == 0


@pytest.mark.parametrize(
    ("colour", "word"), [("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯"), ("blue", "蓝灯")]
)
def test_a_light_always_carries_its_word(colour: str, word: str) -> None:
    html = light(Light(Colour(colour), "ratio", "完成进度低于计划"))

    assert word in html
    assert f"light-{colour}" in html
    assert 'title="完成进度低于计划"' in html


def test_a_light_that_cannot_be_judged_says_so() -> None:
    assert "无灯" in light(Light(None, "none", ""))


@pytest.mark.parametrize("typed", ["2023-09-05", "2023/9/5", "2023年9月5日", "2023/09/05", "2023年09月05日"])
def test_date_inputs_accept_the_forms_people_type(typed: str) -> None:
    with translation.override("zh-hans"):
        field = forms.DateField()
        assert field.clean(typed) == dt.date(2023, 9, 5)


def test_a_date_that_is_not_one_is_refused_in_chinese() -> None:
    with translation.override("zh-hans"), pytest.raises(forms.ValidationError, match="日期"):
        forms.DateField().clean("2023年13月5日")
