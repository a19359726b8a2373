"""Rows of a run-together table whose first value column is a number: `名称 分值 指标值 完成值 得分` with every
cell boundary lost (document previews, OCR).

`保障人数102370人2370人10` is one row of a table whose header declares 分值, 指标值, 全年实际值, 得分: the name, then
the weight (a number of at most three digits), then the target and the actual (a value, a dash for an empty
cell, a date, or text), then the score (a number no greater than the weight). The digits of the weight and of
the target have run together, so the row is read by a small grammar over the whole run of rows: every way the
text can be cut into rows whose cells each fit their column's type is enumerated, and a row is only read when
there is exactly one such way. The rules that decide are the form's own: a weight or a score is at most 100
and has no leading zero, a score is at most its weight, a value has no leading zero. Where two ways remain and
exactly one of them has the actual repeat the target (the common case in a self-evaluation: `15万元15万元`), that
one is read, with a warning naming the line. Otherwise the run is left empty, with a warning naming the line.

Nothing here invents a value: a cell that does not fit its type (`M.8万元`, letters inside a number) is left
empty with a warning naming what was there; a score written with OCR letters (`IO`) is read as the digits
they stand for, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from jixiao.domain.forms.labels import Col
from jixiao.domain.targets.grammar import UNIT_WORDS

# Section headings with their points, which are not indicators: 项目决策(10分), 顼目产出(30分) (OCR), (10分).
SECTION_POINTS = re.compile(
    r"(?:[项顼頊]目(?:决策|管理|过程|产出|效益|实施|立项)|决策|过程|产出|效益)?\(\d{1,3}(?:\.\d{1,2})?分\)"
)
# Empty template rows left in the text: 指标1:, 指标2:, 指标L (OCR for 指标1) before the next label.
ROW_JUNK = re.compile(r"指标\s*[0-9LlI一二三四五六七八九十]{1,2}\s*[:：]|指标[LlI](?=指标|$)")
_MAX_RUN = 8_000  # a part between two level labels of a real form is a few hundred characters
_DASHES = "一-—–/"
_OCR_DIGITS = {"I": "1", "l": "1", "O": "0", "o": "0"}
# `2` for ≥ before a percentage is left to the target grammar, which repairs it only where certain.
_OCR_OPERATORS = {"W": "≤", "二": "="}
_UNITS = "|".join(
    re.escape(u) for u in sorted({*UNIT_WORDS, "万平方米", "km", "M", "m"}, key=len, reverse=True)
)
_UNIT = re.compile(rf"(?:(?:万|亿)(?:{_UNITS})?|(?:{_UNITS}))(?:/[\u4e00-\u9fff]{{1,2}})?")
_OPERATOR = re.compile(
    r">=|<=|≥|≤|>|<|=|不低于|不少于|不小于|不高于|不超过|不大于|大于等于|小于等于|大于|小于|低于|高于"
)
_DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?[^\d]{0,40}")
_DAMAGED = re.compile(rf"[A-Za-z][A-Za-z]*[\d.][A-Za-z\d.]*(?:{_UNIT.pattern})?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d{1,15}")
_DECIMALS = re.compile(r"\.\d{1,6}")
_TEXT_END = re.compile(r"[^\d]{1,400}")


@dataclass(frozen=True, slots=True)
class Item:
    """One cell of a value group: ``kind`` is value, dash, date, damaged or text."""

    kind: str
    text: str
    ocr: str | None = None  # as written, when an OCR operator was read (`295%` for ≥95%)


@dataclass(frozen=True, slots=True)
class RunRow:
    start: int
    name: str
    numbers: dict[Col, Decimal | None]
    values: dict[Col, str | None]
    repairs: tuple[str, ...]
    tie_broken: bool = False
    lone: str | None = None  # one text for the two value columns: which column it is in is decided later
    dash_target: bool = False


@dataclass(frozen=True, slots=True)
class _Parse:
    numbers: tuple[tuple[Col, str, str], ...]  # (column, text as written, digits read)
    items: tuple[Item, ...]
    end: int

    @property
    def doubled(self) -> bool:
        texts = [_core(i.text) for i in self.items if i.kind != "dash"]
        if len(texts) == 2 and texts[0] == texts[1]:
            return True
        return len(texts) == 1 and self.items[-1].kind == "text" and _halves(texts[0]) is not None


def _core(text: str) -> str:
    """A value without its operator, for telling whether the actual repeats the target: `≥95%` and `95%` are
    the same, and so are `295%` and `95%` (OCR reads ≥ as 2 before a percentage)."""
    text = re.sub(r"^(?:[<>=≥≤]{1,2}|不低于|不少于|不高于|不超过)", "", text)
    return re.sub(r"^2(?=[1-9]\d{1,2}(?:\.\d+)?%$)", "", text)


def applies(columns: list[Col]) -> bool:
    """The grammar reads a header whose first value column is a weight or score: a number ends the name."""
    return len(columns) >= 2 and columns[0] in (Col.WEIGHT, Col.SCORE)


def clean(piece: str) -> tuple[str, list[int], list[tuple[int, Decimal]]]:
    """The piece without section headings and empty template rows, for each character its offset in the
    piece, and the section points found (offset in the cleaned text, points): `数量指标(10分)`."""
    drop = [
        (m.start(), m.end(), rx is SECTION_POINTS)
        for rx in (SECTION_POINTS, ROW_JUNK)
        for m in rx.finditer(piece)
    ]
    keep = [True] * len(piece)
    for a, b, _ in drop:
        for i in range(a, b):
            keep[i] = False
    offsets = [i for i, k in enumerate(keep) if k]
    points: list[tuple[int, Decimal]] = []
    for a, _b, is_points in sorted(drop):
        if is_points:
            value = re.search(r"\((\d{1,3}(?:\.\d{1,2})?)分\)", piece[a:_b])
            if value is not None:
                points.append((sum(1 for i in offsets if i < a), Decimal(value.group(1))))
    return "".join(piece[i] for i in offsets), offsets, points


def read_rows(
    text: str,
    columns: list[Col],
    warn: Callable[[str, int], None],
    check: Callable[[int], None],
    points: list[tuple[int, Decimal]] | None = None,
) -> list[RunRow]:
    """The rows of ``text`` (one piece between level labels, cleaned), or none with a warning at offset 0.

    ``warn(message, offset)`` names the place, ``check(offset)`` enforces the file's deadline. ``points``
    are the section points the piece states (offset, points): where the text splits more than one way, the
    one split whose weights add up to every section's points is read.
    """
    n = len(text)
    if n == 0 or not re.search(r"\d", text):
        return []
    if n > _MAX_RUN:
        warn(f"连排文字过长({n}字)，未按列拆分", 0)
        return []
    next_digit = [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        next_digit[i] = i if text[i].isdigit() else next_digit[i + 1]
    tails: dict[int, list[_Parse]] = {}
    # best[p]: (rows repeating their target, number of parses with that many (at most 2), the parse chosen)
    best: list[tuple[int, int, _Parse | None] | None] = [None] * (n + 1)
    best[n] = (0, 1, None)
    for p in range(n - 1, -1, -1):
        if p % 128 == 0:
            check(p)
        d = next_digit[p]
        if d == n:
            # Text without values at the end: a cut row or a remark, never the tail of a cut number (`人IO`).
            tail = text[p:].strip(" ,，、:：;；.。")
            best[p] = (0, 1, None) if not tail or _name_ok(tail) else None
            continue
        if d == p or not _name_ok(text[p:d]):
            continue
        if d not in tails:
            tails[d] = list(_tails(text, d, columns))
        top: tuple[int, int, _Parse | None] | None = None
        for parse in tails[d]:
            rest = best[parse.end]
            if rest is None:
                continue
            score = rest[0] + (1 if parse.doubled else 0)
            if top is None or score > top[0]:
                top = (score, rest[1], parse)
            elif score == top[0]:
                top = (score, min(2, top[1] + rest[1]), top[2])
        best[p] = top
    if best[0] is None:
        warn("连排的指标行无法按表头的列拆分，未读取", 0)
        return []
    path: list[tuple[int, _Parse]] = []
    p = 0
    while (entry := best[p]) is not None and entry[2] is not None:
        path.append((p, entry[2]))
        p = entry[2].end
    tie_broken = {
        start
        for start, _ in path
        if len([t for t in tails[next_digit[start]] if best[t.end] is not None]) > 1
    }
    ambiguous = best[0][1] > 1
    if (ambiguous or tie_broken) and points:
        fitting = [c for c in _paths(best, tails, next_digit) if _adds_up(c, points)]
        if len(fitting) == 1:
            path, tie_broken, ambiguous = fitting[0], set(), False
            warn(
                "连排的指标行有不止一种拆分；按各部分标明的分值合计确定",
                0,
            )
    if ambiguous:
        warn("连排的指标行有不止一种拆分，未读取", 0)
        return []
    rows = [
        _row(start, text[start : next_digit[start]], parse, columns, tie_broken=start in tie_broken)
        for start, parse in path
    ]
    if any(r.dash_target for r in rows):
        # The other rows of this part print a dash in the target column: a lone text is the actual.
        for i, r in enumerate(rows):
            if r.lone is not None and Col.ACTUAL in r.values:
                values = {**r.values, Col.ACTUAL: r.lone}
                note = f"“{r.lone}”读作完成值：同一部分其他行的指标值为“一”"
                rows[i] = RunRow(r.start, r.name, r.numbers, values, (*r.repairs, note), r.tie_broken)
    for r in rows:
        if r.lone is not None and r.values.get(Col.ACTUAL) != r.lone:
            warn(
                f"指标“{r.name}”只有一个值“{r.lone}”，无法确定是指标值还是完成值，未读取",
                r.start,
            )
    return rows


def _paths(
    best: list[tuple[int, int, _Parse | None] | None],
    tails: dict[int, list[_Parse]],
    next_digit: list[int],
    cap: int = 256,
) -> list[list[tuple[int, _Parse]]]:
    """Every complete split of the run (at most ``cap``), as (row start, row) lists."""
    out: list[list[tuple[int, _Parse]]] = []
    stack: list[tuple[int, list[tuple[int, _Parse]]]] = [(0, [])]
    while stack and len(out) < cap:
        p, so_far = stack.pop()
        entry = best[p]
        if entry is None:
            continue
        if entry[2] is None:
            out.append(so_far)
            continue
        for parse in tails[next_digit[p]]:
            if best[parse.end] is not None:
                stack.append((parse.end, [*so_far, (p, parse)]))
    return out


def _adds_up(path: list[tuple[int, _Parse]], points: list[tuple[int, Decimal]]) -> bool:
    """Whether the weights of the rows after each section's points add up to them (sections with rows)."""
    bounds = [*(at for at, _ in points), 1 << 62]
    checked = False
    for (at, total), until in zip(points, bounds[1:], strict=False):
        weights = [
            Decimal(d)
            for start, parse in path
            if at <= start < until
            for c, _, d in parse.numbers
            if c is Col.WEIGHT
        ]
        if weights:
            checked = True
            if sum(weights) != total:
                return False
    return checked


