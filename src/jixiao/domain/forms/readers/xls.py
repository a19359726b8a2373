"""Excel 97-2003 .xls → ``Grid`` through xlrd, with the same cell text rules as the .xlsx reader.

Locations are ``sheet S, cell B7``; merged ranges keep their value at the top-left cell only; fully empty
rows are skipped and row numbers stay those of the sheet.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from jixiao.domain.forms.grid import Cell, Grid, Row
from jixiao.domain.forms.model import Location
from jixiao.domain.forms.readers.safety import Budget, cell_text, check_file, library_errors
from jixiao.domain.forms.readers.values import date_text, number_text
from jixiao.domain.forms.readers.xlsx import Merges, Range, is_continuation

WHAT = "Excel工作簿（.xls）"

_EMPTY, _TEXT, _NUMBER, _DATE, _BOOLEAN, _ERROR, _BLANK = range(7)


def read_xls(path: Path, name: str) -> Grid:
    """Read a .xls file into a grid; every failure is a ``FormReadError`` naming ``name``."""
    check_file(path, name)
    data = path.read_bytes()
    with library_errors(name, WHAT, lambda error: _describe(error, data)) as place:
        import xlrd

        # xlrd reports merged ranges and number formats only with formatting_info; its chatter goes nowhere.
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,
            ragged_rows=True,
            logfile=io.StringIO(),
            on_demand=False,
        )
        try:
            rows: list[Row] = []
            budget = Budget()
            for sheet in book.sheets():
                title = str(sheet.name)
                place.location = Location(name, sheet=title)
                merges = Merges([_range(m) for m in sheet.merged_cells])
                for index in range(sheet.nrows):
                    number = index + 1
                    where = Location(name, sheet=title, row=number)
                    place.location = where
                    width = sheet.row_len(index)
                    budget.visit(number, width, where)
                    covered = merges.covering(number)
                    cells: list[Cell] = []
                    for column in range(1, width + 1):
                        at = Location(name, sheet=title, row=number, column=column)
                        if covered and is_continuation(covered, number, column):
                            cells.append(Cell("", at))
                            continue
                        place.location = at
                        raw = _cell_value(book, sheet.cell(index, column - 1), xlrd)
                        cells.append(Cell(cell_text(raw, at), at))
                    while cells and not cells[-1].text:
                        cells.pop()
                    if cells:
                        rows.append(Row(cells, where))
            return Grid(source=name, rows=rows)
        finally:
            book.release_resources()


def _range(merged: tuple[int, int, int, int]) -> Range:
    row_low, row_high, col_low, col_high = merged
    # xlrd gives 0-based half-open ranges; ours are 1-based and inclusive.
    return (col_low + 1, row_low + 1, max(col_high, col_low + 1), max(row_high, row_low + 1))


def _cell_value(book: Any, cell: Any, xlrd: Any) -> str:
    kind = cell.ctype
    if kind in (_EMPTY, _BLANK):
        return ""
    if kind == _TEXT:
        return str(cell.value)
    if kind == _BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == _ERROR:
        return str(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
    value = float(cell.value)
    if kind == _DATE:
        try:
            moment = xlrd.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError):
            # Out of the date range: the stored number is all there is, so give it as a number.
            return number_text(value)
        if 0 <= value < 1:
            return str(moment.time().isoformat(timespec="seconds"))
        return date_text(moment)
    if value.is_integer() and abs(value) < 2**53:
        return number_text(int(value), _number_format(book, cell))
    return number_text(value, _number_format(book, cell))


def _number_format(book: Any, cell: Any) -> str:
    try:
        key = book.xf_list[cell.xf_index].format_key
        return str(book.format_map[key].format_str)
    except (IndexError, KeyError, AttributeError, TypeError):
        return "General"


def _describe(error: Exception, data: bytes) -> str | None:
    message = str(error)
    if "encrypted" in message.lower():
        return f"{WHAT}设有密码，请取消密码后重新保存再上传"
    if "Can't find workbook" in message:
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "这是设有密码的Office文件，请取消密码后重新保存再上传"
        if "WordDocument".encode("utf-16-le") in data:
            return "这是旧版Word文件（.doc），无法读取，请另存为.docx后上传"
        return f"不是{WHAT}（文件里没有工作簿）"
    module = type(error).__module__
    if module.startswith("xlrd"):
        if type(error).__name__ == "CompDocError":
            return f"{WHAT}已损坏（文件结构被破坏），请重新保存后上传"
        return f"{WHAT}已损坏或不是Excel文件，请重新保存后上传"
    return None
