"""The spending page: expenditures and budget adjustments typed in 万元 and kept in 元, execution against the
adjusted budget and the project's own plan month by month (a chart with its table), and who may record."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from perf_pages_helpers import signed_in, small_project

from jixiao.orgs.models import Unit
from jixiao.performance.forms.spending import AdjustmentForm, ExpenditureForm
from jixiao.performance.models import BudgetAdjustment, Expenditure, Project
from jixiao.performance.views.spending import month_lines, months_passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(suzhou: Unit) -> Project:
    return small_project(suzhou)


def page(project: Project) -> str:
    return f"/projects/{project.pk}/spending/"


def spend(month: int, amount: str, **more: str) -> dict[str, str]:
    return {
        "expenditure-month": str(month),
        "expenditure-fund_source": "fiscal",
        "expenditure-kind": "payment",
        "expenditure-amount": amount,
        "expenditure-description": "",
        **{f"expenditure-{k}": v for k, v in more.items()},
    }


def adjust(amount: str, reason: str = "追加监测平台运维经费") -> dict[str, str]:
    return {"adjustment-amount": amount, "adjustment-fund_source": "fiscal", "adjustment-reason": reason}


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("12.5", Decimal("125000.00")),
        ("12.5万", Decimal("125000.00")),
        ("12.5万元", Decimal("125000.00")),
        ("125,000元", Decimal("125000.00")),
        ("１２.５", Decimal("125000.00")),
        ("0.01", Decimal("100.00")),
    ],
)
def test_money_is_typed_in_wan_yuan_or_with_its_unit_and_kept_in_yuan(typed: str, yuan: Decimal) -> None:
    form = ExpenditureForm(spend(3, typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == yuan


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("十二万", "不是金额"),
        ("12.5美元", "不是金额"),
        ("0.0000001", "最多精确到分"),
        ("-3", "不能为负数"),
    ],
)
def test_money_that_cannot_be_read_says_what_was_read(typed: str, said: str) -> None:
    form = ExpenditureForm(spend(3, typed))
    assert not form.is_valid()
    message = form.errors["amount"][0]
    assert said in message
    assert f"“{typed}”" in message


def test_an_adjustment_may_be_negative_but_not_zero() -> None:
    assert AdjustmentForm(adjust("-5")).is_valid()
    zero = AdjustmentForm(adjust("0"))
    assert not zero.is_valid()
    assert "不能为0" in zero.errors["amount"][0]


def test_an_officer_records_spending_and_an_adjustment_and_sees_execution_against_the_adjusted_budget(
    project: Project, suzhou_editor: User
) -> None:
    client = signed_in(suzhou_editor)
    assert client.post(page(project), {}).status_code == 405  # the page itself only reads

    assert client.post(f"{page(project)}expenditures/", spend(3, "6")).status_code == 302
    assert client.post(f"{page(project)}expenditures/", spend(6, "125,000元")).status_code == 302
    assert client.post(f"{page(project)}adjustments/", adjust("10")).status_code == 302

    assert list(
        Expenditure.objects.unrestricted().filter(project=project).values_list("month", "amount")
    ) == [(3, Decimal("60000.00")), (6, Decimal("125000.00"))]
    assert BudgetAdjustment.objects.unrestricted().get(project=project).amount == Decimal("100000.00")

    html = client.get(page(project)).content.decode()
    figures = {
        key: re.search(rf'data-testid="{key}">([^<]*)<', html).group(1)  # type: ignore[union-attr]
        for key in ("initial", "adjustment-total", "adjusted", "executed", "rate")
    }
    assert figures == {
        "initial": "30.00",
        "adjustment-total": "10.00",
        "adjusted": "40.00",
        "executed": "18.50",
        "rate": "46.25%",
    }
    assert "追加监测平台运维经费" in html
    chart = json.loads(
        re.search(r'id="spending-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )  # type: ignore[union-attr]
    assert chart["names"][:3] == ["1月", "2月", "3月"]
    assert chart["actual"][2] == 15.0  # 6万 of 40万 by the end of March
    assert chart["actual"][5] == 46.2  # 18.5万 of 40万 by the end of June (46.25, shown to one place)
    assert chart["plan"][5] == 50.0  # the project's own plan: 50 % by the end of June
    assert chart["plan"][11] == 100.0
    table = re.search(r'data-testid="month-table">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "落后于计划" in table
    assert "12.50" in table  # June's spending in 万元


def test_a_refused_expenditure_answers_422_with_the_reason_beside_the_form(
    project: Project, suzhou_editor: User
) -> None:
    client = signed_in(suzhou_editor)
    client.post(f"{page(project)}expenditures/", spend(3, "6", kind="monthly"))

    again = client.post(f"{page(project)}expenditures/", spend(3, "2"))
    assert again.status_code == 422
    assert "3月财政拨款已填月度执行数，不再逐笔录入支付" in again.content.decode()
    bad = client.post(f"{page(project)}expenditures/", spend(4, "很多"))
    assert bad.status_code == 422
    assert "读到“很多”，不是金额" in bad.content.decode()
    no_reason = client.post(f"{page(project)}adjustments/", adjust("5", reason=""))
    assert no_reason.status_code == 422
    assert Expenditure.objects.unrestricted().count() == 1
    assert not BudgetAdjustment.objects.unrestricted().exists()


def test_readers_see_the_page_without_forms_and_may_not_record(
    project: Project, suzhou_viewer: User, suzhou_reviewer: User, shunping_editor: User
) -> None:
    for person in (suzhou_viewer, suzhou_reviewer):
        client = signed_in(person)
        html = client.get(page(project)).content.decode()
        assert "逐月执行" in html
        assert 'data-testid="expenditure-form"' not in html
        assert client.post(f"{page(project)}expenditures/", spend(3, "6")).status_code == 403
        assert client.post(f"{page(project)}adjustments/", adjust("1")).status_code == 403
    foreign = signed_in(shunping_editor)
    assert foreign.get(page(project)).status_code == 404
    assert foreign.post(f"{page(project)}expenditures/", spend(3, "6")).status_code == 404
    assert foreign.post(f"{page(project)}adjustments/", adjust("1")).status_code == 404
    assert not Expenditure.objects.unrestricted().exists()
    assert not BudgetAdjustment.objects.unrestricted().exists()


def test_months_still_to_come_carry_no_execution() -> None:
    today = dt.date(2026, 8, 20)
    assert (months_passed(2025, today), months_passed(2026, today), months_passed(2027, today)) == (12, 8, 0)
    lines = month_lines([], Decimal(400000), {3: Decimal(60000)}, through=8)
    assert [line.rate for line in lines[7:9]] == [Decimal(15), None]
    assert (lines[8].spent, lines[8].cumulative) == (None, None)
    early = month_lines([], Decimal(400000), {10: Decimal(40000)}, through=8)
    assert early[9].rate == Decimal(10)  # recorded ahead of time: shown, never hidden