def _name_ok(name: str) -> bool:
    stripped = name.strip(" ,，、:：;；.。")
    return len(_CJK.findall(stripped)) >= 2 and not re.search(r"[A-Za-z]$|[<>=≥≤]$", stripped)


def _tails(text: str, at: int, columns: list[Col]) -> Iterator[_Parse]:
    """Every way the cells of one row can be read from ``at`` on, in the header's column order."""
    plan: list[Col | tuple[Col, ...]] = []
    for col in columns:
        if col in (Col.TARGET, Col.ACTUAL):
            if plan and isinstance(plan[-1], tuple):
                plan[-1] = (*plan[-1], col)
            else:
                plan.append((col,))
        elif col in (Col.WEIGHT, Col.SCORE):
            plan.append(col)
    yield from _walk(text, at, plan, 0, (), ())


def _walk(
    text: str,
    at: int,
    plan: list[Col | tuple[Col, ...]],
    step: int,
    numbers: tuple[tuple[Col, str, str], ...],
    items: tuple[Item, ...],
) -> Iterator[_Parse]:
    if step == len(plan):
        if at < len(text) and text[at].isdigit():
            return  # the next row's name cannot start with a digit
        yield _Parse(numbers, items, at)
        return
    what = plan[step]
    if isinstance(what, tuple):
        for group, end in _groups(text, at, len(what)):
            yield from _walk(text, end, plan, step + 1, numbers, items + group)
        return
    for written, digits, end in _numbers(text, at, ocr=what is Col.SCORE and step == len(plan) - 1):
        if what is Col.SCORE:
            weight = next((d for c, _, d in numbers if c is Col.WEIGHT), None)
            if weight is not None and Decimal(digits) > Decimal(weight):
                continue
        yield from _walk(text, end, plan, step + 1, (*numbers, (what, written, digits)), items)


