"""PDF → ``Grid`` through pdfplumber: ruled tables as rows of cells, other text one row per line.

Locations: a table cell is ``page P, table T, row R, column C`` (tables counted per page); a line of text
outside tables is ``page P, line L`` (lines counted per page, outside tables). On each page, tables and
lines come in top-to-bottom order. A cell spanned by a merged cell is empty text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jixiao.domain.forms.deadline import check_deadline
from jixiao.domain.forms.grid import Cell, Grid, Row
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers.safety import (
    MAX_PDF_PAGES,
    Budget,
    cell_text,
    check_pdf_streams,
    library_errors,
)

WHAT = "PDF文件"

Box = tuple[float, float, float, float]


def read_pdf(path: Path, name: str, *, on_page: Callable[[int], None] | None = None) -> Grid:
    """Read a PDF with a text layer into a grid; every failure is a ``FormReadError`` naming ``name``.

    Unbounded inside pdfminer: callers read it through ``readers.isolated`` (a child process with a deadline
    and a memory limit). ``on_page`` hears each page's number as its reading starts."""
    check_pdf_streams(path, name)
    with library_errors(name, WHAT, _describe) as place:
        import pdfplumber

        with _closing(pdfplumber.open(path)) as pdf:
            stated = _stated_pages(pdf)
            if stated > MAX_PDF_PAGES:
                # Refused from the page tree's own count, before thousands of page objects are built.
                raise FormReadError(
                    _too_many(stated),
                    place.location,
                )
            pages = pdf.pages
            if len(pages) > MAX_PDF_PAGES:
                raise FormReadError(
                    _too_many(len(pages)),
                    place.location,
                )
            rows: list[Row] = []
            budget = Budget()
            has_text = False
            for number, page in enumerate(pages, start=1):
                place.location = Location(name, page=number)
                if on_page is not None:
                    on_page(number)
                check_deadline(place.location)
                try:
                    _check_page(page, place.location)
                    if page.chars:
                        has_text = True
                        rows.extend(_page_rows(page, name, number, budget))
                        check_deadline(place.location)
                finally:
                    # pdfplumber caches every parsed object of a page; a long file would keep them all.
                    page.close()
        if not has_text:
            extent = f"第1–{len(pages)}页都" if len(pages) > 1 else "第1页" if pages else "全文"
            raise FormReadError(
                f"PDF没有可读取的文字（{extent}没有文字，可能是扫描件或文件已损坏），请提供文字版PDF或Excel版",
                Location(name) if not pages else Location(name, page=1),
            )
        return Grid(source=name, rows=rows)


MAX_PAGE_CHARS = 60_000
"""Characters on one page: a dense A4 page of Chinese holds about 3,000; more is not a form."""
MAX_PAGE_OBJECTS = 20_000
"""Lines, rectangles and curves on one page: table finding compares them in pairs."""


MAX_PAGE_CONTENT_BYTES = 4 * 1024 * 1024
"""The decoded content streams of one page: a dense form page takes a few hundred kilobytes."""
MAX_PAGE_OPERATORS = 40_000
"""Text-showing or path operators in a page's content: each becomes a glyph or a shape to lay out."""
_SHOW_OR_PATH = re.compile(rb"(?<![^\s\])>])(?:Tj|TJ|'|\"|re|m|l|c|v|y)(?=[\s\[(/<]|$)")


def _too_many(pages: int) -> str:
    return (
        f"PDF共{pages:,}页，超过上限{MAX_PDF_PAGES:,}页（第{MAX_PDF_PAGES + 1:,}–{pages:,}页超出），"
        "绩效表不会这么长，已拒绝读取"
    )


@contextmanager
def _closing(pdf: Any) -> Iterator[Any]:
    """pdfplumber's own close builds every page object first (to close each); a file refused for its page
    count would build thousands. Only the pages built are closed."""
    try:
        yield pdf
    finally:
        pdf.flush_cache()
        for page in getattr(pdf, "_pages", []):
            page.close()
        if not pdf.stream_is_external:
            pdf.stream.close()


