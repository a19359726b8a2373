"""A generated corpus of target forms in the seed layout, half .xlsx and half .docx, for the benchmarks.

Every form is a pure function of ``(seed, index)`` (``form_spec``), so a corpus can be checked against what was
written and rebuilt identically. The content is made up. ``generate`` caches: a folder whose manifest names the
same seed and generator version is reused (and only extended when more forms are asked for).

    python bench/corpus.py OUT_DIR --count 10000 [--seed 0] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# Bump when the files a (seed, index) gives change, so cached corpora are rebuilt.
GENERATOR_VERSION = 2
MANIFEST = "manifest.json"
TITLE = "项目支出绩效目标申报表"
HEADER = ("绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值")
TEN_THOUSAND = Decimal(10000)

_PLACES = (
    "东川", "西岭", "南浦", "北塘", "青阳", "临川", "白沙", "云溪", "石门", "安平",
    "清河", "长宁", "桐林", "松原", "柳江", "金水", "凤台", "平湖", "兰溪", "永安",
)  # fmt: skip
_TOPICS = (
    "网络内容建设", "网络安全宣传", "网络综合治理", "网络舆情监测", "网络文明建设", "数据安全保护",
    "个人信息保护", "网络执法督查", "网络安全应急演练", "网评员队伍建设", "网络媒体协会运行", "信息化项目建设",
    "政务新媒体管理", "网络安全态势感知", "互联网企业党建", "网络公益活动", "网络安全检查评估", "网信干部培训",
    "网络谣言治理", "未成年人网络保护",
)  # fmt: skip
_SUFFIXES = ("工作经费", "专项经费", "运行经费", "建设经费", "服务经费", "补助经费")
_ATTRIBUTES = ("延续项目", "新增项目")
_PERIODS = ("长期", "一年", "三年")
_GOAL_PHRASES = (
    "组织开展网上重大主题宣传,持续壮大网上主流舆论",
    "推动网络文明建设,培育积极健康、向上向善的网络文化",
    "深入推进网络综合治理,持续提升依法治网水平",
    "加强网上舆情监测,及时处置网上有害信息",
    "加大网络执法力度,依法处置违法违规网站和账号",
    "加强重点网站和信息系统安全监测,通报网络安全风险",
    "组织网络安全应急演练,完善应急保障措施",
    "开展网信业务培训,提升从业人员业务素养",
    "办好网络安全宣传周,提升公众网络安全意识",
    "加强数据安全和个人信息保护,定期开展专项检查",
)

# Counted 数量 rows: the indicator and the units it may be counted in.
_COUNTS = (
    ("开展网络文化活动次数", ("次",)),
    ("组织网上主题宣传", ("次",)),
    ("开展网络公益活动", ("次",)),
    ("开展执法督查", ("次",)),
    ("开展普法宣传", ("次", "次/月")),
    ("举办业务培训班", ("次", "期")),
    ("发布安全预警", ("次", "次/月")),
    ("开展专项检查", ("次",)),
    ("通报网络安全风险和事件", ("起", "次")),
    ("监测重点网站和信息系统", ("家", "个")),
    ("管理属地网站和账号", ("家", "万家")),
    ("培训人数", ("人次",)),
    ("网络安全月报", ("次/月",)),
    ("走访互联网企业", ("家", "次")),
    ("注册会员单位", ("家", "万家")),
)
_QUALITY = (
    ("违法违规网站账号处置率", "100%"),
    ("主题宣传主要网站覆盖率", "≥95%"),
    ("经费支出合规性", "严格执行相关财经法规、制度等规定"),
    ("培训考核合格率", "≥90%"),
    ("监测系统正常运行率", "≥99%"),
)
_TIMELINESS = (
    ("处置重点网络安全事件时限", "≤{n}小时"),
    ("舆情报送时限", "≤{n}小时"),
    ("项目完成时限", "≤{n}天"),
    ("网络生态治理工作", "全年"),
    ("重大主题宣传", "全年"),
)
_COSTS = (
    ("培训人均成本", "≤{n}元"),
    ("宣传材料成本", "≤{n}万元"),
    ("培训成本", "严格执行培训费相关规定"),
)
_SOCIAL = (
    ("正面宣传的传播力和影响力", "显著提升"),
    ("网络安全知识宣传覆盖面", "持续提升"),
    ("对提升网上正面宣传到达率的影响程度", "较高"),
    ("公众网络安全意识", "明显增强"),
)
_SUSTAINABLE = (
    ("对提升依法管网治网水平的影响程度", "较高"),
    ("网上正能量覆盖范围", "持续扩大"),
    ("网民网络安全防护意识", "持续提升"),
)
# Not "服务对象满意度" as a 三级 name: the assembler takes it for the 二级 label and leaves the name empty.
_SATISFACTION = (
    ("培训学员满意度", "≥{p}%"),
    ("群众满意度", "≥{p}%"),
    ("协会会员满意度", "满意度≥{p}%"),
)


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    level1: str
    level2: str
    name: str
    medium: str
    annual: str


@dataclass(frozen=True, slots=True)
class FundsSpec:
    """Money of one horizon in 万元, as written on the form; ``other`` ``None`` leaves the cell empty."""

    total: Decimal
    fiscal: Decimal
    other: Decimal | None


@dataclass(frozen=True, slots=True)
class FormSpec:
    index: int
    suffix: str
    year: int
    name: str
    unit: str
    attribute: str
    period: str
    medium: FundsSpec
    annual: FundsSpec
    goal_medium: str
    goal_annual: str
    indicators: tuple[IndicatorSpec, ...]

    @property
    def file_name(self) -> str:
        return f"form_{self.index:05d}{self.suffix}"


def project_name(index: int) -> str:
    """Unique for every index, so no two forms of a corpus are the same project."""
    place = _PLACES[index % len(_PLACES)]
    rest = index // len(_PLACES)
    topic = _TOPICS[rest % len(_TOPICS)]
    rest //= len(_TOPICS)
    suffix = _SUFFIXES[rest % len(_SUFFIXES)]
    rest //= len(_SUFFIXES)
    return f"{place}{topic}{suffix}" + (f"(第{rest + 1}批)" if rest else "")


def _money(rng: random.Random) -> Decimal:
    whole = rng.choice((5, 8, 12, 15, 20, 30, 45, 60, 90, 150, 200, 360))
    return Decimal(whole) + rng.choice((Decimal(0), Decimal(0), Decimal("0.5"), Decimal("0.25")))


def _funds(rng: random.Random) -> tuple[FundsSpec, FundsSpec]:
    annual_total = _money(rng)
    annual_other = rng.choice((None, None, None, Decimal(0), Decimal(1), Decimal("2.5")))
    if annual_other is not None and annual_other >= annual_total:
        annual_other = None
    annual_fiscal = annual_total - (annual_other or 0)
    years = 3
    medium_other = None if annual_other is None else annual_other * years
    return (
        FundsSpec(annual_total * years, annual_fiscal * years, medium_other),
        FundsSpec(annual_total, annual_fiscal, annual_other),
    )


def _count_targets(rng: random.Random, unit: str) -> tuple[str, str]:
    if unit == "万家":
        amount = rng.choice(("1", "2", "4", "1.5"))
        return f"≥{amount}万家", f"≥{amount}万家"
    if unit == "次/月":
        return "≥1次/月", "≥1次/月"
    annual = rng.randint(1, 60)
    return f"≥{annual * 3}{unit}", f"≥{annual}{unit}"


def _indicators(rng: random.Random) -> tuple[IndicatorSpec, ...]:
    rows: list[IndicatorSpec] = []

    def add(level1: str, level2: str, name: str, medium: str, annual: str | None = None) -> None:
        rows.append(IndicatorSpec(level1, level2, name, medium, medium if annual is None else annual))

    for name, units in rng.sample(_COUNTS, rng.randint(6, 8)):
        unit = rng.choice(units)
        add("产出指标", "数量指标", name, *_count_targets(rng, unit))
    for name, target in rng.sample(_QUALITY, rng.randint(2, 3)):
        add("产出指标", "质量指标", name, target)
    for name, target in rng.sample(_TIMELINESS, 2):
        add("产出指标", "时效指标", name, target.format(n=rng.choice((2, 6, 12, 24, 30))))
    for name, target in rng.sample(_COSTS, rng.randint(1, 2)):
        medium = target.format(n=rng.choice((150, 300, 1.5, 20)))
        add("产出指标", "成本指标", name, medium)
    add("效益指标", "经济效益指标", "带动相关产业发展", "不适用")
    for name, target in rng.sample(_SOCIAL, 2):
        add("效益指标", "社会效益指标", name, target)
    add("效益指标", "生态效益指标", "节约能源资源", "不适用")
    for name, target in rng.sample(_SUSTAINABLE, rng.randint(1, 2)):
        add("效益指标", "可持续影响指标", name, target)
    for name, target in rng.sample(_SATISFACTION, rng.randint(1, 2)):
        add("满意度指标", "服务对象满意度指标", name, target.format(p=rng.choice((85, 90, 95))))
    return tuple(rows)


def _goal(rng: random.Random, count: int) -> str:
    return ";".join(rng.sample(_GOAL_PHRASES, count)) + "。"


def form_spec(seed: int, index: int) -> FormSpec:
    """What form ``index`` of the corpus ``seed`` says; even indices are .xlsx, odd ones .docx."""
    rng = random.Random(f"jixiao-bench:{seed}:{index}")
    medium, annual = _funds(rng)
    return FormSpec(
        index=index,
        suffix=".xlsx" if index % 2 == 0 else ".docx",
        year=rng.choice((2022, 2023, 2023, 2024)),
        name=project_name(index),
        unit=f"中共{rng.choice(_PLACES)}市委网络安全和信息化委员会办公室",
        attribute=rng.choice(_ATTRIBUTES),
        period=rng.choice(_PERIODS),
        medium=medium,
        annual=annual,
        goal_medium=_goal(rng, rng.randint(4, 7)),
        goal_annual=_goal(rng, rng.randint(3, 6)),
        indicators=_indicators(rng),
    )


def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else format(amount.normalize(), "f")


def _runs(labels: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) offsets of each run of equal labels, for merging level labels downwards."""
    runs: list[tuple[int, int]] = []
    start = 0
    for offset in range(1, len(labels) + 1):
        if offset == len(labels) or labels[offset] != labels[start]:
            runs.append((start, offset - 1))
            start = offset
    return runs