def _numbers(text: str, at: int, *, ocr: bool) -> Iterator[tuple[str, str, int]]:
    """A weight or a score at ``at``: (as written, as digits, end). At most 100, no leading zero."""
    m = re.compile(r"\d{1,3}").match(text, at)
    if m is not None:
        for length in range(1, len(m.group(0)) + 1):
            whole = text[at : at + length]
            if len(whole) > 1 and whole[0] == "0":
                continue
            ends = [at + length]
            dec = re.compile(r"\.\d{1,2}").match(text, at + length)
            if dec is not None:
                ends += [at + length + k for k in range(2, len(dec.group(0)) + 1)]
            for end in ends:
                written = text[at:end]
                if Decimal(written) <= 100:
                    yield written, written, end
    if ocr:
        letters = re.compile(r"[0-9IlOo]{1,3}").match(text, at)
        if letters is not None and re.search(r"[IlOo]", letters.group(0)):
            written = letters.group(0)
            end = at + len(written)
            if end < len(text) and re.match(r"[A-Za-z]", text[end]):
                return
            digits = "".join(_OCR_DIGITS.get(ch, ch) for ch in written)
            if (len(digits) == 1 or digits[0] != "0") and Decimal(digits) <= 100:
                yield written, digits, end


def _groups(text: str, at: int, width: int) -> Iterator[tuple[tuple[Item, ...], int]]:
    """The cells of the target/actual columns at ``at``: up to ``width`` of them, possibly none."""
    yield (), at
    if width == 0:
        return
    for item, end in _items(text, at):
        for rest, rest_end in _groups(text, end, width - 1):
            if rest and not _may_follow(item, rest[0]):
                continue
            yield (item, *rest), rest_end


