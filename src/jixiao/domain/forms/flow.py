"""Forms whose cells have run together: document previews and OCR (`灭火设备配备率100%1000件`), narrative
lists (`设1条数量指标:开通业务月份≥1个月;`), text flowed out of a PDF.

No cell boundaries are left, so the text is tokenised with what the domain knows instead: level labels (in any
spelling ``taxonomy`` accepts, spaced or traditional), the column headers a table declares and their order,
the value grammar (operators, numbers, units, percentages). An indicator is a name followed by a run of values;
the run is mapped onto the header's value columns in order. A run that could be split more than one way, or
mapped onto the columns more than one way, is left empty with a warning naming the line. Every repair (pinyin
removed, spaces inside words, page markers, template placeholders, OCR spellings) is a warning too.

This reader is the assembler's fallback: it only runs when no indicator table was found in the grid.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.domain.forms import runrows
from jixiao.domain.forms.deadline import check_deadline
from jixiao.domain.forms.grid import Cell, Grid
from jixiao.domain.forms.labels import FIELD_LABELS, STOP_WORDS, Col, Field, header_role, key_of, strip_notes
from jixiao.domain.forms.model import FormDocument, FormKind, Horizon, Indicator, Location
from jixiao.domain.targets.grammar import UNIT_WORDS, parse_target
from jixiao.domain.targets.model import TargetKind
from jixiao.domain.targets.taxonomy import classify_label, label_spellings, normalise_levels
from jixiao.domain.text import PINYIN_PATTERN, normalise_cell, to_simplified

# Pinyin written after a character inside a word: 項(xiàng)目.
_PINYIN = re.compile(PINYIN_PATTERN)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff(（)）])[ \t\u3000\u00a0]+(?=[\u4e00-\u9fff(（)）])")
_PAGE_MARKER = re.compile(r"^\s*(\d{1,2})、")
# Template placeholders left before the value: (≥**株), (≤**元/株).
_PLACEHOLDER = re.compile(r"\((?:[≥≤<>=]{1,2})?\*{1,3}[^()]{0,10}\)")
_BOILERPLATE = re.compile(r"设\s*\d+\s*条|[★☆]+")
_OPERATORS = (
    ">=",
    "<=",
    "≥",
    "≤",
    ">",
    "<",
    "=",
    "不低于",
    "不少于",
    "不小于",
    "不高于",
    "不超过",
    "不大于",
    "大于等于",
    "小于等于",
    "大于",
    "小于",
    "低于",
    "高于",
)
_UNIT_WORDS = "|".join(
    re.escape(u) for u in sorted({*UNIT_WORDS, "万平方米", "km", "M", "m"}, key=len, reverse=True)
)
# W for ≤ (OCR) only between a character and a digit: 时限W2个工作日.
_OP = (
    "|".join(re.escape(o) for o in sorted(_OPERATORS, key=len, reverse=True))
    + r"|(?<=[\u4e00-\u9fff])W(?=\d)"
)
_VALUE = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|"
    rf"(?:{_OP})?-?\d+(?:\.\d+)?(?:(?:万|亿)?(?:{_UNIT_WORDS})?(?:/[\u4e00-\u9fff]{{1,2}})?)|(?:无|/)(?=$|[\d\u4e00-\u9fff])"
)
_FILLERS = ("达成预期指标", "达成预期目标", "达到预期目标", "已完成", "已达成")
_HEADER_WORDS: dict[str, Col] = {
    "一级指标": Col.LEVEL1,
    "二级指标": Col.LEVEL2,
    "三级指标": Col.NAME,
    "年初目标值": Col.TARGET,
    "年度指标值": Col.TARGET,
    "年初指标值": Col.TARGET,
    "预期指标值": Col.TARGET,
    "指标值": Col.TARGET,
    "目标值": Col.TARGET,
    "实际完成值": Col.ACTUAL,
    "全年实际值": Col.ACTUAL,
    "全年完成值": Col.ACTUAL,
    "年终完成值": Col.ACTUAL,
    "完成值": Col.ACTUAL,
    "参考分值": Col.WEIGHT,
    "分值": Col.WEIGHT,
    "权重": Col.WEIGHT,
    "自评得分": Col.SCORE,
    "得分": Col.SCORE,
    "未完成原因及改进措施": Col.REASON,
    "未完成原因和改进措施": Col.REASON,
    "未完成原因分析及改进措施": Col.REASON,
    "绩效指标": Col.NOTE,
}
# Where the indicators end. Not 改进措施: in run-together text it is also the header's last column.
_FLOW_STOPS = (*tuple(w for w in STOP_WORDS if w != "改进措施"), "说明")
_CLAUSE = re.compile(r"[;；。]|[:：](?!\d)")
_NAME_JUNK = re.compile(r"^(?:[\s,，、:：;；.。]|\d{1,2}[、.．](?!\d)|指标\s*+\d++\s*+[:：]|\(\d++分\))*+")
_NAME_TAIL = " \t\n,，、:：;；"
_YEAR = re.compile(r"(\d{4})\s*年度?")


@dataclass(frozen=True, slots=True)
class _Text:
    """The flowed text, and for each character offset where it came from."""

    text: str
    starts: list[int]
    locations: list[Location]

    def at(self, offset: int) -> Location:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.locations[max(i, 0)]


@lru_cache(maxsize=1)
def _labels_pattern() -> re.Pattern[str]:
    # Only spellings that cannot be part of an indicator's name: with 指标, or the long stems (社会效益).
    spellings = [s for s in label_spellings() if s.endswith("指标") or len(s) >= 4]
    words = sorted({*spellings, *_HEADER_WORDS, *_FILLERS}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def read_flow(grid: Grid, kind: FormKind | None = None) -> FormDocument | None:
    """The form in a grid whose cells ran together, or None when no indicator can be read from it."""
    if not grid.rows:
        return None
    form = FormDocument(source=grid.source, kind=kind or FormKind.TARGET, location=Location(grid.source))
    flowed = _flow(grid, form)
    text = flowed.text
    if "自评" in text[:400] or "自我评价" in text[:400]:
        form.kind = FormKind.SELF_EVALUATION
    year = _YEAR.search(text[:600])
    if year is not None and 1990 <= int(year.group(1)) <= 2100:
        form.year = int(year.group(1))
        form.field_locations["year"] = flowed.at(year.start())
    first = _first_indicator_area(text)
    if first is None:
        return None
    _read_fields(form, flowed, first)
    _scored_list(form, grid)
    end = _stop_at(text, first)
    columns = _value_columns(text[first:end])
    _read_area(form, flowed, first, end, columns)
    # A form whose project is named but whose indicators could not be split is still a form: its warnings
    # say where and why, which a refusal of the whole file would not.
    return form if form.indicators or form.project.name else None


_POINTS_TOKEN = re.compile(r"^分(?:$|[,，;；。.])")
_SCORE_TOKEN = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")


def _scored_list(form: FormDocument, grid: Grid) -> None:
    """The scored rows of a text flowed out of a PDF, cell by cell (`决策依据 2 2`), under a header that declares
    a weight and a score column side by side (`分值 自评分`): a name of two to ten characters followed by two
    numbers, the second no greater than the first, and not by `分` (`计 2 分` is a scoring rule). Section
    headings with their points (`项目决策 2 分`) interleaved in the flow are left out. The rows end at the next
    indicator header (一级指标, 三级指标)."""
    cells = [c for row in grid.rows for c in row.cells if c.text.strip()]
    start = None
    for i in range(len(cells) - 1):
        first, second = (header_role(strip_notes(key_of(c.text))) for c in cells[i : i + 2])
        before = header_role(strip_notes(key_of(cells[i - 1].text))) if i > 0 else None
        # Only where the weight is the first column after the name (`评价内容 分值 自评分`): after a target
        # or an actual column the two numbers after a name would be those.
        if first is Col.WEIGHT and second is Col.SCORE and before in (None, Col.NAME):
            start = i + 2
            break
    if start is None:
        return
    tokens: list[Cell] = []
    for cell in cells[start:]:
        if header_role(strip_notes(key_of(cell.text))) in (Col.LEVEL1, Col.LEVEL2, Col.NAME):
            break
        tokens.append(cell)
    # Section headings with their points, interleaved: `项目管理 13 分`.
    kept: list[Cell] = []
    i = 0
    while i < len(tokens):
        if (
            i + 2 < len(tokens)
            and _SCORE_TOKEN.match(tokens[i + 1].text)
            and _POINTS_TOKEN.match(tokens[i + 2].text)
            and re.fullmatch(r"[\u4e00-\u9fff]{2,10}", tokens[i].text)
        ):
            i += 3
            continue
        kept.append(tokens[i])
        i += 1
    found = 0
    for i in range(len(kept) - 2):
        name, weight, score = kept[i : i + 3]
        after = kept[i + 3].text if i + 3 < len(kept) else ""
        if not (
            re.fullmatch(r"[\u4e00-\u9fff]{2,10}", name.text)
            and classify_label(name.text) is None
            and header_role(strip_notes(key_of(name.text))) is None
            and _SCORE_TOKEN.match(weight.text)
            and _SCORE_TOKEN.match(score.text)
            and not _POINTS_TOKEN.match(after)
        ):
            continue
        w, sc = Decimal(weight.text), Decimal(score.text)
        if not 0 < w <= 100 or sc > w:
            continue
        indicator = _indicator(name.text, None, None, name.location)
        indicator.weight, indicator.recorded_score = w, sc
        form.indicators.append(indicator)
        found += 1
    if found:
        form.warn(
            f"按“分值 自评分”表头，从逐格排列的文字中读取了{found}个评分项",
            cells[start].location,
        )


_FIELD_STOPS = (
    *FIELD_LABELS,
    *_HEADER_WORDS,
    "年度绩效目标",
    "年度总体目标",
    "负责人",
    "填报日期",
    "单位名称",
    "项目资金",
    "预算执行",
    "资金来源",
    "年度资金",
    "自评得分",
    "财政审",
    "项目属性",
    "实施单位",
)


def _read_fields(form: FormDocument, flowed: _Text, end: int) -> None:
    """Header fields written inline before the indicators: `项目名称X主管部门Y实施单位Z`."""
    text = flowed.text[:end]
    stops = re.compile("|".join(re.escape(w) for w in sorted(_FIELD_STOPS, key=len, reverse=True)))
    for m in stops.finditer(text):
        which = FIELD_LABELS.get(m.group(0))
        if which not in (Field.NAME, Field.UNIT, Field.DEPARTMENT):
            continue
        nxt = stops.search(text, m.end())
        value = text[m.end() : nxt.start() if nxt else len(text)].strip(" :：,，")
        if not 2 <= len(value) <= 40 or not re.search(r"[\u4e00-\u9fff]", value):
            continue
        project = form.project
        if which is Field.NAME and project.name is None:
            project.name = value
        elif which is Field.UNIT and project.unit is None:
            project.unit = value
        elif which is Field.DEPARTMENT and project.department is None:
            project.department = value
        else:
            continue
        form.field_locations[f"project.{which.value}"] = flowed.at(m.end())


def _flow(grid: Grid, form: FormDocument) -> _Text:
    """Join every cell into one text, repairing what flattening and OCR did, each repair said once."""
    repaired: dict[str, Location] = {}
    lines: list[tuple[str, Location]] = []
    for row in grid.rows:
        for cell in row.cells:
            lines.extend((line, cell.location) for line in cell.text.splitlines() or [""])
    markers = sum(1 for line, _ in lines if _PAGE_MARKER.match(line))
    parts: list[str] = []
    starts: list[int] = []
    locations: list[Location] = []
    offset = 0
    for raw, loc in lines:
        line = raw
        if _PINYIN.search(line):
            line = _PINYIN.sub("", line)
            repaired.setdefault("行内拼音注音已删除", loc)
        line = to_simplified(normalise_cell(line))
        if markers >= 2 and _PAGE_MARKER.match(line):
            line = _PAGE_MARKER.sub("", line, count=1)
            repaired.setdefault("页码标记“1、”“2、”已删除", loc)
        if _CJK_GAP.search(line):
            line = _CJK_GAP.sub("", line)
            repaired.setdefault("汉字之间的空格已删除", loc)
        if _PLACEHOLDER.search(line):
            line = _PLACEHOLDER.sub("", line)
            repaired.setdefault("模板占位符(≥**)已删除", loc)
        line = _BOILERPLATE.sub("", line)
        if "万兀" in line:
            line = line.replace("万兀", "万元")
            repaired.setdefault("“万兀”读作“万元”（识别纠正）", loc)
        starts.append(offset)
        locations.append(loc)
        parts.append(line)
        offset += len(line)
    for message, loc in repaired.items():
        form.warn(message, loc)
    return _Text("".join(parts), starts, locations)


def _first_indicator_area(text: str) -> int | None:
    """Where the indicators start: the table header's 三级指标, or failing that the first level label."""
    header = text.find("三级指标")
    if header >= 0:
        return header
    for m in _labels_pattern().finditer(text):
        if classify_label(m.group(0)) is not None:
            return m.start()
    return None


