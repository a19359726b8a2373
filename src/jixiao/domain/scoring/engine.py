"""Self-evaluation scoring (财预〔2020〕10号 as practised): budget execution, each indicator, total and grade.

Pure functions. Each ``Score`` keeps its inputs and its method, and says in Chinese how it was reached; the
rules and their sources are in ``README.md`` beside this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from jixiao.domain.forms.model import FormDocument, Horizon, Indicator, Taxonomy
from jixiao.domain.numbers import plain
from jixiao.domain.scoring.config import BUDGET, QualitativeGrade, ScoringConfig, ScoringConfigError
from jixiao.domain.targets.grammar import parse_target
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue

__all__ = [
    "Adjustment",
    "BudgetRow",
    "Direction",
    "Evaluation",
    "IndicatorResult",
    "IndicatorRow",
    "Method",
    "Score",
    "actual_in_target_unit",
    "config_for",
    "evaluate",
    "grade_for",
    "is_cost_indicator",
    "read_actual",
    "round_score",
    "row_from_indicator",
    "rows_from_form",
    "score_budget",
    "score_indicator",
    "score_rows",
    "total_weight",
]

Method = Literal[
    "positive",
    "equal",
    "reverse-linear",
    "reverse-ratio",
    "qualitative-band",
    "budget-rate",
    "excluded",
    "cannot-score",
]
WeightSource = Literal["form", "spread", "missing"]
Actual = TargetValue | Decimal | QualitativeGrade | None


class Direction(StrEnum):
    """Which way an indicator is better: more (正向) or less (反向: costs, time limits, incidents)."""

    POSITIVE = "positive"
    REVERSE = "reverse"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A reviewer's lowered score (rule 5): the score, why, and who. An input of the engine."""

    score: Decimal
    reason: str
    by: str = "审核人"


_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_DEFAULT_CONFIG = ScoringConfig()

# Units that convert exactly into one another: (dimension, size in the dimension's base unit). 工作日, 月 and
# 年 are left out on purpose: they do not convert exactly into days.
_UNIT_SIZES: dict[str, tuple[str, Decimal]] = {
    "秒": ("time", _ONE),
    "分钟": ("time", Decimal(60)),
    "小时": ("time", Decimal(3600)),
    "天": ("time", Decimal(86400)),
    "日": ("time", Decimal(86400)),
    "米": ("length", _ONE),
    "公里": ("length", Decimal(1000)),
    "千米": ("length", Decimal(1000)),
    "克": ("mass", _ONE),
    "千克": ("mass", Decimal(1000)),
    "公斤": ("mass", Decimal(1000)),
    "吨": ("mass", Decimal(1000000)),
    "平方米": ("area", _ONE),
    "公顷": ("area", Decimal(10000)),
    "平方公里": ("area", Decimal(1000000)),
}


def round_score(value: Decimal) -> Decimal:
    """Two decimals, half up (0.005 → 0.01): the rounding of every score."""
    return value.quantize(_CENT, ROUND_HALF_UP)


