"""Text clean-up shared by every reader: traditional → simplified Chinese, and the normalisation of one cell.

``normalise_cell`` changes exactly this, and nothing else:

1. Full-width ASCII digits ``０-９`` and letters ``Ａ-Ｚ ａ-ｚ`` become half-width.
2. These full-width signs become half-width: ``（ ） ： ％ ＜ ＞ ＝ ＋ － ． ／``.
   Chinese sentence punctuation stays as written: ``， 、 。 ； ！ ？ “ ” ‘ ’ 《 》 【 】``, and so do
   ``≥ ≤ × —`` (they carry meaning in target values and are matched as such).
3. Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and soft hyphens are removed.
4. Non-breaking, ideographic (U+3000) and other Unicode spaces, tabs and line breaks count as whitespace;
   leading and trailing whitespace is stripped and every inner run becomes one ASCII space. With
   ``keep_newlines=True`` line breaks survive (one ``\\n`` between non-empty lines) and only runs inside a
   line collapse.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_FULL_WIDTH_SIGNS = "（）：％＜＞＝＋－．／"

_CELL_TABLE: dict[int, int | None] = {}
for _code in range(ord("０"), ord("９") + 1):
    _CELL_TABLE[_code] = _code - 0xFEE0
for _code in range(ord("Ａ"), ord("Ｚ") + 1):
    _CELL_TABLE[_code] = _code - 0xFEE0
for _code in range(ord("ａ"), ord("ｚ") + 1):
    _CELL_TABLE[_code] = _code - 0xFEE0
for _sign in _FULL_WIDTH_SIGNS:
    _CELL_TABLE[ord(_sign)] = ord(_sign) - 0xFEE0
for _invisible in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
    _CELL_TABLE[ord(_invisible)] = None
for (
    _space
) in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
    _CELL_TABLE[ord(_space)] = ord(" ")
# Same as _CELL_TABLE, but every kind of whitespace is dropped instead of kept as a space.
_COMPACT_TABLE: dict[int, int | None] = {
    code: (None if target == ord(" ") else target) for code, target in _CELL_TABLE.items()
}
for _space in " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u2028\u2029":
    _COMPACT_TABLE[ord(_space)] = None
del _code, _sign, _invisible, _space

# Pinyin written after a character inside a word: 項(xiàng)目. At least one tone mark, so `里程(km)` stays.
PINYIN_PATTERN = r"(?<=[\u4e00-\u9fff])\([a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}\)"
_PINYIN = re.compile(PINYIN_PATTERN)
_INLINE_SPACE = re.compile(r"[ \t\f\v]+")
_ANY_SPACE = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (opencc ``t2s``); pure ASCII text is returned as it is."""
    if text.isascii():
        return text
    return str(_t2s().convert(text))


def has_traditional(text: str) -> bool:
    """Whether ``to_simplified`` would change anything in ``text``."""
    return not text.isascii() and to_simplified(text) != text


def strip_pinyin(text: str) -> str:
    """``項(xiàng)目`` → ``項目``: inline pinyin annotations (with a tone mark) removed."""
    return _PINYIN.sub("", text) if "(" in text else text


def compact(text: str) -> str:
    """``normalise_cell`` without any whitespace, in one pass: for matching values such as ``≥ 9 次``."""
    return text.translate(_COMPACT_TABLE)


def normalise_cell(text: str, *, keep_newlines: bool = False) -> str:
    """Clean one cell as described in the module docstring; the result is stripped."""
    cleaned = text.translate(_CELL_TABLE)
    if keep_newlines:
        lines = (_INLINE_SPACE.sub(" ", line).strip() for line in _LINE_BREAK.split(cleaned))
        return "\n".join(line for line in lines if line)
    return _ANY_SPACE.sub(" ", cleaned).strip()
