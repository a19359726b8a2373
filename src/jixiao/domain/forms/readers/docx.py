"""Word .docx → ``Grid``: body paragraphs and table rows in document order.

Locations: a body paragraph is ``paragraph N`` (body paragraphs counted from 1, paragraphs inside tables not
counted); a table cell is ``table T, row R, column C`` where T counts tables in document order (nested tables
too), R counts the table's rows and C is the cell's first grid column, so cells of differently merged rows
still line up. A horizontally merged cell is given once; a vertically merged continuation cell is given as
empty text, so the label appears once and the assembler inherits it downwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.domain.forms.grid import Cell, Grid, Row
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers.safety import Budget, Place, cell_text, check_zip, library_errors

WHAT = "Word文档"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _R = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "r"
# Block and row content can sit inside content controls and custom XML wrappers.
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"}
# Inside a paragraph: properties, deleted or moved-away text, and the fallback copy of alternate content
# (which repeats the choice) are not what the reader sees.
_SKIP_IN_PARAGRAPH = {_W + "pPr", _W + "rPr", _W + "del", _W + "moveFrom", _MC + "Fallback", _W + "sdtPr"}
_RUN_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
# Word allows 63 columns; a larger span is damage, and would only inflate column numbers.
_MAX_SPAN = 63
_VAL = _W + "val"


def read_docx(path: Path, name: str) -> Grid:
    """Read a .docx file into a grid; every failure is a ``FormReadError`` naming ``name``."""
    check_zip(path, name, WHAT)
    with library_errors(name, WHAT, _describe) as place:
        from docx.oxml.parser import parse_xml

        # Only the main document part is read: opening the whole package with python-docx parses styles,
        # numbering and themes too, which costs more than the document itself.
        content_type, data = _main_part(path, name, place.location)
        # Documents, templates and their macro-enabled kin share the body markup; anything else does not.
        if not any(kind in content_type for kind in ("wordprocessingml", "ms-word")):
            raise FormReadError(f"不是{WHAT}（主体部分不是Word正文）", place.location, detail=content_type)
        body = parse_xml(data).find(_W + "body")
        if body is None:
            raise FormReadError(f"{WHAT}没有正文", place.location)
        walker = _Walker(name, place)
        walker.body(body)
        return Grid(source=name, rows=walker.rows)


_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


def _main_part(path: Path, name: str, where: Location) -> tuple[str, bytes]:
    """The main document part of a Word package (found through ``_rels/.rels``): its content type (from
    ``[Content_Types].xml``) and bytes. ``check_zip`` has already vetted every member."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        if "[Content_Types].xml" not in members:
            raise FormReadError(f"不是{WHAT}（找不到Word文件结构）", where)
        target = None
        if "_rels/.rels" in members:
            rels = etree.fromstring(archive.read("_rels/.rels"), parser)
            for rel in rels.iter(_PKG_REL):
                if (
                    rel.get("Type") in (_OFFICE_DOCUMENT, _STRICT_DOCUMENT)
                    and rel.get("TargetMode") != "External"
                ):
                    target = (rel.get("Target") or "").lstrip("/")
                    break
        if target is None:
            raise FormReadError(f"不是{WHAT}（没有正文部分）", where)
        if target not in members:
            raise FormReadError(f"不是{WHAT}（正文部分缺失）", where, detail=target)
        types = etree.fromstring(archive.read("[Content_Types].xml"), parser)
        content_type = ""
        for override in types.iter(_CT + "Override"):
            if (override.get("PartName") or "").lstrip("/") == target:
                content_type = override.get("ContentType") or ""
                break
        else:
            extension = target.rsplit(".", 1)[-1]
            for default in types.iter(_CT + "Default"):
                if (default.get("Extension") or "").lower() == extension.lower():
                    content_type = default.get("ContentType") or ""
        return content_type, archive.read(target)


def _describe(error: Exception) -> str | None:
    if type(error).__name__ == "PackageNotFoundError":
        return f"不是{WHAT}（找不到Word文件结构）"
    if isinstance(error, ValueError) and "content type" in str(error):
        return f"不是{WHAT}（文件内容类型不对）"
    return None


