"""Small builders of hand-made forms, indicators and targets for the review tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.domain.forms.model import (
    FormDocument,
    FormKind,
    Funds,
    FundUse,
    Horizon,
    Indicator,
    Location,
    ProjectInfo,
    SpendingStep,
)
from jixiao.domain.review import Finding, review
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue

GE, GT, EQ, LE, LT = Operator.GE, Operator.GT, Operator.EQ, Operator.LE, Operator.LT


def q(
    raw: str,
    operator: Operator | None,
    value: str | int,
    unit: str | None = None,
    *,
    raw_unit: str | None = None,
    warnings: tuple[str, ...] = (),
) -> TargetValue:
    """A quantitative target; ``raw_unit`` defaults to ``unit``."""
    return TargetValue(
        raw=raw,
        kind=TargetKind.QUANTITATIVE,
        operator=operator,
        value=Decimal(value),
        unit=unit,
        raw_unit=raw_unit if raw_unit is not None else unit,
        warnings=warnings,
    )


def qual(raw: str, *, warnings: tuple[str, ...] = ()) -> TargetValue:
    return TargetValue(raw=raw, kind=TargetKind.QUALITATIVE, warnings=warnings)


def na(raw: str = "不适用") -> TargetValue:
    return TargetValue(raw=raw, kind=TargetKind.NOT_APPLICABLE)


def ind(
    name: str | None,
    target: TargetValue,
    level2: str | None = "数量指标",
    level1: str | None = "产出指标",
    *,
    horizon: Horizon = Horizon.ANNUAL,
    **extra: Any,
) -> Indicator:
    return Indicator(horizon=horizon, level1=level1, level2=level2, name=name, target=target, **extra)


def form(*indicators: Indicator, **fields: Any) -> FormDocument:
    """A target form named 测试项目 with an annual goal and the given indicators; ``fields`` override."""
    values: dict[str, Any] = {
        "source": "test.txt",
        "kind": FormKind.TARGET,
        "project": ProjectInfo(name="测试项目"),
        "goal_annual": "完成年度工作",
        "indicators": list(indicators),
    }
    values.update(fields)
    return FormDocument(**values)


def good_indicators(horizon: Horizon = Horizon.ANNUAL) -> list[Indicator]:
    """A sound indicator set of one horizon: every rule should pass it."""
    return [
        ind("开展网络文化活动次数", q("≥3次", GE, 3, "次"), horizon=horizon),
        ind("全市网络媒体会员数", q("≥80家", GE, 80, "家"), horizon=horizon),
        ind("违法违规网站账号处置率", q("100%", None, 100, "%"), "质量指标", horizon=horizon),
        ind("处置重点网络安全应急事件时限", q("≤6小时", LE, 6, "小时"), "时效指标", horizon=horizon),
        ind("培训成本", q("≤3万元", LE, 30000, "元", raw_unit="万元"), "成本指标", horizon=horizon),
        ind("网络安全知识宣传覆盖面", qual("持续提升"), "社会效益指标", "效益指标", horizon=horizon),
        ind("经济效益", na(), "经济效益指标", "效益指标", horizon=horizon),
        ind("培训学员满意度", q("≥95%", GE, 95, "%"), "服务对象满意度指标", "满意度指标", horizon=horizon),
    ]


def good_form() -> FormDocument:
    """A form that passes every rule: both horizons, funds that add up, a sound spending plan."""
    return form(
        *good_indicators(Horizon.MEDIUM_TERM),
        *good_indicators(Horizon.ANNUAL),
        goal_medium_term="三年目标",
        funds_medium_term=Funds(Decimal(900000), Decimal(900000), None),
        funds_annual=Funds(Decimal(300000), Decimal(250000), Decimal(50000)),
        fund_uses=[
            FundUse("宣传材料费", Decimal(200000), "20万元"),
            FundUse("培训费", Decimal(100000), "10万元"),
        ],
        spending_plan=[
            SpendingStep("3月底", Decimal(25)),
            SpendingStep("6月底", Decimal(50)),
            SpendingStep("12月底", Decimal(100)),
        ],
    )


def findings(document: FormDocument, rule: str) -> list[Finding]:
    return [finding for finding in review(document) if finding.rule == rule]


def messages(document: FormDocument, rule: str) -> list[str]:
    return [finding.message for finding in findings(document, rule)]


def at(line: int) -> Location:
    return Location("test.txt", line=line)
