"""Monitoring warning lights (运行监控, 财预〔2019〕136号 frame; the colours and thresholds are local practice).

Every light keeps its inputs and says in Chinese why it has its colour. Thresholds live in ``LightConfig``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from jixiao.domain.forms.model import SpendingStep
from jixiao.domain.scoring.config import LightConfig, QualitativeGrade
from jixiao.domain.scoring.engine import Actual, _actual_in_target_unit, _fmt
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue

__all__ = [
    "Colour",
    "Light",
    "budget_light",
    "indicator_light",
    "plan_percent_at",
    "pro_rated_standard",
    "project_light",
]

_ZERO = Decimal(0)
_TWELVE = Decimal(12)
_HUNDRED = Decimal(100)
_DEFAULT = LightConfig()


class Colour(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    GREEN = "green"

    @property
    def chinese(self) -> str:
        return _CHINESE[self]


_CHINESE = {Colour.RED: "红灯", Colour.YELLOW: "黄灯", Colour.BLUE: "蓝灯", Colour.GREEN: "绿灯"}
# Worst first. Blue (well ahead of schedule) asks whether the target was set too low, so it ranks above green.
_SEVERITY = {Colour.RED: 0, Colour.YELLOW: 1, Colour.BLUE: 2, Colour.GREEN: 3}


@dataclass(slots=True)
class Light:
    """One light. ``colour`` is ``None`` when nothing can be judged (not applicable, nothing reported)."""

    colour: Colour | None
    method: str
    explanation: str
    inputs: dict[str, str] = field(default_factory=dict)


def pro_rated_standard(annual_target: Decimal, months_elapsed: int) -> Decimal:
    """The share of the annual target due by the cut-off: ``annual_target × months_elapsed / 12``, exact."""
    _check_months(months_elapsed)
    return annual_target * months_elapsed / _TWELVE


def indicator_light(
    target: TargetValue,
    actual_to_date: Actual,
    months_elapsed: int,
    *,
    config: LightConfig | None = None,
) -> Light:
    """The light of one indicator at the cut-off.

    Positive (≥ > =): progress = actual ÷ pro-rated standard: < 60 % red, 60–80 % yellow, 80–120 % green,
    ≥ 120 % blue (thresholds from ``config``). Percentages and rates are compared with the full target: a rate
    is a level, not a running total. Reverse (≤ <): within the bound green, else red. Qualitative: 达成 green,
    部分达成 yellow, 未达成 red.
    """
    cfg = config or _DEFAULT
    _check_months(months_elapsed)
    inputs = {"target": target.raw, "months_elapsed": str(months_elapsed)}
    if target.kind is TargetKind.NOT_APPLICABLE:
        return Light(None, "excluded", f"指标值为“{target.raw}”（不适用），不亮灯", inputs)
    if target.kind is TargetKind.QUALITATIVE:
        return _qualitative_light(target, actual_to_date, inputs)
    if actual_to_date is None:
        return Light(None, "cannot-judge", "未填报截至当期完成值，无法判断", inputs)
    if isinstance(actual_to_date, QualitativeGrade):
        return Light(None, "cannot-judge", f"定量指标不能按定性等级“{actual_to_date.value}”判断", inputs)
    if isinstance(actual_to_date, TargetValue):
        inputs["actual_raw"] = actual_to_date.raw
        converted = _actual_in_target_unit(actual_to_date, target)
        if isinstance(converted, str):
            return Light(None, "cannot-judge", converted, inputs)
        actual = converted
    else:
        actual = actual_to_date
    annual, op = target.value, target.operator
    if annual is None or op is None:
        return Light(None, "cannot-judge", f"指标值“{target.raw}”没有可比较的数值", inputs)
    unit = target.unit or ""
    inputs.update(annual_target=_fmt(annual), actual=_fmt(actual), operator=op.value, unit=unit)

    if op.is_reverse:
        within = actual <= annual if op is Operator.LE else actual < annual
        colour = Colour.GREEN if within else Colour.RED
        sign = op.value if within else (">" if op is Operator.LE else "≥")
        text = f"反向指标：截至当期{_fmt(actual)}{unit}{sign}{_fmt(annual)}{unit}，{colour.chinese}"
        return Light(colour, "reverse-bound", text, inputs)

    pro_rate = unit not in cfg.not_pro_rated_units and (cfg.pro_rate_rates or not target.is_rate)
    standard = pro_rated_standard(annual, months_elapsed) if pro_rate else annual
    inputs["standard"] = _fmt(_short(standard))
    inputs["pro_rated"] = "yes" if pro_rate else "no"
    how = (
        f"按时间进度{months_elapsed}/12折算的标准{_fmt(_short(standard))}{unit}" if pro_rate else "全年目标值"
    )
    if standard <= _ZERO:
        colour = (
            Colour.GREEN if (actual <= _ZERO if op is Operator.EQ else actual >= standard) else Colour.RED
        )
        text = f"{how}为{_fmt(standard)}{unit}，截至当期{_fmt(actual)}{unit}，{colour.chinese}"
        return Light(colour, "progress", text, inputs)
    progress = actual / standard * _HUNDRED
    inputs["progress_percent"] = _pct(progress)
    colour = _band(progress, cfg.red_below, cfg.yellow_below, cfg.blue_from)
    text = f"截至当期完成{_fmt(actual)}{unit}，为{how}的{_pct(progress)}%，{colour.chinese}"
    if colour is Colour.BLUE:
        text += "（大幅超前，请核实目标值是否偏低）"
    return Light(colour, "progress", text, inputs)


def budget_light(
    rate: Decimal,
    months_elapsed: int,
    plan_percent: Decimal | None = None,
    *,
    config: LightConfig | None = None,
) -> Light:
    """The budget light: execution rate (%) ÷ time elapsed (months / 12): < 60 % red, 60–80 % yellow, else green.

    With the project's own spending plan (``plan_percent``: its cumulative % at the cut-off), the rate is also
    held to the plan with the same thresholds, and the worse colour wins.
    """
    cfg = config or _DEFAULT
    _check_months(months_elapsed)
    time_share = Decimal(months_elapsed) / _TWELVE * _HUNDRED
    by_time = rate / time_share * _HUNDRED
    inputs = {"rate": _pct(rate), "months_elapsed": str(months_elapsed), "by_time_percent": _pct(by_time)}
    colour = _band(by_time, cfg.budget_red_below, cfg.budget_yellow_below, None)
    text = f"执行率{_pct(rate)}%，为时间进度{_pct(time_share)}%的{_pct(by_time)}%，{colour.chinese}"
    if plan_percent is not None:
        inputs["plan_percent"] = _pct(plan_percent)
        if plan_percent > _ZERO:
            by_plan = rate / plan_percent * _HUNDRED
            inputs["by_plan_percent"] = _pct(by_plan)
            plan_colour = _band(by_plan, cfg.budget_red_below, cfg.budget_yellow_below, None)
            text += f"；为支出计划{_pct(plan_percent)}%的{_pct(by_plan)}%，{plan_colour.chinese}"
        else:
            plan_colour = Colour.GREEN
            text += "；支出计划截至当期为0%，按计划不落后"
        if _SEVERITY[plan_colour] < _SEVERITY[colour]:
            colour = plan_colour
        text += f"；取较差者：{colour.chinese}"
    return Light(colour, "budget-rate", text, inputs)


def project_light(lights: Iterable[Light]) -> Light:
    """A project's light is its worst one (red, yellow, blue, green); lights without a colour are skipped."""
    coloured = [light for light in lights if light.colour is not None]
    counts = {colour: sum(1 for light in coloured if light.colour is colour) for colour in Colour}
    inputs = {colour.value: str(count) for colour, count in counts.items()}
    if not coloured:
        return Light(None, "worst", "没有可判断的指标或预算执行情况", inputs)
    worst = min(coloured, key=lambda light: _SEVERITY[light.colour])  # type: ignore[index]
    assert worst.colour is not None
    summary = "、".join(f"{c.chinese}{n}个" for c, n in counts.items() if n)
    return Light(worst.colour, "worst", f"取最差者：{worst.colour.chinese}（{summary}）", inputs)