def _stop_at(text: str, start: int) -> int:
    ends = [p for w in _FLOW_STOPS if (p := text.find(w, start)) >= 0]
    return min(ends) if ends else len(text)


def _value_columns(area: str) -> list[Col]:
    """The value columns the header declares after 三级指标, in order; just the target when there is none."""
    name_at = area.find("三级指标")
    if name_at < 0:
        return [Col.TARGET]
    found: list[tuple[int, Col]] = []
    taken: list[tuple[int, int]] = []
    for word, role in sorted(_HEADER_WORDS.items(), key=lambda item: -len(item[0])):
        if role not in (Col.TARGET, Col.ACTUAL, Col.WEIGHT, Col.SCORE):
            continue
        at = area.find(word, name_at, name_at + 80)
        if at < 0 or any(a <= at < b for a, b in taken) or role in (r for _, r in found):
            continue
        found.append((at, role))
        taken.append((at, at + len(word)))
    # OCR scrambles short header words (考值参分 for 参考分值): a permutation of a known word counts.
    window = area[name_at : name_at + 80]
    for word, role in _HEADER_WORDS.items():
        if len(word) != 4 or role in (r for _, r in found) or role not in (Col.WEIGHT, Col.SCORE):
            continue
        for i in range(len(window) - 3):
            at = name_at + i
            if sorted(window[i : i + 4]) == sorted(word) and not any(a <= at < b for a, b in taken):
                found.append((at, role))
                taken.append((at, at + 4))
                break
    columns = [role for _, role in sorted(found)]
    return columns or [Col.TARGET]