@dataclass(slots=True)
class Score:
    """One score with everything that produced it. Treat it as read-only.

    ``value`` is ``None`` when nothing could be scored (``method`` ``cannot-score``, ``reason`` says why) or
    the indicator is not applicable (``excluded``). ``exact`` is the value before rounding. ``inputs`` and
    ``explanation`` are rendered from the recorded facts when asked for, so scoring many indicators does not
    pay for text nobody reads. (Not ``frozen``: a frozen dataclass sets each of its 17 fields through
    ``object.__setattr__``, which made scoring four times slower.)
    """

    value: Decimal | None
    weight: Decimal | None
    method: Method
    over_achievement: bool = False
    needs_deviation_reason: bool = False
    needs_explanation: bool = False
    target: TargetValue | None = None
    actual: Decimal | None = None
    actual_raw: str | None = None
    grade: QualitativeGrade | None = None
    proposed: Decimal | None = None
    adjusted_budget: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None
    exact: Decimal | None = None
    reason: str | None = None
    note: str | None = None
    cost: bool = False
    contradiction: str | None = None
    rule_value: Decimal | None = None
    adjustment: Adjustment | None = None
    initial_budget: Decimal | None = None

    @property
    def scored(self) -> bool:
        return self.value is not None

    @property
    def inputs(self) -> dict[str, str]:
        """Every input of the score, as text: what a reviewer needs to redo it by hand."""
        facts: dict[str, str] = {"method": self.method}
        if self.weight is not None:
            facts["weight"] = _fmt(self.weight)
        target = self.target
        if target is not None:
            facts["target"] = target.raw
            if target.operator is not None:
                facts["operator"] = target.operator.value
            if target.value is not None:
                facts["target_value"] = _fmt(target.value)
            if target.unit is not None:
                facts["unit"] = target.unit
        if self.actual_raw is not None:
            facts["actual_raw"] = self.actual_raw
        if self.actual is not None:
            facts["actual"] = _fmt(self.actual)
        if self.grade is not None:
            facts["grade"] = self.grade.value
        if self.proposed is not None:
            facts["proposed_score"] = _fmt(self.proposed)
        if self.adjusted_budget is not None:
            facts["adjusted_budget"] = _fmt(self.adjusted_budget)
        if self.executed is not None:
            facts["executed"] = _fmt(self.executed)
        if self.rate is not None:
            facts["rate"] = f"{round_score(self.rate):f}"
        if self.exact is not None:
            facts["exact"] = _fmt(self.exact)
        if self.reason is not None:
            facts["reason"] = self.reason
        if self.cost:
            facts["direction"] = "reverse (cost)"
        if self.contradiction is not None:
            facts["contradiction"] = self.contradiction
        if self.adjustment is not None:
            facts["rule_score"] = _fmt(self.rule_value)
            facts["adjusted_score"] = _fmt(self.adjustment.score)
            facts["adjustment_reason"] = self.adjustment.reason
            facts["adjusted_by"] = self.adjustment.by
        return facts

    @property
    def explanation(self) -> str:
        """How the score was reached, in Chinese (``实际值126家≥目标值120家，得满分30分``)."""
        extras = []
        if self.contradiction:
            extras.append(self.contradiction)
        extras.append(_explain(self))
        if self.note:
            extras.append(self.note)
        if self.over_achievement:
            extras.append(
                "实际值达到目标值的130%及以上，需说明偏差原因（目标值可能偏低），审核时可酌情调整得分"
            )
        adjustment = self.adjustment
        if adjustment is not None:
            extras.append(
                f"审核调整：由{adjustment.by}将得分由{_fmt(self.rule_value)}分调整为{_fmt(adjustment.score)}分，"
                f"原因：{adjustment.reason}"
            )
        if self.needs_explanation:
            extras.append("预算执行率低于90%，需说明原因")
        if self.needs_deviation_reason:
            extras.append("得分低于分值，需填写偏差原因分析及改进措施")
        return "；".join(text for text in extras if text)


# --- budget ----------------------------------------------------------------------------------------------


def score_budget(
    adjusted_budget: Decimal | None,
    executed: Decimal | None,
    weight: Decimal | None = None,
    *,
    config: ScoringConfig | None = None,
) -> Score:
    """预算执行率得分 = min(B / A, 1) × weight, 2 decimals; a rate below 90 % needs an explanation.

    ``weight`` defaults to the config's ``预算执行率`` weight. A missing or zero A, or a missing B, gives a
    ``cannot-score`` result saying so.
    """
    cfg = config or _DEFAULT_CONFIG
    w = cfg.budget_weight if weight is None else weight
    if adjusted_budget is None:
        return _cannot(
            w, "全年预算数（A）未填写，无法计算预算执行率", adjusted_budget=None, executed=executed
        )
    if adjusted_budget <= 0:
        return _cannot(
            w,
            f"全年预算数（A）为{_fmt(adjusted_budget)}，无法计算预算执行率",
            adjusted_budget=adjusted_budget,
            executed=executed,
        )
    if executed is None:
        return _cannot(w, "全年执行数（B）未填写，无法计算预算执行率", adjusted_budget=adjusted_budget)
    if executed < 0:
        return _cannot(
            w,
            f"全年执行数（B）为负数{_fmt(executed)}，无法计分",
            adjusted_budget=adjusted_budget,
            executed=executed,
        )
    if w < 0:
        return _cannot(
            w, f"分值为负数{_fmt(w)}，无法计分", adjusted_budget=adjusted_budget, executed=executed
        )
    share = executed / adjusted_budget
    rate = share * _HUNDRED
    exact = (share if share < _ONE else _ONE) * w
    value = exact.quantize(_CENT, ROUND_HALF_UP)
    return Score(
        value,
        w,
        "budget-rate",
        needs_explanation=rate < cfg.budget_explanation_below,
        adjusted_budget=adjusted_budget,
        executed=executed,
        rate=rate,
        exact=exact,
    )


# --- one indicator ---------------------------------------------------------------------------------------


