"""Reader for forms published as plain text: tab-separated rows, pipe tables, space-separated flattenings,
Word exports with one cell per line, and web pages with one cell per line.

The layout is detected from the text itself; each line keeps its number so every value can be traced back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jixiao.domain.forms.csvtext import looks_like_csv, read_csv_grid
from jixiao.domain.forms.grid import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, Cell, Grid, Row
from jixiao.domain.forms.model import FormReadError, Location

# Word table-of-contents field codes that leak into exported text: `标题 TC 标题 \f A \l 1`. Found in two linear
# steps (the field's tail at the end of the line, then the first TC before it), never by backtracking.
_TOC_TAIL = re.compile(r"\\[lf][ \t]*\S+[ \t]*$")
_FIELD_SPACE = " \t\u3000"
_SPACES = re.compile(r"[ \u3000\u00a0]+")
_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


def decode(data: bytes, name: str) -> str:
    """Decode a text form: UTF-8 first, then GB18030 (what Chinese Windows tools write), then UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in _ENCODINGS[:2]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    nul = data.find(b"\x00")
    try:
        data.decode("utf-8")
        bad = nul
    except UnicodeDecodeError as error:
        bad = error.start if nul < 0 else min(nul, error.start)
    bad = max(bad, 0)
    raise FormReadError(
        f"不是文本文件：第{bad + 1:,}个字节起既不是UTF-8也不是GB18030编码的文字",
        Location(name, line=data.count(b"\n", 0, bad) + 1),
    )


def read_text(path: Path, display_name: str | None = None) -> Grid:
    name = display_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise FormReadError("文件是空的", Location(name))
    if size > MAX_FILE_BYTES:
        raise FormReadError(f"文件太大（{size}字节，上限{MAX_FILE_BYTES}字节）", Location(name))
    return parse_text(decode(path.read_bytes(), name), name)


def parse_text(text: str, name: str) -> Grid:
    """Split text into a grid, choosing the layout from what the lines look like."""
    breaks = text.count("\n") + text.count("\r")
    if breaks > 2 * MAX_ROWS:
        # Counted before splitting: millions of empty lines would cost gigabytes as line objects.
        raise FormReadError(
            f"行数太多（{breaks:,}个换行，上限{MAX_ROWS:,}行），绩效表不会这么长", Location(name, line=1)
        )
    lines = [_Line(i, _strip_field_codes(raw)) for i, raw in enumerate(text.splitlines(), start=1)]
    if not any(line.text.strip() for line in lines):
        raise FormReadError(f"文件中没有文字（第1–{max(len(lines), 1)}行都是空行）", Location(name, line=1))
    if len(lines) > MAX_ROWS:
        raise FormReadError(
            f"行数太多（{len(lines)}行，上限{MAX_ROWS}行），绩效表不会这么长",
            Location(name, line=MAX_ROWS + 1),
        )
    for line in lines:
        if len(line.text) > MAX_CELL_CHARS:
            raise FormReadError(
                f"这一行有{len(line.text)}个字符，超过上限{MAX_CELL_CHARS}个",
                Location(name, line=line.number),
            )
    if looks_like_csv(text):
        grid = read_csv_grid(text, name)
        if grid is not None:
            return grid
    content = [line for line in lines if line.text.strip()]
    tabbed = sum(1 for line in content if "\t" in line.text.strip("\t"))
    piped = sum(1 for line in content if "|" in line.text)
    tab_led = sum(1 for line in content if line.text.startswith("\t"))
    if piped > len(content) * 0.5:
        return _pipe_grid(lines, name)
    if tabbed > len(content) * 0.3:
        return Grid(name, [_split_row(line, name, "\t") for line in content])
    if tab_led > len(content) * 0.3:
        return _cell_block_grid(lines, name)
    if _is_cell_per_line(lines):
        return _stream_grid(lines, name)
    return Grid(name, [_space_row(line, name) for line in content])


