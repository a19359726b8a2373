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
        name = re.sub(r"\s+\(.*\)$", "", m.group("name").strip())
        out[current].append(_expected(name, m.group("rest").strip(), management))
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
    key = _norm(expected.name)
    best = None
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--forms", type=Path, default=DEFAULT_FORMS)
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
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
