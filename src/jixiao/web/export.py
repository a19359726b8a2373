"""The xlsx export of a list: the table's columns, in the order and with the filters the page shows."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

import django_tables2 as tables
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jixiao.web.templatetags.jixiao_format import DASH, light_word

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CENT = Decimal("0.01")
_WAN = Decimal(10000)
MONEY_COLUMNS = {"budget", "executed"}


def cell_value(name: str, record: dict[str, Any], shown: Any) -> Any:
    """Money as a number of 万元 (two decimals), the rate as a number, the light as its word; else the text."""
    raw = record.get(name)
    if name in MONEY_COLUMNS:
        return None if raw is None else (Decimal(raw) / _WAN).quantize(_CENT, ROUND_HALF_UP)
    if name == "rate":
        return None if raw is None else Decimal(raw).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if name == "light":
        colour = record.get("colour")
        return f"{light_word(colour)}灯" if colour and colour != "none" else "无灯"
    text = str(shown)
    return None if text == DASH else text


def table_xlsx(table: tables.Table, title: str, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    columns = [c for c in table.columns if c.visible]
    sheet.append([str(c.header) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in table.rows:
        values = []
        for column in columns:
            shown = row.get_cell_value(column.name)
            values.append(cell_value(column.name, row.record, shown))
        sheet.append(values)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 40 if column.name == "name" else 16
        if column.name in MONEY_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0.00"
        if column.name == "rate":
            for cell in sheet[letter][1:]:
                cell.number_format = '0.0"%"'
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = attachment(f"{filename}_{stamp}.xlsx")
    return response


def attachment(filename: str) -> str:
    """A Content-Disposition that keeps a Chinese file name (RFC 6266 ``filename*``) with an ASCII fallback."""
    from django.utils.http import content_disposition_header

    header = content_disposition_header(as_attachment=True, filename=filename)
    assert header is not None
    return header
