"""The classic and 2021 indicator trees, and how labels written on forms map onto them."""

from __future__ import annotations

import pytest

from jixiao.domain.forms.model import Taxonomy
from jixiao.domain.targets.taxonomy import (
    LabelMatch,
    classify_label,
    detect_taxonomy,
    level1_of,
    normalise_levels,
)

CLASSIC, T2021 = Taxonomy.CLASSIC, Taxonomy.T2021


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("产出指标", "产出指标"),
        ("效益指标", "效益指标"),
        ("满意度指标", "满意度指标"),
        ("产 出 指 标", "产出指标"),
        ("效 益 指 标", "效益指标"),
        ("產出指標", "产出指标"),
        ("滿意度指標", "满意度指标"),
        ("产出", "产出指标"),
        ("产出指标（50分）", "产出指标"),
        ("1.产出指标", "产出指标"),
        ("产出指标：", "产出指标"),
    ],
)
def test_it_recognises_level_one_labels(text: str, canonical: str) -> None:
    assert classify_label(text) == LabelMatch(1, canonical)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("数量指标", "数量指标"),
        ("质量指标", "质量指标"),
        ("时效指标", "时效指标"),
        ("经济效益指标", "经济效益指标"),
        ("社会效益指标", "社会效益指标"),
        ("生态效益指标", "生态效益指标"),
        ("可持续影响指标", "可持续影响指标"),
        ("服务对象满意度指标", "服务对象满意度指标"),
        ("经济成本指标", "经济成本指标"),
        ("社会成本指标", "社会成本指标"),
        ("生态环境成本指标", "生态环境成本指标"),
        ("数量", "数量指标"),
        ("质量", "质量指标"),
        ("时效", "时效指标"),
        ("社会效益", "社会效益指标"),
        ("數量指標", "数量指标"),
        ("時效", "时效指标"),
        ("社會效益指標", "社会效益指标"),
        ("数 量 指 标", "数量指标"),
        ("数量指标(长期)", "数量指标"),
        ("(年度)数量指标", "数量指标"),
        ("服务对象满意度", "服务对象满意度指标"),
        ("可持续发展影响指标", "可持续影响指标"),
    ],
)
def test_it_recognises_level_two_labels(text: str, canonical: str) -> None:
    assert classify_label(text) == LabelMatch(2, canonical)


@pytest.mark.parametrize("text", ["成本指标", "成本", "成 本 指 标", "成本指標", "成本指标(10分)"])
def test_it_says_that_cost_is_ambiguous(text: str) -> None:
    match = classify_label(text)
    assert match == LabelMatch(0, "成本指标", ambiguous=True)


@pytest.mark.parametrize(
    "text", ["", "开展网络文化活动次数", "一级指标", "二级指标", "指标", "培训成本", "数量指标说明很长的文字"]
)
def test_it_does_not_recognise_other_text(text: str) -> None:
    assert classify_label(text) is None


def test_it_detects_the_2021_tree_from_a_cost_label() -> None:
    assert detect_taxonomy(["产出指标", "数量指标", "经济成本指标"]) is T2021
    assert detect_taxonomy(["社会成本"]) is T2021


def test_it_detects_the_classic_tree_otherwise() -> None:
    assert detect_taxonomy(["产出指标", "成本指标", "可持续影响指标"]) is CLASSIC
    assert detect_taxonomy([]) is CLASSIC
    assert detect_taxonomy(["", "培训成本"]) is CLASSIC


@pytest.mark.parametrize(
    ("level2", "taxonomy", "level1"),
    [
        ("数量指标", CLASSIC, "产出指标"),
        ("成本指标", CLASSIC, "产出指标"),
        ("可持续影响指标", CLASSIC, "效益指标"),
        ("服务对象满意度指标", CLASSIC, "满意度指标"),
        ("经济成本指标", T2021, "成本指标"),
        ("生态环境成本指标", T2021, "成本指标"),
        ("数量指标", T2021, "产出指标"),
        ("可持续影响指标", T2021, "效益指标"),
        ("成本指标", T2021, "成本指标"),
        ("经济成本指标", CLASSIC, "产出指标"),
        ("社会效益", T2021, "效益指标"),
    ],
)
def test_it_knows_the_level_one_of_each_level_two(level2: str, taxonomy: Taxonomy, level1: str) -> None:
    assert level1_of(level2, taxonomy) == level1


@pytest.mark.parametrize("level2", ["产出指标", "培训成本", ""])
def test_it_has_no_level_one_for_what_is_not_a_level_two(level2: str) -> None:
    assert level1_of(level2, CLASSIC) is None


@pytest.mark.parametrize(
    ("level1", "level2", "taxonomy", "expected"),
    [
        ("产出指标", "数量指标", CLASSIC, ("产出指标", "数量指标")),
        ("产 出 指 标", "数量", CLASSIC, ("产出指标", "数量指标")),
        (None, "数量指标", CLASSIC, ("产出指标", "数量指标")),
        ("", "社会效益", CLASSIC, ("效益指标", "社会效益指标")),
        # the seeds write 可持续影响指标 and 成本指标 in the 一级 column
        ("可持续影响指标", None, CLASSIC, ("效益指标", "可持续影响指标")),
        ("可持续影响指标", "", CLASSIC, ("效益指标", "可持续影响指标")),
        ("成本指标", None, CLASSIC, ("产出指标", "成本指标")),
        ("产出指标", "成本指标", CLASSIC, ("产出指标", "成本指标")),
        # 2021: 成本 is an 一级
        ("成本指标", "经济成本指标", T2021, ("成本指标", "经济成本指标")),
        (None, "经济成本指标", T2021, ("成本指标", "经济成本指标")),
        ("经济成本指标", None, T2021, ("成本指标", "经济成本指标")),
        ("成本指标", None, T2021, ("成本指标", None)),
        # a 2023 county form files 经济成本指标 under 产出指标
        ("产出指标", "经济成本指标", T2021, ("成本指标", "经济成本指标")),
        # the tree wins over a mislabelled 一级
        ("效益指标", "数量指标", CLASSIC, ("产出指标", "数量指标")),
        ("满意度指标", "服务对象满意度指标", T2021, ("满意度指标", "服务对象满意度指标")),
        ("满意度指标", None, CLASSIC, ("满意度指标", None)),
        # a shifted row: the 一级 in the 二级 column
        (None, "产出指标", CLASSIC, ("产出指标", None)),
        # unknown text is kept
        ("产出指标", "其他指标", CLASSIC, ("产出指标", "其他指标")),
        ("自定义一级", "其他指标", CLASSIC, ("自定义一级", "其他指标")),
        (None, None, CLASSIC, (None, None)),
        ("  ", "  ", CLASSIC, (None, None)),
    ],
)
def test_it_normalises_levels(
    level1: str | None, level2: str | None, taxonomy: Taxonomy, expected: tuple[str | None, str | None]
) -> None:
    assert normalise_levels(level1, level2, taxonomy) == expected