def _read_area(form: FormDocument, flowed: _Text, start: int, end: int, columns: list[Col]) -> None:
    text = flowed.text
    pattern = _labels_pattern()
    level1: str | None = None
    level2: str | None = None
    pieces: list[tuple[int, int]] = []
    cursor = start
    for m in pattern.finditer(text, start, end):
        if m.start() > cursor:
            pieces.append((cursor, m.start()))
        cursor = m.end()
        pieces.append((m.start(), -m.end()))  # a label or header word: negative end marks it
    if cursor < end:
        pieces.append((cursor, end))
    narrative = columns == [Col.TARGET]
    for a, b in pieces:
        if b < 0:
            word = text[a:-b]
            match = classify_label(word)
            if match is not None:
                if match.level == 1:
                    level1, level2 = word, None
                else:
                    level2 = word
            continue
        clauses = _clauses(text, a, b) if narrative else [(a, b)]
        check_deadline(flowed.at(a))
        for ca, cb in clauses:
            found = (
                _weighted_rows(form, flowed, ca, cb, columns)
                if runrows.applies(columns)
                else _indicators(form, flowed, ca, cb, columns, narrative)
            )
            for indicator in found:
                indicator.raw_level1, indicator.raw_level2 = level1, level2
                indicator.level1, indicator.level2 = normalise_levels(level1, level2, form.taxonomy)
                form.indicators.append(indicator)


