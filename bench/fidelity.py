"""Fidelity on the development set: how many indicators a person reads in each real form come out right.

    python bench/fidelity.py [--forms ../shared/samples/real-forms] [--json bench/out/fidelity.json] [-v]

``ORACLE.md`` beside the forms says, per file, what a careful person reads: for self-evaluations
``name: target, actual, weight, recorded score`` (``—`` for empty), for targets
``name: target string → operator value unit``. Each oracle indicator is looked up in what ``read_forms`` gives
(by name: equal, or one containing the other once spaces and punctuation are gone) and counted as

- **right**: found, and every number the oracle gives (target, actual, weight, score) is there and equal, every
  ``—`` is empty, and a target the oracle reads as text is not typed as a number;
- **wrong number**: a number in our output that differs from the oracle's, or a number where the oracle reads
  none; an indicator of ours that matches no oracle entry and carries a number also counts (in files whose
  oracle lists every indicator);
- **missing**: not found, or found with a number left empty (never a wrong number).

A file that cannot be read is a **refusal**; it counts as naming the place when the message names a line,
row, cell, column, page or sheet. Entries the oracle marks as cut (``…``, "cut") are checked for wrong numbers
only. Files whose oracle gives no indicator list are read, and their refusals counted, but not scored.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FORMS = ROOT.parent / "shared" / "samples" / "real-forms"

_ENTRY = re.compile(r"^\s*-\s+(?P<name>.+?):\s+(?P<rest>.+)$")
_FILE_HEADING = re.compile(r"^###\s+(?P<id>\w+)\s|^\*\*(?P<id2>\d+)\s")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PUNCT = re.compile(r"[\s,，、:：;；。.()（）\[\]【】“”\"'…·*★]+")
_EMPTY = ("—", "-", "–")
_PLACE = re.compile(r"\b(line|row|cell|column|page|sheet|table|paragraph) \w|第.{1,6}[行列页]")


@dataclass(slots=True)
class Expected:
    name: str
    target: str | None = None
    actual: str | None = None
    weight: str | None = None
    score: str | None = None
    target_number: Decimal | None = None
    target_is_text: bool = False
    cut: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class FileResult:
    file: str
    kind: str
    oracle: int = 0
    scored: int = 0
    right: int = 0
    missing: int = 0
    wrong_numbers: int = 0
    refused: bool = False
    refusal_names_place: bool = False
    refusal: str | None = None
    indicators_read: int = 0
    details: list[str] = field(default_factory=list)


def _norm(name: str) -> str:
    from jixiao.domain.text import to_simplified

    return _PUNCT.sub("", to_simplified(name)).lower()


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    cleaned = text.replace(",", "")
    m = _NUMBER.search(cleaned)
    if m is None:
        return None
    try:
        value = Decimal(m.group(0))
    except InvalidOperation:
        return None
    if cleaned[m.end() :].lstrip().startswith("万"):
        value *= 10_000
    return value


def _strip_note(text: str) -> str:
    """`15 (数量指标 15分)` → `15`; notes in brackets after a value are the oracle's comments."""
    return re.sub(r"\s*\((?!\d)[^)]*\)\s*$", "", text).strip()


def parse_oracle(text: str) -> dict[str, list[Expected]]:
    """Per file id (`03`, `b02`), the indicators the oracle lists."""
    out: dict[str, list[Expected]] = {}
    current: str | None = None
    management = False
    for line in text.splitlines():
        heading = _FILE_HEADING.match(line)
        if heading:
            current = heading.group("id") or heading.group("id2")
            out.setdefault(current, [])
            management = False
            continue
        if line.startswith("- **") or line.startswith("## "):
            current = None if line.startswith("## ") else current
            continue
        if current is None:
            continue
        if not line.startswith(("-", " ")):
            if line.startswith(("Inconsisten", "Note")):
                current = None  # remarks about the form, not indicators
                continue
            management = "分值" in line and "自评分" in line
            continue
        m = _ENTRY.match(line)
        if m is None or m.group("name").startswith(("Budget", "Checks", "Inconsistenc")):
            continue
        raw_name = m.group("name").strip()
        name = re.sub(r"\s+\(.*\)$", "", raw_name)
        entry = _expected(name, m.group("rest").strip(), management)
        # `社会效益 (三级 name reads `效果显著`)`: the oracle names the row by its level and gives the 三级 name.
        entry.aliases = tuple(
            a.split("…")[0] for a in re.findall(r"三级(?: name reads)?\s*[`\"“]([^`\"”]+)[`\"”]", raw_name)
        )
        out[current].append(entry)
    return {k: v for k, v in out.items() if v}


