"""The 绩效自评报告 in Word and PDF: headings, the scoring table with methods, the total, an embedded font."""

from __future__ import annotations

from pathlib import Path

import docx
import pdfplumber
from docx.oxml.ns import qn

from jixiao.reports import docx as report_docx
from jixiao.reports import pdf as report_pdf
from jixiao.reports.content import build_selfeval_report

from .conftest import PROJECT, Scored

TEXTS = {
    "conclusion": "项目总体完成较好。",
    "problems": "属地账号数量未达目标。",
    "improvements": "开展存量账号排查。",
}
HEADINGS = [
    "一、项目概况",
    "二、资金投入和执行情况",
    "三、绩效目标及完成情况",
    "四、绩效指标完成情况及评分",
    "五、自评结论",
    "六、存在的问题及改进措施",
]


def test_the_word_report_has_the_sections_as_headings(scored: Scored, tmp_path: Path) -> None:
    path = report_docx.write_selfeval_report(scored.form, scored.evaluation, tmp_path / "r.docx", **TEXTS)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == f"{PROJECT}绩效自评报告"
    assert document.paragraphs[0].style is not None
    assert document.paragraphs[0].style.name == "Title"
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == HEADINGS
    body = "\n".join(p.text for p in document.paragraphs)
    assert "自评总分97.38分（满分100分），评价等级：优。" in body
    for text in TEXTS.values():
        assert text in body


def test_the_word_report_tables_give_every_score_its_method(scored: Scored, tmp_path: Path) -> None:
    path = report_docx.write_selfeval_report(scored.form, scored.evaluation, tmp_path / "r.docx")
    funds, indicators = docx.Document(str(path)).tables
    assert [c.text for c in funds.rows[1].cells] == ["150.00", "150.00", "138.345678", "92.23%", "10", "9.22"]
    assert [c.text for c in indicators.rows[0].cells] == [
        "指标",
        "指标值",
        "实际完成值",
        "分值",
        "得分",
        "计分方法及过程",
    ]
    assert len(indicators.rows) == 1 + len(scored.evaluation.indicators)
    row = next(r for r in indicators.rows if "管理属地网站" in r.cells[0].text)
    assert [c.text for c in row.cells[1:5]] == ["≥4万家", "3.6万家", "3.34", "3.01"]
    assert row.cells[5].text.startswith("【正向指标】实际值36000家<目标值40000家")
    # The header row repeats on every page the table runs onto.
    assert indicators.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_the_word_report_is_a4_with_page_numbers(scored: Scored, tmp_path: Path) -> None:
    path = report_docx.write_selfeval_report(scored.form, scored.evaluation, tmp_path / "r.docx")
    section = docx.Document(str(path)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml
    assert "NUMPAGES" in footer_xml


def test_the_pdf_embeds_the_chinese_font_and_says_the_total(scored: Scored, tmp_path: Path) -> None:
    path = report_pdf.write_selfeval_report(scored.form, scored.evaluation, tmp_path / "r.pdf", **TEXTS)
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        sizes = {(round(page.width), round(page.height)) for page in pdf.pages}
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
        embedded = _embedded_font_names(pdf)
        pages = len(pdf.pages)
    assert sizes == {(595, 842)}  # A4 in points
    assert PROJECT in text.replace("\n", "")
    assert "97.38" in text
    assert "评价等级：优" in text
    assert pages > 1
    assert f"第 1 页，共 {pages} 页" in text
    assert f"第 {pages} 页，共 {pages} 页" in text
    assert fonts
    assert all("WenQuanYi" in name for name in fonts)
    assert any("WenQuanYi" in name for name in embedded)


def _embedded_font_names(pdf: pdfplumber.PDF) -> set[str]:
    """Base names of the fonts that carry their own outlines (a FontFile2 stream: embedded TrueType)."""
    from pdfminer.pdftypes import resolve1

    names: set[str] = set()
    for page in pdf.pages:
        resources = resolve1(page.page_obj.resources) or {}
        for font in (resolve1(resources.get("Font")) or {}).values():
            font = resolve1(font)
            descriptor = resolve1(font.get("FontDescriptor"))
            if descriptor and any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3")):
                names.add(str(resolve1(font.get("BaseFont"))))
    return names


def test_the_report_lists_the_rule_of_each_method_used(scored: Scored) -> None:
    report = build_selfeval_report(scored.form, scored.evaluation)
    section = report.sections[3]
    assert section.after[0] == "计分方法说明："
    assert any(line.startswith("正向指标：实际值达到目标值得满分") for line in section.after)
    assert any(line.startswith("不适用：") for line in section.after)
    assert not any(line.startswith("反向指标") for line in section.after)  # none of the seed's rows is one


def test_an_incomplete_evaluation_gets_no_grade(scored: Scored, tmp_path: Path) -> None:
    from jixiao.domain.scoring.engine import evaluate

    scored.form.indicators[1].actual = None  # the first annual indicator (rows alternate 中期 / 年度)
    evaluation = evaluate(scored.form)
    assert evaluation.grade is None
    report = build_selfeval_report(scored.form, evaluation)
    assert report.grade_text.startswith("不评定等级")
    path = report_pdf.write_selfeval_report(scored.form, evaluation, tmp_path / "r.pdf")
    with pdfplumber.open(path) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "无法计分" in text


def test_missing_texts_are_said_to_be_missing_not_invented(scored: Scored, tmp_path: Path) -> None:
    scored.form.goal_annual_achieved = None
    path = report_docx.write_selfeval_report(scored.form, scored.evaluation, tmp_path / "r.docx")
    body = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "实际完成情况：（未填写）" in body
    assert "存在的问题：（未填写）" in body


def test_the_report_prints_a_review_override_with_the_conclusion(scored: Scored) -> None:
    note = (
        "定稿说明：目标表有1条审核错误，由张审核越过审核意见定稿，原因：另行修正。审核错误：[cost-operator] …"
    )

    report = build_selfeval_report(scored.form, scored.evaluation, **TEXTS, review_note=note)

    conclusion = next(s for s in report.sections if s.heading == "五、自评结论")
    assert conclusion.paragraphs[1:3] == [TEXTS["conclusion"], note]
    plain = build_selfeval_report(scored.form, scored.evaluation, **TEXTS)
    assert not [p for s in plain.sections for p in s.paragraphs if p.startswith("定稿说明")]


def test_the_word_report_carries_the_review_override(scored: Scored, tmp_path: Path) -> None:
    note = "定稿说明：目标表有1条审核错误，由张审核越过审核意见定稿，原因：另行修正。"
    path = report_docx.write_selfeval_report(
        scored.form, scored.evaluation, tmp_path / "r.docx", **TEXTS, review_note=note
    )
    assert note in [p.text for p in docx.Document(str(path)).paragraphs]