def _stated_pages(pdf: Any) -> int:
    """The page count the page tree states (0 when it states none or cannot be read)."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # a damaged tree states nothing; the pages are counted as they are built
        return 0
    return count if isinstance(count, int) else 0


def _check_content(page: Any, where: Location) -> None:
    """Refuse a page whose content would take pdfminer long to interpret, before it interprets it: the
    content streams are decoded (bounded by the whole file's check) and their operators counted."""
    streams = getattr(page.page_obj, "contents", None) or []
    size = 0
    operators = 0
    for stream in streams:
        data = stream.get_data() if hasattr(stream, "get_data") else b""
        size += len(data)
        if size > MAX_PAGE_CONTENT_BYTES:
            raise FormReadError(
                f"这一页的内容超过{MAX_PAGE_CONTENT_BYTES // (1024 * 1024)}MB，绩效表远没有这么大，已拒绝读取",
                where,
            )
        operators += len(_SHOW_OR_PATH.findall(data))
        if operators > MAX_PAGE_OPERATORS:
            raise FormReadError(
                f"这一页绘制的文字和图形超过{MAX_PAGE_OPERATORS:,}个，绩效表远没有这么多，已拒绝读取",
                where,
            )


def _check_page(page: Any, where: Location) -> None:
    """Refuse a page whose text or drawing is far beyond any form's before the costly layout work."""
    _check_content(page, where)
    chars = len(page.chars)
    if chars > MAX_PAGE_CHARS:
        raise FormReadError(f"这一页有{chars:,}个字符，超过上限{MAX_PAGE_CHARS:,}个，已拒绝读取", where)
    objects = len(page.lines) + len(page.rects) + len(page.curves)
    if objects > MAX_PAGE_OBJECTS:
        raise FormReadError(
            f"这一页有{objects:,}条线和图形，超过上限{MAX_PAGE_OBJECTS:,}个，已拒绝读取",
            where,
        )


def _page_rows(page: Any, name: str, number: int, budget: Budget) -> list[Row]:
    placed: list[tuple[float, list[Row]]] = []
    tables = page.find_tables()
    boxes: list[Box] = []
    for table_number, table in enumerate(tables, start=1):
        boxes.append(tuple(table.bbox))
        table_rows: list[Row] = []
        for row_number, values in enumerate(table.extract(), start=1):
            where = Location(name, page=number, table=table_number, row=row_number)
            cells = [
                Cell(cell_text(value or "", at), at)
                for column, value in enumerate(values, start=1)
                for at in [Location(name, page=number, table=table_number, row=row_number, column=column)]
            ]
            while cells and not cells[-1].text:
                cells.pop()
            if cells:
                budget.add(len(cells), where)
                table_rows.append(Row(cells, where))
        placed.append((float(table.bbox[1]), table_rows))
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for line_number, line in enumerate(outside.extract_text_lines(strip=True), start=1):
        where = Location(name, page=number, line=line_number)
        text = cell_text(str(line.get("text", "")), where)
        if text:
            budget.add(1, where)
            placed.append((float(line.get("top", 0.0)), [Row([Cell(text, where)], where)]))
    # Stable: a line and a table starting at the same height keep tables first, as found.
    placed.sort(key=lambda item: item[0])
    return [row for _, rows in placed for row in rows]


def _inside(obj: dict[str, Any], boxes: list[Box]) -> bool:
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    y = (float(obj["top"]) + float(obj["bottom"])) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _describe(error: Exception) -> str | None:
    cause: BaseException = error
    # pdfplumber wraps pdfminer's exception as the first argument of its own.
    if (
        type(error).__name__ == "PdfminerException"
        and error.args
        and isinstance(error.args[0], BaseException)
    ):
        cause = error.args[0]
    kind = type(cause).__name__
    if kind == "PDFPasswordIncorrect":
        return "PDF设有密码，请取消密码后重新保存再上传"
    if kind in ("PDFEncryptionError", "PDFTextExtractionNotAllowed") or "encrypt" in str(cause).lower():
        return "PDF已加密或禁止提取文字，请取消加密后重新保存再上传"
    if kind in ("PSEOF", "PDFNoValidXRef", "PDFEOFError"):
        return "PDF文件不完整（被截断或已损坏），请重新导出后上传"
    if type(cause).__module__.startswith(("pdfminer", "pdfplumber")):
        return "PDF文件已损坏或无法读取，请重新导出后上传"
    return None