def _expected(name: str, rest: str, management: bool) -> Expected:
    cut = "cut" in rest or rest.endswith("…") or "…" in name
    if "→" in rest:
        raw, _, reading = rest.partition("→")
        reading = reading.strip()
        e = Expected(name, target=raw.strip(), cut=cut)
        weight = re.search(r"weight (\d+(?:\.\d+)?)", reading)
        if weight:
            e.weight = weight.group(1)
        head = reading.split(",")[0]
        if re.match(r"^(text|period|qualitative)", head):
            e.target_is_text = True
        else:
            e.target_number = _number(re.sub(r"\([^)]*\)", "", head))
        return e
    fields = [_strip_note(f) for f in re.split(r",\s+(?![^(]*\))", rest)]
    if management:
        return Expected(name, weight=fields[0], score=fields[1] if len(fields) > 1 else None, cut=cut)
    e = Expected(name, cut=cut)
    slots = ("target", "actual", "weight", "score")
    for slot, value in zip(slots, fields, strict=False):
        setattr(e, slot, value)
    if e.target is not None:
        dated = re.search(r"\d{4}年", e.target) is not None
        n = _number(e.target) if e.target not in _EMPTY and not dated else None
        e.target_number = n
        e.target_is_text = n is None and e.target not in _EMPTY
    return e


def _file_id(path: Path) -> str:
    return path.name.split("_", 1)[0]


def _ours_numbers(ind: Any) -> dict[str, Decimal | None]:
    return {
        "target": ind.target.value,
        "actual": _number(ind.actual),
        "weight": ind.weight,
        "score": ind.recorded_score,
    }


def _match(expected: Expected, ours: list[Any], used: set[int]) -> Any | None:
    """Equal names first; then one containing the other; then the 三级 name the oracle gives for a row it
    names by its level (its first six characters); then a name one or two OCR-damaged characters off."""
    from difflib import SequenceMatcher

    key = _norm(expected.name)
    aliases = [_norm(a) for a in expected.aliases]
    best = None
    tiers: dict[int, int] = {}
    for i, ind in enumerate(ours):
        if i in used or not ind.name:
            continue
        theirs = _norm(ind.name)
        if not theirs:
            continue
        if theirs == key:
            used.add(i)
            return ind
        if best is None and len(min(theirs, key, key=len)) >= 4 and (theirs in key or key in theirs):
            best = i
        if any(theirs == a or (len(a) >= 6 and theirs.startswith(a[:6])) for a in aliases):
            tiers.setdefault(1, i)
        elif min(len(theirs), len(key)) >= 6 and SequenceMatcher(None, theirs, key).ratio() >= 0.85:
            tiers.setdefault(2, i)
    if best is None and tiers:
        best = tiers[min(tiers)]
    if best is not None:
        used.add(best)
        return ours[best]
    return None


