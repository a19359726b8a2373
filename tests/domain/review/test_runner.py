"""review() and review_all(): what a finding carries, and the order findings come in."""

from __future__ import annotations

from decimal import Decimal

from jixiao.domain.forms.model import FormWarning, Funds, Location, ProjectInfo
from jixiao.domain.review import Finding, Severity, review, review_all

from .factories import EQ, GE, LE, at, form, good_form, ind, q


def test_a_sound_form_has_no_findings() -> None:
    assert review(good_form()) == []


def test_a_finding_names_the_form_the_project_and_the_indicator() -> None:
    document = form(ind("平均每月的费用", q("≥9000元", GE, 9000, "元"), "成本指标", location=at(4)))

    [finding] = review(document)

    assert finding == Finding(
        rule="cost-operator",
        severity=Severity.ERROR,
        message=finding.message,
        form="测试项目",
        project="测试项目",
        indicator="平均每月的费用",
        location=at(4),
    )
    assert str(finding).startswith("test.txt, line 4: error [cost-operator] 成本指标“平均每月的费用”")


def test_a_form_without_a_project_name_goes_by_its_source() -> None:
    document = form(project=ProjectInfo(), source="forms/2023.docx")

    found = review(document)

    assert {f.form for f in found} == {"forms/2023.docx"}
    assert {f.project for f in found} == {None}


def test_findings_follow_the_lines_of_the_file() -> None:
    document = form(
        ind("处置率", q("≤2天", LE, 2, "天"), "时效指标", location=at(30)),
        ind("平均每月的费用", q("≥9000元", GE, 9000, "元"), "成本指标", location=at(20)),
        warnings=[FormWarning("第25行无法识别", at(25))],
        funds_annual=Funds(Decimal(10), Decimal(5)),
        field_locations={"funds.annual.total": at(3)},
    )

    assert [(f.rule, f.location) for f in review(document)] == [
        ("funds-total", at(3)),
        ("cost-operator", at(20)),
        ("reader-warning", at(25)),
        ("unit-mismatch", at(30)),
    ]


def test_findings_of_a_form_without_locations_follow_the_indicators() -> None:
    document = form(
        ind("平均每月的费用", q("≥9000元", GE, 9000, "元"), "成本指标"),
        ind("处置率", q("≤2天", LE, 2, "天"), "时效指标"),
        ind("出差人数", q("=8", EQ, 8)),
    )

    assert [f.rule for f in review(document)] == [
        "cost-operator",
        "unit-mismatch",
        "missing-unit",
        "input-as-target",
    ]


def test_sheets_are_ordered_as_they_appear_on_the_form() -> None:
    def cell(sheet: str, row: int) -> Location:
        return Location("book.xlsx", sheet=sheet, row=row, column=3)

    document = form(
        ind("处置率", q("≤2天", LE, 2, "天"), "时效指标", location=cell("Z项目", 9)),
        ind("及时率", q("≤1天", LE, 1, "天"), "时效指标", location=cell("A项目", 5)),
        location=cell("Z项目", 1),
    )

    assert [f.location for f in review(document)] == [cell("Z项目", 9), cell("A项目", 5)]


def test_review_all_keeps_the_forms_in_the_order_given() -> None:
    first = form(ind("处置率", q("≤2天", LE, 2, "天"), "时效指标"), project=ProjectInfo(name="乙项目"))
    second = form(
        ind("平均每月的费用", q("≥9000元", GE, 9000, "元"), "成本指标"), project=ProjectInfo(name="甲项目")
    )

    assert [(f.form, f.rule) for f in review_all([first, good_form(), second])] == [
        ("乙项目", "unit-mismatch"),
        ("甲项目", "cost-operator"),
    ]