def _may_follow(first: Item, second: Item) -> bool:
    """Whether two cells can stand side by side. Two texts would be one; a number's unit is never a cell of
    its own (`≥38` and `家`); a run of digits is only cut between two numbers without units (`63` `63`), never
    where the second has a unit the first lacks (`≥3` and `8家`)."""
    if first.kind == "text" and second.kind == "text":
        return False
    if first.kind != "value" or not first.text[-1:].isdigit():
        return True
    if second.kind == "text" and _UNIT.match(second.text):
        return False
    return not (second.kind == "value" and second.text[:1].isdigit() and not second.text[-1:].isdigit())


def _items(text: str, at: int) -> Iterator[tuple[Item, int]]:
    if at >= len(text):
        return
    ch = text[at]
    if ch in _DASHES or ch == "无":
        yield Item("dash", ch), at + 1
    date = _DATE.match(text, at)
    if date is not None:
        yield Item("date", date.group(0)), date.end()
    yield from _values(text, at)
    damaged = _DAMAGED.match(text, at)
    if damaged is not None and not (ch in _OCR_OPERATORS and text[at + 1 : at + 2].isdigit()):
        yield Item("damaged", damaged.group(0)), damaged.end()
    if not ch.isdigit() and ch not in _DASHES and not re.match(r"[A-Za-z%‰.]", ch) and date is None:
        run = m.group(0) if (m := _TEXT_END.match(text, at)) else ""
        end = at + len(run)
        if not _CJK.search(run) or _OPERATOR.match(run):
            return  # a text cell says something: not a lone operator or punctuation
        # A score written with OCR letters (IO) may follow the text: the text can end before it.
        ocr_tail = re.search(r"[IlOo]{1,3}$", run)
        if ocr_tail is not None and ocr_tail.start() > 0:
            yield Item("text", run[: ocr_tail.start()]), at + ocr_tail.start()
        for m in re.finditer(r"(?<=[^A-Za-z])[IlOo]{1,3}(?=[\u4e00-\u9fff])", run):
            yield Item("text", run[: m.start()]), at + m.start()
        if not re.search(r"[A-Za-z]$", run) and not (run.endswith("二") and end < len(text)):
            yield Item("text", run), end