def score_indicator(
    target: TargetValue,
    actual: Actual,
    weight: Decimal,
    *,
    config: ScoringConfig | None = None,
    grade_score: Decimal | None = None,
    direction: Direction | None = None,
    cost: bool = False,
) -> Score:
    """Score one indicator against its target (rules 3–7 of 10号 as practised; see README.md).

    ``actual`` is a typed value (read with ``parse_target``; its unit is converted to the target's), a bare
    ``Decimal`` in the target's unit, or, for a qualitative target, a ``QualitativeGrade`` with an optional
    proposed ``grade_score`` that must lie in the grade's band.

    ``direction`` overrides the one the operator implies; a ``cost`` indicator is always reverse (rule 4a).
    When the written operator says otherwise (a cost written ``≥9000元``), the score follows the direction
    and the explanation names the contradiction.
    """
    cfg = config or _DEFAULT_CONFIG
    kind = target.kind
    if kind is TargetKind.NOT_APPLICABLE:
        return Score(
            None,
            weight,
            "excluded",
            target=target,
            reason=f"指标值为“{target.raw}”（不适用），不计分；其分值{_fmt(weight)}分应重新分配，本系统不自动分配",
        )
    if weight < _ZERO:
        return _cannot(weight, f"分值为负数{_fmt(weight)}，无法计分", target=target)
    if kind is TargetKind.QUALITATIVE:
        return _score_qualitative(target, actual, weight, cfg, grade_score)

    t = target.value
    op = target.operator
    if t is None or op is None:  # the grammar always sets both for a quantitative value; a guard
        return _cannot(weight, f"指标值“{target.raw}”没有可比较的数值", target=target)

    actual_raw: str | None = None
    if type(actual) is Decimal:
        a: Decimal = actual
    elif isinstance(actual, TargetValue):
        actual_raw = actual.raw
        converted = _actual_in_target_unit(actual, target)
        if isinstance(converted, str):
            return _cannot(weight, converted, target=target, actual_raw=actual_raw)
        a = converted
    elif actual is None:
        return _cannot(weight, "未填写实际完成值，无法计分", target=target)
    elif isinstance(actual, QualitativeGrade):
        return _cannot(
            weight,
            f"定量指标“{target.raw}”需要数值型完成值，不能按定性等级“{actual.value}”计分",
            target=target,
            grade=actual,
        )
    elif isinstance(actual, Decimal):  # a Decimal subclass
        a = actual
    else:
        raise TypeError(f"actual must be a TargetValue, Decimal, QualitativeGrade or None, not {actual!r}")

    if cost:
        direction = Direction.REVERSE
    reverse = op is Operator.LE or op is Operator.LT
    if direction is None or (direction is Direction.REVERSE) == reverse:
        if reverse:
            score = _score_reverse(target, t, a, weight, cfg, actual_raw)
        else:
            score = _score_positive(target, op, t, a, weight, cfg, actual_raw)
        if cost:
            score.cost = True
        return score
    what = "成本指标" if cost else ("反向指标" if direction is Direction.REVERSE else "正向指标")
    shown = f"{_fmt(t)}{target.unit or ''}"
    if direction is Direction.REVERSE:
        if op is Operator.EQ:
            contradiction = f"{what}按反向指标计分（以目标值{shown}为上限）"
        else:
            contradiction = (
                f"{what}按反向指标计分：指标值写作“{target.raw}”，与{what}应设上限（≤）相矛盾，"
                f"按不超过{shown}计分"
            )
        score = _score_reverse(target, t, a, weight, cfg, actual_raw)
    else:
        contradiction = f"{what}按正向指标计分：指标值写作“{target.raw}”，与{what}应设下限（≥）相矛盾，按不低于{shown}计分"
        score = _score_positive(target, Operator.GE, t, a, weight, cfg, actual_raw)
    score.cost = cost
    score.contradiction = contradiction
    return score


def _score_positive(
    target: TargetValue,
    op: Operator,
    t: Decimal,
    a: Decimal,
    weight: Decimal,
    cfg: ScoringConfig,
    actual_raw: str | None,
) -> Score:
    method: Method = "equal" if op is Operator.EQ else "positive"
    if t <= _ZERO:
        if op is Operator.EQ and t == _ZERO:
            exact = weight if a <= _ZERO else _ZERO
        elif a >= t:
            exact = weight
        else:
            return _cannot(
                weight,
                f"目标值为{_fmt(t)}，实际值{_fmt(a)}未达到，无法按“实际值÷目标值”计分",
                target=target,
                actual=a,
                actual_raw=actual_raw,
            )
        value = exact.quantize(_CENT, ROUND_HALF_UP)
        return Score(
            value,
            weight,
            method,
            needs_deviation_reason=value < weight,
            target=target,
            actual=a,
            actual_raw=actual_raw,
            exact=exact,
        )
    if a >= t:
        exact = weight
    elif a <= _ZERO:
        exact = _ZERO
    else:
        exact = a / t * weight
    value = exact.quantize(_CENT, ROUND_HALF_UP)
    return Score(
        value,
        weight,
        method,
        over_achievement=a >= t * cfg.over_achievement_ratio,
        needs_deviation_reason=value < weight,
        target=target,
        actual=a,
        actual_raw=actual_raw,
        exact=exact,
    )


