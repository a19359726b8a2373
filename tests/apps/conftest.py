"""Shared fixtures of the Django app tests: a unit tree, named people with roles, and hand-built forms.

The forms mirror the seeds: seed 000's second project (网络安全和信息化工作经费, 90/30 万元 read as 元) and
seed 004's project with a code, fund uses and a spending plan.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from performance_helpers import not_applicable, qualitative, quantitative

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
from jixiao.domain.targets.model import Operator, TargetValue
from org_tree import SHUNPING, SUZHOU

SEED_000 = "000_seed.txt"
SEED_004 = "004_seed.txt"


def network_security_form() -> FormDocument:
    """Seed 000, second project: both horizons side by side, money in 万元 on the form, in 元 here."""

    def line(n: int) -> Location:
        return Location(SEED_000, line=n)

    def both(
        level1: str, level2: str, name: str, medium: TargetValue, annual: TargetValue, n: int
    ) -> list[Indicator]:
        return [
            Indicator(
                Horizon.MEDIUM_TERM,
                level1,
                level2,
                name,
                medium,
                location=Location(SEED_000, line=n, column=4),
            ),
            Indicator(
                Horizon.ANNUAL, level1, level2, name, annual, location=Location(SEED_000, line=n, column=7)
            ),
        ]

    indicators = [
        *both(
            "产出指标",
            "数量指标",
            "全市网络资产监测",
            quantitative("≥200家", Operator.GE, "200", "家"),
            quantitative("≥150家", Operator.GE, "150", "家"),
            51,
        ),
        *both(
            "产出指标",
            "数量指标",
            "网络安全月报",
            quantitative("≥1次/月", Operator.GE, "1", "次/月"),
            quantitative("≥1次/月", Operator.GE, "1", "次/月"),
            57,
        ),
        *both(
            "产出指标",
            "质量指标",
            "经费支出合规性",
            qualitative("严格执行相关财经法规、制度等规定"),
            qualitative("严格执行相关财经法规、制度等规定"),
            59,
        ),
        *both(
            "产出指标",
            "时效指标",
            "处置重点网络安全应急事件时限",
            quantitative("≤6小时", Operator.LE, "6", "小时"),
            quantitative("≤6小时", Operator.LE, "6", "小时"),
            60,
        ),
        *both("效益指标", "经济效益指标", "不适用", not_applicable(), not_applicable(), 62),
        *both(
            "满意度指标",
            "服务对象满意度指标",
            "培训学员满意率",
            quantitative("满意率95%以上", Operator.GE, "95", "%"),
            quantitative("满意率95%以上", Operator.GE, "95", "%"),
            66,
        ),
    ]
    return FormDocument(
        source=SEED_000,
        kind=FormKind.TARGET,
        year=2023,
        project=ProjectInfo(
            name="网络安全和信息化工作经费", unit=SUZHOU, attribute="延续项目", period="长期"
        ),
        funds_medium_term=Funds(Decimal("900000"), Decimal("900000"), None),
        funds_annual=Funds(Decimal("300000"), Decimal("300000"), None),
        goal_medium_term="持续实施网络安全态势感知平台升级改造，加大网络安全和数据安全监测检查力度。",
        goal_annual="目标1：常态化开展全市重点网站和信息系统动态监测，动态监测系统数不少于150家。",
        indicators=indicators,
        money_unit="万元",
        location=line(43),
        field_locations={"project.name": line(47), "funds_annual.total": line(50), "goal_annual": line(49)},
    )


def office_fund_form() -> FormDocument:
    """Seed 004's project table: a project code, a unit code, fund uses and a spending plan, money in 元."""

    def line(n: int) -> Location:
        return Location(SEED_004, line=n)

    def annual(
        level1: str, level2: str, name: str, target: TargetValue, description: str, n: int
    ) -> Indicator:
        return Indicator(
            Horizon.ANNUAL,
            level1,
            level2,
            name,
            target,
            description=description,
            basis="网络信息办公经费实施计划",
            location=line(n),
        )

    return FormDocument(
        source=SEED_004,
        kind=FormKind.TARGET,
        year=2023,
        project=ProjectInfo(
            name="网络信息办公专项经费", code="13063621HBMFX90HG2OQ7", unit=SHUNPING, unit_code="224001"
        ),
        funds_annual=Funds(Decimal("112500.00"), Decimal("112500.00"), Decimal("0")),
        fund_uses=[
            FundUse("宣传材料费", Decimal("55000"), "宣传材料费55000元", line(46)),
            FundUse("网评学习资料", Decimal("15000"), "费用15000万元", line(46)),
            FundUse("网信办公经费", Decimal("32500"), "网信办公经费32500元", line(46)),
            FundUse("网络安全调研", Decimal("10000"), "网络安全调研10000元", line(46)),
        ],
        spending_plan=[
            SpendingStep("3月底", Decimal("25.00"), line(55)),
            SpendingStep("6月底", Decimal("50.00"), line(56)),
            SpendingStep("10月底", Decimal("75.00"), line(57)),
            SpendingStep("12月底", Decimal("100.00"), line(58)),
        ],
        goal_annual="1.加强网络管理和执法监督，规范网络行为",
        indicators=[
            annual(
                "产出指标",
                "数量指标",
                "大型互联网普法宣传活动举办次数",
                quantitative("9次", Operator.EQ, "9", "次"),
                "全年大型互联网普法活动举办次数",
                73,
            ),
            annual(
                "产出指标",
                "质量指标",
                "互联网重大突发事件应急处置率",
                quantitative("≥90%", Operator.GE, "90", "%"),
                "妥善处置互联网突发事件的次数占突发事件总数的比率",
                80,
            ),
            annual(
                "产出指标",
                "时效指标",
                "各项网宣任务完成及时率（%）",
                quantitative("≤2天", Operator.LE, "2", "天"),
                "各项网宣任务及时处置",
                87,
            ),
            annual(
                "产出指标",
                "成本指标",
                "平均每月的费用",
                quantitative("≥9000元", Operator.GE, "9000", "元"),
                "平均每月网络信息各项任务所需费用",
                94,
            ),
            annual(
                "满意度指标",
                "服务对象满意度指标",
                "网络满意度",
                quantitative("≥90%", Operator.GE, "90", "%"),
                "受访群众对网络满意的比率",
                115,
            ),
        ],
        location=line(38),
        field_locations={"project.code": line(42), "project.name": line(44)},
    )


@pytest.fixture
def security_form() -> Callable[[], FormDocument]:
    return network_security_form


@pytest.fixture
def office_form() -> Callable[[], FormDocument]:
    return office_fund_form