Span = tuple[int, int, str]  # first column, last column (0-based, inclusive), text
Down = tuple[int, int, int]  # column, first row, last row (0-based rows of the table)


def layout(spec: FormSpec) -> tuple[list[list[Span]], list[Down]]:
    """The form's table below the title lines: rows of horizontal spans, and the vertical merges.

    8 columns, as the official table: the header block (name, unit, attribute, funds, goals), the indicator
    header, then one row per indicator with 中期 on the left and 年度 on the right. Both writers use this.
    """
    m, a = spec.medium, spec.annual
    rows: list[list[Span]] = [
        [(0, 1, "项目名称"), (2, 7, spec.name)],
        [(0, 1, "实施单位"), (2, 7, spec.unit)],
        [(0, 1, "项目属性"), (2, 4, spec.attribute), (5, 6, "项目期"), (7, 7, spec.period)],
        [(0, 0, "项目资金 (万元)"), (1, 1, "中期资金总额:"), (2, 3, _plain(m.total)), (4, 4, "年度资金总额:"),
         (5, 7, _plain(a.total))],
        [(1, 1, "其中:财政拨款"), (2, 3, _plain(m.fiscal)), (4, 4, "其中:财政拨款"), (5, 7, _plain(a.fiscal))],
        [(1, 1, "其他资金"), (2, 3, _plain(m.other)), (4, 4, "其他资金"), (5, 7, _plain(a.other))],
        [(0, 0, "总体目标"), (1, 4, f"中期目标({spec.year}年—{spec.year + 2}年)"), (5, 7, "年度目标")],
        [(1, 4, spec.goal_medium), (5, 7, spec.goal_annual)],
    ]  # fmt: skip
    down: list[Down] = [(0, 3, 5), (0, 6, 7)]
    header = len(rows)
    rows.append([(column, column, label) for column, label in enumerate(HEADER)])
    first = header + 1
    inds = spec.indicators
    for ind in inds:
        cells = ["", ind.level1, ind.level2, ind.name, ind.medium, ind.level2, ind.name, ind.annual]
        rows.append([(column, column, text) for column, text in enumerate(cells)])
    down.append((0, header, first + len(inds) - 1))
    # Equal 一级 labels (column 1) and 二级 labels (columns 2 and 5) are merged downwards, as on the paper form.
    for column, labels in (
        (1, [(i.level1,) for i in inds]),
        (2, [(i.level1, i.level2) for i in inds]),
        (5, [(i.level1, i.level2) for i in inds]),
    ):
        down.extend((column, first + a, first + b) for a, b in _runs(labels) if b > a)
    return rows, down


