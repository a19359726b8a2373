"""Self-evaluation scoring (财预〔2020〕10号 as practised): budget execution, each indicator, total and grade.

Pure functions. Each ``Score`` keeps its inputs and its method, and says in Chinese how it was reached; the
rules and their sources are in ``README.md`` beside this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from jixiao.domain.forms.model import FormDocument, Horizon, Indicator, Taxonomy
from jixiao.domain.numbers import plain
from jixiao.domain.scoring.config import BUDGET, QualitativeGrade, ScoringConfig, ScoringConfigError
from jixiao.domain.targets.grammar import parse_target
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue

__all__ = [
    "Evaluation",
    "IndicatorResult",
    "Method",
    "Score",
    "config_for",
    "evaluate",
    "grade_for",
    "read_actual",
    "round_score",
    "score_budget",
    "score_indicator",
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
        return facts

    @property
    def explanation(self) -> str:
        """How the score was reached, in Chinese (``实际值126家≥目标值120家，得满分30分``)."""
        text = _explain(self)
        extras = [text]
        if self.note:
            extras.append(self.note)
        if self.over_achievement:
            extras.append(
                "实际值达到目标值的130%及以上，需说明偏差原因（目标值可能偏低），审核时可酌情调整得分"
            )
        if self.needs_explanation:
            extras.append("预算执行率低于90%，需说明原因")
        if self.needs_deviation_reason:
            extras.append("得分低于分值，需填写偏差原因分析及改进措施")
        return "；".join(extras)


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
) -> Score:
    """Score one indicator against its target (rules 3–7 of 10号 as practised; see README.md).

    ``actual`` is a typed value (read with ``parse_target``; its unit is converted to the target's), a bare
    ``Decimal`` in the target's unit, or, for a qualitative target, a ``QualitativeGrade`` with an optional
    proposed ``grade_score`` that must lie in the grade's band.
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

    if op is Operator.LE or op is Operator.LT:
        return _score_reverse(target, t, a, weight, cfg, actual_raw)
    return _score_positive(target, op, t, a, weight, cfg, actual_raw)


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
    method, w = score.method, score.weight
    if method in ("excluded", "cannot-score"):
        return score.reason or ""
    value = score.value
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
    assert target.operator is not None
    unit = target.unit or ""
    a, t = score.actual, target.value
    assert a is not None
    shown_a, shown_t = f"{_fmt(a)}{unit}", f"{_fmt(t)}{unit}"
    if value == w:
        sign = "≤" if method.startswith("reverse") or (method == "equal" and t == 0) else "≥"
        return f"实际值{shown_a}{sign}目标值{shown_t}，得满分{_fmt(w)}分"
    if method.startswith("reverse"):
        if t == 0:
            return f"目标值为0，实际值{shown_a}>0，得0分"
        if method == "reverse-linear":
            return (
                f"实际值{shown_a}>目标值{shown_t}，按超出比例扣分："
                f"(1−({_fmt(a)}−{_fmt(t)})÷{_fmt(t)})×{_fmt(w)}={_fmt(value)}分（最低0分）"
            )
        return f"实际值{shown_a}>目标值{shown_t}，按比例计分：{_fmt(t)}÷{_fmt(a)}×{_fmt(w)}={_fmt(value)}分"
    if t == 0:
        return f"目标值为0，实际值{shown_a}>0，得0分"
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


# --- a whole form ----------------------------------------------------------------------------------------


def grade_for(total: Decimal, config: ScoringConfig | None = None) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (half-open: 89.99 is 良, 90 is 优)."""
    return (config or _DEFAULT_CONFIG).grade_for(total)


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One annual indicator and its score; ``weight_source`` says whether its weight came from the form."""

    indicator: Indicator
    score: Score
    weight_source: WeightSource


@dataclass(slots=True)
class Evaluation:
    """A whole form scored: the budget row, every annual indicator, the total and the grade.

    ``total`` adds what could be scored. ``complete`` is false when something that should have been scored
    could not be; then ``grade`` is ``None`` (a grade on a partial total would be invented).
    """

    project: str | None
    budget: Score
    indicators: list[IndicatorResult]
    total: Decimal
    grade: str | None
    complete: bool
    config: ScoringConfig
    warnings: list[str] = field(default_factory=list)


def read_actual(text: str | None) -> TargetValue | QualitativeGrade | None:
    """The 实际完成值 cell, typed: a qualitative grade word, a value read by the target grammar, or ``None``."""
    if text is None or not text.strip():
        return None
    grade = QualitativeGrade.read(text)
    if grade is not None:
        return grade
    value = parse_target(text)
    return None if value.kind is TargetKind.NOT_APPLICABLE else value


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


def evaluate(form: FormDocument, *, config: ScoringConfig | None = None) -> Evaluation:
    """Score a form's annual indicators from their own ``actual`` and ``weight``, its budget row, the total.

    Indicators without a weight share their 一级's weight (what the form's other indicators of that 一级 leave)
    in equal parts to the cent; that is recorded as ``weight_source="spread"`` and in the warnings. Qualitative
    rows take their grade from the 实际完成值 cell, or else from the band their recorded score falls in.
    """
    cfg = config_for(form, config)
    warnings: list[str] = []
    annual = [i for i in form.indicators if i.horizon is Horizon.ANNUAL]
    weights = _indicator_weights(annual, cfg, warnings)

    results: list[IndicatorResult] = []
    for indicator in annual:
        weight, source = weights[id(indicator)]
        if weight is None:
            score = _cannot(
                None,
                f"一级指标“{indicator.level1 or '（空）'}”没有配置分值，指标也未填写分值，无法计分",
                target=indicator.target,
            )
        else:
            score = _score_row(indicator, weight, cfg)
        results.append(IndicatorResult(indicator, score, source))

    budget = _score_budget_row(form, cfg)
    _check_weights(annual, weights, budget, cfg, warnings)

    total = sum((r.score.value for r in results if r.score.value is not None), _ZERO)
    if budget.value is not None:
        total += budget.value
    unscored = [r for r in results if r.score.method == "cannot-score"]
    excluded = [r for r in results if r.score.method == "excluded"]
    for r in unscored:
        warnings.append(f"“{_name(r.indicator)}”无法计分：{r.score.reason}")
    for r in results:
        if r.score.needs_deviation_reason and not (r.indicator.deviation_reason or "").strip():
            warnings.append(f"“{_name(r.indicator)}”得分低于分值，未填写偏差原因分析及改进措施")
    if budget.method == "cannot-score":
        warnings.append(f"预算执行率无法计分：{budget.reason}")
    if excluded:
        lost = sum((r.score.weight or _ZERO for r in excluded), _ZERO)
        names = "、".join(_name(r.indicator) for r in excluded)
        warnings.append(f"不适用的指标（{names}）共{_fmt(lost)}分未计入，其分值应重新分配（未自动分配）")
    complete = not unscored and budget.method != "cannot-score"
    grade = cfg.grade_for(total) if complete else None
    if not complete:
        warnings.append("有未能计分的项目，总分不完整，不评定等级")
    return Evaluation(
        project=form.project.name,
        budget=budget,
        indicators=results,
        total=total,
        grade=grade,
        complete=complete,
        config=cfg,
        warnings=warnings,
    )


def _score_row(indicator: Indicator, weight: Decimal, cfg: ScoringConfig) -> Score:
    target = indicator.target
    actual = read_actual(indicator.actual)
    if target.kind is not TargetKind.QUALITATIVE:
        return score_indicator(target, actual, weight, config=cfg)
    recorded = indicator.recorded_score
    if isinstance(actual, QualitativeGrade):
        return score_indicator(target, actual, weight, config=cfg, grade_score=recorded)
    if recorded is not None and weight > 0:
        # The table graded the row only through its score: the band that score falls in is the grade.
        share = round_score(recorded) / weight * _HUNDRED
        grade = next((b.grade for b in cfg.bands if b.contains(share)), None)
        if grade is not None:
            score = score_indicator(target, grade, weight, config=cfg, grade_score=recorded)
            note = f"完成情况为“{indicator.actual or '（空）'}”，等级按已填得分{_fmt(recorded)}分所在档次认定"
            return _with_note(score, note)
    return score_indicator(target, actual, weight, config=cfg)


def _with_note(score: Score, note: str) -> Score:
    return replace(score, note=note)


def _score_budget_row(form: FormDocument, cfg: ScoringConfig) -> Score:
    block = form.budget_execution
    if block is None:
        return _cannot(cfg.budget_weight, "表中没有预算执行情况（全年预算数、全年执行数），无法计分")
    weight = block.weight if block.weight is not None else cfg.budget_weight
    return score_budget(block.adjusted_budget, block.executed, weight, config=cfg)


def _indicator_weights(
    annual: list[Indicator], cfg: ScoringConfig, warnings: list[str]
) -> dict[int, tuple[Decimal | None, WeightSource]]:
    weights: dict[int, tuple[Decimal | None, WeightSource]] = {}
    groups: dict[str, list[Indicator]] = {}
    for indicator in annual:
        groups.setdefault(indicator.level1 or "", []).append(indicator)
    for level1, members in groups.items():
        missing = [i for i in members if i.weight is None]
        for indicator in members:
            if indicator.weight is not None:
                weights[id(indicator)] = (indicator.weight, "form")
        if not missing:
            continue
        level1_weight = cfg.weights.get(level1) if level1 != BUDGET else None
        given = sum((i.weight or _ZERO for i in members), _ZERO)
        # Not-applicable rows take no share: the rule is to redistribute their weight, not to keep it.
        sharing = [i for i in missing if i.target.kind is not TargetKind.NOT_APPLICABLE] or missing
        if level1_weight is None or given > level1_weight:
            for indicator in missing:
                weights[id(indicator)] = (None, "missing")
            continue
        shares = _spread(level1_weight - given, len(sharing))
        for indicator, share in zip(sharing, shares, strict=True):
            weights[id(indicator)] = (share, "spread")
        for indicator in missing:
            weights.setdefault(id(indicator), (_ZERO, "spread"))
        warnings.append(
            f"{level1}有{len(sharing)}个指标未填写分值，已将{_fmt(level1_weight - given)}分平均分配"
            f"（{'、'.join(_fmt(s) for s in shares)}分）"
        )
    return weights


def _spread(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` shares of whole cents that add up exactly: the first ones take the odd cents."""
    cents = int((total / _CENT).to_integral_value())
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if n < extra else 0)) * _CENT for n in range(count)]


def _check_weights(
    annual: list[Indicator],
    weights: dict[int, tuple[Decimal | None, WeightSource]],
    budget: Score,
    cfg: ScoringConfig,
    warnings: list[str],
) -> None:
    per_level1: dict[str, Decimal] = {}
    for indicator in annual:
        weight = weights[id(indicator)][0]
        key = indicator.level1 or "（空）"
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


def _name(indicator: Indicator) -> str:
    return indicator.name or indicator.level2 or indicator.target.raw


def total_weight(results: Iterable[IndicatorResult], budget: Score) -> Decimal:
    """The budget's weight plus every indicator's weight: what the total is out of."""
    return sum((r.score.weight or _ZERO for r in results), budget.weight or _ZERO)
