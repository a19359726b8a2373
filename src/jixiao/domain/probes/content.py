"""The page as text, parsed once: normalised hash, change against a baseline, keywords, hidden links.

Hashing the visible text rather than the raw HTML keeps rotating tokens, scripts and styles from
raising alarms; the raw checksum is still kept so an unchanged page costs nothing to re-analyse.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from jixiao.domain.probes.css import select
from jixiao.domain.probes.findings import FindingSink, Severity
from jixiao.domain.probes.hidden import find_hidden_links
from jixiao.domain.probes.model import (
    Baseline,
    ContentResult,
    ContentRules,
    HiddenLink,
    KeywordHit,
    PageSummary,
    ScriptRef,
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DROPPED_TAGS = ("script", "style", "noscript", "template")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "h1", "h2", "h3", "h4",
    "h5", "h6", "section", "article", "header", "footer", "nav", "aside", "main", "title", "form",
    "blockquote", "pre", "hr", "option", "body", "head",
)  # fmt: skip


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word)


def _block_mark() -> re.Pattern[str]:
    """``<`` in front of a block tag, opening or closing, in any letter case.

    Spelled with a character class per letter and grouped by first letter: re.IGNORECASE makes the same
    pattern twice as slow on CJK pages, and this pass runs on every page fetched.
    """
    by_first: dict[str, list[str]] = {}
    for tag in _BLOCK_TAGS:
        by_first.setdefault(tag[0], []).append(tag[1:])
    branches = "|".join(
        _any_case(first)
        + "(?:"
        + "|".join(_any_case(rest) for rest in sorted(rests, key=len, reverse=True))
        + ")"
        for first, rests in by_first.items()
    )
    return re.compile(r"<(?=/?(?:" + branches + r")[\s/>])")


# A line break goes in front of every block tag before the page is parsed, so that "<p>a</p><p>b</p>"
# and "<p>a</p>\n<p>b</p>" read alike: one regex pass in C instead of a Python walk over the tree.
_BLOCK_MARK = _block_mark()
# lxml refuses a str that still carries an XML encoding declaration (XHTML pages often do).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Sequence matching is quadratic in the worst case; past this many lines quick_ratio's bound is used.
_MAX_DIFF_LINES = 4000
DEFACEMENT_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What other checks need from the parsed page, so that nobody parses it twice."""

    content: ContentResult
    scripts: tuple[ScriptRef, ...]


def decode(body: bytes, content_type: str | None) -> str:
    """Bytes to text: the declared charset, else ``<meta charset>``, else UTF-8, else GB18030 (GBK/GB2312)."""
    charset = _charset(content_type) or _meta_charset(body)
    if charset:
        charset = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(charset, charset)
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", errors="replace")


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def is_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        lowered = content_type.lower()
        return "html" in lowered
    return body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def normalise(text: str, rules: ContentRules) -> str:
    """Collapse whitespace, drop the ignored patterns, and sort/de-duplicate lines when configured."""
    for pattern in rules.ignore_patterns:
        text = _compiled(pattern).sub(" ", text)
    # Whitespace runs become one space, blank lines go; str.split() is several times faster than a regex
    # pass on CJK text and splits on the same characters as ``\\s``.
    lines = [" ".join(line.split()) for line in text.split("\n") if line and not line.isspace()]
    if rules.sort_lines:
        return "\n".join(sorted(set(lines)))
    return "\n".join(lines)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def similarity(before: str, after: str) -> float:
    """How much of the text survived, 0.0 to 1.0, comparing lines (cheap, and what a reviewer reads)."""
    if before == after:
        return 1.0
    old, new = before.split("\n"), after.split("\n")
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if len(old) + len(new) > _MAX_DIFF_LINES:
        return round(matcher.quick_ratio(), 4)
    return round(matcher.ratio(), 4)