def score_file(path: Path, expected: list[Expected] | None) -> FileResult:
    from jixiao.domain.forms import FormReadError, read_forms

    text = path.read_text(encoding="utf-8")
    kind = next(
        (line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("kind:")), "?"
    )
    result = FileResult(file=path.name, kind=kind)
    try:
        forms = read_forms(path)
    except FormReadError as error:
        result.refused = True
        result.refusal = str(error)
        result.refusal_names_place = bool(_PLACE.search(str(error)))
        forms = []
    ours = [ind for form in forms for ind in form.indicators]
    result.indicators_read = len(ours)
    if expected is None:
        return result
    result.oracle = len(expected)
    used: set[int] = set()
    for e in expected:
        found = _match(e, ours, used)
        if not e.cut:
            result.scored += 1
        if found is None:
            if not e.cut:
                result.missing += 1
                result.details.append(f"missing: {e.name}")
            continue
        wrong, incomplete = _compare(e, found)
        result.wrong_numbers += len(wrong)
        for w in wrong:
            result.details.append(f"WRONG NUMBER: {e.name}: {w}")
        if e.cut:
            continue
        if wrong or incomplete:
            result.missing += 0 if wrong else 1
            for m in incomplete:
                result.details.append(f"not right: {e.name}: {m}")
        else:
            result.right += 1
    for i, ind in enumerate(ours):
        if i in used:
            continue
        numbers = {k: v for k, v in _ours_numbers(ind).items() if v is not None}
        if numbers:
            result.wrong_numbers += 1
            result.details.append(f"WRONG NUMBER: extra indicator {ind.name!r} with {numbers}")
    return result


def _compare(e: Expected, ind: Any) -> tuple[list[str], list[str]]:
    """(wrong numbers, things not right but not wrong)."""
    wrong: list[str] = []
    incomplete: list[str] = []
    ours = _ours_numbers(ind)
    wanted: dict[str, tuple[Decimal | None, bool]] = {}
    # (number the oracle reads, whether the oracle reads the field as empty)
    wanted["target"] = (e.target_number, e.target is not None and e.target.strip() in _EMPTY)
    for slot in ("actual", "weight", "score"):
        raw = getattr(e, slot)
        wanted[slot] = (_number(raw) if raw is not None else None, raw is not None and raw.strip() in _EMPTY)
    for slot, (number, empty) in wanted.items():
        have = ours[slot]
        if slot == "target" and e.target_is_text:
            if have is not None and not _same_number_in(e.target or "", have):
                wrong.append(f"target read as the number {have}, the form says {e.target!r}")
            continue
        if number is not None:
            if have is None:
                incomplete.append(f"{slot} empty, the form says {number}")
            elif have != number:
                wrong.append(f"{slot} {have}, the form says {number}")
        elif empty and have is not None:
            wrong.append(f"{slot} {have}, the form leaves it empty")
        elif have is not None and getattr(e, slot) and not _same_number_in(getattr(e, slot), have):
            wrong.append(f"{slot} {have}, the form says {getattr(e, slot)!r}")
    return wrong, incomplete


def _same_number_in(text: str, value: Decimal) -> bool:
    return any(Decimal(n) == value for n in _NUMBER.findall(text.replace(",", "")))


def run(forms_dir: Path) -> list[FileResult]:
    oracle = parse_oracle((forms_dir / "ORACLE.md").read_text(encoding="utf-8"))
    return [score_file(path, oracle.get(_file_id(path))) for path in sorted(forms_dir.glob("*.txt"))]


def totals(results: list[FileResult]) -> dict[str, Any]:
    scored = sum(r.scored for r in results)
    right = sum(r.right for r in results)
    refused = [r for r in results if r.refused]
    return {
        "files": len(results),
        "oracle_indicators": sum(r.oracle for r in results),
        "scored": scored,
        "right": right,
        "right_rate": right / scored if scored else 0.0,
        "missing": sum(r.missing for r in results),
        "wrong_numbers": sum(r.wrong_numbers for r in results),
        "refused": len(refused),
        "refusals_naming_place": sum(1 for r in refused if r.refusal_names_place),
    }