@dataclass(slots=True)
class _Walker:
    name: str
    place: Place
    rows: list[Row] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    budget: Budget = field(default_factory=Budget)

    def body(self, body: Any) -> None:
        for block in _blocks(body):
            if block.tag == _P:
                self.paragraphs += 1
                where = Location(self.name, paragraph=self.paragraphs)
                self.place.location = where
                text = cell_text(_paragraph_text(block), where)
                if text:
                    self._emit(Row([Cell(text, where)], where))
            else:
                self.table(block)

    def table(self, tbl: Any) -> None:
        self.tables += 1
        number = self.tables
        for index, tr in enumerate((c for c in _children(tbl) if c.tag == _TR), start=1):
            where = Location(self.name, table=number, row=index)
            self.place.location = where
            cells, nested = self._row_cells(tr, number, index)
            while cells and not cells[-1].text:
                cells.pop()
            if cells:
                self._emit(Row(cells, where))
            for inner in nested:
                self.table(inner)

    def _row_cells(self, tr: Any, table: int, row: int) -> tuple[list[Cell], list[Any]]:
        cells: list[Cell] = []
        nested: list[Any] = []
        column = 1 + _int_val(_find(tr, "trPr", "gridBefore"), default=0, low=0)
        for tc in _row_tcs(tr):
            span, h_merge, v_merge = _cell_properties(tc)
            where = Location(self.name, table=table, row=row, column=column)
            column += span
            if h_merge is not None and h_merge.get(_VAL) != "restart":
                # Legacy horizontal merge: the continuation belongs to the cell before it.
                continue
            lines: list[str] = []
            for block in _blocks(tc):
                if block.tag == _P:
                    lines.append(_paragraph_text(block))
                else:
                    nested.append(block)
            raw = "\n".join(lines)
            continuation = v_merge is not None and v_merge.get(_VAL, "continue") != "restart"
            text = cell_text(raw, where)
            cells.append(Cell("" if continuation else text, where))
        return cells, nested

    def _emit(self, row: Row) -> None:
        self.budget.add(len(row.cells), row.location)
        self.rows.append(row)


def _children(element: Any) -> Iterator[Any]:
    # Comments and processing instructions have a callable tag; they carry no content.
    return (c for c in element if isinstance(c.tag, str))


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell in document order, looking through content controls."""
    for child in _children(container):
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def _row_tcs(tr: Any) -> Iterator[Any]:
    for child in _children(tr):
        if child.tag == _TC:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _row_tcs(child)


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(element: Any, parts: list[str]) -> None:
    for child in _children(element):
        tag = child.tag
        if tag == _R:
            for piece in _children(child):
                if piece.tag in _RUN_TEXT:
                    replacement = _RUN_TEXT[piece.tag]
                    parts.append((piece.text or "") if replacement is None else replacement)
        elif tag not in _SKIP_IN_PARAGRAPH:
            # Hyperlinks, insertions, smart tags, inline content controls, simple fields.
            _collect(child, parts)


_TC_PR, _GRID_SPAN, _H_MERGE, _V_MERGE = _W + "tcPr", _W + "gridSpan", _W + "hMerge", _W + "vMerge"


def _cell_properties(tc: Any) -> tuple[int, Any, Any]:
    """gridSpan, hMerge and vMerge of a cell, read in one pass over its properties."""
    pr = tc.find(_TC_PR)
    if pr is None:
        return 1, None, None
    span = h_merge = v_merge = None
    for child in pr:
        tag = child.tag
        if tag == _GRID_SPAN:
            span = child
        elif tag == _H_MERGE:
            h_merge = child
        elif tag == _V_MERGE:
            v_merge = child
    return _int_val(span, default=1, low=1), h_merge, v_merge


def _find(element: Any, *path: str) -> Any:
    found = element
    for step in path:
        found = found.find(_W + step)
        if found is None:
            return None
    return found


def _int_val(element: Any, *, default: int, low: int) -> int:
    if element is None:
        return default
    try:
        value = int(str(element.get(_VAL, default)))
    except ValueError:
        return default
    return min(max(value, low), _MAX_SPAN)
