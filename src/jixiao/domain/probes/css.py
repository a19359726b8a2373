"""A small CSS subset for probes: simple selectors, declarations, colours and lengths.

Enough to honour a user's "ignore this region" selector and to see the hiding tricks link-spam
injectors use in inline styles and ``<style>`` blocks; not a cascade engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

_COMPOUND = re.compile(
    r"""^(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?
        (?P<rest>(?:\#[\w-]+|\.[\w-]+|\[\s*[\w-]+\s*(?:=\s*(?:"[^"]*"|'[^']*'|[^\]\s]+)\s*)?\])*)$""",
    re.VERBOSE,
)
_PART = re.compile(
    r"""\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[\s*(?P<attr>[\w-]+)\s*(?:=\s*(?P<val>"[^"]*"|'[^']*'|[^\]\s]+)\s*)?\]"""
)


@dataclass(frozen=True, slots=True)
class Compound:
    """``tag#id.class[attr=value]``: every part must hold on one element."""

    tag: str | None
    ident: str | None
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None], ...]

    def matches(self, element: etree._Element) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.ident is not None and element.get("id") != self.ident:
            return False
        if self.classes:
            have = (element.get("class") or "").split()
            if not all(c in have for c in self.classes):
                return False
        for name, value in self.attrs:
            actual = element.get(name)
            if actual is None or (value is not None and actual != value):
                return False
        return True

    @property
    def index_key(self) -> str:
        """The most selective part, used to bucket rules so each element tries only a few."""
        if self.ident is not None:
            return "#" + self.ident
        if self.classes:
            return "." + self.classes[0]
        return self.tag or "*"


@dataclass(frozen=True, slots=True)
class Selector:
    """Compounds joined by the descendant combinator (a space)."""

    parts: tuple[Compound, ...]

    def matches(self, element: etree._Element) -> bool:
        if not self.parts[-1].matches(element):
            return False
        wanted = len(self.parts) - 2
        node = element.getparent()
        while wanted >= 0 and node is not None:
            if self.parts[wanted].matches(node):
                wanted -= 1
            node = node.getparent()
        return wanted < 0


@lru_cache(maxsize=2048)
def parse_selector(text: str) -> Selector | None:
    """Parse one selector of the supported subset; None for anything else (``>``, ``:hover`` …)."""
    pieces = text.split()
    if not pieces:
        return None
    parts: list[Compound] = []
    for piece in pieces:
        match = _COMPOUND.match(piece)
        if match is None or not piece:
            return None
        tag = match.group("tag")
        ident: str | None = None
        classes: list[str] = []
        attrs: list[tuple[str, str | None]] = []
        for part in _PART.finditer(match.group("rest") or ""):
            if part.group("id"):
                ident = part.group("id")
            elif part.group("cls"):
                classes.append(part.group("cls"))
            else:
                raw = part.group("val")
                attrs.append((part.group("attr").lower(), raw.strip("\"'") if raw is not None else None))
        parts.append(
            Compound(None if tag in (None, "*") else tag.lower(), ident, tuple(classes), tuple(attrs))
        )
    return Selector(tuple(parts))


def select(root: etree._Element, selectors: Iterable[str]) -> list[etree._Element]:
    """Every element under ``root`` that one of ``selectors`` matches, in document order."""
    compiled = [s for s in (parse_selector(text.strip()) for text in selectors) if s is not None]
    if not compiled:
        return []
    return [el for el in root.iter(etree.Element) if any(s.matches(el) for s in compiled)]


def declarations(style: str) -> dict[str, str]:
    """``display: none; color:#FFF !important`` → {"display": "none", "color": "#fff"} (lower-cased)."""
    result: dict[str, str] = {}
    for item in style.split(";"):
        name, sep, value = item.partition(":")
        if sep:
            value = value.replace("!important", "").strip().lower()
            name = name.strip().lower()
            if name and value:
                result[name] = value
    return result


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True, slots=True)
class StyleRule:
    selector: Selector
    declarations: dict[str, str]
    source: str


def stylesheet_rules(css: str, *, keep: frozenset[str]) -> Iterator[StyleRule]:
    """Rules of a ``<style>`` block whose declarations touch one of the ``keep`` properties.

    Rules nested in ``@media`` blocks count as if they always applied: hidden on some screens is hidden.
    """
    for match in _RULE.finditer(_COMMENT.sub("", css)):
        decls = declarations(match.group(2))
        if not keep.intersection(decls):
            continue
        for text in match.group(1).split(","):
            text = text.strip()
            if text.startswith("@"):
                continue
            selector = parse_selector(text)
            if selector is not None:
                yield StyleRule(selector, decls, text)


_NAMED = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "transparent": "transparent",
}
_RGB = re.compile(
    r"rgba?\(\s*([\d.]+)%?\s*[, ]\s*([\d.]+)%?\s*[, ]\s*([\d.]+)%?\s*(?:[,/]\s*([\d.]+)(%?)\s*)?\)"
)


def colour(value: str | None) -> str | None:
    """A colour as ``#rrggbb`` or ``transparent``; None when it cannot be read."""
    if not value:
        return None
    value = value.strip().lower()
    if value in _NAMED:
        return _NAMED[value]
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) in (3, 4) and all(c in "0123456789abcdef" for c in digits):
            if len(digits) == 4 and digits[3] == "0":
                return "transparent"
            return "#" + "".join(c * 2 for c in digits[:3])
        if len(digits) in (6, 8) and all(c in "0123456789abcdef" for c in digits):
            if len(digits) == 8 and digits[6:] == "00":
                return "transparent"
            return "#" + digits[:6]
        return None
    match = _RGB.match(value)
    if match is not None:
        alpha = match.group(4)
        if alpha is not None and float(alpha) == 0:
            return "transparent"
        channels = [min(255, round(float(match.group(i)))) for i in (1, 2, 3)]
        return "#" + "".join(f"{c:02x}" for c in channels)
    return None


def background_colour(decls: dict[str, str]) -> str | None:
    """The colour from ``background-color`` or the first colour-looking token of ``background``."""
    if "background-color" in decls:
        return colour(decls["background-color"])
    shorthand = decls.get("background")
    if shorthand:
        for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-f]+|[a-z]+", shorthand):
            found = colour(token)
            if found is not None:
                return found
    return None


_LENGTH = re.compile(r"^(-?\d*\.?\d+)(px|em|rem|pt|%|vw|vh)?$")


def length_px(value: str | None) -> float | None:
    """A CSS length in CSS pixels (em taken as 16px, a percentage as itself); None when unreadable."""
    if value is None:
        return None
    match = _LENGTH.match(value.strip())
    if match is None:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "px"
    if unit in ("em", "rem"):
        return number * 16
    if unit == "pt":
        return number * 4 / 3
    if unit in ("vw", "vh"):
        return number * 10  # a viewport is at least ~1000px wide: -100vw is well off-screen
    if unit == "%":
        return number * 10
    return number
