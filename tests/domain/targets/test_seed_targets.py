"""Every 指标值 string of the two seed forms, read as the lead engineer expects them to be read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.targets.grammar import parse_target
from jixiao.domain.targets.model import Operator, TargetKind

GE, EQ, LE = Operator.GE, Operator.EQ, Operator.LE

SEED_QUANTITATIVE = [
    # seed 000, three projects, 中期 and 年度 columns
    ("≥9次", GE, "9", "次"),
    ("≥3次", GE, "3", "次"),
    ("≥30次", GE, "30", "次"),
    ("≥10次", GE, "10", "次"),
    ("≥1次", GE, "1", "次"),
    ("≥4万家", GE, "40000", "家"),
    ("≥6次", GE, "6", "次"),
    ("≥2次", GE, "2", "次"),
    ("≥150人次", GE, "150", "人次"),
    ("≥50人次", GE, "50", "人次"),
    ("100%", EQ, "100", "%"),
    ("满意度≥95%", GE, "95", "%"),
    ("≥200家", GE, "200", "家"),
    ("≥150家", GE, "150", "家"),
    ("≥300起", GE, "300", "起"),
    ("≥70起", GE, "70", "起"),
    ("≥15次", GE, "15", "次"),
    ("≥5次", GE, "5", "次"),
    ("≥18次", GE, "18", "次"),
    ("≥1次/月", GE, "1", "次/月"),
    ("≥90人次", GE, "90", "人次"),
    ("≥30人次", GE, "30", "人次"),
    ("≤6小时", LE, "6", "小时"),
    ("满意率95%以上", GE, "95", "%"),
    ("≥100家", GE, "100", "家"),
    ("≥80家", GE, "80", "家"),
    ("≤24小时", LE, "24", "小时"),
    ("满意率≥90%", GE, "90", "%"),
    # seed 004
    ("9次", EQ, "9", "次"),
    ("≥90%", GE, "90", "%"),
    ("≤2天", LE, "2", "天"),
    ("≥9000元", GE, "9000", "元"),
    # the annual goals of seed 000 state targets in words
    ("不少于150家", GE, "150", "家"),
    ("不少于70起", GE, "70", "起"),
    ("不少于10个", GE, "10", "个"),
    ("不少于30人次", GE, "30", "人次"),
]

SEED_QUALITATIVE = [
    "严格执行相关财经法规、制度等规定",
    "7×24小时全年",
    "全年",
    "严格执行培训费相关规定",
    "较高",
    "显著提升",
    "持续扩大",
    "持续提升",
    "正常开展活动",
    "严格按照相关规定执行",
    "不断提升",
]


@pytest.mark.parametrize(("raw", "operator", "value", "unit"), SEED_QUANTITATIVE)
def test_it_reads_every_quantitative_seed_target(raw: str, operator: Operator, value: str, unit: str) -> None:
    target = parse_target(raw)
    assert (target.kind, target.operator, target.value, target.unit) == (
        TargetKind.QUANTITATIVE,
        operator,
        Decimal(value),
        unit,
    )
    assert target.warnings == ()


@pytest.mark.parametrize("raw", SEED_QUALITATIVE)
def test_it_reads_every_qualitative_seed_target(raw: str) -> None:
    target = parse_target(raw)
    assert target.kind is TargetKind.QUALITATIVE
    assert target.warnings == ()


def test_it_reads_the_seed_not_applicable_target() -> None:
    assert parse_target("不适用").kind is TargetKind.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("raw", "indicator", "level2"),
    [
        ("满意度≥95%", "培训学员满意度", "服务对象满意度指标"),
        ("满意率95%以上", "培训学员满意率", "服务对象满意度指标"),
        ("100%", "违法违规网站账号处置率", "质量指标"),
        ("≤6小时", "处置重点网络安全应急事件时限", "时效指标"),
        ("≥1次/月", "网络安全月报", "数量指标"),
    ],
)
def test_the_indicator_context_does_not_change_a_clean_seed_target(
    raw: str, indicator: str, level2: str
) -> None:
    assert parse_target(raw, indicator=indicator, level2=level2) == parse_target(raw)