_TABLE_TOP = 3  # the xlsx table starts below the title and year lines


def write_xlsx(spec: FormSpec, path: Path) -> None:
    import openpyxl
    from openpyxl.utils import get_column_letter

    def ref(first_row: int, first: int, last_row: int, last: int) -> str:
        return (
            f"{get_column_letter(first + 1)}{first_row + _TABLE_TOP}:"
            f"{get_column_letter(last + 1)}{last_row + _TABLE_TOP}"
        )

    rows, down = layout(spec)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "绩效目标表"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:H1")
    sheet["A2"] = f"({spec.year}年度)"
    sheet.merge_cells("A2:H2")
    money_rows = {3, 4, 5}
    for r, spans in enumerate(rows):
        for first, last, text in spans:
            if text:
                # Amounts go in as numbers, as a person types them into Excel.
                value: str | Decimal = Decimal(text) if r in money_rows and first in (2, 5) else text
                sheet.cell(r + _TABLE_TOP, first + 1, value)
            if last > first:
                sheet.merge_cells(ref(r, first, r, last))
    for column, first_row, last_row in down:
        sheet.merge_cells(ref(first_row, column, last_row, column))
    for letter, width in zip("ABCDEFGH", (10, 12, 16, 30, 16, 16, 30, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)


def write_docx(spec: FormSpec, path: Path) -> None:
    import docx
    from docx.table import _Cell

    rows, down = layout(spec)
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(f"({spec.year}年度)")
    table = document.add_table(rows=len(rows), cols=len(HEADER))
    table.style = "Table Grid"
    continued = {(r, column) for column, first, last in down for r in range(first + 1, last + 1)}
    starts = {(first, column) for column, first, _ in down}
    # The merges are written as Word writes them (gridSpan, vMerge) instead of with python-docx's
    # ``_Cell.merge``, which rescans the table on every call and takes most of a second per form.
    for r, (tr, spans) in enumerate(zip(table._tbl.tr_lst, rows, strict=True)):
        tcs = list(tr.tc_lst)
        texts = {first: (last, text) for first, last, text in spans}
        column = 0
        while column < len(tcs):
            last, text = texts.get(column, (column, ""))
            tc = tcs[column]
            if last > column:
                tc.grid_span = last - column + 1
                for extra in tcs[column + 1 : last + 1]:
                    tr.remove(extra)
            if (r, column) in continued:
                tc.vMerge = "continue"
            elif (r, column) in starts:
                tc.vMerge = "restart"
            if text and (r, column) not in continued:
                _Cell(tc, table).text = text
            column = last + 1
    document.add_paragraph("填报说明:指标值为目标值。")
    document.save(str(path))


def write_form(spec: FormSpec, path: Path) -> None:
    (write_xlsx if spec.suffix == ".xlsx" else write_docx)(spec, path)


def _write_range(args: tuple[str, int, int, int]) -> int:
    out_dir, seed, start, stop = args
    for index in range(start, stop):
        spec = form_spec(seed, index)
        target = Path(out_dir) / spec.file_name
        partial = target.with_name(target.name + ".part")
        write_form(spec, partial)
        os.replace(partial, target)
    return stop - start


def _read_manifest(out_dir: Path) -> dict[str, int] | None:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def corpus_paths(out_dir: Path, count: int, seed: int = 0) -> list[Path]:
    return [out_dir / form_spec(seed, i).file_name for i in range(count)]


def generate(out_dir: Path, count: int, *, seed: int = 0, workers: int = 2, quiet: bool = True) -> list[Path]:
    """Write forms ``0 .. count-1`` of corpus ``seed`` into ``out_dir`` and return their paths, in order.

    A folder whose manifest has the same seed and generator version and at least ``count`` forms is reused as
    it is; one with fewer forms is extended. The manifest is written last, so an interrupted run is redone.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(out_dir)
    done = 0
    if manifest and manifest.get("seed") == seed and manifest.get("version") == GENERATOR_VERSION:
        done = int(manifest.get("count", 0))
    paths = corpus_paths(out_dir, count, seed)
    if done >= count:
        return paths
    (out_dir / MANIFEST).unlink(missing_ok=True)
    started = time.perf_counter()
    step = 100
    ranges = [(str(out_dir), seed, start, min(start + step, count)) for start in range(done, count, step)]
    if workers > 1 and len(ranges) > 1:
        with ProcessPoolExecutor(workers) as pool:
            written = sum(pool.map(_write_range, ranges))
    else:
        written = sum(map(_write_range, ranges))
    # Manifest count is the high-water mark: a later call with a smaller count reuses the prefix.
    total = max(count, done)
    (out_dir / MANIFEST).write_text(
        json.dumps({"count": total, "seed": seed, "version": GENERATOR_VERSION}), encoding="utf-8"
    )
    if not quiet:
        print(
            f"wrote {written} forms into {out_dir} in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    paths = generate(args.out_dir, args.count, seed=args.seed, workers=args.workers, quiet=False)
    print(f"{len(paths)} forms in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