def _weighted_rows(form: FormDocument, flowed: _Text, a: int, b: int, columns: list[Col]) -> list[Indicator]:
    """Rows whose first value is a weight or score (`名称 分值 指标值 完成值 得分`), read by ``runrows``."""
    cleaned, offsets, points = runrows.clean(flowed.text[a:b])

    def where(offset: int) -> Location:
        return flowed.at(a + (offsets[offset] if offset < len(offsets) else 0))

    rows = runrows.read_rows(
        cleaned,
        columns,
        warn=lambda message, offset: form.warn(message, where(offset)),
        check=lambda offset: check_deadline(where(offset)),
        points=points,
    )
    out: list[Indicator] = []
    for row in rows:
        loc = where(row.start)
        for repair in row.repairs:
            form.warn(f"指标“{row.name}”：{repair}", loc)
        if row.tie_broken:
            form.warn(
                f"指标“{row.name}”的数字连在一起，有两种拆分；按完成值与指标值相同的一种读取",
                loc,
            )
        indicator = _indicator(row.name, row.values.get(Col.TARGET), row.values.get(Col.ACTUAL), loc)
        indicator.weight = row.numbers.get(Col.WEIGHT)
        indicator.recorded_score = row.numbers.get(Col.SCORE)
        out.append(indicator)
    return out


