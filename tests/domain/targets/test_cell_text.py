"""Cell clean-up and traditional → simplified conversion shared by every reader."""

from __future__ import annotations

import pytest

from jixiao.domain.text import compact, has_traditional, normalise_cell, to_simplified


def test_it_converts_traditional_to_simplified() -> None:
    assert to_simplified("產出指標 滿意度") == "产出指标 满意度"


def test_it_returns_ascii_text_unchanged() -> None:
    text = ">=95%"
    assert to_simplified(text) is text


def test_it_tells_traditional_text_apart() -> None:
    assert has_traditional("數量指標")
    assert not has_traditional("数量指标")
    assert not has_traditional("abc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３", "123"),
        ("ＡＢＣｘｙｚ", "ABCxyz"),
        ("（年度）", "(年度)"),
        ("其中：财政拨款", "其中:财政拨款"),
        ("９５％", "95%"),
        ("＞５", ">5"),
        ("＜＝３", "<=3"),
        ("１．５", "1.5"),
        ("次／月", "次/月"),
        ("\u00a0 ≥9次 \u3000", "≥9次"),
        ("开展  网络\t文化\n活动", "开展 网络 文化 活动"),
        ("a\u200bb\ufeff", "ab"),
    ],
)
def test_it_normalises_what_it_documents(text: str, expected: str) -> None:
    assert normalise_cell(text) == expected


@pytest.mark.parametrize(
    "text", ["≥95%", "≤6小时", "7×24小时", "2023年—2025年", "规定、制度，执行。", "“中国好网民”；"]
)
def test_it_keeps_meaningful_signs_and_chinese_punctuation(text: str) -> None:
    assert normalise_cell(text) == text


def test_it_can_keep_line_breaks() -> None:
    assert (
        normalise_cell(" 1.第一条 \r\n\n  2.第二\u3000\u3000条 ", keep_newlines=True) == "1.第一条\n2.第二 条"
    )


def test_compact_drops_every_space() -> None:
    assert compact("≥ 9\u3000次\n") == "≥9次"
