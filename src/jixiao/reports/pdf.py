"""The self-evaluation report (绩效自评报告) as a PDF (reportlab platypus): A4, the Chinese font embedded as a
subset, "第 N 页，共 M 页" at the foot of every page. Same content as the Word report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import registerFontFamily  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from jixiao.domain.forms.model import FormDocument
from jixiao.domain.scoring.engine import Evaluation
from jixiao.reports.content import ReportTable, build_selfeval_report
from jixiao.reports.fonts import register_cjk_font

__all__ = ["write_selfeval_report"]

_MARGIN = 20 * mm


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
    """Write the 绩效自评报告 of ``form`` scored as ``evaluation`` to ``path`` (.pdf). Returns ``path``.

    Raises ``fonts.FontNotFoundError`` when no embeddable Chinese font is installed.
    """
    report = build_selfeval_report(
        form,
        evaluation,
        conclusion=conclusion,
        problems=problems,
        improvements=improvements,
        review_note=review_note,
    )
    font = register_cjk_font()
    # One face serves every weight: <b> in a paragraph must not fall back to a font without Chinese glyphs.
    registerFontFamily(font, normal=font, bold=font, italic=font, boldItalic=font)
    styles = _Styles(font)
    story: list[Any] = [
        Paragraph(escape(report.title), styles.title),
        Paragraph(escape(report.subtitle), styles.subtitle),
        Spacer(1, 4 * mm),
    ]
    for section in report.sections:
        story.append(Paragraph(escape(section.heading), styles.heading))
        story.extend(Paragraph(_markup(text), styles.body) for text in section.paragraphs)
        if section.table is not None:
            story.append(_table(section.table, styles))
            story.append(Spacer(1, 3 * mm))
        story.extend(Paragraph(_markup(text), styles.body) for text in section.after)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=report.title,
        author="jixiao",
        subject="绩效自评报告",
    )
    doc.build(story, canvasmaker=_numbered_canvas(font))
    return path


def _markup(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


class _Styles:
    def __init__(self, font: str) -> None:
        def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
            return ParagraphStyle(
                name, fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK", **extra
            )

        self.title = style("title", 18, alignment=TA_CENTER, spaceAfter=2 * mm)
        self.subtitle = style("subtitle", 11, alignment=TA_CENTER)
        self.heading = style("heading", 13, spaceBefore=4 * mm, spaceAfter=2 * mm)
        self.body = style("body", 10.5, firstLineIndent=21, spaceAfter=1.5 * mm)
        self.cell = style("cell", 8.5)
        self.cell_centre = style("cell_centre", 8.5, alignment=TA_CENTER)
        self.header = style("header", 8.5, alignment=TA_CENTER, textColor=colors.black)


def _table(table: ReportTable, styles: _Styles) -> Table:
    width = A4[0] - 2 * _MARGIN
    total = sum(table.widths)
    widths = [width * w / total for w in table.widths]
    data = [[Paragraph(_markup(text), styles.header) for text in table.header]]
    for row in table.rows:
        data.append(
            [
                Paragraph(_markup(text), styles.cell_centre if c in table.numeric_columns else styles.cell)
                for c, text in enumerate(row)
            ]
        )
    grid = Table(data, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return grid


def _numbered_canvas(font: str) -> type:
    """A canvas that holds every page until the end, so each footer can say how many pages there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.drawCentredString(A4[0] / 2, 10 * mm, f"第 {self._pageNumber} 页，共 {count} 页")
                super().showPage()
            super().save()

    return NumberedCanvas
