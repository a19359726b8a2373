"""The results and spending golden path in a real browser (Debian's chromium, headless, Playwright): an officer
records spending and a budget adjustment, pastes a block of results copied from a spreadsheet, sees the one bad
cell explained, fixes it, saves, attaches two evidence files and submits; a reviewer approves one and returns
another with a reason; the officer fixes and resubmits; after approval the project's light has changed.
Screenshots at 1366×768 go to ``$JIXIAO_SCREENSHOTS`` (or a pytest temporary folder)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from perf_pages_helpers import COUNT, HOURS, RATE, RULES, small_project
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import FAST_HASHERS

from jixiao.orgs.actions import do_create_unit, do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices, UnitKindChoices
from jixiao.performance.models import Project
from org_tree import SUZHOU

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "results-pw"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# What an officer copies from the office's spreadsheet: a header row, the indicator names in the first
# column, values with their units, a rate as counts, and one cell in the wrong unit.
PASTED = (
    "指标名称\t完成值\t完成情况说明\r\n"
    f"{COUNT}\t1.2万家\t上半年监测重点网站\r\n"
    f"{RATE}\t285/300\t培训问卷\r\n"
    f"{HOURS}\t5.5家\t\r\n"
    f'{RULES}\t达成\t"严格执行财经制度，\n未发现违规"\r\n'
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("JIXIAO_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def person(username: str, name: str, unit: Any, role: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=name)
    do_grant_membership(user, unit, role, acting_user=SYSTEM, reason="测试")
    return user


@pytest.fixture
def office(transactional_db: None, settings: Any, tmp_path: Path) -> Project:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    root = do_create_unit("财政局", kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason="测试")
    suzhou = do_create_unit(SUZHOU, parent=root, acting_user=SYSTEM, reason="测试")
    person("officer", "王敏", suzhou, RoleChoices.EDITOR)
    person("reviewer", "陈静", suzhou, RoleChoices.REVIEWER)
    return small_project(suzhou)


def sign_in(browser: Browser, base: str, username: str, errors: list[str]) -> Page:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/")
    return page


def paste(page: Page, selector: str, text: str) -> None:
    """A paste event carrying ``text`` as the clipboard's plain text, on the element (as Ctrl+V would)."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
            document.querySelector(selector).dispatchEvent(event);
        }""",
        [selector, text],
    )


def row(page: Page, name: str) -> Any:
    return page.get_by_test_id("results-grid").locator("tbody tr").filter(has_text=name)


def light_of(page: Page) -> str:
    return page.locator("h1.page-title + .light, h1.page-title ~ span.light").first.inner_text()


def test_an_officer_pastes_fixes_attaches_and_submits_a_reviewer_approves_and_returns_and_the_light_changes(
    live_server: Any, office: Project, browser: Browser, shots: Path, tmp_path: Path
) -> None:
    base, project = live_server.url, office
    errors: list[str] = []
    officer = sign_in(browser, base, "officer", errors)

    # Spending: an expenditure and a budget adjustment, execution against the adjusted budget.
    officer.goto(f"{base}/projects/{project.pk}/")
    officer.get_by_test_id("spending-link").click()
    form = officer.get_by_test_id("expenditure-form")
    form.get_by_label("月份").select_option(label="6月")
    form.get_by_label("金额（万元）").fill("17")
    form.get_by_label("摘要").fill("监测平台服务费")
    form.get_by_role("button", name="登记支出").click()
    expect(officer.get_by_test_id("executed")).to_have_text("17.00")
    adjustment = officer.get_by_test_id("adjustment-form")
    adjustment.get_by_label("调整金额（万元）").fill("10万")
    adjustment.get_by_label("调整原因").fill("追加运维经费")
    adjustment.get_by_role("button", name="登记预算调整").click()
    expect(officer.get_by_test_id("adjusted")).to_have_text("40.00")
    expect(officer.get_by_test_id("rate")).to_have_text("42.50%")
    expect(officer.locator("[data-chart=spending] canvas")).to_have_count(1)
    expect(officer.get_by_test_id("adjustments")).to_contain_text("追加运维经费")
    officer.screenshot(path=shots / "spending.png", full_page=True)

    officer.goto(f"{base}/projects/{project.pk}/")
    light_before = light_of(officer)
    officer.get_by_test_id("results-links").get_by_role("link", name="7月", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("7月完成情况")

    # Paste the block: it fills the cells by indicator name, the header row skipped.
    paste(officer, "tbody tr:first-child input[data-col='0']", PASTED)
    expect(officer.get_by_test_id("paste-note")).to_contain_text("已填入 8 个单元格")
    expect(row(officer, COUNT).locator("input[data-col='0']")).to_have_value("1.2万家")
    expect(row(officer, RULES).locator("textarea")).to_have_value("严格执行财经制度，\n未发现违规")
    officer.get_by_test_id("save").click()
    expect(officer.get_by_test_id("grid-errors")).to_contain_text("有 1 个单元格无法读取，未保存任何内容")
    error = row(officer, HOURS).get_by_test_id("cell-error")
    expect(error).to_contain_text("第3行“应急事件处置时限”：读到“5.5家”，单位“家”与目标单位“小时”不符")
    officer.screenshot(path=shots / "results-error.png", full_page=True)

    row(officer, HOURS).locator("input[data-col='0']").fill("5.5小时")
    officer.get_by_test_id("save").click()
    expect(officer.get_by_test_id("messages")).to_contain_text("已保存4项完成情况")
    expect(row(officer, RATE)).to_contain_text("285/300 = 95.00%")

    # Two evidence files on the first row, uploaded by htmx into the row's cell.
    report, minutes = tmp_path / "监测报告.pdf", tmp_path / "处置记录.txt"
    report.write_bytes(PDF)
    minutes.write_text("7月处置记录", encoding="utf-8")
    cell = row(officer, COUNT).get_by_test_id("evidence-cell")
    cell.locator("input[type=file]").set_input_files([report, minutes])  # chosen files upload at once
    expect(row(officer, COUNT).get_by_test_id("evidence-cell")).to_contain_text("2 份")
    expect(row(officer, COUNT).get_by_test_id("evidence-cell")).to_contain_text("处置记录.txt")
    expect(row(officer, COUNT).get_by_test_id("evidence-cell")).to_contain_text("王敏")
    officer.screenshot(path=shots / "results-grid.png", full_page=True)

    officer.get_by_test_id("submit").click()
    expect(officer.get_by_test_id("messages")).to_contain_text("已提交4项完成情况")
    expect(row(officer, COUNT)).to_contain_text("已提交")
    expect(row(officer, COUNT)).to_contain_text("本人填报或提交，须由他人审核")

    # The reviewer approves the count and returns the hours with a reason.
    reviewer = sign_in(browser, base, "reviewer", errors)
    reviewer.goto(officer.url)
    reviewer.screenshot(path=shots / "results-review.png", full_page=True)
    row(reviewer, COUNT).get_by_role("button", name="审核通过").click()
    expect(row(reviewer, COUNT)).to_contain_text("已审核")
    row(reviewer, HOURS).get_by_placeholder("退回原因（退回时必填）").fill("请附处置记录，时限按小时填")
    row(reviewer, HOURS).get_by_role("button", name="退回").click()
    expect(row(reviewer, HOURS)).to_contain_text("已退回")
    with reviewer.expect_download() as download:
        row(reviewer, COUNT).get_by_role("link", name="监测报告.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # The officer sees the reason, fixes, resubmits; the reviewer approves the rest.
    officer.reload()
    expect(row(officer, HOURS).get_by_test_id("return-reason")).to_have_text(
        "退回原因：请附处置记录，时限按小时填"
    )
    row(officer, HOURS).locator("input[data-col='0']").fill("4.5小时")
    officer.get_by_test_id("save").click()
    expect(row(officer, HOURS)).to_contain_text("草稿")
    officer.get_by_test_id("submit").click()
    expect(row(officer, HOURS)).to_contain_text("已提交")
    reviewer.reload()
    for name in (RATE, HOURS, RULES):
        row(reviewer, name).get_by_role("button", name="审核通过").click()
        expect(row(reviewer, name)).to_contain_text("已审核")

    # The lights are computed from approved results: the project's light has changed.
    officer.goto(f"{base}/projects/{project.pk}/")
    light_after = light_of(officer)
    officer.get_by_test_id("results-links").screenshot(path=shots / "project-results-links.png")
    assert light_after != light_before, (light_before, light_after)
    expect(officer.get_by_test_id("indicators").first).to_contain_text("12,000 家")
    officer.goto(f"{base}/")
    expect(officer.get_by_test_id("project-lights")).to_contain_text(light_after)
    officer.context.close()
    reviewer.context.close()
    # A grid with a cell that cannot be read answers 422 (the convention for a refused form), which Chromium
    # reports in the console; anything else there is a script error, a refused asset or a policy violation.
    assert [e for e in errors if "status of 422" not in e] == []


def test_a_pasted_block_fills_by_position_by_name_or_by_its_header_s_columns(
    live_server: Any, office: Project, browser: Browser
) -> None:
    errors: list[str] = []
    page = sign_in(browser, live_server.url, "officer", errors)
    page.goto(f"{live_server.url}/projects/{office.pk}/results/month-7/")
    value = "input[data-col='0']"

    # Two values and a narrative from the focused cell down, no header, no names.
    paste(page, f"tbody tr:nth-child(2) {value}", "96%\t问卷结果\n5小时\n")
    expect(row(page, RATE).locator(value)).to_have_value("96%")
    expect(row(page, RATE).locator("textarea")).to_have_value("问卷结果")
    expect(row(page, HOURS).locator(value)).to_have_value("5小时")
    expect(row(page, COUNT).locator(value)).to_have_value("")

    # A header that names its columns (a target column between name and value) and the rows out of order.
    block = f"序号\t指标名称\t年度指标值\t实际完成值\t备注\n1\t{HOURS}\t≤6小时\t4小时\t夜间值守\n2\t{COUNT}\t≥4万家\t4.1万家\t\n"
    paste(page, f"tbody tr:nth-child(4) {value}", block)
    expect(row(page, HOURS).locator(value)).to_have_value("4小时")
    expect(row(page, HOURS).locator("textarea")).to_have_value("夜间值守")
    expect(row(page, COUNT).locator(value)).to_have_value("4.1万家")
    expect(row(page, RATE).locator(value)).to_have_value("96%")  # not in the block: left as it was
    expect(page.get_by_test_id("paste-note")).to_contain_text("已填入 4 个单元格")

    # Lines pasted into a narrative stay in that narrative.
    paste(page, f"#{row(page, RULES).get_attribute('id')} textarea", "第一段\n第二段")
    expect(row(page, RULES).locator("textarea")).to_have_value("")  # default paste: nothing set by script
    expect(row(page, HOURS).locator("textarea")).to_have_value("夜间值守")

    # The period switcher goes to the chosen period's grid.
    page.get_by_role("combobox", name="期间").select_option(label="第二季度")
    expect(page).to_have_url(f"{live_server.url}/projects/{office.pk}/results/quarter-2/")
    expect(page.get_by_role("heading", level=1)).to_have_text("第二季度完成情况")
    page.context.close()
    assert errors == []
