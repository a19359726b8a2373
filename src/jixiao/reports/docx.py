"""The self-evaluation report (绩效自评报告) as a Word file (python-docx): A4, Chinese fonts, page numbers.

The content comes from ``content.build_selfeval_report``, shared with the PDF writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from jixiao.domain.forms.model import FormDocument
from jixiao.domain.scoring.engine import Evaluation
from jixiao.reports.content import ReportTable, build_selfeval_report

__all__ = ["write_selfeval_report"]

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
_TEXT_WIDTH_MM = 170.0  # A4 (210 mm) less two 20 mm margins


def write_selfeval_report(
    form: FormDocument,
    evaluation: Evaluation,
    path: Path,
    *,
    conclusion: str | None = None,
    problems: str | None = None,
    improvements: str | None = None,
    review_note: str | None = None,
) -> Path:
    """Write the 绩效自评报告 of ``form`` scored as ``evaluation`` to ``path`` (.docx). Returns ``path``."""
    report = build_selfeval_report(
        form,
        evaluation,
        conclusion=conclusion,
        problems=problems,
        improvements=improvements,
        review_note=review_note,
    )
    doc = Document()
    _page_setup(doc)
    _styles(doc)

    title = doc.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = doc.add_paragraph(report.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for section in report.sections:
        doc.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            _paragraph(doc, text)
        if section.table is not None:
            _table(doc, section.table)
        for text in section.after:
            _paragraph(doc, text)
    doc.save(str(path))
    return path


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the viewer fills in when it lays out the pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, shown, end):
        run._r.append(element)


def _set_font(style_or_run: Any, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    # Word takes Chinese glyphs from the East Asian font slot, which ``font.name`` does not set.
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, 12)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    _set_font(doc.styles["Title"], HEADING_FONT, 20, bold=True)
    title_format = doc.styles["Title"].paragraph_format
    title_format.space_after = Pt(6)
    # The Title style draws a rule under the text; an official report has none.
    ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    heading = doc.styles["Heading 1"]
    _set_font(heading, HEADING_FONT, 15, bold=True)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)


def _paragraph(doc: Any, text: str) -> None:
    paragraph = doc.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(24)


def _table(doc: Any, table: ReportTable) -> None:
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    total = sum(table.widths)
    widths = [Mm(_TEXT_WIDTH_MM * w / total) for w in table.widths]
    # Word reads the cell widths, LibreOffice the grid's: set both, and a fixed layout so neither re-flows.
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for r, values in enumerate([table.header, *table.rows]):
        row = grid.rows[r]
        if r == 0:
            # The header row repeats at the top of every page the table runs onto.
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(header)
        for c, text in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            if r == 0:
                shade = OxmlElement("w:shd")
                shade.set(qn("w:val"), "clear")
                shade.set(qn("w:color"), "auto")
                shade.set(qn("w:fill"), "E8E8E8")
                cell._tc.get_or_add_tcPr().append(shade)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = 1.1
            paragraph.paragraph_format.space_after = Pt(0)
            if r == 0 or c in table.numeric_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            lines = text.split("\n")
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = Pt(9)
                run.bold = r == 0
                if i < len(lines) - 1:
                    run.add_break()
    doc.add_paragraph()