def _clauses(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cursor = a
    for m in _CLAUSE.finditer(text, a, b):
        out.append((cursor, m.start()))
        cursor = m.end()
    out.append((cursor, b))
    # Several indicators in one sentence, separated by commas; a comma part without a value only introduces
    # the next (`作物种植补助标准,黄金蜜补助成本≤28.40/株`) and is dropped. A sentence with no value at all
    # stays whole (a qualitative indicator).
    split: list[tuple[int, int]] = []
    for ca, cb in out:
        parts: list[tuple[int, int]] = []
        cursor = ca
        for m in re.finditer(r"[,，]", text[ca:cb]):
            parts.append((cursor, ca + m.start()))
            cursor = ca + m.end()
        parts.append((cursor, cb))
        valued = [(pa, pb) for pa, pb in parts if _VALUE.search(text, pa, pb)]
        split.extend(valued or [(ca, cb)])
    return split


def _indicators(
    form: FormDocument, flowed: _Text, a: int, b: int, columns: list[Col], narrative: bool
) -> list[Indicator]:
    text = flowed.text
    piece = text[a:b]
    out: list[Indicator] = []
    runs = _value_runs(piece)
    name_start = 0
    width = len(columns)
    for run_start, run_end, tokens in runs:
        at_end = run_end == len(piece) or piece[run_end:].strip() in ("", *_FILLERS)
        stated = width == 1 and len(tokens) == 1 and tokens[0][0] in "≥≤<>=不大小低高W"
        if not (at_end or stated or (width >= 2 and len(tokens) == width)):
            continue  # numbers inside a name (`6小时内扑灭率`, `5000吨稻谷`)
        name = _NAME_JUNK.sub("", piece[name_start:run_start]).rstrip(_NAME_TAIL).strip()
        name_start = run_end
        if len(re.findall(r"[\u4e00-\u9fff]", name)) < 2:
            continue
        repeated = re.search(r"([\u4e00-\u9fff]{2,4})\1$", name)
        if repeated is not None:
            # 满意度满意度≥90%: the target cell began with the name's last word.
            name = name[: -len(repeated.group(1))]
        loc = flowed.at(a + run_start - len(name))
        values = _assign(form, tokens, columns, name, loc)
        if values is None:
            out.append(_indicator(name, None, None, loc))
            continue
        out.append(_indicator(name, values.get(Col.TARGET), values.get(Col.ACTUAL), loc))
    if not out and name_start == 0:
        rest = _NAME_JUNK.sub("", piece).rstrip(_NAME_TAIL).strip()
        doubled = re.fullmatch(r"(.{2,40}?)([\u4e00-\u9fff]{1,6})\2", rest) if len(rest) <= 52 else None
        # A yes/no indicator (`…是否明显提高`) with its answer glued on: `…是否明显提高是`, or `是是` / `是否` for
        # the target and the actual.
        yes_no = (
            re.fullmatch(r"(.{0,30}是否[^是否]{1,30})([是否])([是否])?", rest) if len(rest) <= 64 else None
        )
        if yes_no and columns[:1] == [Col.TARGET]:
            loc = flowed.at(a)
            answer, actual = yes_no.group(2), yes_no.group(3)
            if actual is not None and columns[1:2] != [Col.ACTUAL]:
                actual = None
            form.warn(
                f"指标“{yes_no.group(1)}”后面的“{answer}{actual or ''}”读作指标值"
                f"{'和完成值' if actual else ''}",
                loc,
            )
            out.append(_indicator(yes_no.group(1), answer, actual, loc))
        elif doubled and columns[:2] == [Col.TARGET, Col.ACTUAL]:
            loc = flowed.at(a)
            form.warn(
                f"“{doubled.group(2)}{doubled.group(2)}”读作指标值和完成值各一个",
                loc,
            )
            out.append(_indicator(doubled.group(1), doubled.group(2), doubled.group(2), loc))
        elif narrative and 4 <= len(rest) <= 30 and not _VALUE.search(rest):
            qualitative = re.fullmatch(r"(.{2,30}?)定性(.{1,10})", rest)
            name, target = (qualitative.group(1), qualitative.group(2)) if qualitative else (rest, rest)
            out.append(_indicator(name, target, None, flowed.at(a)))
    return out


def _value_runs(piece: str) -> list[tuple[int, int, list[str]]]:
    runs: list[tuple[int, int, list[str]]] = []
    for m in _VALUE.finditer(piece):
        if runs and runs[-1][1] == m.start():
            runs[-1][2].append(m.group(0))
            runs[-1] = (runs[-1][0], m.end(), runs[-1][2])
        else:
            runs.append((m.start(), m.end(), [m.group(0)]))
    return runs


def _assign(
    form: FormDocument, tokens: list[str], columns: list[Col], name: str, loc: Location
) -> dict[Col, str] | None:
    """Map a run of values onto the value columns, or None (with a warning) when that is ambiguous."""
    if len(tokens) == 1 and len(columns) >= 2 and re.fullmatch(r"0+", tokens[0]) and len(tokens[0]) == 2:
        form.warn(f"指标“{name}”的“00”读作指标值0和完成值0", loc)
        tokens = ["0", "0"]
    if len(tokens) == 1 and len(columns) >= 2 and re.fullmatch(r"\d{4,}", tokens[0]):
        form.warn(
            f"指标“{name}”的数字“{tokens[0]}”可能是几个值连在一起，未读取",
            loc,
        )
        return None
    if len(tokens) == len(columns):
        return dict(zip(columns, tokens, strict=True))
    if len(tokens) < len(columns) and columns[: len(tokens)] == [Col.TARGET, Col.ACTUAL][: len(tokens)]:
        return dict(zip(columns, tokens, strict=False))
    form.warn(
        f"指标“{name}”的{len(tokens)}个值无法对应到{len(columns)}列，未读取",
        loc,
    )
    return None


def _indicator(name: str, target: str | None, actual: str | None, loc: Location) -> Indicator:
    value = parse_target(target or "", indicator=name)
    if target is not None and value.kind is TargetKind.NOT_APPLICABLE and target not in ("无", "/"):
        value = parse_target("", indicator=name)
    return Indicator(
        horizon=Horizon.ANNUAL,
        level1=None,
        level2=None,
        name=name,
        target=value,
        actual=actual,
        location=loc,
    )