def markdown(results: list[FileResult]) -> str:
    lines = [
        "| file | kind | oracle | right | missing | wrong numbers | read | refusal |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        refusal = ("names the place" if r.refusal_names_place else "names only the file") if r.refused else ""
        oracle = str(r.oracle) if r.oracle else "(no list)"
        lines.append(
            f"| {r.file.split('_', 1)[0]} | {r.kind} | {oracle} | {r.right} | {r.missing} | {r.wrong_numbers} "
            f"| {r.indicators_read} | {refusal} |"
        )
    t = totals(results)
    lines.append(
        f"| **all** | | {t['oracle_indicators']} ({t['scored']} scored) | **{t['right']}** "
        f"({t['right_rate']:.0%}) | {t['missing']} | **{t['wrong_numbers']}** | | {t['refused']} refused, "
        f"{t['refusals_naming_place']} naming the place |"
    )
    return "\n".join(lines)


# --- the layout-mutation corpus ------------------------------------------------------------------------------
#
# Well-formed forms (the indicators of the generated benchmark corpus, ``bench/corpus.py``) rendered through
# every layout class real forms come in, and through a text transform on top (OCR damage, traditional
# characters with inline pinyin). Reading a rendering back must give each indicator's numbers as the
# well-formed form has them, or leave them empty: never a different number.

LAYOUTS = (
    "table",
    "one_cell_per_line",
    "one_line",
    "blank_cells",
    "run_together",
    "narrative",
    "two_value_columns",
    "weighted_run",
    "csv_flat",
)
# Layouts whose rendering carries the weight, and those that carry the actual (self-evaluations).
WEIGHTED = ("table", "blank_cells", "two_value_columns", "weighted_run", "csv_flat")
WITH_ACTUAL = ("run_together", "weighted_run")
TRANSFORMS = ("plain", "ocr", "traditional_pinyin", "ocr,traditional_pinyin")


@dataclass(frozen=True, slots=True)
class MRow:
    level1: str
    level2: str
    name: str
    target: str
    weight: int
    actual: str | None


@dataclass(frozen=True, slots=True)
class MForm:
    project: str
    year: int
    total_wan: str
    rows: tuple[MRow, ...]


def sample_form(seed: int) -> MForm:
    """Form ``seed`` of the mutation corpus: the corpus's indicators, each with a weight and an actual."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus

    spec = corpus.form_spec(seed, seed)
    rows = []
    for i, ind in enumerate(spec.indicators):
        if ind.annual == "不适用":
            continue
        actual = re.sub(r"^[≥≤>=<]+|^满意度[≥≤]", "", ind.annual) if i % 3 else None
        rows.append(MRow(ind.level1, ind.level2, ind.name, ind.annual, 2 + i % 5, actual))
    return MForm(spec.name, spec.year, corpus._plain(spec.annual.total), tuple(rows))


def _groups(form: MForm) -> list[tuple[str, str, list[MRow]]]:
    out: list[tuple[str, str, list[MRow]]] = []
    for row in form.rows:
        if out and out[-1][:2] == (row.level1, row.level2):
            out[-1][2].append(row)
        else:
            out.append((row.level1, row.level2, [row]))
    return out


def _head(form: MForm, kind: str = "目标") -> list[str]:
    return [
        f"{form.year}年度项目支出绩效{kind}表",
        f"项目名称\t{form.project}",
        f"年度资金总额(万元)\t{form.total_wan}",
    ]


def render(form: MForm, layout: str) -> str:
    """The form in one layout class, as text."""
    if layout == "table":
        lines = [*_head(form), "一级指标\t二级指标\t三级指标\t指标值\t分值"]
        lines += [f"{r.level1}\t{r.level2}\t{r.name}\t{r.target}\t{r.weight}" for r in form.rows]
        return "\n".join(lines) + "\n"
    if layout == "one_cell_per_line":
        cells = [f"{form.year}年度项目支出绩效目标表", "项目名称", form.project, "一级指标", "二级指标", "三级指标",
                 "指标值"]  # fmt: skip
        last1 = None
        for level1, level2, rows in _groups(form):
            if level1 != last1:
                cells.append(level1)
                last1 = level1
            stem = level2.removesuffix("指标")
            cells += [stem, "指标"] if len(stem) >= 4 else [level2]  # a label split over two lines
            for r in rows:
                cells += [r.name, r.target]
            cells += ["指标1:", "\u00a0"]  # an empty template row
        cells.append("填报人:")
        return "\n\n".join(cells) + "\n"
    if layout == "one_line":
        parts = [f"{form.year}年度项目支出绩效目标表", "项目名称", form.project, "一级指标", "二级指标", "三级指标",
                 "指标值"]  # fmt: skip
        for r in form.rows:
            parts += [r.level1, r.level2, r.name, r.target]
        return " ".join(p.replace(" ", "") for p in parts) + "\n"
    if layout == "blank_cells":
        lines = [f"{form.year}年度项目支出绩效目标表", f"项目名称 {form.project}",
                 "一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重(%)"]  # fmt: skip
        for i, r in enumerate(form.rows):
            m = re.fullmatch(r"(≥|≤|=)?(\d+(?:\.\d+)?)(\S*)", r.target)
            if m is None:
                lines.append(f"{r.level1} {r.level2} {r.name} 定性 {r.target} {r.weight}")
                continue
            op = m.group(1) if i % 2 else ""  # the operator cell left blank: later cells slide left
            cells = [r.level1, r.level2, r.name, op, m.group(2), m.group(3), str(r.weight)]
            lines.append(" ".join(c for c in cells if c))
        return "\n".join(lines) + "\n"
    if layout == "run_together":
        text = (f"{form.year}年度项目支出绩效自评表项目名称{form.project}一级指标二级指标三级指标"
                "年初目标值实际完成值未完成原因")  # fmt: skip
        last1 = None
        for level1, level2, rows in _groups(form):
            if level1 != last1:
                text += level1
                last1 = level1
            text += level2
            for r in rows:
                text += r.name + r.target + (r.actual or "") + "达成预期指标"
        return text + "说明\n"
    if layout == "narrative":
        lines = [f"关于{form.project}绩效目标设定的公示"]
        for _level1, level2, rows in _groups(form):
            clauses = ";".join(f"{r.name}{r.target}" for r in rows)
            lines.append(f"设{len(rows)}条{level2}:{clauses}。")
        return "\n".join(lines) + "\n"
    if layout == "two_value_columns":
        lines = [*_head(form), "一级指标\t二级指标\t三级指标\t年初指标值\t调整后指标值\t分值"]
        for r in form.rows:
            lines.append(f"{r.level1}\t{r.level2}\t{r.name}\t{r.target}\t{_adjusted(r.target)}\t{r.weight}")
        return "\n".join(lines) + "\n"
    if layout == "weighted_run":
        # A self-evaluation whose weight comes before the target, run together (a document preview, OCR):
        # name, 分值, 指标值, 全年实际值, 得分, with section points after the level labels.
        text = (f"{form.year}年度项目支出绩效自评表项目名称{form.project}一级指标二级指标三级指标分值指标值"
                "全年实际值得分未完成原因分析及改进措施")  # fmt: skip
        last1 = None
        for level1, level2, rows in _groups(form):
            if level1 != last1:
                text += level1
                last1 = level1
            text += f"{level2}({sum(r.weight for r in rows)}分)"
            for i, r in enumerate(rows):
                text += f"{r.name}{r.weight}{r.target}{r.actual or ''}{_score(r, i)}"
        return text + "\n"
    if layout == "csv_flat":
        # A quoted CSV whose rows ran together: grouping columns, name, description, target, rule, weight,
        # score; merged cells left empty, rows joined by a space.
        fields = ['"类别","考核内容","考核指标","指标说明","年度工作目标","评分标准","权数","考评得分"']
        last1 = None
        for level1, level2, rows in _groups(form):
            for i, r in enumerate(rows):
                first = f'"{level1}"' if level1 != last1 else ""
                last1 = level1
                second = f'"{level2}"' if i == 0 else ""
                score = f'"{_score(r, i)}"' if i % 2 else ""
                fields.append(
                    f'{first},{second},"{r.name}","{r.name}=完成数/计划数*100%,用以反映完成情况.",'
                    f'"{r.target}","按完成比例计算得分,满分为止.","{r.weight}",{score}'
                )
        return f"{form.year}年度部门预算支出考评表\n" + " ".join(fields) + "\n"
    raise ValueError(f"unknown layout {layout!r}")


def _score(row: MRow, i: int) -> int:
    return row.weight - (i % 2)


def _adjusted(target: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), target, count=1)


_PINYIN_MARKS = ("(xiàng)", "(mù)", "(biāo)", "(zhǐ)")


def transform(text: str, how: str) -> str:
    """OCR damage or traditional characters with inline pinyin on top of a layout (several: comma-separated)."""
    if "," in how:
        for step in how.split(","):
            text = transform(text, step)
        return text
    if how == "plain":
        return text
    if how == "ocr":
        # ≥ read as 2 before a percentage, 万元 as 万兀, = as 二, ≤ as W.
        text = re.sub(r"≥(\d{2}(?:\.\d+)?%)", r"2\1", text)
        return text.replace("万元", "万兀").replace("≤", "W").replace("=", "二")
    if how == "traditional_pinyin":
        import opencc

        converted = opencc.OpenCC("s2t").convert(text)
        out: list[str] = []
        for i, ch in enumerate(converted):
            out.append(ch)
            if "\u4e00" <= ch <= "\u9fff" and i % 7 == 3:
                out.append(_PINYIN_MARKS[i % len(_PINYIN_MARKS)])
        return "".join(out)
    raise ValueError(f"unknown transform {how!r}")


@dataclass(slots=True)
class MutationResult:
    expected: int = 0
    recovered: int = 0
    empty: int = 0
    different: list[str] = field(default_factory=list)


def check_mutation(form: MForm, layout: str, how: str, folder: Path) -> MutationResult:
    """Read ``form`` rendered in ``layout`` + ``how`` back; count what came back and every different number."""
    from jixiao.domain.forms import FormReadError, read_forms
    from jixiao.domain.targets.grammar import parse_target
    from jixiao.domain.text import to_simplified

    path = folder / f"{layout}-{how}.txt"
    path.write_text(transform(render(form, layout), how), encoding="utf-8")
    result = MutationResult()
    try:
        forms = read_forms(path)
    except FormReadError:
        forms = []
    ours = {}
    for f in forms:
        for ind in f.indicators:
            ours.setdefault(_norm(ind.name or ""), ind)
    expected_names = set()
    selfeval = layout in WITH_ACTUAL
    for row in form.rows:
        key = _norm(row.name)
        expected_names.add(key)
        want = parse_target(row.target, indicator=row.name).value
        weight = row.weight if layout in WEIGHTED else None
        actual = _number(row.actual) if selfeval else None
        result.expected += 1
        ind = ours.get(key)
        have = (ind.target.value, ind.weight, _number(ind.actual)) if ind is not None else (None, None, None)
        for what, w, h in (
            ("target", want, have[0]),
            ("weight", weight, have[1]),
            ("actual", actual, have[2]),
        ):
            if h is not None and w is not None and Decimal(h) != Decimal(w):
                result.different.append(f"{layout}+{how}: {row.name}: {what} {h}, the form says {w}")
            if h is not None and w is None and what != "actual":
                result.different.append(f"{layout}+{how}: {row.name}: {what} {h} where the form has none")
        complete = ind is not None and all(
            h is not None for w, h in zip((want, weight), have[:2], strict=True) if w
        )
        if complete:
            result.recovered += 1
        else:
            result.empty += 1
    for key, ind in ours.items():
        if key not in expected_names and key not in {_norm(to_simplified(n)) for n in expected_names}:
            numbers = [v for v in (ind.target.value, ind.weight) if v is not None]
            if numbers:
                result.different.append(f"{layout}+{how}: extra indicator {ind.name!r} with {numbers}")
    return result


def mutation_figures(count: int, folder: Path) -> dict[str, dict[str, float]]:
    """Recovery per layout class and transform over ``count`` forms: share of indicators recovered with all
    their numbers, and different numbers (must be none)."""
    figures: dict[str, dict[str, float]] = {}
    for layout in LAYOUTS:
        for how in TRANSFORMS:
            total = MutationResult()
            for seed in range(count):
                r = check_mutation(sample_form(seed), layout, how, folder)
                total.expected += r.expected
                total.recovered += r.recovered
                total.different += r.different
            figures[f"{layout}+{how}"] = {
                "expected": total.expected,
                "recovered": total.recovered / total.expected if total.expected else 0.0,
                "different_numbers": len(total.different),
            }
    return figures


def reading(form: MForm, layout: str, how: str, folder: Path) -> dict[str, tuple[Any, Any, Any]]:
    """What the readers give for ``form`` in ``layout`` + ``how``: per indicator name, (target value, weight,
    actual as a number)."""
    from jixiao.domain.forms import FormReadError, read_forms

    path = folder / f"pair-{layout}-{how}.txt"
    path.write_text(transform(render(form, layout), how), encoding="utf-8")
    try:
        forms = read_forms(path)
    except FormReadError:
        return {}
    out: dict[str, tuple[Any, Any, Any]] = {}
    for f in forms:
        for ind in f.indicators:
            out.setdefault(_norm(ind.name or ""), (ind.target.value, ind.weight, _number(ind.actual)))
    return out


@dataclass(slots=True)
class PairResult:
    expected: int = 0
    both: int = 0  # indicators found in both layouts
    disagreements: list[str] = field(default_factory=list)


def check_pair(form: MForm, first: str, second: str, how: str, folder: Path) -> PairResult:
    """The same form in two layout classes must read to the same indicators: every number read in both is
    the same number (a number read in one and left empty in the other is no disagreement)."""
    a, b = reading(form, first, how, folder), reading(form, second, how, folder)
    result = PairResult()
    for row in form.rows:
        key = _norm(row.name)
        result.expected += 1
        x, y = a.get(key), b.get(key)
        if x is None or y is None:
            continue
        result.both += 1
        for what, u, v in zip(("target", "weight", "actual"), x, y, strict=True):
            if u is not None and v is not None and Decimal(u) != Decimal(v):
                result.disagreements.append(f"{first}/{second}+{how}: {row.name}: {what} {u} / {v}")
    return result


def pair_figures(
    count: int, folder: Path, hows: tuple[str, ...] = ("plain", "ocr")
) -> dict[str, dict[str, float]]:
    """Per pair of layout classes (and transform): the share of indicators read with a target in both, and
    the disagreements (must be none)."""
    from itertools import combinations

    figures: dict[str, dict[str, float]] = {}
    for how in hows:
        for first, second in combinations(LAYOUTS, 2):
            total = PairResult()
            for seed in range(count):
                r = check_pair(sample_form(seed), first, second, how, folder)
                total.expected += r.expected
                total.both += r.both
                total.disagreements += r.disagreements
            figures[f"{first} / {second}+{how}"] = {
                "expected": total.expected,
                "both": total.both / total.expected if total.expected else 0.0,
                "disagreements": len(total.disagreements),
            }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--forms", type=Path, default=DEFAULT_FORMS)
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--mutations", type=int, metavar="N", help="instead: the layout-mutation corpus over N forms"
    )
    parser.add_argument(
        "--pairs", type=int, metavar="N", help="instead: the same N forms in every pair of layout classes"
    )
    args = parser.parse_args(argv)
    if args.pairs:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            pairs = pair_figures(args.pairs, Path(tmp))
        print(
            "| pair of layouts + transform | indicators | read in both | disagreements |\n|---|---:|---:|---:|"
        )
        for key, f in pairs.items():
            print(f"| {key} | {f['expected']:.0f} | {f['both']:.0%} | {f['disagreements']:.0f} |")
        return 0
    if args.mutations:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            figures = mutation_figures(args.mutations, Path(tmp))
        print("| layout + transform | indicators | recovered | different numbers |\n|---|---:|---:|---:|")
        for key, f in figures.items():
            print(f"| {key} | {f['expected']:.0f} | {f['recovered']:.0%} | {f['different_numbers']:.0f} |")
        return 0
    if not (args.forms / "ORACLE.md").is_file():
        print(f"no ORACLE.md in {args.forms}", file=sys.stderr)
        return 2
    results = run(args.forms)
    print(markdown(results))
    if args.verbose:
        for r in results:
            for d in r.details:
                print(f"{r.file.split('_', 1)[0]}: {d}")
            if r.refusal:
                print(f"{r.file.split('_', 1)[0]}: refused: {r.refusal}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"totals": totals(results), "files": [asdict(r) for r in results]}, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