def _score_reverse(
    target: TargetValue, t: Decimal, a: Decimal, weight: Decimal, cfg: ScoringConfig, actual_raw: str | None
) -> Score:
    method: Method = "reverse-linear" if cfg.reverse_method == "linear" else "reverse-ratio"
    if a <= t:
        exact = weight
    elif t < _ZERO:
        return _cannot(
            weight,
            f"反向指标的目标值为负数{_fmt(t)}，无法计分",
            target=target,
            actual=a,
            actual_raw=actual_raw,
        )
    elif t == _ZERO:
        exact = _ZERO
    elif method == "reverse-linear":
        exact = (_ONE - (a - t) / t) * weight
        if exact < _ZERO:
            exact = _ZERO
    else:
        exact = t / a * weight
    value = exact.quantize(_CENT, ROUND_HALF_UP)
    return Score(
        value,
        weight,
        method,
        needs_deviation_reason=value < weight,
        target=target,
        actual=a,
        actual_raw=actual_raw,
        exact=exact,
    )


def _score_qualitative(
    target: TargetValue, actual: Actual, weight: Decimal, cfg: ScoringConfig, grade_score: Decimal | None
) -> Score:
    if not isinstance(actual, QualitativeGrade):
        got = "未评定等级" if actual is None else f"完成值为“{_actual_text(actual)}”"
        return _cannot(
            weight,
            f"定性指标“{target.raw}”需评定等级（达成／部分达成并具有一定效果／未达成且效果较差），{got}",
            target=target,
        )
    band = cfg.band(actual)
    if grade_score is None:
        exact = _band_top(band.high, band.high_inclusive, weight)
        proposed = None
    else:
        exact = grade_score
        proposed = grade_score
    value = exact.quantize(_CENT, ROUND_HALF_UP)
    share = value / weight * _HUNDRED if weight else _ZERO
    if weight and not band.contains(share):
        return _cannot(
            weight,
            f"定性等级“{actual.value}”的得分应在分值的{band.describe()}之间"
            f"（{_fmt(weight * band.low / _HUNDRED)}～{_fmt(weight * band.high / _HUNDRED)}分"
            f"{'' if band.high_inclusive else '，不含上限'}），拟定得分{_fmt(value)}分不在此区间",
            target=target,
            grade=actual,
            proposed=proposed,
        )
    return Score(
        value,
        weight,
        "qualitative-band",
        needs_deviation_reason=value < weight,
        target=target,
        grade=actual,
        proposed=proposed,
        exact=exact,
    )


def _band_top(high: Decimal, inclusive: bool, weight: Decimal) -> Decimal:
    """The highest two-decimal score inside a band: its top, or a cent below an open top."""
    top = weight * high / _HUNDRED
    if inclusive:
        return top
    return top.quantize(_CENT, ROUND_CEILING) - _CENT if top > 0 else _ZERO


def _actual_in_target_unit(actual: TargetValue, target: TargetValue) -> Decimal | str:
    """The actual value in the target's unit, or the reason it cannot be compared (a string)."""
    if actual.kind is not TargetKind.QUANTITATIVE or actual.value is None:
        if actual.kind is TargetKind.NOT_APPLICABLE:
            return f"实际完成值为“{actual.raw}”，未填写，无法计分"
        return f"实际完成值“{actual.raw}”不是数值，无法与目标值“{target.raw}”比较"
    a_unit, t_unit = actual.unit, target.unit
    # A bare number is taken in the other side's unit: tables put the unit in a column of its own.
    if a_unit == t_unit or a_unit is None or t_unit is None:
        return actual.value
    a_size, t_size = _UNIT_SIZES.get(a_unit), _UNIT_SIZES.get(t_unit)
    if a_size is not None and t_size is not None and a_size[0] == t_size[0]:
        return actual.value * a_size[1] / t_size[1]
    return f"实际完成值单位“{a_unit}”与目标值单位“{t_unit}”不可比较，无法计分"


def _cannot(weight: Decimal | None, reason: str, **facts: object) -> Score:
    return Score(None, weight, "cannot-score", reason=reason, **facts)  # type: ignore[arg-type]


# --- explanations ----------------------------------------------------------------------------------------


