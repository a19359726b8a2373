"""Excel .xlsx → ``Grid``: every row of every worksheet, cells as text, merged ranges given once.

Locations are ``sheet S, cell B7``. A merged range keeps its value at the top-left cell; every other cell of
the range is empty text, even when the writing program repeated the value there. Fully empty rows are
skipped, and row numbers stay those of the sheet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jixiao.domain.forms.grid import Cell, Grid, Row
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers.safety import Budget, Place, cell_text, check_zip, library_errors
from jixiao.domain.forms.readers.values import value_text

WHAT = "Excel工作簿"

# Merge ranges sit after the cells in the sheet XML; read-only openpyxl does not report them, so the raw XML
# is scanned for them (it was already checked by ``check_zip``).
_MERGE = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)[\"']"
)
# A cell holding a formula and no cached value (a file written by a program that does not compute formulas,
# or `=8个` typed where text was meant): read-only openpyxl gives None for it, so the raw XML tells.
_NS = rb"(?:[\w.-]+:)?"
_FORMULA = re.compile(
    rb"<" + _NS + rb"c\b[^>]{0,300}?\br\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7})[\"'][^>]{0,300}>\s*"
    rb"<" + _NS + rb"f\b[^>]{0,300}>([^<]{0,1000})</" + _NS + rb"f>\s*"
    rb"(?:<" + _NS + rb"v\s*/>|<" + _NS + rb"v>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>"
)
# What a person typed after `=` meaning text, not a formula: a number with a unit, or words.
_LITERAL = re.compile(r"^\s*[-+]?(?:\d[\d,.]*\s*)?[\u4e00-\u9fff%‰/]*\s*$")
_SCAN_CHUNK = 1024 * 1024
_SCAN_OVERLAP = 512
MAX_MERGES = 100_000

Range = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row


def read_xlsx(path: Path, name: str) -> Grid:
    """Read a .xlsx file into a grid; every failure is a ``FormReadError`` naming ``name``."""
    check_zip(path, name, WHAT)
    with library_errors(name, WHAT) as place:
        import openpyxl

        # A stream, not a path: given a path, openpyxl refuses any name not ending in .xlsx/.xlsm, and an
        # upload may be stored under any name.
        with path.open("rb") as stream:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True, keep_links=False)
            try:
                rows: list[Row] = []
                notes: list[tuple[str, Location]] = []
                budget = Budget()
                for sheet in workbook.worksheets:
                    if not hasattr(sheet, "iter_rows"):
                        continue  # a chart sheet has no cells
                    place.location = Location(name, sheet=sheet.title)
                    rows.extend(_sheet_rows(sheet, name, place, budget, notes))
                return Grid(source=name, rows=rows, notes=notes)
            finally:
                workbook.close()


def _sheet_rows(
    sheet: Any, name: str, place: Place, budget: Budget, notes: list[tuple[str, Location]]
) -> Iterator[Row]:
    title = str(sheet.title)
    formulas: dict[tuple[int, int], str] = {}
    merges = Merges(_merged_ranges(sheet, name, title, formulas))
    # The declared dimension can claim A1:XFD1048576 and have every row padded to it; trust the cells.
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(), start=1):
        where = Location(name, sheet=title, row=number)
        place.location = where
        budget.visit(number, len(values), where)
        if not values:
            continue
        covered = merges.covering(number)
        cells: list[Cell] = []
        for column, value in enumerate(values, start=1):
            raw = getattr(value, "value", None)
            at = Location(name, sheet=title, row=number, column=column)
            if raw is None and (number, column) in formulas:
                cells.append(Cell(_formula_text(formulas[(number, column)], at, notes), at))
                continue
            if raw is None or (covered and is_continuation(covered, number, column)):
                cells.append(Cell("", at))
                continue
            place.location = at
            cells.append(Cell(cell_text(value_text(raw, value.number_format), at), at))
        while cells and not cells[-1].text:
            cells.pop()
        if cells:
            yield Row(cells, where)


def _formula_text(formula: str, at: Location, notes: list[tuple[str, Location]]) -> str:
    """A formula cell without a cached value: `=8个` is text typed after `=`, read as written; a real formula
    (`=SUM(B2:B9)`) was never computed, so the cell is empty. Either way a note says so."""
    if _LITERAL.match(formula) and formula.strip():
        notes.append(
            (f"公式单元格“={formula}”没有计算结果，按公式文字读取；请在Excel中打开并保存后再上传", at)
        )
        return cell_text(f"={formula}", at)
    notes.append((f"公式“={formula[:60]}”没有计算结果，未读取；请在Excel中打开并保存后再上传", at))
    return ""


def is_continuation(ranges: list[Range], row: int, column: int) -> bool:
    return any(
        c1 <= column <= c2 and r1 <= row <= r2 and (row, column) != (r1, c1) for c1, r1, c2, r2 in ranges
    )


class Merges:
    """Merge ranges handed out row by row, so each cell is checked only against ranges over its row."""

    def __init__(self, ranges: list[Range]) -> None:
        self._pending = sorted(ranges, key=lambda r: r[1], reverse=True)
        self._active: list[Range] = []

    def covering(self, row: int) -> list[Range]:
        while self._pending and self._pending[-1][1] <= row:
            self._active.append(self._pending.pop())
        self._active = [r for r in self._active if r[3] >= row]
        return self._active


def _merged_ranges(sheet: Any, name: str, title: str, formulas: dict[tuple[int, int], str]) -> list[Range]:
    """The merged ranges of a sheet; formulas without a cached value go into ``formulas`` by (row, column)."""
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    open_source = getattr(sheet, "_get_source", None)
    if open_source is None:
        return []
    ranges: list[Range] = []
    tail = b""
    with open_source() as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            data = tail + chunk
            last_end = 0
            if b"f>" in data:
                for match in _FORMULA.finditer(data):
                    row, column = coordinate_to_tuple(match.group(1).decode("ascii").upper())
                    formulas[(row, column)] = html.unescape(match.group(2).decode("utf-8", "replace"))
            for match in _MERGE.finditer(data):
                bounds = range_boundaries(match.group(1).decode("ascii").upper())
                if None not in bounds:
                    c1, r1, c2, r2 = (int(b) for b in bounds if b is not None)
                    ranges.append((min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)))
                last_end = match.end()
            if len(ranges) > MAX_MERGES:
                raise FormReadError(
                    f"合并单元格超过{MAX_MERGES:,}处，绩效表不会这么多", Location(name, sheet=title)
                )
            tail = data[max(last_end, len(data) - _SCAN_OVERLAP) :]
    return ranges
