"""The words and numbers the writers print, in one place: exact money in 万元, scores, methods in Chinese, and
the content of the self-evaluation report, built once and laid out by both the Word and the PDF writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jixiao.domain.forms.model import FormDocument, Indicator
from jixiao.domain.scoring.engine import Evaluation, IndicatorResult, IndicatorRow, Score, total_weight

__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "ReportSection",
    "ReportTable",
    "SelfEvalReport",
    "build_selfeval_report",
    "decimal_text",
    "grade_text",
    "level_labels",
    "method_name",
    "method_short",
    "percent_text",
    "score_cell",
    "wan",
    "wan_text",
    "weight_text",
    "yuan_text",
]

_TEN_THOUSAND = Decimal(10000)
_CENT = Decimal("0.01")
NOT_SCORED = "无法计分"
EXCLUDED = "不计分"

# Each method: a short name for a table cell, and the rule it applies, printed once under the table.
METHODS: dict[str, tuple[str, str]] = {
    "positive": ("正向指标", "实际值达到目标值得满分，否则按实际值÷目标值×分值计分"),
    "equal": ("等于型指标", "达到目标值得满分，否则按实际值÷目标值×分值计分"),
    "reverse-linear": ("反向指标（线性扣分）", "不超过目标值得满分，超出部分按超出比例扣分，最低0分"),
    "reverse-ratio": ("反向指标（比例计分）", "不超过目标值得满分，否则按目标值÷实际值×分值计分"),
    "qualitative-band": (
        "定性指标（分档计分）",
        "按达成等级在对应档次内计分：达成为分值的80%–100%，部分达成并具有一定效果为60%–80%，"
        "未达成且效果较差为60%以下",
    ),
    "budget-rate": ("预算执行率", "执行率（全年执行数÷全年预算数）×分值，最高得满分"),
    "excluded": ("不适用", "指标不适用，不计分，其分值应重新分配"),
    "cannot-score": ("无法计分", "缺少计分所需的数据，未计分"),
}
METHOD_NAMES: dict[str, str] = {key: f"{short}：{rule}" for key, (short, rule) in METHODS.items()}


# --- numbers ---------------------------------------------------------------------------------------------


def decimal_text(value: Decimal | None, *, places: int = 0) -> str:
    """Plain digits, never an exponent, at least ``places`` decimals and no digit dropped; ``""`` for None."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value else "0"
    whole, _, decimals = text.partition(".")
    if len(decimals) < places:
        decimals = decimals.ljust(places, "0")
    return f"{whole}.{decimals}" if decimals else whole


def wan(amount: Decimal) -> Decimal:
    """元 → 万元, exact (a division by 10 000 never rounds a Decimal of ordinary size)."""
    return amount / _TEN_THOUSAND


def wan_text(amount: Decimal | None) -> str:
    """An amount held in 元, shown in 万元 with two decimals at least and every digit kept (11.25, 12.345678)."""
    return "" if amount is None else decimal_text(wan(amount), places=2)


def yuan_text(amount: Decimal | None) -> str:
    return "" if amount is None else decimal_text(amount)


def percent_text(rate: Decimal | None) -> str:
    """A rate already in percent (95.5 for 95.5 %), two decimals half up: ``95.50%``."""
    if rate is None:
        return ""
    return f"{rate.quantize(_CENT, ROUND_HALF_UP):f}%"


def score_cell(score: Score) -> str:
    """The 得分 cell: the score, or why there is none."""
    if score.value is not None:
        return decimal_text(score.value, places=2)
    return EXCLUDED if score.method == "excluded" else NOT_SCORED


def method_name(score: Score) -> str:
    """The method with its rule: ``正向指标：实际值达到目标值得满分，…``."""
    return METHOD_NAMES.get(score.method, score.method)


def method_short(score: Score) -> str:
    return METHODS[score.method][0] if score.method in METHODS else score.method


def weight_text(weight: Decimal | None) -> str:
    """A weight as tables print it: ``10``, ``7.50``, ``3.34``."""
    if weight is None:
        return ""
    return decimal_text(weight) if weight == weight.to_integral_value() else decimal_text(weight, places=2)


def grade_text(evaluation: Evaluation) -> str:
    if evaluation.grade is not None:
        return evaluation.grade
    return "不评定等级（有未能计分的项目，总分不完整）"


def level_labels(indicator: Indicator | IndicatorRow) -> tuple[str, str]:
    """一级 and 二级 as the system understands them (normalised), else as written on the form."""
    return (indicator.level1 or indicator.raw_level1 or "", indicator.level2 or indicator.raw_level2 or "")


# --- the self-evaluation report ------------------------------------------------------------------------------