def _strip_field_codes(line: str) -> str:
    line = line.rstrip("\r")
    if "TC" not in line or "\\" not in line:
        return line
    tail = _TOC_TAIL.match(line, line.rfind("\\"))
    if tail is None:
        return line
    at = line.find("TC", 0, tail.start())
    while at != -1:
        if (
            at > 0
            and line[at - 1] in _FIELD_SPACE
            and line[at + 2 : at + 3] in _FIELD_SPACE
            and at + 2 < len(line)
        ):
            return line[:at].rstrip(_FIELD_SPACE)
        at = line.find("TC", at + 1, tail.start())
    return line


def _cell(text: str, name: str, line: int, column: int | None = None) -> Cell:
    return Cell(text.strip(), Location(name, line=line, column=column))


def _split_row(line: _Line, name: str, separator: str) -> Row:
    parts = line.text.split(separator)
    return Row(
        [_cell(p, name, line.number, i) for i, p in enumerate(parts, start=1)],
        Location(name, line=line.number),
    )


def _space_row(line: _Line, name: str) -> Row:
    parts = [p for p in _SPACES.split(line.text.strip()) if p]
    return Row(
        [_cell(p, name, line.number, i) for i, p in enumerate(parts, start=1)],
        Location(name, line=line.number),
    )


def _pipe_grid(lines: list[_Line], name: str) -> Grid:
    """Pipe tables. A web page flattened to one cell per line (`text |`) becomes a stream of cells."""
    rows: list[Row] = []
    single = 0
    content = 0
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            continue
        parts = [part.strip() for part in stripped.split("|")]
        if parts and parts[0] == "":
            parts = parts[1:]
        while parts and parts[-1] == "":
            parts.pop()
        content += 1
        if len(parts) <= 1:
            single += 1
        rows.append(
            Row(
                [_cell(p, name, line.number, i) for i, p in enumerate(parts, start=1)],
                Location(name, line=line.number),
            )
        )
    if content and single > content * 0.8:
        # One cell per line: keep the empty cells, they hold the column positions.
        cells = [row.cells[0] if row.cells else Cell("", row.location) for row in rows]
        return Grid(name, [Row([c], c.location) for c in cells], stream=True)
    return Grid(name, rows)


def _blocks(lines: Iterable[_Line], *, exact: bool = False) -> list[list[_Line]]:
    """Groups of lines between blank lines. With ``exact``, only a truly empty line separates: a line of
    spaces is an empty cell (web pages write empty cells that way)."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        blank = line.text == "" if exact else (line.text.strip() == "" and not line.text.startswith("\t"))
        if blank:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _cell_block_grid(lines: list[_Line], name: str) -> Grid:
    """Word tables exported as text: a row is a block of lines; a line led by a tab starts a cell, a line
    without one continues the cell above (a paragraph break inside the cell). Paragraphs have no tab."""
    rows: list[Row] = []
    for block in _blocks(lines):
        cells: list[tuple[int, list[str]]] = []
        tab_block = any(line.text.startswith("\t") for line in block)
        for line in block:
            if not tab_block:
                cells.append((line.number, [line.text]))
                rows.append(_row_from(cells, name))
                cells = []
                continue
            if line.text.startswith("\t"):
                cells.extend((line.number, [part]) for part in line.text[1:].split("\t"))
            elif cells:
                cells[-1][1].append(line.text)
            else:
                # Paragraphs just above a table, with no blank line between them and the table.
                rows.append(_row_from([(line.number, [line.text])], name))
        if cells:
            rows.append(_row_from(cells, name))
    return Grid(name, rows)


def _row_from(cells: list[tuple[int, list[str]]], name: str) -> Row:
    out = [_cell("\n".join(p.strip() for p in parts).strip(), name, number) for number, parts in cells]
    return Row(out, Location(name, line=cells[0][0]))


def _is_cell_per_line(lines: list[_Line]) -> bool:
    """Web pages flattened with every cell on its own line and blank lines between cells."""
    blocks = _blocks(lines, exact=True)
    return len(blocks) > 10 and sum(1 for b in blocks if len(b) == 1) > len(blocks) * 0.9


def _stream_grid(lines: list[_Line], name: str) -> Grid:
    cells: list[Cell] = []
    for block in _blocks(lines, exact=True):
        for line in block:
            cells.append(_cell(line.text, name, line.number))
    return Grid(name, [Row([c], c.location) for c in cells], stream=True)