def _explain(score: Score) -> str:
    """How the rule's score was reached; every comparison and sum in it holds for the score's own numbers.

    A reviewer's adjustment is said after it (``Score.explanation``): this part explains the rule's score.
    """
    method, w = score.method, score.weight
    if method in ("excluded", "cannot-score"):
        return score.reason or ""
    value = score.rule_value if score.adjustment is not None else score.value
    assert value is not None
    assert w is not None
    if method == "budget-rate":
        rate = round_score(score.rate or _ZERO)
        return (
            f"预算执行率=全年执行数÷全年预算数={_fmt(score.executed)}÷{_fmt(score.adjusted_budget)}"
            f"={rate}%，得分=min(执行率,100%)×{_fmt(w)}={_fmt(value)}分"
        )
    if method == "qualitative-band":
        grade = score.grade
        assert grade is not None
        proposed = "拟定得分" if score.proposed is not None else "按该档上限计"
        return f"定性指标评为“{grade.value}”，{proposed}{_fmt(value)}分"
    target = score.target
    assert target is not None
    assert target.value is not None
    unit = target.unit or ""
    a, t = score.actual, target.value
    assert a is not None
    shown_a, shown_t = f"{_fmt(a)}{unit}", f"{_fmt(t)}{unit}"
    if method.startswith("reverse"):
        if a <= t:
            return f"实际值{shown_a}≤目标值{shown_t}，得满分{_fmt(w)}分"
        if t == 0:
            return f"目标值为0，实际值{shown_a}>0，得0分"
        if method == "reverse-linear":
            formula = f"(1−({_fmt(a)}−{_fmt(t)})÷{_fmt(t)})×{_fmt(w)}"
            raw = (_ONE - (a - t) / t) * w
            if round_score(raw) < 0:
                return (
                    f"实际值{shown_a}>目标值{shown_t}，按超出比例扣分：{formula}={_fmt(round_score(raw))}分，"
                    "低于0分，得0分"
                )
            return f"实际值{shown_a}>目标值{shown_t}，按超出比例扣分：{formula}={_fmt(value.copy_abs())}分"
        return f"实际值{shown_a}>目标值{shown_t}，按比例计分：{_fmt(t)}÷{_fmt(a)}×{_fmt(w)}={_fmt(value)}分"
    if method == "equal" and t == 0:
        if a <= 0:
            return f"实际值{shown_a}≤目标值{shown_t}，得满分{_fmt(w)}分"
        return f"目标值为0，实际值{shown_a}>0，得0分"
    if a >= t:
        return f"实际值{shown_a}≥目标值{shown_t}，得满分{_fmt(w)}分"
    if a <= 0:
        return f"实际值{shown_a}<目标值{shown_t}，实际值不大于0，得0分"
    return f"实际值{shown_a}<目标值{shown_t}，得分={_fmt(a)}÷{_fmt(t)}×{_fmt(w)}={_fmt(value)}分"


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = plain(value)
    if len(text) > 12:  # an unrounded quotient (50 ÷ 7): enough to redo the sum by hand
        text = f"{value.quantize(Decimal('0.000001'), ROUND_HALF_UP).normalize():f}"
    return text


def _actual_text(actual: Actual) -> str:
    if isinstance(actual, TargetValue):
        return actual.raw
    if isinstance(actual, Decimal):
        return _fmt(actual)
    return str(actual)


# --- typed rows and a whole evaluation -----------------------------------------------------------------

_COST_WORD = "成本"
_COST_NAME_WORDS = ("费用", "成本", "经费")
_SAVING_WORDS = ("节约", "节省", "降低", "下降", "减少", "压减", "节支")
_MONEY_UNITS = ("元", "万元")


