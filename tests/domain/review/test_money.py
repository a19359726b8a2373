"""Rules on money: fund-uses-sum, funds-total, funds-annual-over-medium, spending-plan."""

from __future__ import annotations

from decimal import Decimal

from jixiao.domain.forms.model import Funds, FundUse, SpendingStep

from .factories import at, findings, form, good_form, messages


def uses(*items: tuple[str, int, str]) -> list[FundUse]:
    return [FundUse(item, Decimal(amount), raw, at(10 + n)) for n, (item, amount, raw) in enumerate(items)]


def test_it_finds_the_item_off_by_ten_thousand() -> None:
    document = form(
        funds_annual=Funds(Decimal("112500.00"), Decimal("112500.00"), Decimal(0)),
        fund_uses=uses(
            ("宣传材料费", 55000, "55000元"),
            ("印制网评学习资料", 150000000, "15000万元"),
            ("网信办公经费", 32500, "32500元"),
            ("网络安全调研", 10000, "10000元"),
        ),
    )

    [finding] = findings(document, "fund-uses-sum")

    assert finding.message == (
        "资金用途各项合计150097500元，与预算数112500元不一致（相差149985000元）；"
        "第2项“印制网评学习资料”写作15000万元，若为15000元则合计与预算数112500元一致"
    )
    assert finding.location == at(11)


def test_it_finds_an_item_written_in_yuan_that_meant_wan_yuan() -> None:
    document = form(
        funds_annual=Funds(Decimal(5010000), Decimal(5010000)),
        fund_uses=uses(("设备购置", 500, "500元"), ("运维", 10000, "1万元")),
    )

    [message] = messages(document, "fund-uses-sum")

    assert message.endswith("第1项“设备购置”写作500元，若为500万元则合计与预算数5010000元一致")


def test_it_reports_uses_that_do_not_add_up_without_guessing_a_cause() -> None:
    document = form(
        funds_annual=Funds(Decimal(100000), Decimal(100000)),
        fund_uses=uses(("宣传材料费", 60000, "60000元"), ("培训费", 30000, "30000元")),
    )

    assert messages(document, "fund-uses-sum") == [
        "资金用途各项合计90000元，与预算数100000元不一致（相差10000元）"
    ]


def test_it_accepts_uses_that_add_up() -> None:
    document = form(
        funds_annual=Funds(Decimal("112500.00"), Decimal("112500.00"), Decimal(0)),
        fund_uses=uses(
            ("宣传材料费", 55000, "55000元"),
            ("印制网评学习资料", 15000, "15000元"),
            ("网信办公经费", 32500, "32500元"),
            ("网络安全调研", 10000, "10000元"),
        ),
    )

    assert messages(document, "fund-uses-sum") == []


def test_it_flags_a_total_that_is_not_fiscal_plus_other() -> None:
    document = form(
        money_unit="万元",
        funds_annual=Funds(Decimal(1500000), Decimal(1400000), None),
        field_locations={"funds.annual.total": at(7)},
    )

    [finding] = findings(document, "funds-total")

    assert (
        finding.message == "年度资金总额150万元不等于财政拨款140万元与其他资金（空）之和140万元（相差10万元）"
    )
    assert finding.location == at(7)


def test_it_checks_each_horizon() -> None:
    document = form(
        funds_medium_term=Funds(Decimal(900), Decimal(400), Decimal(400)),
        funds_annual=Funds(Decimal(300), Decimal(300)),
    )

    assert messages(document, "funds-total") == [
        "中期资金总额900元不等于财政拨款400元与其他资金400元之和800元（相差100元）"
    ]


def test_it_accepts_a_total_with_no_other_funds() -> None:
    document = form(
        funds_medium_term=Funds(Decimal(4500000), Decimal(4500000), None),
        funds_annual=Funds(Decimal(1500000), None, None),
    )

    assert messages(document, "funds-total") == []


def test_it_flags_annual_funds_over_medium_term_funds() -> None:
    document = form(
        funds_medium_term=Funds(Decimal(100000), Decimal(100000)),
        funds_annual=Funds(Decimal(150000), Decimal(150000)),
    )

    assert messages(document, "funds-annual-over-medium") == ["年度资金总额150000元大于中期资金总额100000元"]


def test_it_accepts_annual_funds_within_medium_term_funds() -> None:
    document = form(
        funds_medium_term=Funds(Decimal(4500000), Decimal(4500000)),
        funds_annual=Funds(Decimal(1500000), Decimal(1500000)),
    )

    assert messages(document, "funds-annual-over-medium") == []


def plan(*percents: str) -> list[SpendingStep]:
    labels = ["3月底", "6月底", "10月底", "12月底"]
    return [SpendingStep(labels[n], Decimal(p), at(20 + n)) for n, p in enumerate(percents)]


def test_it_flags_a_spending_plan_that_goes_down() -> None:
    document = form(spending_plan=plan("25", "50", "40", "100"))

    [finding] = findings(document, "spending-plan")

    assert finding.message == "资金支出计划“10月底”累计40%，低于上一步“6月底”的50%；累计比例应逐步递增"
    assert finding.location == at(22)


def test_it_flags_a_spending_plan_that_does_not_reach_100() -> None:
    document = form(spending_plan=plan("25", "50", "75", "90.50"))

    assert messages(document, "spending-plan") == ["资金支出计划最后一步“12月底”累计90.5%，应为100%"]


def test_it_accepts_the_seed_spending_plan() -> None:
    document = form(spending_plan=plan("25.00", "50.00", "75.00", "100.00"))

    assert messages(document, "spending-plan") == []


def test_the_money_rules_pass_a_sound_form() -> None:
    document = good_form()

    for rule in ("fund-uses-sum", "funds-total", "funds-annual-over-medium", "spending-plan"):
        assert messages(document, rule) == []
