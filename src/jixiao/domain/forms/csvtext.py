"""Quoted CSV whose rows have run together (a spreadsheet saved as CSV, then flattened by a web page):
`"项目","考核内容","考核指标",…,"权数","考评得分" "一般公共预算支出管理(60分)","…"`.

The fields are still delimited by their quotes, but the row boundaries are lost (rows joined by a space, merged
cells left out or written as empty fields). The fields are read as a stream and aligned to the header's
columns by type and order, as a person reads them: the indicator's name is the last short text before its
description or its value; short texts before the name are the grouping columns the header declares left of
the name (项目, 考核内容), which are not read; after the name, each later column takes the next field whose type fits it (a long
text for 指标说明 and 评分标准, a value for the target, a number of at most 100 for 权数 and 得分). A field that
fits no column in order is left out with a warning naming its line. The result is an ordinary table (header
row, one row per indicator) for the assembler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.domain.forms.deadline import check_deadline
from jixiao.domain.forms.grid import Cell, Grid, Row
from jixiao.domain.forms.labels import Col, header_role, key_of, strip_notes
from jixiao.domain.forms.model import Location
from jixiao.domain.text import strip_pinyin

_NUMBER = re.compile(
    r"^[<>=≥≤]{0,2}\s*-?\d[\d,]*(?:\.\d+)?\s*(?:%|‰|[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)?$"
)
_PLAIN_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")
_LONG = 30
_MAX_FIELDS = 50_000


@dataclass(frozen=True, slots=True)
class _Field:
    text: str
    line: int


def looks_like_csv(text: str) -> bool:
    """Quoted fields separated by commas, many of them: `"a","b","c"`."""
    return text.count('","') >= 8


def fields(text: str) -> list[_Field]:
    """Every non-empty field, quoted or not, with the line it starts on. A quote opens a field only at its
    start; inside it, a doubled quote is a quote and a single one closes it (a lone quote runs to the end)."""
    out: list[_Field] = []
    i, n, line = 0, len(text), 1
    while i < n and len(out) < _MAX_FIELDS:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if ch in ", \t\r\u3000":
            i += 1
            continue
        start_line = line
        if ch == '"':
            parts: list[str] = []
            j = i + 1
            while j < n:
                q = text.find('"', j)
                if q < 0:
                    parts.append(text[j:])
                    j = n
                    break
                parts.append(text[j:q])
                if q + 1 < n and text[q + 1] == '"':
                    parts.append('"')
                    j = q + 2
                    continue
                j = q + 1
                break
            value = "".join(parts)
            line += value.count("\n")
            i = j
        else:
            j = i
            while j < n and text[j] not in ",\n":
                j += 1
            value = text[i:j]
            i = j
        value = value.strip()
        if value:
            out.append(_Field(value, start_line))
    return out


def read_csv_grid(text: str, name: str) -> Grid | None:
    """The grid of a flattened quoted CSV, or None when no indicator header is found among its fields."""
    stream = fields(text)
    header_at = _header(stream)
    if header_at is None:
        return None
    first, last = header_at
    header = stream[first : last + 1]
    roles = [header_role(strip_notes(key_of(f.text))) for f in header]
    name_col = roles.index(Col.NAME)
    after = [(i, r) for i, r in enumerate(roles) if i > name_col and r is not None]
    rows: list[Row] = [_row(header, name, dict(enumerate(header)), len(header))]
    notes: list[tuple[str, Location]] = []
    record: dict[int, _Field] | None = None
    step = 0  # index into ``after`` of the next column to fill
    for k in range(last + 1, len(stream)):
        f = stream[k]
        if k % 1024 == 0:
            check_deadline(Location(name, line=f.line))
        kind = _kind(f.text)
        nxt = stream[k + 1] if k + 1 < len(stream) else None
        if (
            kind == "short"
            and nxt is not None
            and _kind(nxt.text) in ("long", "number")
            and (record is None or (step > 0 and not _target_next(after, step, roles)))
        ):
            # A name: the last short text before a description or a value.
            if record is not None:
                rows.append(_row(header, name, record, len(header)))
            # The grouping fields before it (项目, 考核内容) are no level labels of the taxonomy: not read.
            record = {name_col: f}
            step = 0
            continue
        if record is None or (kind == "short" and step > 0 and _takes(after, step, f.text) is None):
            if record is not None:
                rows.append(_row(header, name, record, len(header)))
                record = None
            continue  # a grouping field (项目, 考核内容), or text outside the rows
        taken = _takes(after, step, f.text)
        if taken is None:
            notes.append(
                (f"“{f.text[:20]}”无法确定属于哪一列，未读取",
                 Location(name, line=f.line))
            )  # fmt: skip
            continue
        col, step = taken
        if roles[col] is Col.SCORE:
            weight = next((record[i] for i, r in enumerate(roles) if r is Col.WEIGHT and i in record), None)
            if weight is not None and Decimal(weight.text) < Decimal(f.text):
                notes.append(
                    (f"“{f.text}”大于权数“{weight.text}”，不能是得分，未读取",
                     Location(name, line=f.line))
                )  # fmt: skip
                continue
        record[col] = f
    if record is not None:
        rows.append(_row(header, name, record, len(header)))
    if len(rows) < 2:
        return None
    grid = Grid(name, rows)
    grid.notes.append(
        ("带引号的CSV各行连在一起，按表头的列顺序和类型逐格对齐读取", Location(name, line=header[0].line))
    )  # fmt: skip
    grid.notes.extend(notes)
    return grid


def _header(stream: list[_Field]) -> tuple[int, int] | None:
    """(first, last) field of the indicator header: a run of header words with a name and a value column,
    extended left over short labels without digits (项目, 考核内容)."""
    for i, f in enumerate(stream[:2000]):
        if header_role(strip_notes(key_of(f.text))) is not Col.NAME:
            continue
        last = i
        roles = {Col.NAME}
        while last + 1 < len(stream) and (r := header_role(strip_notes(key_of(stream[last + 1].text)))):
            roles.add(r)
            last += 1
        if not roles & {Col.TARGET, Col.WEIGHT, Col.SCORE}:
            continue
        first = i
        while (
            first > 0
            and len(stream[first - 1].text) <= 6
            and not re.search(r"[\d:：|]", stream[first - 1].text)
        ):
            first -= 1
        return first, last
    return None


def _target_next(after: list[tuple[int, Col]], step: int, roles: list[Col | None]) -> bool:
    """Whether the target column is still to fill: a short text then is the target (`持续扩大`), not a name."""
    return any(roles[col] in (Col.TARGET,) for col, _ in after[step:]) and all(
        roles[col] is not Col.TARGET for col, _ in after[:step]
    )


def _kind(text: str) -> str:
    text = strip_pinyin(text)
    if _NUMBER.match(text):
        return "number"
    # A sentence (a description, a scoring rule) is long even when short: names carry no sentence marks.
    return "long" if len(text) > _LONG or re.search(r"[\n,，。;；]|[.．]$", text) else "short"


def _takes(after: list[tuple[int, Col]], step: int, text: str) -> tuple[int, int] | None:
    """The first column from ``step`` on that a field fits, skipping columns it cannot fill."""
    kind = _kind(text)
    for j in range(step, len(after)):
        col, role = after[j]
        if role in (Col.WEIGHT, Col.SCORE):
            if _PLAIN_NUMBER.match(text) and Decimal(text) <= 100:
                return col, j + 1
        elif role in (Col.TARGET, Col.ACTUAL):
            if kind in ("number", "short"):
                return col, j + 1
        elif kind == "long":
            return col, j + 1
    return None


def _row(header: list[_Field], name: str, record: dict[int, _Field], width: int) -> Row:
    line = min(f.line for f in record.values())
    cells = [
        Cell(
            record[i].text if i in record else "",
            Location(name, line=record[i].line if i in record else line, column=i + 1),
        )
        for i in range(width)
    ]
    return Row(cells, Location(name, line=line))