def is_cost_indicator(
    level1: str | None, level2: str | None, name: str | None, unit: str | None = None
) -> bool:
    """A cost (成本) indicator: filed under a 成本 level, or, without levels, a cost-named amount of money.

    Savings (成本节约率, 降低 …) are not costs: they are better when higher.
    """
    if any(word in (name or "") for word in _SAVING_WORDS):
        return False
    levels = f"{level1 or ''}{level2 or ''}"
    if levels:
        return _COST_WORD in levels
    return any(word in (name or "") for word in _COST_NAME_WORDS) and unit in _MONEY_UNITS


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One annual indicator as the engine scores it: typed target, typed actual, weight, direction.

    ``actual`` is a ``Decimal`` in the target's unit or a ``QualitativeGrade``; ``actual_problem`` says why a
    written actual cannot be used (a unit that does not convert), and wins over ``actual``. ``actual_text``
    is the value as printed (``165家``). ``weight`` ``None`` takes a share of its 一级 (rule 1b).
    ``direction`` overrides the operator's; ``cost`` rows are reverse (rule 4a). ``proposed_score`` is a
    qualitative row's score inside its band; ``recorded_score`` what a published table wrote (for the
    recheck). ``adjustment`` is a reviewer's lowered score (rule 5). ``key`` is the caller's (a record id).
    """

    target: TargetValue
    actual: Decimal | QualitativeGrade | None
    weight: Decimal | None
    name: str | None = None
    level1: str | None = None
    level2: str | None = None
    raw_level1: str | None = None
    raw_level2: str | None = None
    direction: Direction | None = None
    cost: bool = False
    actual_text: str | None = None
    actual_problem: str | None = None
    proposed_score: Decimal | None = None
    recorded_score: Decimal | None = None
    deviation_reason: str | None = None
    adjustment: Adjustment | None = None
    key: object = None

    @property
    def label(self) -> str:
        return self.name or self.level2 or self.target.raw


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """The budget row: 全年预算数 A, 全年执行数 B (in 元), its weight (``None``: the config's), and where the
    figures come from when that is worth saying (``source``, printed with the explanation)."""

    adjusted_budget: Decimal | None
    executed: Decimal | None
    weight: Decimal | None = None
    initial_budget: Decimal | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One annual indicator row and its score; ``weight_source`` says whether its weight came with the row."""

    row: IndicatorRow
    score: Score
    weight_source: WeightSource

    @property
    def indicator(self) -> IndicatorRow:
        """The row (the name the form-based callers know it by)."""
        return self.row


@dataclass(slots=True)
class Evaluation:
    """A whole evaluation: the budget row, every annual indicator, the total and the grade, from one place.

    ``total`` adds what could be scored (a reviewer's adjustment included). ``complete`` is false when
    something that should have been scored could not be; then ``grade`` is ``None`` (a grade on a partial
    total would be invented).
    """

    project: str | None
    budget: Score
    indicators: list[IndicatorResult]
    total: Decimal
    grade: str | None
    complete: bool
    config: ScoringConfig
    warnings: list[str] = field(default_factory=list)


def grade_for(total: Decimal, config: ScoringConfig | None = None) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (half-open: 89.99 is 良, 90 is 优)."""
    return (config or _DEFAULT_CONFIG).grade_for(total)


def read_actual(text: str | None) -> TargetValue | QualitativeGrade | None:
    """The 实际完成值 cell, typed: a qualitative grade word, a value read by the target grammar, or ``None``."""
    if text is None or not text.strip():
        return None
    grade = QualitativeGrade.read(text)
    if grade is not None:
        return grade
    value = parse_target(text)
    return None if value.kind is TargetKind.NOT_APPLICABLE else value


def actual_in_target_unit(actual: TargetValue, target: TargetValue) -> Decimal | str:
    """A written actual value in the target's unit, or the reason it cannot be compared (a string)."""
    return _actual_in_target_unit(actual, target)


def score_rows(
    rows: Sequence[IndicatorRow],
    budget: BudgetRow | None,
    *,
    config: ScoringConfig | None = None,
    project: str | None = None,
) -> Evaluation:
    """Score typed indicator rows and the budget row: every score, the adjustments, the total and the grade.

    Rows without a weight share their 一级's weight (what the other rows of that 一级 leave) in equal parts to
    the cent (``weight_source="spread"``, said in the warnings). A reviewer's adjustment replaces the rule's
    score only where rule 5 allows it (over-achievement, lower than the rule's score, not below 0); one that
    no longer applies is left out with a warning.
    """
    cfg = config or _DEFAULT_CONFIG
    warnings: list[str] = []
    weights = _indicator_weights(rows, cfg, warnings)

    results: list[IndicatorResult] = []
    for position, row in enumerate(rows):
        weight, source = weights[position]
        if weight is None:
            score = _cannot(
                None,
                f"一级指标“{row.level1 or '（空）'}”没有配置分值，指标也未填写分值，无法计分",
                target=row.target,
            )
        else:
            score = _score_row(row, weight, cfg)
            if row.adjustment is not None:
                score = _adjusted(row, score, warnings)
        results.append(IndicatorResult(row, score, source))

    budget_score = _score_budget_row(budget, cfg)
    _check_weights(rows, weights, budget_score, cfg, warnings)

    total = sum((r.score.value for r in results if r.score.value is not None), _ZERO)
    if budget_score.value is not None:
        total += budget_score.value
    unscored = [r for r in results if r.score.method == "cannot-score"]
    excluded = [r for r in results if r.score.method == "excluded"]
    for r in unscored:
        warnings.append(f"“{r.row.label}”无法计分：{r.score.reason}")
    for r in results:
        if r.score.needs_deviation_reason and not (r.row.deviation_reason or "").strip():
            warnings.append(f"“{r.row.label}”得分低于分值，未填写偏差原因分析及改进措施")
    if budget_score.method == "cannot-score":
        warnings.append(f"预算执行率无法计分：{budget_score.reason}")
    if excluded:
        lost = sum((r.score.weight or _ZERO for r in excluded), _ZERO)
        names = "、".join(r.row.label for r in excluded)
        warnings.append(f"不适用的指标（{names}）共{_fmt(lost)}分未计入，其分值应重新分配（未自动分配）")
    complete = not unscored and budget_score.method != "cannot-score"
    grade = cfg.grade_for(total) if complete else None
    if not complete:
        warnings.append("有未能计分的项目，总分不完整，不评定等级")
    return Evaluation(
        project=project,
        budget=budget_score,
        indicators=results,
        total=total,
        grade=grade,
        complete=complete,
        config=cfg,
        warnings=warnings,
    )


def _adjusted(row: IndicatorRow, score: Score, warnings: list[str]) -> Score:
    adjustment = row.adjustment
    assert adjustment is not None
    value = score.value
    if value is None or not score.over_achievement or not _ZERO <= adjustment.score < value:
        warnings.append(
            f"“{row.label}”的审核调整得分{_fmt(adjustment.score)}分已不适用（只有超额完成的指标可调低得分，"
            "且须低于按规则的得分），未采用"
        )
        return score
    return replace(
        score,
        value=adjustment.score,
        exact=adjustment.score,
        rule_value=value,
        adjustment=adjustment,
        needs_deviation_reason=adjustment.score < (score.weight or _ZERO),
    )


def _score_row(row: IndicatorRow, weight: Decimal, cfg: ScoringConfig) -> Score:
    target = row.target
    if row.actual_problem is not None and target.kind is TargetKind.QUANTITATIVE:
        return _cannot(weight, row.actual_problem, target=target, actual_raw=row.actual_text)
    actual = row.actual
    if target.kind is not TargetKind.QUALITATIVE:
        return score_indicator(target, actual, weight, config=cfg, direction=row.direction, cost=row.cost)
    proposed = row.proposed_score
    if isinstance(actual, QualitativeGrade):
        return score_indicator(target, actual, weight, config=cfg, grade_score=proposed)
    if proposed is not None and weight > 0:
        # The table graded the row only through its score: the band that score falls in is the grade.
        share = round_score(proposed) / weight * _HUNDRED
        grade = next((b.grade for b in cfg.bands if b.contains(share)), None)
        if grade is not None:
            score = score_indicator(target, grade, weight, config=cfg, grade_score=proposed)
            note = f"完成情况为“{row.actual_text or '（空）'}”，等级按已填得分{_fmt(proposed)}分所在档次认定"
            return replace(score, note=note)
    if row.actual_text and row.actual_text.strip():
        return _cannot(
            weight,
            f"定性指标“{target.raw}”需评定等级（达成／部分达成并具有一定效果／未达成且效果较差），"
            f"完成值为“{row.actual_text}”",
            target=target,
        )
    return score_indicator(target, actual, weight, config=cfg)


def _score_budget_row(budget: BudgetRow | None, cfg: ScoringConfig) -> Score:
    if budget is None:
        return _cannot(cfg.budget_weight, "表中没有预算执行情况（全年预算数、全年执行数），无法计分")
    weight = budget.weight if budget.weight is not None else cfg.budget_weight
    score = score_budget(budget.adjusted_budget, budget.executed, weight, config=cfg)
    score.initial_budget = budget.initial_budget
    if budget.source:
        score.note = budget.source
    return score


def _indicator_weights(
    rows: Sequence[IndicatorRow], cfg: ScoringConfig, warnings: list[str]
) -> list[tuple[Decimal | None, WeightSource]]:
    weights: list[tuple[Decimal | None, WeightSource] | None] = [None] * len(rows)
    groups: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        groups.setdefault(row.level1 or "", []).append(position)
    for level1, members in groups.items():
        missing = [p for p in members if rows[p].weight is None]
        for p in members:
            given_weight = rows[p].weight
            if given_weight is not None:
                weights[p] = (given_weight, "form")
        if not missing:
            continue
        level1_weight = cfg.weights.get(level1) if level1 != BUDGET else None
        given = sum((rows[p].weight or _ZERO for p in members), _ZERO)
        # Not-applicable rows take no share: the rule is to redistribute their weight, not to keep it.
        sharing = [p for p in missing if rows[p].target.kind is not TargetKind.NOT_APPLICABLE] or missing
        if level1_weight is None or given > level1_weight:
            for p in missing:
                weights[p] = (None, "missing")
            continue
        shares = _spread(level1_weight - given, len(sharing))
        for p, share in zip(sharing, shares, strict=True):
            weights[p] = (share, "spread")
        for p in missing:
            if weights[p] is None:
                weights[p] = (_ZERO, "spread")
        warnings.append(
            f"{level1}有{len(sharing)}个指标未填写分值，已将{_fmt(level1_weight - given)}分平均分配"
            f"（{'、'.join(_fmt(s) for s in shares)}分）"
        )
    return [w if w is not None else (None, "missing") for w in weights]


def _spread(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` shares of whole cents that add up exactly: the first ones take the odd cents."""
    cents = int((total / _CENT).to_integral_value())
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if n < extra else 0)) * _CENT for n in range(count)]


def _check_weights(
    rows: Sequence[IndicatorRow],
    weights: list[tuple[Decimal | None, WeightSource]],
    budget: Score,
    cfg: ScoringConfig,
    warnings: list[str],
) -> None:
    per_level1: dict[str, Decimal] = {}
    for row, (weight, _) in zip(rows, weights, strict=True):
        key = row.level1 or "（空）"
        per_level1[key] = per_level1.get(key, _ZERO) + (weight or _ZERO)
    for level1, got in per_level1.items():
        expected = cfg.weights.get(level1)
        if expected is None:
            warnings.append(f"一级指标“{level1}”没有配置分值，表中分值合计{_fmt(got)}分")
        elif got != expected:
            warnings.append(f"{level1}各指标分值合计{_fmt(got)}分，应为{_fmt(expected)}分")
    for level1, expected in cfg.level1_weights.items():
        if level1 not in per_level1 and expected:
            warnings.append(f"{level1}应有{_fmt(expected)}分，表中没有该一级指标")
    grand = sum(per_level1.values(), _ZERO) + (budget.weight or _ZERO)
    if grand != _HUNDRED:
        warnings.append(f"预算执行率与各指标分值合计{_fmt(grand)}分，不等于100分")


def total_weight(results: Iterable[IndicatorResult], budget: Score) -> Decimal:
    """The budget's weight plus every indicator's weight: what the total is out of."""
    return sum((r.score.weight or _ZERO for r in results), budget.weight or _ZERO)


# --- the adapter from a read form ------------------------------------------------------------------------


def config_for(form: FormDocument, config: ScoringConfig | None = None) -> ScoringConfig:
    """The config given, else the default for the form's indicator tree.

    A 2021-tree form has no default weights: when the form itself gives a weight to every annual indicator
    and to the budget row (a published self-evaluation table), its own 一级 totals are used; otherwise the
    caller must pass them (``ScoringConfigError``).
    """
    if config is not None:
        return config
    if form.taxonomy is not Taxonomy.T2021:
        return ScoringConfig.for_taxonomy(form.taxonomy)
    weights = _weights_written_on(form)
    if weights is None:
        return ScoringConfig.for_taxonomy(form.taxonomy)  # raises, naming the weights to pass
    try:
        return ScoringConfig.for_taxonomy(form.taxonomy, weights)
    except ScoringConfigError as error:
        raise ScoringConfigError(f"the form's own weights cannot be used ({error}); pass a config") from error


def _weights_written_on(form: FormDocument) -> dict[str, Decimal] | None:
    block = form.budget_execution
    annual = [i for i in form.indicators if i.horizon is Horizon.ANNUAL]
    if block is None or block.weight is None or not annual or any(i.weight is None for i in annual):
        return None
    weights = {BUDGET: block.weight}
    for indicator in annual:
        key = indicator.level1 or "未分类"
        weights[key] = weights.get(key, _ZERO) + (indicator.weight or _ZERO)
    return weights


def row_from_indicator(indicator: Indicator) -> IndicatorRow:
    """One indicator of a read form as a typed row: its 实际完成值 cell read and put in the target's unit."""
    target = indicator.target
    read = read_actual(indicator.actual)
    actual: Decimal | QualitativeGrade | None
    problem: str | None = None
    if isinstance(read, TargetValue):
        converted = (
            _actual_in_target_unit(read, target) if target.kind is TargetKind.QUANTITATIVE else read.value
        )
        if isinstance(converted, str):
            actual, problem = None, converted
        else:
            actual = converted
    else:
        actual = read
    qualitative = target.kind is TargetKind.QUALITATIVE
    return IndicatorRow(
        target=target,
        actual=actual,
        weight=indicator.weight,
        name=indicator.name,
        level1=indicator.level1,
        level2=indicator.level2,
        raw_level1=indicator.raw_level1,
        raw_level2=indicator.raw_level2,
        cost=is_cost_indicator(
            indicator.level1 or indicator.raw_level1,
            indicator.level2 or indicator.raw_level2,
            indicator.name,
            target.unit,
        ),
        actual_text=indicator.actual,
        actual_problem=problem,
        proposed_score=indicator.recorded_score if qualitative else None,
        recorded_score=indicator.recorded_score,
        deviation_reason=indicator.deviation_reason,
        key=indicator,
    )


def rows_from_form(form: FormDocument) -> tuple[list[IndicatorRow], BudgetRow | None]:
    """A read self-evaluation table as typed rows (its annual indicators) and its budget row."""
    rows = [row_from_indicator(i) for i in form.indicators if i.horizon is Horizon.ANNUAL]
    block = form.budget_execution
    budget = (
        None
        if block is None
        else BudgetRow(
            adjusted_budget=block.adjusted_budget,
            executed=block.executed,
            weight=block.weight,
            initial_budget=block.initial_budget,
        )
    )
    return rows, budget


def evaluate(form: FormDocument, *, config: ScoringConfig | None = None) -> Evaluation:
    """Score a read form: its annual indicators from their own ``actual`` and ``weight``, its budget row.

    The adapter of ``jixiao score``: ``rows_from_form`` then ``score_rows`` (see there for the rules).
    """
    cfg = config_for(form, config)
    rows, budget = rows_from_form(form)
    return score_rows(rows, budget, config=cfg, project=form.project.name)
