"""Hidden links (暗链): links a visitor cannot see that point to gambling or porn sites.

A link is reported only when it is BOTH hidden (by its own style or an ancestor's) AND bad (a spam
keyword in its text or address, or a listed/spam-looking domain), and never when it points to the
site's own domains: hidden menus and "skip to content" links are everywhere and harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urljoin

from lxml import etree

from jixiao.domain.probes.css import (
    StyleRule,
    background_colour,
    colour,
    declarations,
    length_px,
    stylesheet_rules,
)
from jixiao.domain.probes.keywords import KeywordLists
from jixiao.domain.probes.model import HiddenLink
from jixiao.domain.probes.urls import host_of

_HIDING_PROPERTIES = frozenset(
    {
        "display",
        "visibility",
        "opacity",
        "position",
        "left",
        "top",
        "right",
        "bottom",
        "margin-left",
        "margin-top",
        "text-indent",
        "width",
        "height",
        "overflow",
        "font-size",
        "color",
        "background",
        "background-color",
        "clip",
        "clip-path",
        "transform",
    }
)
_OFFSCREEN_PX = -100.0
_TINY_PX = 2.0
_DEFAULT_BACKGROUND = "#ffffff"
_MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class _State:
    """What an element inherits: a clipping ancestor, an inherited invisibility, its colours."""

    blocked: str | None = None
    visibility: str | None = None
    tiny_font: str | None = None
    colour: str | None = None
    background: str = _DEFAULT_BACKGROUND


_ROOT = _State()


class _Rules:
    """Hiding rules of the page's ``<style>`` blocks, bucketed by id, class and tag."""

    def __init__(self, rules: Iterable[StyleRule]) -> None:
        self.buckets: dict[str, list[StyleRule]] = {}
        for rule in rules:
            self.buckets.setdefault(rule.selector.parts[-1].index_key, []).append(rule)

    def declarations_for(self, element: etree._Element) -> dict[str, str] | None:
        if not self.buckets:
            return None
        keys = [element.tag, "*"] if isinstance(element.tag, str) else ["*"]
        ident = element.get("id")
        if ident:
            keys.append("#" + ident)
        keys.extend("." + c for c in (element.get("class") or "").split())
        merged: dict[str, str] | None = None
        for key in keys:
            for rule in self.buckets.get(key, ()):
                if rule.selector.matches(element):
                    merged = {**(merged or {}), **rule.declarations}
        return merged


def find_hidden_links(
    root: etree._Element,
    page_url: str,
    *,
    own_hosts: Iterable[str],
    own_domains: Iterable[str] = (),
    bad_domains: Iterable[str] = (),
    keywords: KeywordLists,
) -> list[HiddenLink]:
    """Find the external links whose text or domain is bad (the cheap test), and only when there are any,
    walk the parsed page once in document order, carrying each element's visibility to its children."""
    allowed = _own_suffixes(own_hosts, own_domains)
    listed = tuple(d.lower().strip(".") for d in bad_domains)
    bad: dict[etree._Element, tuple[str, str, str]] = {}
    for link in root.iter("a"):
        href = link.get("href")
        # Most links of a page are relative (the site's own): one cheap test before any parsing.
        if not href or (":" not in href and "//" not in href):
            continue
        href = href.strip()
        lowered = href[:8].lower()
        if lowered.startswith(("http:", "https:")):
            target = href
        elif lowered.startswith("//"):
            target = urljoin(page_url, href)
        else:
            continue  # mailto:, javascript:, a relative path with a colon in it
        host = host_of(target)
        if not host or _is_own(host, allowed):
            continue
        text = " ".join("".join(link.itertext()).split())[:_MAX_TEXT]
        why_bad = _bad_reason(host, text, link.get("title") or "", target, listed, keywords)
        if why_bad is not None:
            bad[link] = (target, text, why_bad)
    if not bad:
        return []
    css = "\n".join(style.text or "" for style in root.iter("style"))
    rules = _Rules(stylesheet_rules(css, keep=_HIDING_PROPERTIES) if css else ())
    states: dict[etree._Element, _State] = {}
    found: list[HiddenLink] = []
    for element in root.iter(etree.Element):
        parent = element.getparent()
        inherited = states.get(parent, _ROOT) if parent is not None else _ROOT
        state = _state_of(element, inherited, rules)
        states[element] = state
        if element not in bad:
            continue
        why_hidden = _hidden_reason(state)
        if why_hidden is not None:
            target, text, why_bad = bad[element]
            found.append(HiddenLink(href=target, text=text, why=f"{why_hidden}；{why_bad}"))
    return found


