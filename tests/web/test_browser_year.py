"""The year's review in a real browser (Debian's chromium, headless, Playwright, the live server): finance
issues a monitoring task to both offices; the officer fills the round, is refused 送审 without 纠偏措施, adds
them and submits; the reviewer approves; the reviewer adjusts a score with a reason, opens a rectification
item and signs the self-evaluation off; the officer answers the item with evidence; a locked page says why
and an exception lets one office edit until it expires; the zip of every report downloads and reads back."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from test_browser import browser, live_world, shots, sign_in  # noqa: F401  (the browser fixtures)
from test_evaluation_pages import over_achieving
from test_reports_zip import read_back
from web_helpers import World
from year_helpers import reopen_year

from jixiao.performance.models import LockException, MonitoringRound, RectificationItem

pytestmark = pytest.mark.django_db(transaction=True)


# A refused step (送审 without 纠偏措施, a sign-off over review errors) answers 422 by design; Chromium logs
# every non-2xx answer as a failed resource, so those lines are expected. Anything else is a fault.
EXPECTED_REFUSAL = "the server responded with a status of 422"


def watch(page: Page, errors: list[str]) -> Page:
    def seen(message: Any) -> None:
        if message.type == "error" and EXPECTED_REFUSAL not in message.text:
            errors.append(message.text)

    page.on("console", seen)
    return page


def fill_missing_measures(page: Page) -> None:
    """In every row that deviates (red or yellow light) or is not certain to complete, write what is missing."""
    rows = page.locator("[data-testid=monitoring-table] tbody tr")
    for index in range(rows.count()):
        row = rows.nth(index)
        light = row.locator("td").nth(4).inner_text()
        likelihood = row.locator("select[name^=likelihood]")
        if not likelihood.input_value():
            likelihood.select_option(label="确定能")
        deviates = "红" in light or "黄" in light
        uncertain = likelihood.input_value() in ("possible", "impossible")
        if deviates and not row.locator("textarea[name^=reason]").input_value():
            row.locator("select[name^=category]").select_option(label="人员保障")
            row.locator("textarea[name^=reason]").fill("负责同志借调，上半年进度滞后")
        measures = row.locator("textarea[name^=measures]")
        if (deviates or uncertain) and not measures.input_value():
            measures.fill("调整分工，按月调度进度，年底前完成")


def test_the_year_review_golden_path(
    live_server: Any,
    live_world: World,  # noqa: F811
    browser: Browser,  # noqa: F811
    shots: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = live_server.url
    suzhou, shunping = live_world.suzhou_project, live_world.shunping_project
    reopen_year(suzhou, shunping)
    errors: list[str] = []
    deadline = timezone.localdate() + dt.timedelta(days=14)

    # Finance issues the monitoring task to both offices.
    finance = watch(sign_in(browser, base, "finance"), errors)
    finance.get_by_role("link", name="监控任务").click()
    finance.get_by_role("link", name="下发监控任务").click()
    finance.get_by_label("截止日期").fill(deadline.isoformat())
    finance.get_by_label(suzhou.unit.name).check()
    finance.get_by_label(shunping.unit.name).check()
    finance.get_by_label("说明").fill("请于截止日期前完成1–7月运行监控")
    finance.get_by_role("button", name="下发").click()
    progress = finance.get_by_test_id("progress")
    expect(progress).to_contain_text(suzhou.unit.name)
    expect(progress).to_contain_text(shunping.unit.name)
    finance.screenshot(path=shots / "monitoring-task.png", full_page=True)

    # The officer runs the round: the table is filled from the records; 送审 is refused without 纠偏措施.
    officer = watch(sign_in(browser, base, "suzhou_officer"), errors)
    officer.get_by_role("link", name="监控任务").click()
    expect(officer.get_by_test_id("assignments")).to_contain_text(
        f"{deadline.year}年{deadline.month}月{deadline.day}日"
    )
    officer.goto(f"{base}/projects/{suzhou.pk}/monitoring/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("绩效运行监控（1–7月）")
    expect(officer.get_by_test_id("task-deadline")).to_contain_text(f"{deadline.month}月{deadline.day}日")
    table = officer.get_by_test_id("monitoring-table")
    first_row = table.locator("tbody tr").first
    first_row.locator("select[name^=category]").select_option(label="经费保障")
    first_row.locator("textarea[name^=reason]").fill("部分经费6月下旬才到位，相关采购顺延")
    first_row.locator("select[name^=likelihood]").select_option(label="有可能")
    first_row.locator("textarea[name^=measures]").fill("")
    officer.get_by_role("button", name="保存填报").click()
    expect(officer.get_by_test_id("round-status")).to_have_text("填报中")
    officer.get_by_role("button", name="送审").click()
    errors_box = officer.get_by_test_id("errors")
    expect(errors_box).to_contain_text("须填写纠偏措施")
    label = first_row.get_attribute("data-indicator")
    expect(errors_box).to_contain_text(f"“{label}”完成目标可能性为“有可能”，须填写纠偏措施")
    officer.screenshot(path=shots / "monitoring-refused.png", full_page=True)
    fill_missing_measures(officer)
    officer.get_by_role("button", name="保存填报").click()
    officer.get_by_role("button", name="送审").click()
    expect(officer.get_by_test_id("round-status")).to_have_text("已送审")

    # The reviewer approves the round.
    reviewer = watch(sign_in(browser, base, "suzhou_reviewer"), errors)
    reviewer.goto(f"{base}/projects/{suzhou.pk}/monitoring/7/")
    reviewer.get_by_role("button", name="审核通过").click()
    expect(reviewer.get_by_test_id("round-status")).to_have_text("已审核")
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        assert MonitoringRound.objects.unrestricted().get(project=suzhou, cutoff_month=7).status == "approved"

    # The self-evaluation: a lowered score with its reason, a rectification item, sign-off.
    indicator, rule = over_achieving(suzhou)
    new = (rule * Decimal("0.8")).quantize(Decimal("0.01"))
    reviewer.goto(f"{base}/projects/{suzhou.pk}/evaluation/")
    expect(reviewer.get_by_test_id("scores")).to_contain_text("计分说明")
    reviewer.locator(f"#score-{indicator}").fill(str(new))
    reviewer.locator(f"#reason-{indicator}").fill("年初目标值明显偏低，按八成计分")
    reviewer.locator(f"#score-{indicator}").locator("xpath=ancestor::form").get_by_role(
        "button", name="调整得分"
    ).click()
    expect(reviewer.get_by_test_id("adjusted").first).to_contain_text(f"→ {new}")
    expect(reviewer.get_by_test_id("scores")).to_contain_text("年初目标值明显偏低，按八成计分")
    item_form = reviewer.get_by_test_id("rectification-new")
    item_form.get_by_label("存在问题").fill("部分指标年初目标值偏低")
    item_form.get_by_label("整改要求").fill("重新测算明年目标值并报送测算依据")
    item_form.get_by_label("整改期限").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    item_form.get_by_role("button", name="下达整改").click()
    expect(reviewer.get_by_test_id("rectification-item")).to_contain_text("部分指标年初目标值偏低")
    reviewer.screenshot(path=shots / "evaluation-review.png", full_page=True)
    reviewer.locator("#finalise").get_by_role("button", name="定稿").click()
    if reviewer.get_by_test_id("errors").count():
        expect(reviewer.get_by_test_id("errors")).to_contain_text("不能定稿")
        reviewer.locator("#id_override_reason").fill("审核错误已通知单位修正")
        reviewer.locator("#finalise").get_by_role("button", name="定稿").click()
    expect(reviewer.get_by_test_id("evaluation-status")).to_have_text("已定稿")

    # The officer answers the rectification item with an evidence file.
    evidence = tmp_path / "整改说明.txt"
    evidence.write_text("已重新测算2024年目标值，测算依据见附件。\n", encoding="utf-8")
    officer.goto(f"{base}/projects/{suzhou.pk}/evaluation/")
    item = officer.get_by_test_id("rectification-item")
    item.get_by_label("整改反馈").fill("已重新测算明年目标值并报送")
    item.get_by_label("佐证材料（可多选）").set_input_files(str(evidence))
    item.get_by_role("button", name="提交整改反馈").click()
    expect(officer.get_by_test_id("rectification-item")).to_contain_text("已反馈")
    expect(officer.get_by_role("link", name="整改说明.txt")).to_be_visible()
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        assert RectificationItem.objects.unrestricted().get(project=suzhou).status == "answered"

    # A locked page says why: the sign-off locked the year.
    officer.goto(f"{base}/projects/{suzhou.pk}/monitoring/7/")
    expect(officer.get_by_test_id("locked")).to_contain_text("全年已锁定，不能录入或修改")
    expect(officer.get_by_test_id("locked")).to_contain_text("绩效自评已定稿")
    officer.screenshot(path=shots / "monitoring-locked.png", full_page=True)

    # Finance locks 7月 for 顺平 and lets that office edit until tomorrow; expired, the lock holds again.
    finance.get_by_role("link", name="期间锁定").click()
    lock_form = finance.get_by_test_id("lock-form")
    lock_form.get_by_label(shunping.unit.name).check()
    lock_form.get_by_label("期间").select_option(label="7月")
    lock_form.get_by_label("锁定原因").fill("1–7月运行监控数据已报送")
    lock_form.get_by_role("button", name="锁定").click()
    expect(finance.get_by_test_id("locks")).to_contain_text("1–7月运行监控数据已报送")
    county = watch(sign_in(browser, base, "shunping_officer"), errors)
    county.goto(f"{base}/projects/{shunping.pk}/monitoring/7/")
    expect(county.get_by_test_id("locked")).to_contain_text("7月已锁定，不能录入或修改")
    expect(county.get_by_test_id("locked")).to_contain_text("1–7月运行监控数据已报送")
    expect(county.get_by_role("button", name="保存填报")).to_have_count(0)
    exception_form = finance.get_by_test_id("exception-form")
    exception_form.get_by_label("单位").select_option(label=shunping.unit.name)
    exception_form.get_by_label("期间").select_option(label="7月")
    exception_form.get_by_label("有效期至（当日24时）").fill(
        (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    )
    exception_form.get_by_label("原因").fill("单位申请补报偏差原因")
    exception_form.get_by_role("button", name="开通").click()
    expect(finance.get_by_test_id("exceptions")).to_contain_text("有效")
    county.reload()
    expect(county.get_by_test_id("lock-exception")).to_contain_text("本单位获准例外修改")
    expect(county.get_by_role("button", name="保存填报")).to_be_visible()
    county.screenshot(path=shots / "monitoring-exception.png", full_page=True)
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        LockException.objects.unrestricted().update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    county.reload()
    expect(county.get_by_test_id("locked")).to_contain_text("7月已锁定")
    expect(county.get_by_role("button", name="保存填报")).to_have_count(0)

    # The zip of every report: every file reads back.
    finance.get_by_role("link", name="报表", exact=True).click()
    with finance.expect_download() as download:
        finance.get_by_test_id("all-zip").click()
    assert download.value.suggested_filename.startswith("绩效报表_")
    saved = tmp_path / "all.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert {n.split("/")[0] for n in names if "/" in n} == {suzhou.unit.name, shunping.unit.name}
        for name in names:
            assert read_back(archive, name).strip(), name
    finance.screenshot(path=shots / "reports.png")
    for page in (finance, officer, reviewer, county):
        page.context.close()
    assert errors == []
