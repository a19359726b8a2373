"""The golden paths in a real browser: Debian's chromium, headless, driven by Playwright against the live
server. Sign in as each role, open home, the list and a project, filter the list, download a report.
Screenshots at 1366×768 go to ``$JIXIAO_SCREENSHOTS`` (or a pytest temporary folder) for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import DEMO_USERNAMES, FAST_HASHERS, PASSWORD, World, build_world

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
NAMES = {
    "suzhou_officer": "王敏",
    "suzhou_head": "李强",
    "suzhou_reviewer": "陈静",
    "shunping_officer": "赵磊",
    "shunping_head": "刘洋",
    "shunping_reviewer": "孙丽",
    "finance": "周华",
    "auditor": "吴刚",
    "admin": "系统管理员",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test itself are
    # synchronous and safe, so the async-context guard is lifted for these tests.
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


@pytest.fixture
def live_world(
    transactional_db: None, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds_dir: Path
) -> World:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(seeds_dir, monkeypatch)


def sign_in(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/")
    return page


def test_every_role_signs_in_and_reads_home_list_and_a_project(
    live_server: Any, live_world: World, browser: Browser, shots: Path
) -> None:
    errors: list[str] = []
    for username in DEMO_USERNAMES:
        page = sign_in(browser, live_server.url, username)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        expect(page.get_by_test_id("whoami")).to_contain_text(NAMES[username])
        own, _ = live_world.own_and_foreign(username)
        project = own or live_world.suzhou_project
        expect(page.get_by_test_id("project-lights")).to_contain_text(project.name)
        if username == "suzhou_officer":
            page.screenshot(path=shots / "home.png", full_page=True)

        page.get_by_role("link", name="项目", exact=True).click()
        expect(page.locator("#results")).to_contain_text(project.name)
        page.goto(f"{live_server.url}/projects/{project.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(project.name)
        expect(page.get_by_test_id("history")).to_contain_text("系统")
        if username == "suzhou_officer":
            page.screenshot(path=shots / "project.png")
            page.screenshot(path=shots / "project-full.png", full_page=True)
        page.context.close()
    assert errors == []  # no script error, no refused asset or policy violation in the console


def test_the_chart_draws_and_its_table_is_one_click_away(
    live_server: Any, live_world: World, browser: Browser
) -> None:
    page = sign_in(browser, live_server.url, "finance")

    chart = page.locator("[data-chart=execution]")
    expect(chart.locator("canvas")).to_have_count(1)
    assert chart.bounding_box()["width"] > 600  # type: ignore[index]
    table = page.get_by_test_id("execution-table")
    expect(table).to_be_hidden()
    page.get_by_text("查看数据表").click()
    expect(table).to_be_visible()
    expect(table).to_contain_text(live_world.suzhou_project.name)
    page.context.close()


def test_filtering_the_list_replaces_the_table_and_keeps_the_address(
    live_server: Any, live_world: World, browser: Browser, shots: Path
) -> None:
    page = sign_in(browser, live_server.url, "finance")
    page.goto(f"{live_server.url}/projects/")
    expect(page.locator("#results")).to_contain_text(live_world.shunping_project.name)

    page.get_by_label("单位").select_option(label=live_world.suzhou_project.unit.name)

    expect(page.locator("#results")).not_to_contain_text(live_world.shunping_project.name)
    expect(page.locator("#results")).to_contain_text(live_world.suzhou_project.name)
    assert f"unit={live_world.suzhou_project.unit_id}" in page.url
    page.screenshot(path=shots / "projects.png")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.startswith("项目列表_")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.context.close()


def test_an_officer_downloads_a_report_and_cannot_open_a_foreign_project(
    live_server: Any, live_world: World, browser: Browser, shots: Path
) -> None:
    page = sign_in(browser, live_server.url, "suzhou_officer")
    page.get_by_role("link", name="报表", exact=True).click()
    page.screenshot(path=shots / "reports.png")

    row = page.get_by_role("row").filter(has_text=live_world.suzhou_project.name)
    with page.expect_download() as download:
        row.get_by_role("link", name="绩效自评报告（PDF）").click()
    saved = Path(download.value.path())
    assert download.value.suggested_filename.endswith("_绩效自评报告.pdf")
    assert saved.read_bytes().startswith(b"%PDF")

    response = page.goto(f"{live_server.url}/projects/{live_world.shunping_project.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    page.context.close()
