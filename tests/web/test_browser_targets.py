"""The target declaration's golden path in a real browser (Debian's chromium, headless, Playwright): the
officer imports both seed files through the page and reads the findings in the preview; the head submits; the
reviewer returns with grades and a comment; the officer fixes a target while the findings update as they type;
resubmitted, approved; the officer proposes an adjustment with a reason and sees the diff; the reviewer
approves it. Screenshots at 1366×768 go to ``$JIXIAO_SCREENSHOTS`` (or a pytest temporary folder)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import FAST_HASHERS, PASSWORD

from jixiao.performance.models import Indicator, Project, TargetAdjustment
from jixiao.web.demo import load_demo_users

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
PROJECT = "网络安全和信息化工作经费"
TIME_LIMIT = "处置重点网络安全应急事件时限"
COUNT = "全市网络资产监测"


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


@pytest.fixture
def people(transactional_db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    load_demo_users(StringIO())


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


def row_of(page: Page, name: str, horizon: str = "annual") -> Any:
    return page.locator(f'tr.target-row[data-horizon="{horizon}"]').filter(
        has=page.locator(f'input[name="row-name"][value="{name}"]')
    )


def review(
    page: Page, base: str, project: Project, decision: str, comment: str, shots: Path | None = None
) -> None:
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_test_id("targets-panel").get_by_role("link", name="审核").click()
    for criterion, grade in (("完整性", "良"), ("相关性", "优"), ("适当性", "良"), ("可行性", "中")):
        page.get_by_label(criterion, exact=True).select_option(label=grade)
    page.get_by_label("审核意见（退回时必填）").fill(comment)
    if shots is not None:
        page.screenshot(path=shots / "targets-review.png")
    page.get_by_role("button", name=decision).click()
    expect(page.get_by_test_id("target-review")).to_contain_text(comment or decision)


def test_import_submit_return_fix_resubmit_approve_and_adjust_in_the_browser(
    live_server: Any, people: None, browser: Browser, shots: Path, seeds_dir: Path
) -> None:
    base = live_server.url
    errors: list[str] = []

    # The officer imports both seed files: the progress bar runs, the preview shows the findings.
    officer = sign_in(browser, base, "suzhou_officer", errors)
    progress: list[int] = []
    officer.expose_binding("reportProgress", lambda _source, value: progress.append(int(value)))
    officer.add_init_script(
        "document.addEventListener('htmx:xhr:progress', function (e) {"
        " var bar = document.querySelector('[data-upload] progress');"
        " if (bar && !bar.hidden) { window.reportProgress(bar.value); } });"
    )
    officer.goto(f"{base}/projects/new/")
    officer.get_by_label("项目名称").fill("网络安全宣传周")
    officer.locator('input[name="row-target"]').first.fill("≥4万家")
    expect(officer.get_by_test_id("reading").first).to_have_text("定量 ≥ 40,000 家")
    officer.screenshot(path=shots / "project-new.png")
    officer.goto(f"{base}/imports/")
    officer.get_by_label("绩效表文件").set_input_files(sorted(str(p) for p in seeds_dir.iterdir()))
    officer.get_by_role("button", name="上传并预览").click()
    expect(officer).to_have_url(re.compile(r"/imports/[A-Za-z0-9_-]{20,}/$"))
    assert progress, "the upload's progress was never shown"
    files = officer.get_by_test_id("preview-file")
    expect(files).to_have_count(2)
    expect(files.first).to_contain_text("网络内容建设工作经费及网络综合治理")
    expect(files.first.get_by_test_id("findings").first).to_contain_text("成本指标为定性表述")
    expect(files.nth(1)).to_contain_text("网络信息办公专项经费")
    expect(files.nth(1).get_by_test_id("file-error")).to_contain_text("不能导入")
    officer.screenshot(path=shots / "import-preview.png")
    assert not Project.objects.unrestricted().exists()
    officer.get_by_role("button", name="确认导入").click()
    expect(officer.get_by_test_id("imported")).to_contain_text(PROJECT)
    project = Project.objects.unrestricted().get(name=PROJECT)

    # The head submits.
    head = sign_in(browser, base, "suzhou_head", errors)
    head.goto(f"{base}/projects/{project.pk}/")
    head.get_by_role("button", name="送审").click()
    expect(head.get_by_test_id("target-status")).to_have_text("已送审")
    head.context.close()

    # The reviewer returns with grades and a comment.
    reviewer = sign_in(browser, base, "suzhou_reviewer", errors)
    review(reviewer, base, project, "退回", "时限指标请重新测算", shots)
    expect(reviewer.get_by_test_id("target-status")).to_have_text("已退回")

    # The officer fixes a target and watches the findings follow the typing.
    officer.goto(f"{base}/projects/{project.pk}/")
    expect(officer.get_by_test_id("targets-panel")).to_contain_text("时限指标请重新测算")
    officer.get_by_role("link", name="修改目标").click()
    count = row_of(officer, COUNT)
    count.locator('input[name="row-target"]').fill("150")
    expect(officer.get_by_test_id("findings")).to_contain_text(
        f"指标“{COUNT}”的指标值“150”有数值但没有计量单位"
    )
    expect(count.get_by_test_id("reading")).to_have_text("定量 = 150")
    officer.screenshot(path=shots / "targets-edit.png", full_page=True)
    count.locator('input[name="row-target"]').fill("≥150家")
    expect(officer.get_by_test_id("findings")).not_to_contain_text("没有计量单位")
    expect(count.get_by_test_id("reading")).to_have_text("定量 ≥ 150 家")
    time_limit = row_of(officer, TIME_LIMIT)
    time_limit.locator('input[name="row-target"]').fill("≤4小时")
    expect(time_limit.get_by_test_id("reading")).to_have_text("定量 ≤ 4 小时")
    # A row added and removed without a reload.
    officer.get_by_role("button", name="添加年度指标").click()
    expect(officer.locator("tr.target-row")).to_have_count(
        Indicator.objects.unrestricted().filter(project=project, withdrawn=False).count() + 1
    )
    officer.locator("tr.target-row").last.get_by_role("button", name="删除").click()
    officer.get_by_role("button", name="保存").click()
    expect(officer.get_by_test_id("target-status")).to_have_text("已退回")
    officer.get_by_role("button", name="送审").click()
    expect(officer.get_by_test_id("target-status")).to_have_text("已送审")
    annual = Indicator.objects.unrestricted().get(project=project, horizon="annual", name=TIME_LIMIT)
    assert annual.target_raw == "≤4小时"

    # The reviewer approves.
    review(reviewer, base, project, "审核通过", "")
    expect(reviewer.get_by_test_id("target-status")).to_have_text("已审核")
    reviewer.screenshot(path=shots / "targets-reviewed.png")

    # The officer proposes an adjustment with a reason and sees the diff.
    officer.goto(f"{base}/projects/{project.pk}/")
    officer.get_by_role("link", name="申请调整").click()
    row_of(officer, TIME_LIMIT).locator('input[name="row-target"]').fill("≤3小时")
    officer.get_by_label("调整原因（必填）").fill("上级要求缩短应急处置时限")
    officer.get_by_role("button", name="提出目标调整").click()
    diff = officer.get_by_test_id("diff")
    expect(diff).to_contain_text("≤4小时")
    expect(diff).to_contain_text("≤3小时")
    expect(officer.get_by_test_id("adjustment-reason")).to_have_text("上级要求缩短应急处置时限")
    officer.screenshot(path=shots / "adjustment.png")
    adjustment_url = officer.url
    officer.context.close()

    # The reviewer approves the adjustment; the old value stays visible.
    reviewer.goto(adjustment_url)
    reviewer.get_by_label("审核意见（必填）").fill("同意")
    reviewer.get_by_role("button", name="批准调整").click()
    expect(reviewer.get_by_test_id("adjustment-status")).to_have_text("已批准")
    expect(reviewer.get_by_test_id("diff")).to_contain_text("≤4小时")
    reviewer.context.close()
    annual.refresh_from_db()
    assert annual.target_raw == "≤3小时"
    assert TargetAdjustment.objects.unrestricted().get(project=project).status == "approved"
    assert errors == []  # no script error, refused asset or policy violation
