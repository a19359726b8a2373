"""The two seed forms (2023), hand-built as the assembler should read them, to pin the reviewer on them."""

from __future__ import annotations

from decimal import Decimal

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
from jixiao.domain.targets.model import TargetValue

from .factories import EQ, GE, LE, ind, na, q, qual

SEED_000 = "000_be243faf42b34df7.txt"
SEED_004 = "004_3a0e3774f820140f.txt"


def seed_004_project() -> FormDocument:
    """网络信息办公专项经费 (seed 004, 第二部分): one horizon, fund uses in 元, a spending plan."""

    def line(n: int) -> Location:
        return Location(SEED_004, line=n)

    rows = [
        ("产出指标", "数量指标", "大型互联网普法宣传活动举办次数", q("9次", EQ, 9, "次"), 79),
        ("产出指标", "质量指标", "互联网重大突发事件应急处置率", q("≥90%", GE, 90, "%"), 87),
        ("产出指标", "时效指标", "各项网宣任务完成及时率（%）", q("≤2天", LE, 2, "天"), 95),
        ("产出指标", "成本指标", "平均每月的费用", q("≥9000元", GE, 9000, "元"), 103),
        ("效益指标", "社会效益指标", "网络空间环境改善", q("≥90%", GE, 90, "%"), 110),
        ("效益指标", "可持续影响指标", "对舆论引导的影响力号召力", q("≥90%", GE, 90, "%"), 118),
        ("满意度指标", "服务对象满意度指标", "网络满意度", q("≥90%", GE, 90, "%"), 125),
    ]
    return FormDocument(
        source=SEED_004,
        kind=FormKind.TARGET,
        year=2023,
        project=ProjectInfo(name="网络信息办公专项经费", code="13063621HBMFX90HG2OQ7"),
        funds_annual=Funds(Decimal("112500.00"), Decimal("112500.00"), Decimal(0)),
        goal_annual="1.加强网络管理和执法监督，规范网络行为；2.加强网评员队伍建设",
        fund_uses=[
            FundUse("宣传材料费", Decimal(55000), "55000元", line(38)),
            FundUse("印制网评学习资料、网评典型案例等资料", Decimal(150000000), "15000万元", line(38)),
            FundUse("网信办公经费", Decimal(32500), "32500元", line(38)),
            FundUse("网络安全调研", Decimal(10000), "10000元", line(38)),
        ],
        spending_plan=[
            SpendingStep(label, Decimal(percent), line(48 + n))
            for n, (label, percent) in enumerate(
                [("3月底", "25.00"), ("6月底", "50.00"), ("10月底", "75.00"), ("12月底", "100.00")]
            )
        ],
        indicators=[
            ind(name, target, level2, level1, horizon=Horizon.ANNUAL, location=line(n))
            for level1, level2, name, target, n in rows
        ],
        money_unit="元",
        location=line(22),
    )


def _both(level1: str, level2: str, name: str, medium: TargetValue, annual: TargetValue) -> list[Indicator]:
    return [
        ind(name, medium, level2, level1, horizon=Horizon.MEDIUM_TERM),
        ind(name, annual, level2, level1, horizon=Horizon.ANNUAL),
    ]


def seed_000_security() -> FormDocument:
    """网络安全和信息化工作经费 (seed 000, second form): both horizons, money in 万元."""
    indicators = [
        *_both(
            "产出指标", "数量指标", "全市网络资产监测", q("≥200家", GE, 200, "家"), q("≥150家", GE, 150, "家")
        ),
        *_both(
            "产出指标",
            "数量指标",
            "通报网络安全风险和事件",
            q("≥300起", GE, 300, "起"),
            q("≥70起", GE, 70, "起"),
        ),
        *_both("产出指标", "数量指标", "发布安全预警", q("≥15次", GE, 15, "次"), q("≥5次", GE, 5, "次")),
        *_both(
            "产出指标",
            "数量指标",
            "监测涉个人信息保护互联网应用数量",
            q("≥18次", GE, 18, "次"),
            q("≥6次", GE, 6, "次"),
        ),
        *_both(
            "产出指标", "数量指标", "开展网络安全专项检查", q("≥6次", GE, 6, "次"), q("≥2次", GE, 2, "次")
        ),
        *_both(
            "产出指标", "数量指标", "网络安全月报", q("≥1次/月", GE, 1, "次/月"), q("≥1次/月", GE, 1, "次/月")
        ),
        *_both(
            "产出指标", "数量指标", "培训人次", q("≥90人次", GE, 90, "人次"), q("≥30人次", GE, 30, "人次")
        ),
        *_both(
            "产出指标",
            "质量指标",
            "经费支出合规性",
            qual("严格执行相关财经法规、制度等规定"),
            qual("严格执行相关财经法规、制度等规定"),
        ),
        *_both(
            "产出指标",
            "时效指标",
            "处置重点网络安全应急事件时限",
            q("≤6小时", LE, 6, "小时"),
            q("≤6小时", LE, 6, "小时"),
        ),
        *_both(
            "产出指标", "成本指标", "培训成本", qual("严格执行培训费相关规定"), qual("严格执行培训费相关规定")
        ),
        *_both("效益指标", "经济效益指标", "不适用", na(), na()),
        *_both("效益指标", "社会效益指标", "网络安全知识宣传覆盖面", qual("持续提升"), qual("持续提升")),
        *_both("效益指标", "生态效益指标", "不适用", na(), na()),
        *_both(
            "效益指标",
            "可持续影响指标",
            "对网民的网络安全防护意识的影响程度",
            qual("持续提升"),
            qual("持续提升"),
        ),
        *_both(
            "满意度指标",
            "服务对象满意度指标",
            "培训学员满意率",
            q("满意率95%以上", GE, 95, "%"),
            q("满意率95%以上", GE, 95, "%"),
        ),
    ]
    return FormDocument(
        source=SEED_000,
        kind=FormKind.TARGET,
        year=2023,
        project=ProjectInfo(name="网络安全和信息化工作经费", attribute="延续项目", period="长期"),
        funds_medium_term=Funds(Decimal(900000), Decimal(900000), None),
        funds_annual=Funds(Decimal(300000), Decimal(300000), None),
        goal_medium_term="持续实施网络安全态势感知平台升级改造……",
        goal_annual="目标1：常态化开展全市重点网站和信息系统动态监测……",
        indicators=indicators,
        money_unit="万元",
    )
