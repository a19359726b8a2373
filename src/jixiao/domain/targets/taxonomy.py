"""The two indicator trees in use (classic 财预〔2015〕88号, 2021 财预〔2021〕101号) and how the labels
a form writes map onto them, whatever column, spacing, script or suffix the form used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from jixiao.domain.forms.model import Taxonomy
from jixiao.domain.text import compact, to_simplified

__all__ = [
    "COST_2021",
    "TREES",
    "LabelMatch",
    "classify_label",
    "detect_taxonomy",
    "label_spellings",
    "level1_of",
    "normalise_levels",
]

OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"

COST_2021 = ("经济成本指标", "社会成本指标", "生态环境成本指标")

TREES: dict[Taxonomy, dict[str, tuple[str, ...]]] = {
    Taxonomy.CLASSIC: {
        OUTPUT: ("数量指标", "质量指标", "时效指标", COST),
        BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        SATISFACTION: ("服务对象满意度指标",),
    },
    Taxonomy.T2021: {
        COST: COST_2021,
        OUTPUT: ("数量指标", "质量指标", "时效指标"),
        # 可持续影响 under 效益 in 2021 is [unverified] in the rules; forms still use it, so it is accepted.
        BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        SATISFACTION: ("服务对象满意度指标",),
    },
}

_LEVEL1 = (OUTPUT, BENEFIT, SATISFACTION)
_LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    *COST_2021,
)

# Spellings seen on forms beyond "<stem>" and "<stem>指标".
_ALIASES = {
    "生态环境效益": "生态效益指标",
    "可持续发展影响": "可持续影响指标",
    "可持续发展": "可持续影响指标",
    "可持续": "可持续影响指标",
    "满意度": SATISFACTION,
    "服务对象满意": "服务对象满意度指标",
    "社会公众或服务对象满意度": "服务对象满意度指标",
    "社会公众满意度": "服务对象满意度指标",
    "生态成本": "生态环境成本指标",
    "环境成本": "生态环境成本指标",
    # Run-together 一级+二级 spellings of older templates (产出数量 under 产出指标).
    "产出数量": "数量指标",
    "产出质量": "质量指标",
    "产出时效": "时效指标",
    "产出成本": "成本指标",
}

_NOTES = re.compile(r"\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|<[^<>]*>")
_EDGE_JUNK = ":;,.、。;，1234567890一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """A recognised 一级/二级 label.

    ``成本指标`` is 一级 in 2021 and 二级 in classic: level 0 and ``ambiguous``.
    """

    level: int
    canonical: str
    ambiguous: bool = False


def _build_labels() -> dict[str, LabelMatch]:
    labels: dict[str, LabelMatch] = {}
    for canonical in _LEVEL1:
        labels[canonical] = LabelMatch(1, canonical)
        labels[canonical.removesuffix("指标")] = LabelMatch(1, canonical)
    for canonical in _LEVEL2:
        labels[canonical] = LabelMatch(2, canonical)
        labels[canonical.removesuffix("指标")] = LabelMatch(2, canonical)
    for alias, canonical in _ALIASES.items():
        level = 1 if canonical in _LEVEL1 else 2
        labels[alias] = LabelMatch(level, canonical)
        labels[alias + "指标"] = LabelMatch(level, canonical)
    labels[COST] = labels["成本"] = LabelMatch(0, COST, ambiguous=True)
    return labels


_LABELS = _build_labels()


@lru_cache(maxsize=4096)
def classify_label(text: str) -> LabelMatch | None:
    """Recognise an 一级 or 二级 label as written, else ``None``.

    Accepted: with or without 指标, spaced (``产 出 指 标``), traditional (``數量``), with a note in brackets
    (``效益指标(30分)``) or a leading number (``1.产出指标``).
    """
    cleaned = _NOTES.sub("", compact(to_simplified(text))).strip(_EDGE_JUNK)
    return _LABELS.get(cleaned)


def label_spellings() -> tuple[str, ...]:
    """Every spelling ``classify_label`` knows, longest first (for finding labels inside running text)."""
    return tuple(sorted(_LABELS, key=len, reverse=True))


def detect_taxonomy(labels: Iterable[str]) -> Taxonomy:
    """2021 when any 2021 cost label (经济/社会/生态环境成本指标) appears, else classic."""
    for label in labels:
        match = classify_label(label) if label else None
        if match is not None and match.canonical in COST_2021:
            return Taxonomy.T2021
    return Taxonomy.CLASSIC


def level1_of(level2: str, taxonomy: Taxonomy) -> str | None:
    """The 一级 of a (canonical or written) 二级 in ``taxonomy``; ``None`` when it is not a 二级 there.

    In classic, 2021's cost labels are filed under 产出指标, where classic keeps its 成本指标.
    In 2021, a written 二级 ``成本指标`` belongs to 一级 成本指标.
    """
    match = classify_label(level2)
    if match is None:
        return None
    if match.ambiguous:
        return OUTPUT if taxonomy is Taxonomy.CLASSIC else COST
    if match.level != 2:
        return None
    if match.canonical in COST_2021 and taxonomy is Taxonomy.CLASSIC:
        return OUTPUT
    for level1, children in TREES[taxonomy].items():
        if match.canonical in children:
            return level1
    return None


def normalise_levels(
    level1: str | None, level2: str | None, taxonomy: Taxonomy
) -> tuple[str | None, str | None]:
    """Canonical (一级, 二级) for ``taxonomy``.

    The 二级 decides the 一级 when it is known: a form that files 经济成本指标 under 产出指标 gets
    成本指标 in 2021. A 二级 written in the 一级 column (可持续影响指标, classic 成本指标) moves to the
    二级. A 二级 that is not a known label is kept as written (stripped), so nothing a form says is lost.
    """
    first = classify_label(level1) if level1 else None
    second = classify_label(level2) if level2 else None
    written_level2 = level2.strip() if level2 and level2.strip() else None

    if second is not None and second.level != 1:
        canonical2 = _canonical_level2(second, taxonomy)
        if canonical2 is None:
            return COST, None
        return level1_of(canonical2, taxonomy), canonical2
    if second is not None and second.level == 1:
        # A shifted row: the 一级 sits in the 二级 column.
        return second.canonical, None

    if first is None:
        return (level1.strip() if level1 and level1.strip() else None), written_level2
    if first.level == 1:
        return first.canonical, written_level2
    if first.ambiguous and taxonomy is Taxonomy.T2021:
        return COST, written_level2
    canonical2 = _canonical_level2(first, taxonomy)
    return (level1_of(canonical2, taxonomy) if canonical2 else None), canonical2


def _canonical_level2(match: LabelMatch, taxonomy: Taxonomy) -> str | None:
    """The 二级 of a level-2 or ambiguous match; ``None`` for 2021's 成本指标, not a 二级 there."""
    if match.ambiguous:
        return COST if taxonomy is Taxonomy.CLASSIC else None
    return match.canonical