_MONTH = re.compile(r"(\d{1,2})月")


def plan_percent_at(plan: Sequence[SpendingStep], months_elapsed: int) -> Decimal | None:
    """The spending plan's cumulative % at the cut-off: the last step due by then (``6月底 50%`` for 1–7月).

    ``None`` without a plan, or when a step's label names no month (the plan cannot be placed in time).
    Before the first step the plan asks for nothing yet: 0.
    """
    _check_months(months_elapsed)
    if not plan:
        return None
    reached = _ZERO
    for step in plan:
        match = _MONTH.search(step.label)
        if match is None:
            return None
        if int(match.group(1)) <= months_elapsed:
            reached = max(reached, step.cumulative_percent)
    return reached


def _qualitative_light(target: TargetValue, actual: Actual, inputs: dict[str, str]) -> Light:
    if not isinstance(actual, QualitativeGrade):
        shown = "未填报" if actual is None else "未评定等级"
        return Light(None, "cannot-judge", f"定性指标{shown}，无法判断", inputs)
    inputs["grade"] = actual.value
    colour = {
        QualitativeGrade.ACHIEVED: Colour.GREEN,
        QualitativeGrade.PARTLY: Colour.YELLOW,
        QualitativeGrade.NOT_ACHIEVED: Colour.RED,
    }[actual]
    return Light(
        colour, "qualitative", f"定性指标“{target.raw}”评为“{actual.value}”，{colour.chinese}", inputs
    )


def _band(percent: Decimal, red_below: Decimal, yellow_below: Decimal, blue_from: Decimal | None) -> Colour:
    if percent < red_below:
        return Colour.RED
    if percent < yellow_below:
        return Colour.YELLOW
    if blue_from is not None and percent >= blue_from:
        return Colour.BLUE
    return Colour.GREEN


def _check_months(months: int) -> None:
    if not 1 <= months <= 12:
        raise ValueError(f"months_elapsed must be 1 to 12, got {months}")


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):f}"


def _short(value: Decimal) -> Decimal:
    # 70 × 7 / 12 = 40.8333…: shown to two places, compared exactly.
    return (
        value if value == value.quantize(Decimal("0.01")) else value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    )