@dataclass(slots=True)
class ReportTable:
    """A table of text cells; ``widths`` are relative column widths; numeric columns are centred."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    numeric_columns: frozenset[int] = frozenset()


@dataclass(slots=True)
class ReportSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: ReportTable | None = None
    after: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SelfEvalReport:
    title: str
    subtitle: str
    sections: list[ReportSection]
    project_name: str
    total_text: str
    grade_text: str


def _or_missing(text: str | None, missing: str = "（未填写）") -> str:
    return text.strip() if text and text.strip() else missing


def build_selfeval_report(
    form: FormDocument,
    evaluation: Evaluation,
    *,
    conclusion: str | None = None,
    problems: str | None = None,
    improvements: str | None = None,
    review_note: str | None = None,
) -> SelfEvalReport:
    """What the 绩效自评报告 says, section by section; the writers only lay it out.

    ``review_note`` is printed with the conclusion: the review findings a reviewer finalised over, and why.
    """
    project = form.project
    name = project.name or evaluation.project or "（项目名称未填写）"
    year = f"{form.year}年度" if form.year else "年度未注明"
    total = decimal_text(evaluation.total, places=2)
    out_of = decimal_text(total_weight(evaluation.indicators, evaluation.budget))
    grade = grade_text(evaluation)

    overview = ReportSection("一、项目概况")
    facts = [
        ("项目名称", name),
        ("项目编码", project.code),
        ("主管部门", project.department),
        ("实施单位", project.unit),
        ("项目属性", project.attribute),
        ("项目期", project.period),
    ]
    overview.paragraphs = [f"{label}：{value}" for label, value in facts if value]
    funds = form.funds_annual
    if not funds.is_empty():
        overview.paragraphs.append(
            f"年度资金总额{wan_text(funds.total) or '（未填写）'}万元，其中财政拨款"
            f"{wan_text(funds.fiscal) or '（未填写）'}万元，其他资金{wan_text(funds.other) or '（未填写）'}万元。"
        )

    money = ReportSection("二、资金投入和执行情况")
    block = form.budget_execution
    budget = evaluation.budget
    initial = block.initial_budget if block is not None else None
    if initial is None:
        initial = funds.total
    money.table = ReportTable(
        header=["年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "执行率", "分值", "得分"],
        rows=[
            [
                wan_text(initial),
                wan_text(budget.adjusted_budget),
                wan_text(budget.executed),
                percent_text(budget.rate),
                weight_text(budget.weight),
                score_cell(budget),
            ]
        ],
        widths=[1, 1, 1, 1, 0.7, 0.7],
        numeric_columns=frozenset(range(6)),
    )
    money.after = [f"计分方法：{method_name(budget)}。", f"计分过程：{budget.explanation}。"]

    goals = ReportSection("三、绩效目标及完成情况")
    goals.paragraphs = [
        f"年度总体目标：{_or_missing(form.goal_annual)}",
        f"实际完成情况：{_or_missing(form.goal_annual_achieved)}",
    ]

    indicators = ReportSection("四、绩效指标完成情况及评分")
    indicators.paragraphs = [
        "下表列出每个年度绩效指标的目标值、实际完成值、分值和得分，并写明计分方法和计分过程，便于复核。"
    ]
    indicators.table = ReportTable(
        header=["指标", "指标值", "实际完成值", "分值", "得分", "计分方法及过程"],
        rows=[_indicator_row(result) for result in evaluation.indicators],
        widths=[2.6, 1.4, 1.4, 0.9, 0.9, 3.9],
        numeric_columns=frozenset({3, 4}),
    )
    used = list(dict.fromkeys(r.score.method for r in evaluation.indicators))
    indicators.after = ["计分方法说明："] + [
        f"{METHODS[m][0]}：{METHODS[m][1]}。" for m in used if m in METHODS
    ]
    reasons = [
        f"{r.indicator.name or r.indicator.level2 or '指标'}：{r.indicator.deviation_reason.strip()}"
        for r in evaluation.indicators
        if r.indicator.deviation_reason and r.indicator.deviation_reason.strip()
    ]
    if reasons:
        indicators.after += ["偏差原因分析及改进措施：", *reasons]

    result = ReportSection("五、自评结论")
    result.paragraphs = [f"自评总分{total}分（满分{out_of}分），评价等级：{grade}。"]
    if conclusion and conclusion.strip():
        result.paragraphs.append(conclusion.strip())
    if review_note and review_note.strip():
        result.paragraphs.append(review_note.strip())
    if evaluation.warnings:
        result.paragraphs.append("计分提示：")
        result.paragraphs.extend(f"（{i}）{w}" for i, w in enumerate(evaluation.warnings, start=1))

    issues = ReportSection("六、存在的问题及改进措施")
    issues.paragraphs = [
        f"存在的问题：{_or_missing(problems)}",
        f"改进措施：{_or_missing(improvements)}",
    ]

    return SelfEvalReport(
        title=f"{name}绩效自评报告",
        subtitle=f"（{year}）",
        sections=[overview, money, goals, indicators, result, issues],
        project_name=name,
        total_text=total,
        grade_text=grade,
    )


def _indicator_row(result: IndicatorResult) -> list[str]:
    indicator, score = result.indicator, result.score
    level1, level2 = level_labels(indicator)
    label = "／".join(part for part in (level1, level2) if part)
    name = indicator.name or "（无三级指标）"
    how = f"【{method_short(score)}】{score.explanation}"
    if result.weight_source == "spread" and score.method != "excluded":
        how += "（分值未填写，按一级指标分值平均分配）"
    return [
        f"{label}\n{name}" if label else name,
        indicator.target.raw,
        indicator.actual_text or "（未填写）",
        weight_text(score.weight),
        score_cell(score),
        how,
    ]
