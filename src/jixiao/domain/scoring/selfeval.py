"""The recheck of a published self-evaluation table: every score recomputed, each difference explained.

A difference is explained by the first convention, in a fixed order, that reproduces the recorded figure
exactly (see ``README.md``); a difference nothing reproduces is reported as ``unexplained``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any, Literal

from jixiao.domain.forms.model import FormDocument
from jixiao.domain.scoring.config import BUDGET, ReverseMethod, ScoringConfig
from jixiao.domain.scoring.engine import (
    Evaluation,
    IndicatorResult,
    Score,
    _fmt,
    evaluate,
    read_actual,
    round_score,
    score_indicator,
    total_weight,
)
from jixiao.domain.targets.model import TargetKind, TargetValue

__all__ = ["Cause", "Discrepancy", "Recheck", "recheck", "recheck_to_dict"]

Cause = Literal[
    "fraction-of-weight",
    "full-marks",
    "reverse-method",
    "rounding",
    "budget-zeros",
    "weights-not-100",
    "missing-actual",
    "total-arithmetic",
    "row-differences",
    "not-applicable-scored",
    "cannot-score",
    "not-recorded",
    "unexplained",
]

TOTAL = "总分"
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

# Rounding slips tried after the conventions, in this order: (places, rounding mode, what it is called).
_ROUNDINGS = (
    (Decimal("0.01"), ROUND_UP, "两位小数向上进位（而非四舍五入）"),
    (Decimal("0.01"), ROUND_CEILING, "两位小数向上取整（而非四舍五入）"),
    (Decimal("0.01"), ROUND_DOWN, "两位小数截断（而非四舍五入）"),
    (Decimal("0.1"), ROUND_HALF_UP, "保留一位小数"),
    (Decimal("0.1"), ROUND_UP, "一位小数向上进位"),
    (Decimal("0.1"), ROUND_DOWN, "一位小数截断"),
    (Decimal("1"), ROUND_HALF_UP, "取整数（四舍五入）"),
    (Decimal("1"), ROUND_UP, "取整数（向上进位）"),
    (Decimal("1"), ROUND_DOWN, "取整数（截断）"),
)


@dataclass(slots=True)
class Discrepancy:
    """One recorded figure that differs from the rule, and the most likely reason."""

    indicator: str
    computed: Decimal | None
    recorded: Decimal | None
    cause: Cause
    message: str


@dataclass(slots=True)
class Recheck:
    project: str | None
    evaluation: Evaluation
    computed_total: Decimal
    recorded_total: Decimal | None
    grade: str | None
    budget_recorded: Decimal | None = None
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def budget(self) -> Score:
        return self.evaluation.budget

    @property
    def indicators(self) -> list[IndicatorResult]:
        return self.evaluation.indicators

    @property
    def warnings(self) -> list[str]:
        return self.evaluation.warnings

    def causes(self) -> dict[str, Cause]:
        """Each discrepancy's cause by row name (the budget row is ``预算执行率``, the total ``总分``)."""
        return {d.indicator: d.cause for d in self.discrepancies}


def recheck(form: FormDocument, *, config: ScoringConfig | None = None) -> Recheck:
    """Recompute every score of a published self-evaluation table and explain each difference."""
    evaluation = evaluate(form, config=config)
    cfg = evaluation.config
    weight_sum = total_weight(evaluation.indicators, evaluation.budget)
    found: list[Discrepancy] = []

    block = form.budget_execution
    budget_recorded = block.recorded_score if block is not None else None
    budget_diff = _budget_discrepancy(evaluation.budget, budget_recorded, weight_sum, form)
    if budget_diff is not None:
        found.append(budget_diff)
    for result in evaluation.indicators:
        diff = _row_discrepancy(result, cfg, weight_sum)
        if diff is not None:
            found.append(diff)
    total_diff = _total_discrepancy(form, evaluation, weight_sum)
    if total_diff is not None:
        found.append(total_diff)
    return Recheck(
        project=form.project.name,
        evaluation=evaluation,
        computed_total=evaluation.total,
        recorded_total=form.recorded_total,
        grade=evaluation.grade,
        budget_recorded=budget_recorded,
        discrepancies=found,
    )


# --- rows ------------------------------------------------------------------------------------------------