def _values(text: str, at: int, *, ocr: bool = True) -> Iterator[tuple[Item, int]]:
    """A value at ``at``: an optional operator, a number without a leading zero, an optional unit; every
    length the digits allow."""
    op = _OPERATOR.match(text, at)
    # OCR: `W` for ≤, `二` for =.
    if ocr and op is None and at + 1 < len(text) and text[at] in _OCR_OPERATORS and text[at + 1].isdigit():
        for item, end in _values(text, at + 1, ocr=False):
            yield Item("value", _OCR_OPERATORS[text[at]] + item.text, text[at:end]), end
    start = op.end() if op else at
    digits = _DIGITS.match(text, start)
    if digits is None or (op is None and text[start] == "0" and start > 0 and text[start - 1].isdigit()):
        return  # a cut inside a run of digits never leaves a zero first (`100%` is not `10` and `0%`)
    run = digits.group(0)
    for length in range(1, len(run) + 1):
        whole = run[:length]
        if len(whole) > 1 and whole[0] == "0":
            continue
        ends = [start + length]
        if length == len(run):
            dec = _DECIMALS.match(text, start + length)
            if dec is not None:
                ends = [start + length + len(dec.group(0))]
        for end in ends:
            yield Item("value", text[at:end]), end
            unit = _UNIT.match(text, end)
            if unit is not None:
                yield Item("value", text[at : unit.end()]), unit.end()


def _halves(text: str) -> str | None:
    """`改善条件改善条件` → `改善条件`: a text cell written twice (target and actual run together)."""
    if len(text) % 2 == 0 and len(text) >= 2 and text[: len(text) // 2] == text[len(text) // 2 :]:
        return text[: len(text) // 2]
    return None


def _row(start: int, name: str, parse: _Parse, columns: list[Col], *, tie_broken: bool) -> RunRow:
    repairs: list[str] = []
    numbers: dict[Col, Decimal | None] = {}
    for col, written, digits in parse.numbers:
        numbers[col] = Decimal(digits)
        if written != digits:
            repairs.append(f"“{written}”读作{digits}")
    group = [c for c in columns if c in (Col.TARGET, Col.ACTUAL)]
    values: dict[Col, str | None] = dict.fromkeys(group)
    items = list(parse.items)
    if len(items) == 1 and items[0].kind == "text" and len(group) == 2:
        half = _halves(items[0].text)
        if half is not None:
            items = [Item("text", half), Item("text", half)]
            repairs.append(f"“{half}”写了两遍，读作指标值和完成值")
    for item in items:
        if item.ocr is not None:
            repairs.append(f"“{item.ocr}”读作“{item.text}”")
    if len(items) == len(group):
        for col, item in zip(group, items, strict=True):
            if item.kind == "value" or item.kind in ("text", "date"):
                values[col] = item.text
            elif item.kind == "damaged":
                repairs.append(f"“{item.text}”中有字母，无法读作数字，未读取")
    lone = None
    if len(items) == 1 and len(group) == 2:
        only = items[0]
        if only.kind == "damaged":
            repairs.append(f"“{only.text}”中有字母，无法读作数字，未读取")
        elif only.kind in ("text", "date"):
            lone = only.text
        elif only.kind == "value" and re.match(r"[<>=≥≤]|不低于|不少于|不高于|不超过", only.text):
            values[group[0]] = only.text  # a value with an operator is a target, never an actual
        elif only.kind == "value":
            repairs.append(f"“{only.text}”只有一个值，无法确定是指标值还是完成值，未读取")
    dash_target = (
        bool(items) and len(items) == len(group) and items[0].kind == "dash" and group[0] is Col.TARGET
    )
    return RunRow(
        start, name.strip(" ,，、:：;；.。"), numbers, values, tuple(repairs), tie_broken, lone, dash_target
    )
