"""The monthly security report (网络安全月报) of a unit as docx, xlsx or pdf, from the figures the security app
stored in the report (``MonthlyReport.data``, built by ``security.selectors.build_monthly_figures``).

Coverage, checks run, new findings by severity and type, notices and their rectification rate, incidents and
SLA compliance, each beside last month's figure.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.security.choices import SeverityChoices

if TYPE_CHECKING:
    from jixiao.security.models import MonthlyReport

__all__ = ["TREND_KEYS", "write_monthly_report_docx", "write_monthly_report_pdf", "write_monthly_report_xlsx"]

TREND_KEYS = (
    ("assets_registered", "登记资产（个）"),
    ("assets_monitored", "监测覆盖资产（个）"),
    ("checks_run", "执行检查（次）"),
    ("findings_found", "新发现问题（个）"),
    ("notices_sent", "发出通报（份）"),
    ("risks_notified", "通报风险（个）"),
    ("warnings_issued", "发布预警（次）"),
    ("incidents_opened", "新发安全事件（起）"),
    ("incidents_handled", "处置完成事件（起）"),
    ("incidents_sla_compliance_percent", "事件按时处置率（%）"),
    ("key_incidents_handling_hours_max", "重点事件最长处置时间（小时）"),
)


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def _trend(current: Any, previous: Any) -> str:
    if current is None or previous is None:
        return "—"
    delta = Decimal(str(current)) - Decimal(str(previous))
    return f"+{delta}" if delta > 0 else str(delta)


def _rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [
            label,
            _shown(data["current"].get(key)),
            _shown(data["previous"].get(key)),
            _trend(data["current"].get(key), data["previous"].get(key)),
        ]
        for key, label in TREND_KEYS
    ]


def _title(data: dict[str, Any]) -> str:
    return f"{data['unit']} {data['year']}年{data['month']}月网络安全月报"


_TABLE_HEADER = ("指标", "本月", "上月", "变化")


def _summary(data: dict[str, Any]) -> str:
    return (
        f"本月监测覆盖率 {_shown(data['coverage_percent'])}%，通报问题整改率 {_shown(data['rectification_percent'])}%"
        f"（已复核整改 {data['rectified']} 个）。"
    )


def _count_sections(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The headed lists after the table (by severity, by type), shared by the docx and pdf writers."""
    labels = dict(SeverityChoices.choices)
    return [
        (
            "二、新发现问题（按严重程度）",
            [f"{labels.get(s, s)}：{n} 个" for s, n in data["findings_by_severity"].items()],
        ),
        (
            "三、新发现问题（按类型）",
            [f"{c}：{n} 个" for c, n in (data["findings_by_category"].items() or {"无": 0}.items())],
        ),
    ]


def write_monthly_report_docx(report: MonthlyReport, path: str | Path) -> Path:
    from docx import Document

    data = report.data
    document = Document()
    document.add_heading(_title(data), level=1)
    document.add_paragraph(_summary(data))
    document.add_heading("一、主要指标与上月对比", level=2)
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, _TABLE_HEADER, strict=True):
        cell.text = text
    for row in _rows(data):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for heading, lines in _count_sections(data):
        document.add_heading(heading, level=2)
        for line in lines:
            document.add_paragraph(line)
    target = Path(path)
    document.save(str(target))
    return target


def write_monthly_report_pdf(report: MonthlyReport, path: str | Path) -> Path:
    """The same report as the docx, as an A4 PDF with the Chinese font embedded (``reports.fonts``).

    Raises ``fonts.FontNotFoundError`` when no embeddable Chinese font is installed.
    """
    from xml.sax.saxutils import escape

    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Paragraph,
        SimpleDocTemplate,
        Table,
        TableStyle,
    )

    from jixiao.reports.fonts import register_cjk_font

    data = report.data
    font = register_cjk_font()

    def style(name: str, size: float, **extra: Any) -> Any:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK", **extra
        )

    title = style("title", 16, alignment=TA_CENTER, spaceAfter=4 * mm)
    heading = style("heading", 13, spaceBefore=4 * mm, spaceAfter=2 * mm)
    body = style("body", 10.5, spaceAfter=1.5 * mm)
    cell = style("cell", 9.5)
    story: list[Any] = [
        Paragraph(escape(_title(data)), title),
        Paragraph(escape(_summary(data)), body),
        Paragraph("一、主要指标与上月对比", heading),
    ]
    margin = 20 * mm
    width = A4[0] - 2 * margin
    grid = Table(
        [[Paragraph(escape(text), cell) for text in row] for row in [list(_TABLE_HEADER), *_rows(data)]],
        colWidths=[width * 0.46, width * 0.18, width * 0.18, width * 0.18],
        repeatRows=1,
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(grid)
    for section, lines in _count_sections(data):
        story.append(Paragraph(escape(section), heading))
        story.extend(Paragraph(escape(line), body) for line in lines)
    target = Path(path)
    SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=_title(data),
        author="jixiao",
        subject="网络安全月报",
    ).build(story)
    return target


def write_monthly_report_xlsx(report: MonthlyReport, path: str | Path) -> Path:
    from openpyxl import Workbook

    data = report.data
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "主要指标"
    sheet.append([_title(data)])
    sheet.append(["指标", "本月", "上月", "变化"])
    for row in _rows(data):
        sheet.append(row)
    sheet.append(["监测覆盖率（%）", _shown(data["coverage_percent"])])
    sheet.append(["通报问题整改率（%）", _shown(data["rectification_percent"])])
    findings = book.create_sheet("新发现问题")
    findings.append(["严重程度", "数量"])
    for severity, count in data["findings_by_severity"].items():
        findings.append([str(dict(SeverityChoices.choices).get(severity, severity)), count])
    findings.append([])
    findings.append(["类型", "数量"])
    for category, count in data["findings_by_category"].items():
        findings.append([category, count])
    target = Path(path)
    book.save(target)
    return target