def _state_of(element: etree._Element, inherited: _State, rules: _Rules) -> _State:
    tag = element.tag if isinstance(element.tag, str) else ""
    decls = rules.declarations_for(element)
    inline = element.get("style")
    if inline:
        decls = {**(decls or {}), **declarations(inline)}
    font_colour = element.get("color") if tag == "font" else None
    bgcolor = element.get("bgcolor")
    hidden_attribute = element.get("hidden") is not None
    if not decls and font_colour is None and bgcolor is None and not hidden_attribute and tag != "noscript":
        return inherited
    decls = decls or {}
    label = f"<{tag}>"
    blocked = inherited.blocked
    if blocked is None:
        blocked = _blocking_reason(decls, label, hidden_attribute, tag)
    visibility = inherited.visibility
    if decls.get("visibility") in ("hidden", "collapse"):
        visibility = f"{label} visibility:{decls['visibility']}"
    elif decls.get("visibility") == "visible":
        visibility = None
    tiny_font = inherited.tiny_font
    size = length_px(decls.get("font-size"))
    if size is not None:
        tiny_font = f"{label} font-size:{decls['font-size']}（字号极小）" if size <= 1 else None
    text_colour = colour(decls.get("color")) or colour(font_colour) or inherited.colour
    background = background_colour(decls) or colour(bgcolor)
    if background is None or background == "transparent":
        background = inherited.background
    return _State(blocked, visibility, tiny_font, text_colour, background)


def _blocking_reason(decls: dict[str, str], label: str, hidden_attribute: bool, tag: str) -> str | None:
    if hidden_attribute:
        return f"{label} 带 hidden 属性"
    if tag == "noscript":
        return f"{label} 只在禁用脚本时显示"
    if decls.get("display") == "none":
        return f"{label} display:none（不显示）"
    opacity = decls.get("opacity")
    if opacity is not None:
        try:
            if float(opacity.rstrip("%")) <= 0.01:
                return f"{label} opacity:{opacity}（完全透明）"
        except ValueError:
            pass
    if decls.get("position") in ("absolute", "fixed", "relative"):
        for side in ("left", "top", "right", "bottom"):
            offset = length_px(decls.get(side))
            if offset is not None and offset <= _OFFSCREEN_PX:
                return f"{label} 移出屏幕 {side}:{decls[side]}"
    for side in ("margin-left", "margin-top", "text-indent"):
        offset = length_px(decls.get(side))
        if offset is not None and offset <= _OFFSCREEN_PX:
            return f"{label} 移出屏幕 {side}:{decls[side]}"
    if decls.get("overflow") in ("hidden", "clip"):
        for dimension in ("width", "height"):
            extent = length_px(decls.get(dimension))
            if extent is not None and extent <= _TINY_PX:
                return f"{label} {dimension}:{decls[dimension]} 且溢出隐藏"
    clip = decls.get("clip", "").replace(" ", "").replace(",", "")
    if clip.startswith(("rect(0000)", "rect(0px0px0px0px)", "rect(1px1px1px1px)")):
        return f"{label} clip:{decls['clip']}（裁剪为零）"
    clip_path = decls.get("clip-path", "").replace(" ", "")
    if clip_path in ("inset(50%)", "inset(100%)", "circle(0)", "circle(0px)"):
        return f"{label} clip-path:{decls['clip-path']}（裁剪为零）"
    transform = decls.get("transform", "").replace(" ", "")
    if transform in ("scale(0)", "scale(0,0)", "scalex(0)", "scaley(0)"):
        return f"{label} transform:{decls['transform']}（缩放为零）"
    return None


def _hidden_reason(state: _State) -> str | None:
    if state.blocked is not None:
        return state.blocked
    if state.visibility is not None:
        return state.visibility
    if state.tiny_font is not None:
        return state.tiny_font
    if state.colour == "transparent":
        return "文字透明"
    if state.colour is not None and state.colour == state.background:
        return f"文字颜色 {state.colour} 与背景相同"
    return None


def _own_suffixes(own_hosts: Iterable[str], own_domains: Iterable[str]) -> tuple[str, ...]:
    suffixes: set[str] = set()
    for host in (*own_hosts, *own_domains):
        host = host.lower().strip(".")
        if host:
            suffixes.add(host[4:] if host.startswith("www.") else host)
    return tuple(suffixes)


def _is_own(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def _bad_reason(
    host: str, text: str, title: str, target: str, listed: tuple[str, ...], keywords: KeywordLists
) -> str | None:
    for domain in listed:
        if host == domain or host.endswith("." + domain):
            return f"黑名单域名 {domain}"
    haystack = f"{text} {title} {unquote(target)}".lower()
    keyword = keywords.spam_pattern.search(haystack)
    if keyword is not None:
        return f"违规关键词 {keyword.group(0)}"
    token = keywords.domain_pattern.search(host)
    if token is not None:
        return f"域名疑似垃圾网站（{token.group(0)}）"
    return None