def _row_discrepancy(result: IndicatorResult, cfg: ScoringConfig, weight_sum: Decimal) -> Discrepancy | None:
    indicator, score = result.indicator, result.score
    name = indicator.name or indicator.level2 or indicator.target.raw
    recorded, computed = indicator.recorded_score, score.value
    if recorded is None and computed is None:
        return None
    if recorded is not None and computed is not None and recorded == computed:
        return None

    def found(cause: Cause, message: str) -> Discrepancy:
        return Discrepancy(name, computed, recorded, cause, message)

    if recorded is None:
        return found("not-recorded", f"表中未填写得分；按规则应得{_fmt(computed)}分")
    if computed is None:
        if score.method == "excluded":
            return found(
                "not-applicable-scored",
                f"指标值为“{indicator.target.raw}”（不适用），表中却计了{_fmt(recorded)}分",
            )
        if read_actual(indicator.actual_text) is None:
            return found(
                "missing-actual",
                f"表中填了得分{_fmt(recorded)}分，但没有实际完成值，无法核对",
            )
        return found("cannot-score", f"表中得分{_fmt(recorded)}分无法核对：{score.reason}")

    for cause, message in _row_explanations(result, cfg, weight_sum, recorded):
        return found(cause, message)
    return found(
        "unexplained",
        f"表中得分{_fmt(recorded)}分，按规则应得{_fmt(computed)}分（{score.explanation}）；"
        "已试过的各种惯例都不能得出表中数字",
    )


def _row_explanations(
    result: IndicatorResult, cfg: ScoringConfig, weight_sum: Decimal, recorded: Decimal
) -> Iterator[tuple[Cause, str]]:
    """The explanations that reproduce ``recorded``, in the order they are tried."""
    score = result.score
    weight, computed = score.weight, score.value
    assert weight is not None
    assert computed is not None
    target = score.target
    actual = score.actual

    # 1. Conventions: weight × actual as a fraction; full marks whatever the shortfall; the other reverse method.
    if (
        target is not None
        and actual is not None
        and _is_percent_target(target)
        and _matches(weight * actual / _HUNDRED, recorded)
    ):
        yield (
            "fraction-of-weight",
            f"表中得分{_fmt(recorded)}=分值{_fmt(weight)}×完成率{_fmt(actual)}%，"
            f"即把完成值当作得分比例；按规则应得{_fmt(computed)}分（{score.explanation}）",
        )
    if recorded == weight and computed < weight:
        yield (
            "full-marks",
            f"未完成目标仍给了满分{_fmt(weight)}分；按规则应得{_fmt(computed)}分（{score.explanation}）",
        )
    if target is not None and score.method in ("reverse-linear", "reverse-ratio") and actual is not None:
        other: ReverseMethod = "ratio" if score.method == "reverse-linear" else "linear"
        other_cfg = replace(cfg, reverse_method=other)
        alt = score_indicator(
            target, actual, weight, config=other_cfg, direction=result.row.direction, cost=result.row.cost
        )
        if alt.value is not None and alt.value == recorded:
            names = {"linear": "线性扣分法", "ratio": "比例法（目标值÷实际值×分值）"}
            yield (
                "reverse-method",
                f"反向指标按{names[other]}计分得{_fmt(recorded)}分（{alt.explanation}）；"
                f"本系统配置为{names[cfg.reverse_method]}，得{_fmt(computed)}分",
            )
    # 2. Rounding.
    rounding = _rounding_that_gives(score.exact, recorded)
    if rounding is not None:
        yield (
            "rounding",
            f"精确值{_fmt(score.exact)}按{rounding}得{_fmt(recorded)}分；规则为两位小数四舍五入，"
            f"应得{_fmt(computed)}分",
        )
    # 3. Weights that do not add up to 100, with each row scaled to a 100-point table.
    if (
        weight_sum
        and weight_sum != _HUNDRED
        and score.exact is not None
        and _matches(score.exact * _HUNDRED / weight_sum, recorded)
    ):
        yield (
            "weights-not-100",
            f"各项分值合计{_fmt(weight_sum)}分而非100分，表中得分按100分折算："
            f"{_fmt(score.exact)}×100÷{_fmt(weight_sum)}≈{_fmt(recorded)}分",
        )


def _is_percent_target(target: TargetValue) -> bool:
    return target.kind is TargetKind.QUANTITATIVE and (
        target.unit == "%" or (target.unit is None and target.value is not None and target.value <= _HUNDRED)
    )


def _matches(value: Decimal, recorded: Decimal) -> bool:
    return value == recorded or round_score(value) == recorded


def _rounding_that_gives(exact: Decimal | None, recorded: Decimal) -> str | None:
    if exact is None:
        return None
    for places, mode, name in _ROUNDINGS:
        if exact.quantize(places, mode) == recorded:
            return name
    return None


# --- the budget row --------------------------------------------------------------------------------------