def find_keywords(text: str, rules: ContentRules) -> tuple[KeywordHit, ...]:
    lists = rules.keywords
    seen: dict[str, KeywordHit] = {}
    for match in lists.pattern.finditer(text.lower()):
        word = match.group(0)
        if word not in seen:
            seen[word] = KeywordHit(lists.category_of.get(word, "defacement"), word)
    return tuple(seen.values())


def analyse(
    body: bytes,
    content_type: str | None,
    page_url: str,
    rules: ContentRules,
    *,
    own_hosts: tuple[str, ...],
    with_hidden_links: bool = True,
    raw_hash: str | None = None,
) -> PageFacts:
    """Parse the body once and derive everything the content, hidden-link and SRI checks need."""
    raw_hash = raw_hash or hashlib.sha256(body).hexdigest()
    if not is_html(content_type, body):
        text = normalise(decode(body, content_type), rules)
        content = ContentResult(
            hash=text_hash(text),
            raw_hash=raw_hash,
            text=text,
            keywords=find_keywords(text, rules),
            is_html=False,
        )
        return PageFacts(content, ())
    root = _parse(decode(body, content_type))
    if root is None:
        return PageFacts(ContentResult(hash=text_hash(""), raw_hash=raw_hash, text=""), ())
    scripts = tuple(
        ScriptRef(src=(el.get("src") or "").strip(), integrity=bool((el.get("integrity") or "").strip()))
        for el in root.iter("script")
        if (el.get("src") or "").strip()
    )
    hidden: list[HiddenLink] = []
    if with_hidden_links:
        hidden = find_hidden_links(
            root,
            page_url,
            own_hosts=own_hosts,
            own_domains=rules.own_domains,
            bad_domains=rules.bad_domains,
            keywords=rules.keywords,
        )
    meta = " ".join(
        (el.get("content") or "")
        for el in root.iter("meta")
        if (el.get("name") or "").lower() in ("keywords", "description")
    )
    text = normalise(_visible_text(root, rules.ignore_selectors, meta), rules)
    content = ContentResult(
        hash=text_hash(text),
        raw_hash=raw_hash,
        text=text,
        keywords=find_keywords(text, rules),
        hidden_links=tuple(hidden),
    )
    return PageFacts(content, scripts)


class _Parsers(threading.local):
    """lxml parsers must not be shared between threads: one per thread, made on first use."""

    def __init__(self) -> None:
        # Plain etree elements: lxml.html's per-element class lookup costs more than the parse itself.
        self.html = etree.HTMLParser(no_network=True)


_PARSERS = _Parsers()


