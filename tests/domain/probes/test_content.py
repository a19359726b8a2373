"""Content checks: normalised hashing, ignore rules, change size, keywords, defacement and cloaking."""

from __future__ import annotations

from jixiao.domain.probes.content import analyse, similarity
from jixiao.domain.probes.model import Check, ContentRules

from .conftest import Sites, checks_of, run_probe

PAGE = (
    "<html><head><style>p{color:red}</style><script>var t={stamp};</script></head><body>{body}</body></html>"
)


def page(body: str, stamp: str = "1") -> bytes:
    return PAGE.replace("{stamp}", stamp).replace("{body}", body).encode()


def text_of(body: bytes, rules: ContentRules | None = None) -> tuple[str, str]:
    facts = analyse(
        body, "text/html; charset=utf-8", "http://a.example/", rules or ContentRules(), own_hosts=()
    )
    return facts.content.text, facts.content.hash


def test_scripts_styles_and_whitespace_do_not_change_the_hash() -> None:
    first = text_of(page("<p>通知   公告</p>\n\n<p>第二段</p>", stamp="1"))
    second = text_of(page("<p>通知 公告</p><p>第二段</p>", stamp="2"))
    assert first[1] == second[1]
    assert first[0] == "通知 公告\n第二段"


def test_an_ignored_region_does_not_change_the_hash() -> None:
    rules = ContentRules(ignore_selectors=("div#clock", ".visits"))
    first = text_of(
        page('<p>正文</p><div id="clock">2024-01-01 10:00</div><span class="visits">12</span>'), rules
    )
    second = text_of(
        page('<p>正文</p><div id="clock">2024-01-02 11:30</div><span class="visits">99</span>'), rules
    )
    assert first[1] == second[1]
    assert first[0] == "正文"


def test_an_ignore_pattern_drops_dynamic_text() -> None:
    rules = ContentRules(ignore_patterns=(r"访问量：\d+",))
    assert (
        text_of(page("<p>首页 访问量：12</p>"), rules)[1]
        == text_of(page("<p>首页 访问量：3456</p>"), rules)[1]
    )


def test_sorted_lines_ignore_the_order_of_a_rotating_list() -> None:
    rules = ContentRules(sort_lines=True)
    assert text_of(page("<p>甲</p>\n<p>乙</p>"), rules)[1] == text_of(page("<p>乙</p>\n<p>甲</p>"), rules)[1]


def test_a_real_change_changes_the_hash() -> None:
    assert text_of(page("<p>通知</p>"))[1] != text_of(page("<p>通报</p>"))[1]


def test_gbk_pages_are_decoded() -> None:
    body = '<html><head><meta charset="gbk"></head><body><p>网络安全</p></body></html>'.encode("gbk")
    facts = analyse(body, "text/html", "http://a.example/", ContentRules(), own_hosts=())
    assert facts.content.text == "网络安全"


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>门户</title></head>'
        "<body><div>通知</div><div>公告<br/>第二行</div></body></html>"
    ).encode()
    facts = analyse(body, "text/html", "http://a.example/", ContentRules(), own_hosts=())
    assert facts.content.text == "门户\n通知\n公告\n第二行"


def test_block_tags_break_lines_whatever_their_case_and_attributes() -> None:
    text, _ = text_of(page('<DIV class="a">一</DIV><p\nid="x">二</p><span>三</span><span>四</span>'))
    assert text == "一\n二\n三四"


def test_similarity_measures_the_share_of_lines_kept() -> None:
    assert similarity("a\nb\nc\nd", "a\nb\nc\nd") == 1.0
    assert similarity("a\nb\nc\nd", "a\nb\nc\nx") == 0.75
    assert similarity("a\nb", "x\ny") == 0.0


def test_keywords_are_found_by_category_longest_first() -> None:
    body = page("<p>Hacked by someone 澳门赌场 成人视频</p>")
    facts = analyse(body, "text/html", "http://a.example/", ContentRules(), own_hosts=())
    assert {(k.category, k.keyword) for k in facts.content.keywords} == {
        ("defacement", "hacked by"),
        ("gambling", "澳门赌场"),
        ("porn", "成人视频"),
    }


def test_the_state_lottery_and_hacker_news_are_not_keywords() -> None:
    facts = analyse(
        page("<p>防范黑客攻击 中国福利彩票发行</p>"),
        "text/html",
        "http://a.example/",
        ContentRules(),
        own_hosts=(),
    )
    assert facts.content.keywords == ()


CONTENT_ONLY = frozenset({Check.AVAILABILITY, Check.CONTENT})


def test_a_defaced_page_is_critical_against_its_baseline(sites: Sites) -> None:
    before = run_probe(sites.deface + "/before", checks=CONTENT_ONLY)
    assert before.baseline is not None
    assert not [c for c in checks_of(before) if c.startswith("content.")]
    after = run_probe(sites.deface + "/after", checks=CONTENT_ONLY, baseline=before.baseline)
    assert after.content is not None
    assert after.content.similarity is not None
    assert after.content.similarity < 0.5
    severities = {f.check: f.severity for f in after.findings}
    assert severities["content.defacement"] == "critical"
    assert severities["content.change"] == "high"
    assert severities["content.keyword"] == "high"


def test_a_small_edit_is_a_low_change_and_no_defacement(sites: Sites) -> None:
    before = run_probe(sites.deface + "/before", checks=CONTENT_ONLY)
    edited = run_probe(sites.deface + "/edited", checks=CONTENT_ONLY, baseline=before.baseline)
    assert edited.content is not None
    assert edited.content.similarity is not None
    assert 0.8 < edited.content.similarity < 1.0
    assert [(f.check, f.severity) for f in edited.findings] == [("content.change", "low")]


def test_an_unchanged_page_has_similarity_one_and_no_finding(sites: Sites) -> None:
    before = run_probe(sites.deface + "/before", checks=CONTENT_ONLY)
    again = run_probe(sites.deface + "/before", checks=CONTENT_ONLY, baseline=before.baseline)
    assert again.content is not None
    assert again.content.similarity == 1.0
    assert again.findings == ()


def test_cloaking_for_baiduspider_is_caught(sites: Sites) -> None:
    result = run_probe(sites.cloak + "/", checks=frozenset({Check.AVAILABILITY, Check.CLOAKING}))
    cloaking = [f for f in result.findings if f.check == "cloaking"]
    assert len(cloaking) == 1
    assert cloaking[0].severity == "critical"
    assert "六合彩" in cloaking[0].message


def test_a_site_serving_everyone_the_same_page_is_not_cloaking(sites: Sites) -> None:
    result = run_probe(sites.deface + "/before", checks=frozenset({Check.AVAILABILITY, Check.CLOAKING}))
    assert "cloaking" not in checks_of(result)
