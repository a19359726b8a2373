"""Matching a unit name as a form writes it to the units already known, so that one character left out, a
``本级`` suffix or traditional characters do not create a second unit (and duplicate projects).

``closest_unit`` is pure: the import decides what to do with its answer (match with a warning and ask for a
confirmation, or create the unit when nothing is close).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.domain.text import normalise_cell, to_simplified

# Notes that do not change which unit is meant: (本级), 本级, (盖章), [部门].
_SUFFIXES = re.compile(r"(?:[(（\[【]\s*(?:本级|盖章|机关本级|部门)\s*[)）\]】]|本级|机关本级)+$")
_SPACES = re.compile(r"\s+")
MIN_LENGTH_FOR_ONE_OFF = 4
"""A one-character difference is only a typo in names of at least this many characters (局 vs 厅 is not)."""


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """The answer for one written name.

    ``match`` is the known name meant, or None. ``exact`` is true when the names are equal as written.
    ``reason`` says, for a person confirming it, why they were matched or why not (in Chinese, then English).
    ``candidates`` lists the known names that were equally close when the answer is ambiguous.
    """

    match: str | None
    exact: bool
    reason: str
    candidates: tuple[str, ...] = ()


def unit_key(name: str) -> str:
    """The name with what does not tell units apart taken away: spaces, script, full-width forms, 本级."""
    text = _SPACES.sub("", to_simplified(normalise_cell(name)))
    return _SUFFIXES.sub("", text)


def closest_unit(name: str, known_names: Iterable[str]) -> UnitMatch:
    """The known unit ``name`` most likely means.

    Equal as written → exact. Equal once spaces, traditional characters and a 本级 suffix are set aside →
    matched, saying which. One character added, left out or changed (names of four characters or more) →
    matched, saying which character, when exactly one known name is that close; two or more → no match, the
    candidates listed. Anything else → no match.
    """
    known = list(dict.fromkeys(known_names))
    if name in known:
        return UnitMatch(name, True, "名称相同")
    key = unit_key(name)
    same = [k for k in known if unit_key(k) == key]
    if len(same) == 1:
        return UnitMatch(same[0], False, _why_same(name, same[0]))
    if len(same) > 1:
        return UnitMatch(None, False, "有多个单位与此名称仅差空格、繁简或“本级”", tuple(same))
    if len(key) < MIN_LENGTH_FOR_ONE_OFF:
        return UnitMatch(None, False, "没有相近的单位")
    close = [(k, diff) for k in known if (diff := _one_off(key, unit_key(k))) is not None]
    if len(close) == 1:
        other, diff = close[0]
        return UnitMatch(other, False, f"与已有单位“{other}”相差一个字：{diff}")
    if close:
        return UnitMatch(
            None,
            False,
            "有多个单位与此名称相差一个字",
            tuple(k for k, _ in close),
        )
    return UnitMatch(None, False, "没有相近的单位")


def _why_same(written: str, known: str) -> str:
    reasons: list[str] = []
    plain_written, plain_known = normalise_cell(written), normalise_cell(known)
    if to_simplified(plain_written) != plain_written or to_simplified(plain_known) != plain_known:
        reasons.append("繁体字")
    if _SPACES.search(written) or _SPACES.search(known):
        reasons.append("空格")
    if _SUFFIXES.search(_SPACES.sub("", to_simplified(written))) or _SUFFIXES.search(
        _SPACES.sub("", to_simplified(known))
    ):
        reasons.append("“本级”等后缀(a 本级 suffix)")
    if not reasons:
        reasons.append("全角/半角")
    return f"与已有单位“{known}”仅差" + "、".join(reasons)


def _one_off(a: str, b: str) -> str | None:
    """How ``a`` differs from ``b`` when by exactly one character (added, left out or changed), else None."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < MIN_LENGTH_FOR_ONE_OFF - 1:
        return None
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    extra_a, extra_b = a[start:end_a], b[start:end_b]
    if len(extra_a) > 1 or len(extra_b) > 1:
        return None
    if extra_a and extra_b:
        return f"“{extra_a}”对应“{extra_b}”"
    if extra_b:
        return f"少了“{extra_b}”"
    return f"多了“{extra_a}”"