def _parse(text: str) -> etree._Element | None:
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return etree.fromstring(_BLOCK_MARK.sub("\n<", text), _PARSERS.html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _visible_text(root: etree._Element, ignore_selectors: tuple[str, ...], meta: str) -> str:
    # Mutates the tree: the hidden-link walk and the script list must be taken before this.
    etree.strip_elements(root, *_DROPPED_TAGS, with_tail=False)
    if ignore_selectors:
        for element in select(root, ignore_selectors):
            parent = element.getparent()
            if parent is not None:
                _drop_keep_tail(element, parent)
    text = etree.tostring(root, method="text", encoding="unicode")
    return f"{meta}\n{text}" if meta.strip() else text


def _drop_keep_tail(element: etree._Element, parent: etree._Element) -> None:
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def with_baseline(content: ContentResult, baseline: Baseline | None) -> ContentResult:
    """Fill in ``similarity`` against the previous good version of the page."""
    if baseline is None:
        return content
    if baseline.raw_hash == content.raw_hash or baseline.text_hash == content.hash:
        score = 1.0
    else:
        score = similarity(baseline.text, content.text)
    # Spelled out: dataclasses.replace inspects every field on each call, on every page of every cycle.
    return ContentResult(
        hash=content.hash,
        raw_hash=content.raw_hash,
        text=content.text,
        similarity=score,
        keywords=content.keywords,
        hidden_links=content.hidden_links,
        is_html=content.is_html,
        reused=content.reused,
    )


def content_findings(
    content: ContentResult, baseline: Baseline | None, rules: ContentRules, sink: FindingSink
) -> None:
    """Keywords, the size of a change, and defacement when new bad words come with a large change."""
    for hit in content.keywords:
        label = {"defacement": "篡改", "gambling": "赌博", "porn": "色情"}[hit.category]
        sink.add(
            "content.keyword",
            Severity.HIGH,
            f"{hit.category}:{hit.keyword}",
            f"页面出现{label}类关键词：{hit.keyword}",
        )
    score = content.similarity
    if score is None or score >= 1.0:
        return
    # Only a changed page needs the baseline's words, so an unchanged one skips the scan of the old text.
    baseline_words = {hit.keyword for hit in find_keywords(baseline.text, rules)} if baseline else set()
    new_hits = [hit for hit in content.keywords if hit.keyword not in baseline_words]
    if new_hits and score < DEFACEMENT_SIMILARITY:
        words = ", ".join(hit.keyword for hit in new_hits[:5])
        sink.add(
            "content.defacement",
            Severity.CRITICAL,
            content.hash,
            f"页面被替换（原文只剩 {score:.0%}），并出现新的违规词：{words}",
        )
    if score < 0.4:
        severity = Severity.HIGH
    elif score < 0.7:
        severity = Severity.MEDIUM
    elif score < 0.9:
        severity = Severity.LOW
    else:
        severity = Severity.INFO
    sink.add("content.change", severity, content.hash, f"页面文字发生变化：与基线相似度 {score:.0%}")


def summary_of(facts: PageFacts, rules_digest: str) -> PageSummary:
    """The part of an analysis a baseline keeps, so the next probe of the same bytes can skip parsing."""
    content = facts.content
    return PageSummary(
        rules=rules_digest,
        keywords=content.keywords,
        hidden_links=content.hidden_links,
        scripts=facts.scripts,
        is_html=content.is_html,
    )


def reuse(baseline: Baseline, raw_hash: str, rules_digest: str) -> PageFacts | None:
    """The analysis of an unchanged page rebuilt from its baseline, or ``None`` when it must be parsed.

    Unchanged means the same raw bytes under the same rules; the text and its hash are the baseline's.
    """
    summary = baseline.analysis
    if summary is None or baseline.raw_hash != raw_hash or summary.rules != rules_digest:
        return None
    content = ContentResult(
        hash=baseline.text_hash,
        raw_hash=raw_hash,
        text=baseline.text,
        keywords=summary.keywords,
        hidden_links=summary.hidden_links,
        is_html=summary.is_html,
        reused=True,
    )
    return PageFacts(content, summary.scripts)


# Bump when the analysis itself changes, so summaries stored by older code are not trusted.
_ANALYSIS_VERSION = 2


@lru_cache(maxsize=1024)
def rules_digest(
    rules: ContentRules, content_type: str | None, origin: str, own_hosts: tuple[str, ...], hidden: bool
) -> str:
    """A stable digest (across processes) of what an analysis depends on besides the page bytes."""
    # The dataclass reprs list only their fields (word lists, selectors, domains), never the compiled caches.
    key = repr((_ANALYSIS_VERSION, rules, (content_type or "").lower(), origin, sorted(own_hosts), hidden))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def hidden_link_findings(links: tuple[HiddenLink, ...], sink: FindingSink) -> None:
    for link in links:
        sink.add("hidden_link", Severity.CRITICAL, link.href, f"隐藏链接指向 {link.href}（{link.why}）")


class AnalysisCache:
    """Raw body hash → analysis, bounded: an unchanged page is not parsed again."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str, ContentRules, tuple[str, ...], bool], PageFacts] = (
            OrderedDict()
        )

    def get(self, key: tuple[str, str, ContentRules, tuple[str, ...], bool]) -> PageFacts | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[str, str, ContentRules, tuple[str, ...], bool], facts: PageFacts) -> None:
        self._items[key] = facts
        if len(self._items) > self._size:
            self._items.popitem(last=False)
