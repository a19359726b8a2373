"""Examples of the target-value grammar: every form of target string the rules and real forms use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.domain.targets.grammar import compose_target, parse_period, parse_target
from jixiao.domain.targets.model import Operator, Period, TargetKind

GE, GT, EQ, LE, LT = Operator.GE, Operator.GT, Operator.EQ, Operator.LE, Operator.LT


@pytest.mark.parametrize(
    ("raw", "operator", "value", "unit", "raw_unit"),
    [
        ("≥9次", GE, "9", "次", "次"),
        ("≥150人次", GE, "150", "人次", "人次"),
        ("≥4万家", GE, "40000", "家", "万家"),
        ("100%", EQ, "100", "%", "%"),
        ("9次", EQ, "9", "次", "次"),
        ("≥90%", GE, "90", "%", "%"),
        ("≤2天", LE, "2", "天", "天"),
        ("≥9000元", GE, "9000", "元", "元"),
        ("≤6小时", LE, "6", "小时", "小时"),
        ("≤24小时", LE, "24", "小时", "小时"),
        ("≥1次/月", GE, "1", "次/月", "次/月"),
        ("满意度≥95%", GE, "95", "%", "%"),
        ("满意率95%以上", GE, "95", "%", "%"),
        ("满意率≥90%", GE, "90", "%", "%"),
        ("≤90万元", LE, "900000", "元", "万元"),
        ("≥80M", GE, "80", "M", "M"),
        ("10辆", EQ, "10", "辆", "辆"),
        ("≥300起", GE, "300", "起", "起"),
        ("≥100家", GE, "100", "家", "家"),
        (">5", GT, "5", None, None),
        ("<3", LT, "3", None, None),
        ("＞5", GT, "5", None, None),
        ("＜3", LT, "3", None, None),
        (">=5", GE, "5", None, None),
        ("<=5", LE, "5", None, None),
        ("=8", EQ, "8", None, None),
        ("不少于70起", GE, "70", "起", "起"),
        ("不低于95%", GE, "95", "%", "%"),
        ("不超过6小时", LE, "6", "小时", "小时"),
        ("不高于3次", LE, "3", "次", "次"),
        ("95%以下", LE, "95", "%", "%"),
        ("大于等于10个", GE, "10", "个", "个"),
        ("大于10个", GT, "10", "个", "个"),
        ("少于3起", LT, "3", "起", "起"),
        ("6小时以内", LE, "6", "小时", "小时"),
        ("3个工作日内", LE, "3", "工作日", "个工作日"),
        ("控制在90万元以内", LE, "900000", "元", "万元"),
        ("≥ 9 次", GE, "9", "次", "次"),
        ("≥９次", GE, "9", "次", "次"),
        ("≥100百分比", GE, "100", "%", "百分比"),
        ("≥2亿元", GE, "200000000", "元", "亿元"),
        ("≤5千元", LE, "5000", "元", "千元"),
        ("≥3万人次", GE, "30000", "人次", "万人次"),
        ("≥1.5万人", GE, "15000", "人", "万人"),
        ("≥1人/年", GE, "1", "人/年", "人/年"),
        ("≤0.5万元/人", LE, "5000", "元/人", "万元/人"),
        ("≥1,234.5元", GE, "1234.5", "元", "元"),
        ("≥100GB", GE, "100", "GB", "GB"),
        ("≥3场", GE, "3", "场", "场"),
        ("≥2期", GE, "2", "期", "期"),
        ("≥5篇", GE, "5", "篇", "篇"),
        ("≥50条", GE, "50", "条", "条"),
        ("≥8件", GE, "8", "件", "件"),
        ("≥4项", GE, "4", "项", "项"),
        ("≥2台", GE, "2", "台", "台"),
        ("≥1套", GE, "1", "套", "套"),
        ("≤30分钟", LE, "30", "分钟", "分钟"),
        ("≤3日", LE, "3", "日", "日"),
        ("≤1个月", LE, "1", "月", "个月"),
        ("≥1年", GE, "1", "年", "年"),
        ("≥3万", GE, "30000", None, "万"),
        ("5千米", EQ, "5", "千米", "千米"),
        ("累计培训不少于30人次", GE, "30", "人次", "人次"),
        ("每月不少于1次", GE, "1", "次/月", "次/月"),
        ("≥1次/每月", GE, "1", "次/月", "次/每月"),
        ("100人左右", EQ, "100", "人", "人"),
        ("≥90%(含)", GE, "90", "%", "%"),
        ("≥90%（含）", GE, "90", "%", "%"),
        ("≥95%。", GE, "95", "%", "%"),
        ("滿意度≥95%", GE, "95", "%", "%"),
        ("2150人次", EQ, "2150", "人次", "人次"),
    ],
)
def test_it_reads_quantitative_targets(
    raw: str, operator: Operator, value: str, unit: str | None, raw_unit: str | None
) -> None:
    target = parse_target(raw)
    assert target.kind is TargetKind.QUANTITATIVE
    assert target.operator is operator
    assert target.value == Decimal(value)
    assert target.unit == unit
    assert target.raw_unit == raw_unit
    assert target.raw == raw
    assert target.warnings == ()


def test_it_reads_wan_jia_as_ten_thousand_exactly() -> None:
    target = parse_target("≥4万家")
    assert isinstance(target.value, Decimal)
    assert str(target.value) == "40000"


def test_it_marks_a_per_month_target_as_a_rate() -> None:
    assert parse_target("≥1次/月").is_rate
    assert not parse_target("≥9次").is_rate


@pytest.mark.parametrize(
    "raw",
    [
        "较高",
        "显著提升",
        "持续提升",
        "持续扩大",
        "不断提升",
        "效果明显",
        "严格执行相关财经法规、制度等规定",
        "严格执行培训费相关规定",
        "严格按照相关规定执行",
        "正常开展活动",
        "优良",
        "全年",
        "7×24小时全年",
        "7*24小时",
        "7 × 24小时",
        "2023年",
        "2023年底前完成",
        "参照政府采购成本控制",
        "≥95%满意",
        "100%完成",
    ],
)
def test_it_reads_words_and_non_targets_as_qualitative(raw: str) -> None:
    target = parse_target(raw)
    assert target.kind is TargetKind.QUALITATIVE
    assert target.operator is None
    assert target.value is None
    assert target.raw == raw


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("2023.07-2024.01", dt.date(2023, 7, 1), dt.date(2024, 1, 1)),
        ("202001-202012", dt.date(2020, 1, 1), dt.date(2020, 12, 1)),
        ("2023年1月-12月", dt.date(2023, 1, 1), dt.date(2023, 12, 1)),
        ("2023年1-12月", dt.date(2023, 1, 1), dt.date(2023, 12, 1)),
        ("2023年1月-2023年12月", dt.date(2023, 1, 1), dt.date(2023, 12, 1)),
        ("2023年—2025年", dt.date(2023, 1, 1), dt.date(2025, 12, 1)),
        ("2023-2025", dt.date(2023, 1, 1), dt.date(2025, 12, 1)),
        ("2023/07~2024/01", dt.date(2023, 7, 1), dt.date(2024, 1, 1)),
        ("2023.7至2023.12", dt.date(2023, 7, 1), dt.date(2023, 12, 1)),
    ],
)
def test_it_reads_period_strings_as_qualitative_with_a_period(raw: str, start: dt.date, end: dt.date) -> None:
    target = parse_target(raw)
    assert target.kind is TargetKind.QUALITATIVE
    assert target.period == Period(start, end)
    assert parse_period(raw) == Period(start, end)


@pytest.mark.parametrize(
    "raw", ["2023.13-2024.01", "2024.01-2023.07", "202013-202112", "2023", "全年", "9次"]
)
def test_it_refuses_impossible_or_non_period_strings(raw: str) -> None:
    assert parse_period(raw) is None


def test_it_reads_a_written_deadline_as_a_date_with_an_upper_bound() -> None:
    target = parse_target("2021年12月31日前")
    assert target.kind is TargetKind.QUALITATIVE
    assert target.date == dt.date(2021, 12, 31)
    assert target.operator is LE


def test_it_reads_a_written_date_without_an_operator() -> None:
    target = parse_target("2021-12-31")
    assert target.date == dt.date(2021, 12, 31)
    assert target.operator is None


def test_it_warns_about_an_impossible_written_date() -> None:
    target = parse_target("2021-02-30")
    assert target.kind is TargetKind.QUALITATIVE
    assert target.date is None
    assert target.warnings


@pytest.mark.parametrize(
    "raw", ["不适用", "无", "", "   ", "/", "-", "—", "——", "不涉及", "N/A", "不適用", "／"]
)
def test_it_reads_not_applicable_markers(raw: str) -> None:
    target = parse_target(raw)
    assert target.kind is TargetKind.NOT_APPLICABLE
    assert target.raw == raw


@pytest.mark.parametrize("raw", ["较去年提升10%", "同比增长5%", "下降3个百分点", "网络环境改善提高5%"])
def test_it_keeps_relative_changes_qualitative_and_says_why(raw: str) -> None:
    target = parse_target(raw)
    assert target.kind is TargetKind.QUALITATIVE
    assert target.value is None
    assert any("relative" in warning for warning in target.warnings)


def test_it_refuses_an_operator_that_contradicts_its_suffix() -> None:
    target = parse_target("≥95%以下")
    assert target.kind is TargetKind.QUALITATIVE
    assert any("contradicts" in warning for warning in target.warnings)


def test_it_accepts_a_redundant_suffix_that_agrees_with_the_operator() -> None:
    target = parse_target("≥3次以上")
    assert (target.operator, target.value, target.unit) == (GE, Decimal(3), "次")


def test_it_keeps_an_unknown_unit_after_an_explicit_operator_with_a_warning() -> None:
    target = parse_target("≥5个网站")
    assert target.kind is TargetKind.QUANTITATIVE
    assert (target.operator, target.value, target.unit) == (GE, Decimal(5), "个网站")
    assert any("not a known unit" in warning for warning in target.warnings)


def test_it_reads_a_negative_number_as_signed() -> None:
    target = parse_target("-5%")
    assert target.value == Decimal(-5)


# --- OCR repairs --------------------------------------------------------------


@pytest.mark.parametrize(("raw", "unit"), [("W6小时", "小时"), ("w30分钟", "分钟")])
def test_it_reads_a_leading_w_as_at_most_and_says_so(raw: str, unit: str) -> None:
    target = parse_target(raw)
    assert target.operator is LE
    assert target.unit == unit
    assert any("OCR" in warning and "≤" in warning for warning in target.warnings)


def test_it_does_not_repair_a_w_inside_the_cell() -> None:
    assert parse_target("满意度W95%").kind is TargetKind.QUALITATIVE


@pytest.mark.parametrize(
    ("raw", "indicator", "value"),
    [
        ("295%", "培训学员满意度", "95"),
        ("290%", "网上重大主题宣传市内主要新闻网站覆盖率", "90"),
        ("2100%", "违法违规网站账号处置率", "100"),
        ("290", "协会会员满意度", "90"),
        ("满意度295%", "培训学员满意度", "95"),
    ],
)
def test_it_reads_an_impossible_leading_two_as_at_least_for_rates(
    raw: str, indicator: str, value: str
) -> None:
    target = parse_target(raw, indicator=indicator)
    assert target.operator is GE
    assert target.value == Decimal(value)
    assert any("OCR" in warning and "≥" in warning for warning in target.warnings)


def test_it_uses_the_satisfaction_group_when_the_name_says_nothing() -> None:
    target = parse_target("295%", indicator="受访群众评价", level2="服务对象满意度指标")
    assert (target.operator, target.value) == (GE, Decimal(95))


@pytest.mark.parametrize(
    ("raw", "indicator"),
    [
        ("2150人次", "培训人次"),
        ("25%", "培训学员满意度"),
        ("295", "违法违规网站账号处置率"),
        ("205%", "培训学员满意度"),
        ("≥295%", "培训学员满意度"),
    ],
)
def test_it_leaves_a_leading_two_alone_when_the_repair_is_not_certain(
    raw: str, indicator: str | None
) -> None:
    target = parse_target(raw, indicator=indicator)
    assert target.warnings == ()
    assert target.value is not None
    assert str(target.value) == raw.lstrip("≥").rstrip("%人次")


@pytest.mark.parametrize("indicator", [None, "开展执法督查"])
def test_it_reads_no_number_from_a_percentage_that_may_be_a_ge_read_as_two(indicator: str | None) -> None:
    # 295% is 295 %, or ≥95% with ≥ read as 2; with nothing in the name to tell, neither is a safe reading.
    target = parse_target("295%", indicator=indicator)
    assert target.value is None
    assert any("OCR" in w for w in target.warnings)


# --- Excel date serials -------------------------------------------------------


@pytest.mark.parametrize("raw", ["44561", "44,561", "=44561"])
@pytest.mark.parametrize(
    "indicator", ["项目财政资金到位时间", "工作计划按时完成时间", "验收日期", "整改时限"]
)
def test_it_reads_an_excel_serial_as_a_date_for_a_time_indicator(raw: str, indicator: str) -> None:
    target = parse_target(raw, indicator=indicator)
    assert target.kind is TargetKind.QUALITATIVE
    assert target.date == dt.date(2021, 12, 31)
    assert target.value is None
    assert "Excel date serial 44561 read as 2021-12-31" in target.warnings


@pytest.mark.parametrize(
    ("raw", "indicator"), [("44561", "出差人数"), ("44561", None), ("44561天", "完成时间")]
)
def test_it_leaves_a_serial_a_number_elsewhere(raw: str, indicator: str | None) -> None:
    target = parse_target(raw, indicator=indicator)
    assert target.kind is TargetKind.QUANTITATIVE
    assert target.value == Decimal(44561)
    assert target.date is None


def test_it_leaves_numbers_outside_the_serial_range_alone() -> None:
    target = parse_target("12", indicator="完成时间")
    assert (target.kind, target.value) == (TargetKind.QUANTITATIVE, Decimal(12))


# --- separate columns ---------------------------------------------------------


@pytest.mark.parametrize(
    ("operator_text", "value_text", "unit_text", "raw", "operator", "value", "unit"),
    [
        ("≥", "95", "%", "≥95%", GE, "95", "%"),
        (">=", "95", "%", ">=95%", GE, "95", "%"),
        ("=", "11", "个", "=11个", EQ, "11", "个"),
        ("=", "8", "", "=8", EQ, "8", None),
        ("≥", "230", "个", "≥230个", GE, "230", "个"),
        ("=", "24", "人/次", "=24人/次", EQ, "24", "人/次"),
        ("=", "0", "万元/人", "=0万元/人", EQ, "0", "元/人"),
        ("=", "3", "万元", "=3万元", EQ, "30000", "元"),
        ("正向", "100", "%", "100%", EQ, "100", "%"),
        ("反向", "1", "万元", "1万元", EQ, "10000", "元"),
        (None, "1", "年", "1年", EQ, "1", "年"),
        ("≤", "≤6", "小时", "≤6小时", LE, "6", "小时"),
        ("≥", "95%", "%", "≥95%", GE, "95", "%"),
        ("≥", "1,000", "户", "≥1,000户", GE, "1000", "户"),
        ("≥", "5", "个网站", "≥5个网站", GE, "5", "个网站"),
    ],
)
def test_it_composes_a_target_from_separate_columns(
    operator_text: str | None,
    value_text: str,
    unit_text: str,
    raw: str,
    operator: Operator,
    value: str,
    unit: str | None,
) -> None:
    target = compose_target(operator_text, value_text, unit_text)
    assert target.raw == raw
    assert target.kind is TargetKind.QUANTITATIVE
    assert (target.operator, target.value, target.unit) == (operator, Decimal(value), unit)


def test_it_warns_about_an_unknown_unit_in_a_unit_column() -> None:
    assert compose_target("≥", "5", "个网站").warnings


def test_it_treats_direction_words_as_no_operator() -> None:
    target = compose_target("正向", "95", "%")
    assert target.operator is EQ
    assert target.warnings == ()


def test_it_warns_about_an_operator_column_it_cannot_read() -> None:
    target = compose_target("约", "95", "%")
    assert target.operator is EQ
    assert any("not an operator" in warning for warning in target.warnings)


def test_it_composes_a_qualitative_target() -> None:
    target = compose_target("定性", "较高", None)
    assert (target.kind, target.raw) == (TargetKind.QUALITATIVE, "较高")


def test_it_composes_not_applicable() -> None:
    assert compose_target("≥", "/", "%").kind is TargetKind.NOT_APPLICABLE


def test_it_reads_a_serial_repeated_in_the_unit_column_as_a_date() -> None:
    target = compose_target("=", "44,561", "44,561", indicator="项目财政资金到位时间")
    assert target.kind is TargetKind.QUALITATIVE
    assert target.date == dt.date(2021, 12, 31)
    assert target.warnings == (
        "unit column holds a number (44,561); ignored",
        "Excel date serial 44561 read as 2021-12-31",
    )


@pytest.mark.slow
def test_it_reads_two_hundred_thousand_targets_quickly() -> None:
    import time

    distinct = [f"≥{n}次" for n in range(1000)] + [f"满意率{n}%以上" for n in range(1000)]
    started = time.perf_counter()
    for i in range(200_000):
        parse_target(distinct[i % len(distinct)], indicator="培训学员满意度")
    assert time.perf_counter() - started < 2.0
