"""Hidden links (暗链): reported only when hidden AND bad, never for the site's own domains."""

from __future__ import annotations

import pytest
from lxml import html  # type: ignore[import-untyped]

from jixiao.domain.probes.hidden import find_hidden_links
from jixiao.domain.probes.keywords import DEFAULT_KEYWORDS
from jixiao.domain.probes.model import Check

from .conftest import LoopbackResolver, Sites, run_probe

BAD = '<a href="http://www.xpj-bet.test/">澳门赌场</a>'


def hidden_in(markup: str, *, style: str = "", bad_domains: tuple[str, ...] = ()) -> list[str]:
    document = f"<html><head><style>{style}</style></head><body><p>正文</p>{markup}</body></html>"
    links = find_hidden_links(
        html.document_fromstring(document),
        "http://www.gov.test/",
        own_hosts=("www.gov.test",),
        bad_domains=bad_domains,
        keywords=DEFAULT_KEYWORDS,
    )
    return [link.why for link in links]


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        (f'<div style="display:none">{BAD}</div>', "<div> display:none"),
        (f'<span style="visibility: hidden">{BAD}</span>', "<span> visibility:hidden"),
        (f'<div style="position:absolute;left:-1000px">{BAD}</div>', "<div> 移出屏幕 left:-1000px"),
        (f'<div style="text-indent:-9999px">{BAD}</div>', "<div> 移出屏幕 text-indent:-9999px"),
        (f'<div style="height:0;overflow:hidden">{BAD}</div>', "<div> height:0 且溢出隐藏"),
        (
            f'<div style="width:1px;height:1px;overflow:hidden">{BAD}</div>',
            "<div> width:1px 且溢出隐藏",
        ),
        (f'<p style="font-size:0">{BAD}</p>', "<p> font-size:0"),
        (f'<div style="opacity:0">{BAD}</div>', "<div> opacity:0"),
        (f"<div hidden>{BAD}</div>", "<div> 带 hidden 属性"),
        (
            '<div style="background:#fff"><a style="color:#FFFFFF" href="http://x.test/">博彩</a></div>',
            "文字颜色 #ffffff 与背景相同",
        ),
        (
            '<font color="white"><a href="http://x.test/">博彩</a></font>',
            "文字颜色 #ffffff 与背景相同",
        ),
        (f'<div class="hd">{BAD}</div>', "<div> display:none"),
        (f'<ul id="m"><li>{BAD}</li></ul>', "<ul> 移出屏幕 top:-500px"),
    ],
)
def test_each_hiding_trick_is_seen(markup: str, reason: str) -> None:
    style = ".hd { display : none } #m{position:absolute; top:-500px}"
    found = hidden_in(markup, style=style)
    assert len(found) == 1
    assert found[0].startswith(reason)


def test_a_visible_child_of_a_visibility_hidden_box_is_visible() -> None:
    assert (
        hidden_in(f'<div style="visibility:hidden"><span style="visibility:visible">{BAD}</span></div>') == []
    )


def test_a_hidden_link_without_a_bad_word_or_domain_is_left_alone() -> None:
    assert hidden_in('<div style="display:none"><a href="http://partner.example/">合作单位</a></div>') == []


def test_a_listed_domain_is_bad_without_any_keyword() -> None:
    found = hidden_in(
        '<div style="display:none"><a href="http://cdn.spam.test/x">友情链接</a></div>',
        bad_domains=("spam.test",),
    )
    assert found == ["<div> display:none（不显示）；黑名单域名 spam.test"]


def test_a_spam_looking_domain_is_bad_without_any_keyword() -> None:
    found = hidden_in('<div style="display:none"><a href="http://www.bocai88.test/">友情链接</a></div>')
    assert found == ["<div> display:none（不显示）；域名疑似垃圾网站（bocai）"]


def test_links_to_the_sites_own_domain_and_subdomains_are_never_reported() -> None:
    markup = (
        '<div style="display:none"><a href="/zt/bocai">博彩治理</a>'
        '<a href="http://news.gov.test/bocai">博彩治理</a>'
        '<a href="https://gov.test/">博彩治理</a></div>'
    )
    assert hidden_in(markup) == []


def test_the_live_page_reports_only_the_hidden_external_gambling_link(sites: Sites) -> None:
    resolver = LoopbackResolver()
    result = run_probe(
        sites.site + "/", checks=frozenset({Check.AVAILABILITY, Check.HIDDEN_LINKS}), resolver=resolver
    )
    assert result.content is not None
    assert [(h.href, h.text) for h in result.content.hidden_links] == [
        ("http://www.amdc-casino.test/hidden", "澳门赌场 博彩")
    ]
    assert result.content.hidden_links[0].why == "<div> display:none（不显示）；违规关键词 澳门赌场"
    assert [f.check for f in result.findings] == ["hidden_link"]
    assert resolver.asked == ["www.gov.test"]  # the links are read, never followed
    assert result.timings.dns is not None