def _budget_discrepancy(
    budget: Score, recorded: Decimal | None, weight_sum: Decimal, form: FormDocument
) -> Discrepancy | None:
    computed = budget.value
    if recorded is None and computed is None:
        return None
    if recorded is not None and computed is not None and recorded == computed:
        return None

    def found(cause: Cause, message: str) -> Discrepancy:
        return Discrepancy(BUDGET, computed, recorded, cause, message)

    block = form.budget_execution
    if recorded is None:
        return found("not-recorded", f"表中未填写预算执行率得分；按规则应得{_fmt(computed)}分")
    a = block.adjusted_budget if block is not None else None
    b = block.executed if block is not None else None
    if computed is None:
        if recorded == _ZERO and not a and not b:
            return found(
                "budget-zeros",
                "预算执行情况导出为0（全年预算数、执行数均为0或空），得分记为0，"
                "应为导出遗漏而非实际执行率为0，需补填预算数据后重算",
            )
        return found("cannot-score", f"表中得分{_fmt(recorded)}分无法核对：{budget.reason}")
    weight = budget.weight or _ZERO
    explanations: list[tuple[Cause, str]] = []
    if recorded == weight and computed < weight:
        explanations.append(
            (
                "full-marks",
                f"执行率未达100%仍给了满分{_fmt(weight)}分；按规则应得{_fmt(computed)}分（{budget.explanation}）",
            )
        )
    rounding = _rounding_that_gives(budget.exact, recorded)
    if rounding is not None:
        explanations.append(
            (
                "rounding",
                f"精确值{_fmt(budget.exact)}按{rounding}得{_fmt(recorded)}分；应得{_fmt(computed)}分",
            )
        )
    if (
        weight_sum
        and weight_sum != _HUNDRED
        and budget.exact is not None
        and _matches(budget.exact * _HUNDRED / weight_sum, recorded)
    ):
        explanations.append(
            ("weights-not-100", f"各项分值合计{_fmt(weight_sum)}分而非100分，表中得分按100分折算")
        )
    if explanations:
        return found(*explanations[0])
    return found(
        "unexplained",
        f"表中得分{_fmt(recorded)}分，按规则应得{_fmt(computed)}分（{budget.explanation}）",
    )


# --- the total -------------------------------------------------------------------------------------------


def _total_discrepancy(form: FormDocument, evaluation: Evaluation, weight_sum: Decimal) -> Discrepancy | None:
    recorded_total = form.recorded_total
    if recorded_total is None:
        return None
    computed = evaluation.total
    rows = [r.indicator.recorded_score for r in evaluation.indicators]
    block = form.budget_execution
    rows.append(block.recorded_score if block is not None else None)
    recorded_sum = sum((r for r in rows if r is not None), _ZERO)
    if recorded_total == recorded_sum and recorded_total == computed:
        return None

    def found(cause: Cause, message: str) -> Discrepancy:
        return Discrepancy(TOTAL, computed, recorded_total, cause, message)

    if recorded_total != recorded_sum:
        if (
            weight_sum
            and weight_sum != _HUNDRED
            and _matches(recorded_sum * _HUNDRED / weight_sum, recorded_total)
        ):
            return found(
                "weights-not-100",
                f"各项分值合计{_fmt(weight_sum)}分而非100分；表中总分{_fmt(recorded_total)}"
                f"是各行得分之和{_fmt(recorded_sum)}按100分折算的结果（×100÷{_fmt(weight_sum)}）",
            )
        return found(
            "total-arithmetic",
            f"表中总分{_fmt(recorded_total)}分不等于各行已填得分之和{_fmt(recorded_sum)}分（合计计算错误）",
        )
    return found(
        "row-differences",
        f"表中总分{_fmt(recorded_total)}分等于各行已填得分之和；与按规则重算的{_fmt(computed)}分之差来自上列各行",
    )


# --- JSON ------------------------------------------------------------------------------------------------


def _score_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{round_score(value):f}"


def recheck_to_dict(check: Recheck) -> dict[str, Any]:
    """The recheck in the command line's JSON shape: decimal strings, scores with two places."""
    budget = check.budget
    indicators: list[dict[str, Any]] = []
    for result in check.indicators:
        indicator = result.indicator
        indicators.append(
            {
                "name": indicator.name or indicator.level2 or indicator.target.raw,
                "score": _score_text(result.score.value),
                "recorded_score": _score_text(indicator.recorded_score),
                "method": result.score.method,
            }
        )
    return {
        "project": check.project,
        "computed_total": _score_text(check.computed_total),
        "recorded_total": _score_text(check.recorded_total),
        "grade": check.grade,
        "budget": {
            "rate": _score_text(budget.rate),
            "score": _score_text(budget.value),
            "recorded_score": _score_text(check.budget_recorded),
        },
        "indicators": indicators,
        "discrepancies": [
            {
                "indicator": d.indicator,
                "computed": _score_text(d.computed),
                "recorded": _score_text(d.recorded),
                "cause": d.cause,
                "message": d.message,
            }
            for d in check.discrepancies
        ],
    }
