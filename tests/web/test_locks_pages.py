"""``/locks/``: finance locks a period for the projects of units with a reason, unlocks with a reason, and lets
one unit change a locked period until an exception expires; the lock guard honours the exception."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from web_helpers import World, user
from year_helpers import reopen_year

from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.locks import do_grant_lock_exception
from jixiao.performance.actions.results import do_record_result
from jixiao.performance.guards import PeriodLocked, lock_covering
from jixiao.performance.models import Indicator, LockException, PeriodLock
from jixiao.performance.periods import Period

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def quantitative(project: object) -> Indicator:
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        found = (
            Indicator.objects.unrestricted()
            .filter(project=project, horizon="annual", target_kind="quantitative", withdrawn=False)
            .order_by("order")
            .first()
        )
    assert found is not None
    return found


def test_finance_locks_a_month_for_both_units_the_page_says_why_and_unlocks_with_a_reason(
    world: World,
) -> None:
    suzhou, shunping = world.suzhou_project, world.shunping_project
    reopen_year(suzhou, shunping)
    finance = signed_in("finance")
    page = finance.get("/locks/")
    assert page.status_code == 200
    assert "锁定期间" in page.content.decode()
    units = [suzhou.unit.pk, shunping.unit.pk]
    assert (
        finance.post(
            "/locks/new/", {"units": units, "year": 2023, "period": "month-7", "reason": ""}
        ).status_code
        == 422
    )
    answer = finance.post(
        "/locks/new/",
        {"units": units, "year": 2023, "period": "month-7", "reason": "1–7月运行监控数据已报送"},
    )
    assert answer.status_code == 302
    locks = PeriodLock.objects.unrestricted().filter(period_kind="month", period_index=7)
    assert {suzhou.pk, shunping.pk} <= set(locks.values_list("project", flat=True))
    # The officer's monitoring round says who locked it, when and why, and offers no edits.
    officer = signed_in("suzhou_officer")
    text = officer.get(f"/projects/{suzhou.pk}/monitoring/7/").content.decode()
    assert "7月已锁定，不能录入或修改" in text
    assert "1–7月运行监控数据已报送" in text
    assert "保存填报" not in text
    # The officer sees the locks of the own unit only and cannot unlock.
    listing = officer.get("/locks/").content.decode()
    assert suzhou.name in listing
    assert shunping.unit.name not in listing
    lock = locks.get(project=suzhou)
    assert officer.post(f"/locks/{lock.pk}/unlock/", {"reason": "需要修改"}).status_code == 403
    assert signed_in("shunping_officer").post(f"/locks/{lock.pk}/unlock/", {"reason": "x"}).status_code == 404
    assert finance.post(f"/locks/{lock.pk}/unlock/", {"reason": ""}).status_code == 422
    assert finance.post(f"/locks/{lock.pk}/unlock/", {"reason": "单位申请更正7月数据"}).status_code == 302
    assert not PeriodLock.objects.unrestricted().filter(pk=lock.pk).exists()


def test_an_exception_lets_one_unit_edit_until_it_expires(world: World) -> None:
    suzhou, shunping = world.suzhou_project, world.shunping_project
    reopen_year(suzhou, shunping)
    finance = signed_in("finance")
    units = [suzhou.unit.pk, shunping.unit.pk]
    finance.post("/locks/new/", {"units": units, "year": 2023, "period": "year-1", "reason": "年度决算已报"})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    past = finance.post(
        "/locks/exceptions/new/",
        {"unit": suzhou.unit.pk, "period": "year-1", "expires_on": yesterday.isoformat(), "reason": "补报"},
    )
    assert past.status_code == 422
    assert "已过" in past.content.decode()
    granted = finance.post(
        "/locks/exceptions/new/",
        {
            "unit": suzhou.unit.pk,
            "period": "year-1",
            "expires_on": tomorrow.isoformat(),
            "reason": "补报佐证材料",
        },
    )
    assert granted.status_code == 302
    exception = LockException.objects.unrestricted().get()
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        assert lock_covering(suzhou, Period.month(7)) is None
        assert lock_covering(shunping, Period.month(7)) is not None
        do_record_result(
            quantitative(suzhou), Period.month(11), value=Decimal(1), acting_user=SYSTEM, reason="测试"
        )
        with pytest.raises(PeriodLocked):
            do_record_result(
                quantitative(shunping), Period.month(11), value=Decimal(1), acting_user=SYSTEM, reason="测试"
            )
    text = signed_in("suzhou_officer").get(f"/projects/{suzhou.pk}/monitoring/7/").content.decode()
    assert "本单位获准例外修改" in text
    assert "补报佐证材料" in text
    assert "保存填报" in text
    assert (
        "全年已锁定，不能录入或修改"
        in signed_in("shunping_officer").get(f"/projects/{shunping.pk}/monitoring/7/").content.decode()
    )
    # Expired: the lock holds again.
    LockException.objects.unrestricted().filter(pk=exception.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        assert lock_covering(suzhou, Period.month(7)) is not None
    assert (
        "全年已锁定，不能录入或修改"
        in signed_in("suzhou_officer").get(f"/projects/{suzhou.pk}/monitoring/7/").content.decode()
    )


def test_revoking_an_exception_needs_a_reason_and_only_finance_grants(world: World) -> None:
    suzhou = world.suzhou_project
    exception = do_grant_lock_exception(
        suzhou.unit,
        Period.year(),
        timezone.now() + dt.timedelta(days=3),
        acting_user=user("finance"),
        reason="补报",
    )
    assert (
        signed_in("suzhou_officer")
        .post(
            "/locks/exceptions/new/",
            {"unit": suzhou.unit.pk, "period": "year-1", "expires_on": "2099-01-01", "reason": "x"},
        )
        .status_code
        == 403
    )
    assert (
        signed_in("suzhou_reviewer")
        .post(f"/locks/exceptions/{exception.pk}/revoke/", {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        signed_in("shunping_officer")
        .post(f"/locks/exceptions/{exception.pk}/revoke/", {"reason": "x"})
        .status_code
        == 404
    )
    finance = signed_in("finance")
    assert finance.post(f"/locks/exceptions/{exception.pk}/revoke/", {"reason": ""}).status_code == 422
    assert (
        finance.post(f"/locks/exceptions/{exception.pk}/revoke/", {"reason": "已补报完毕"}).status_code == 302
    )
    exception.refresh_from_db()
    assert exception.revoked_at is not None
    assert "已撤销" in finance.get("/locks/").content.decode()
