"""The security golden paths in a real browser (Debian's chromium, headless, Playwright) against the live
server; the monitored sites stand on 127.0.0.1. A site goes down → incident on the clock → acknowledged and
resolved by its unit; a finding → confirmed → notice → the unit answers with evidence → re-check → closed;
a warning published and confirmed read; the monthly report generated and downloaded; the indicator
"通报网络安全风险和事件" with the records behind it."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import FAST_HASHERS, PASSWORD, World, build_world

from jixiao.performance.models import Indicator, Project
from jixiao.security import jobs
from jixiao.security.models import Asset, Incident, Notice
from jixiao.security.pipeline import probe_assets
from jixiao.security.store import Probed, record_probe_results
from security_web.helpers import CountingServer, office, register

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
T = TypeVar("T")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def live_world(
    transactional_db: None, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds_dir: Path
) -> World:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(seeds_dir, monkeypatch)


@pytest.fixture
def site() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.stop()


def in_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own (Playwright's loop owns this thread's asyncio)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def probe(asset: Asset, group: str = "full") -> None:
    """One check of the asset through the pipeline, real requests to its loopback site."""
    fresh = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    [result] = in_thread(lambda: asyncio.run(probe_assets([fresh], group)))
    record_probe_results([Probed(fresh, result, group=group)], run_started=timezone.now())


def sign_in(browser: Browser, base: str, username: str, errors: list[str]) -> Page:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/")
    return page


def test_a_site_goes_down_its_incident_runs_on_the_clock_and_its_unit_resolves_it(
    live_server: Any, live_world: World, browser: Browser, site: CountingServer
) -> None:
    asset = register(office("suzhou"), site.url("/"), name="测试：市民服务网站")
    probe(asset, "availability")
    site.down = True
    for _ in range(3):
        probe(asset, "availability")
    jobs.process_monitor_events()
    incident = Incident.objects.unrestricted().get(asset=asset)
    errors: list[str] = []

    staff = sign_in(browser, live_server.url, "suzhou_security", errors)
    staff.get_by_role("link", name="安全", exact=True).click()
    expect(staff.get_by_test_id("board-assets")).to_contain_text("测试：市民服务网站")
    row = staff.get_by_test_id("board-assets").get_by_role("row").filter(has_text="测试：市民服务网站")
    expect(row).to_contain_text("不可用")
    staff.get_by_test_id("board-incidents").get_by_role("link", name="测试：市民服务网站无法访问").click()
    clock = staff.get_by_test_id("clock")
    expect(clock).to_contain_text("剩余 5小时")
    first = clock.inner_text()
    staff.wait_for_timeout(1500)
    assert clock.inner_text() != first  # counting down, every second
    expect(staff.get_by_role("button", name="响应")).to_have_count(0)  # the unit handles it, not the office
    staff.context.close()

    officer = sign_in(browser, live_server.url, "suzhou_officer", errors)
    officer.goto(f"{live_server.url}/security/incidents/{incident.pk}/")
    officer.get_by_label("处置说明").first.fill("运维人员已到机房排查")
    officer.get_by_role("button", name="响应").click()
    expect(officer.get_by_test_id("incident-status")).to_have_text("已响应")
    officer.get_by_label("处置说明").last.fill("更换故障电源，网站恢复访问")
    officer.get_by_role("button", name="处置完成").click()
    expect(officer.get_by_test_id("incident-status")).to_have_text("已处置")
    expect(officer.get_by_test_id("clock-final")).to_contain_text("在时限内")
    expect(officer.get_by_test_id("incident-history")).to_contain_text("更换故障电源，网站恢复访问")
    officer.context.close()
    assert errors == []


def test_a_finding_is_confirmed_notified_answered_rechecked_and_closed(
    live_server: Any, live_world: World, browser: Browser, site: CountingServer, tmp_path: Path
) -> None:
    site.git_exposed = True
    asset = register(office("suzhou"), site.url("/"), name="测试：业务审批系统")
    probe(asset)
    errors: list[str] = []

    staff = sign_in(browser, live_server.url, "suzhou_security", errors)
    staff.goto(f"{live_server.url}/security/findings/?q=业务审批系统&severity=critical")
    staff.get_by_test_id("findings").get_by_role("link").filter(has_text=".git").first.click()
    expect(staff.get_by_test_id("finding-title")).to_have_text("敏感文件可被下载")
    staff.get_by_label("原因").fill("人工访问复现，文件可下载")
    staff.get_by_label("研判结论").select_option(label="确认问题")
    staff.get_by_role("button", name="提交研判").click()
    expect(staff.get_by_test_id("confirmed")).to_contain_text("已确认")
    staff.get_by_role("button", name="生成通报").click()
    staff.get_by_label("整改期限（工作日）").fill("5")
    staff.get_by_role("button", name="保存通报草稿").click()
    expect(staff.get_by_test_id("notice-status")).to_have_text("草稿")
    staff.get_by_label("原因").fill("确认的严重问题，限期整改")
    staff.get_by_role("button", name="发出通报").click()
    expect(staff.get_by_test_id("notice-status")).to_contain_text("已通报")
    notice_url = staff.url
    staff.context.close()

    evidence = tmp_path / "整改说明.txt"
    evidence.write_text("已删除网站目录下的 .git 文件夹，并更换了数据库口令。\n", encoding="utf-8")
    officer = sign_in(browser, live_server.url, "suzhou_officer", errors)
    officer.get_by_role("link", name="安全", exact=True).click()
    officer.get_by_role("link", name="通报", exact=True).click()
    officer.get_by_role(
        "link", name=Notice.objects.unrestricted().get(findings__asset=asset).title, exact=True
    ).click()
    officer.get_by_label("整改情况").fill("已删除 .git 目录，更换口令")
    officer.get_by_label("佐证材料").set_input_files(str(evidence))
    officer.get_by_role("button", name="提交整改反馈").click()
    expect(officer.get_by_test_id("answers")).to_contain_text("整改说明.txt")
    expect(officer.get_by_test_id("notice-findings")).to_contain_text("待复核")
    officer.context.close()

    site.git_exposed = False
    staff = sign_in(browser, live_server.url, "suzhou_security", errors)
    staff.goto(notice_url)
    staff.get_by_label("原因").fill("单位已反馈整改")
    staff.get_by_role("button", name="立即复核").click()
    expect(staff.get_by_test_id("notice-status")).to_contain_text("已办结")
    expect(staff.get_by_test_id("notice-findings")).to_contain_text("已复核整改")
    staff.context.close()
    assert errors == []


def test_a_warning_is_read_the_report_downloads_and_the_indicator_shows_its_records(
    live_server: Any, live_world: World, browser: Browser
) -> None:
    suzhou = office("suzhou")
    indicator = Indicator.objects.unrestricted().get(
        project__unit=suzhou, name="通报网络安全风险和事件", horizon="annual"
    )
    # The seed project is of 2023; the demo's work is of this year: the project is read as this year's.
    Project.objects.unrestricted().filter(pk=indicator.project_id).update(year=timezone.localdate().year)
    errors: list[str] = []

    staff = sign_in(browser, live_server.url, "suzhou_security", errors)
    staff.goto(f"{live_server.url}/security/warnings/new/")
    staff.get_by_label("标题").fill("关于防范勒索病毒攻击的紧急预警")
    staff.get_by_label("正文").fill("请立即关闭不必要的远程桌面端口，备份重要数据。")
    staff.get_by_label(suzhou.name).check()
    staff.get_by_role("button", name="保存草稿").click()
    staff.get_by_label("原因").fill("情况紧急")
    staff.get_by_role("button", name="发布预警").click()
    expect(staff.get_by_test_id("warning-status")).to_have_text("已发布")
    expect(staff.get_by_test_id("receipts")).to_contain_text("未确认")
    warning_url = staff.url

    staff.goto(f"{live_server.url}/security/reports/")
    today = timezone.localdate()
    staff.locator("#id_year").fill(str(today.year))
    staff.locator("#id_month").fill(str(today.month))
    staff.get_by_role("button", name="生成").click()
    expect(staff.get_by_test_id("report-status")).to_have_text("草稿")
    staff.get_by_label("原因").fill("已审阅，数据无误")
    staff.get_by_role("button", name="发布月报").click()
    expect(staff.get_by_test_id("report-status")).to_have_text("已发布")
    for name, magic in (("Word", b"PK"), ("Excel", b"PK"), ("PDF", b"%PDF")):
        with staff.expect_download() as download:
            staff.get_by_role("link", name=name, exact=True).click()
        assert Path(download.value.path()).read_bytes().startswith(magic)
        assert download.value.suggested_filename.endswith(
            "网络安全月报." + {"Word": "docx", "Excel": "xlsx", "PDF": "pdf"}[name]
        )
    staff.context.close()

    officer = sign_in(browser, live_server.url, "suzhou_officer", errors)
    expect(officer.get_by_test_id("security-tiles")).to_contain_text("通报网络安全风险和事件")
    officer.goto(warning_url)
    officer.get_by_role("button", name=f"{suzhou.name}确认已阅读").click()
    expect(officer.get_by_test_id("receipts")).to_contain_text("王敏")
    officer.goto(f"{live_server.url}/projects/{indicator.project_id}/")
    card = officer.get_by_test_id("security-indicators")
    card.get_by_role("link", name="起").first.click()
    expect(officer.get_by_test_id("indicator-value")).to_contain_text("起")
    expect(officer.get_by_test_id("indicator-records")).to_contain_text(".git/config")
    officer.context.close()
    assert errors == []
