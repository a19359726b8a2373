"""Screenshots of the main pages at 1366×768, as each demo role sees them.

Usage: ``JIXIAO_VAR_DIR=/tmp/shots .venv/bin/python bench/screenshots.py [OUT_DIR]``

Loads the demo (``migrate`` + ``load_demo`` on the seed forms, once per var dir) into ``JIXIAO_VAR_DIR``,
starts ``runserver`` on 127.0.0.1, signs in as officer, head, reviewer, finance and auditor with Debian's
chromium (headless) and saves one full-page PNG per role and page into OUT_DIR (``var/screenshots``).
``ROLES=finance,auditor`` takes only those. Each page is also checked for a horizontal scrollbar at 1366 px and for ``None`` shown as text."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SEEDS = ROOT.parent / "shared" / "seeds"
PASSWORD = os.environ.get("JIXIAO_DEMO_PASSWORD") or "jixiao-demo"
ROLES = tuple(
    os.environ.get("ROLES", "suzhou_officer,suzhou_head,suzhou_reviewer,finance,auditor").split(",")
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "-m", "jixiao.manage", *args], env=env, check=True, stdout=subprocess.DEVNULL)


def project_ids(env: dict[str, str]) -> dict[str, int]:
    """The current year's first Suzhou project, its returned one, and the year's adjustment."""
    code = (
        "from django.utils import timezone;"
        "from jixiao.performance.models import Project, TargetAdjustment;"
        "y=timezone.localdate().year;"
        "q=Project.objects.unrestricted().filter(year=y, kind='target').order_by('unit__name','name');"
        "a=TargetAdjustment.objects.unrestricted().filter(project__year=y).first();"
        "print(q.first().pk, q.filter(target_status='returned').first().pk,"
        " a.project_id if a else 0, a.pk if a else 0)"
    )
    out = subprocess.run(
        [PY, "-m", "jixiao.manage", "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    first, returned, adjusted, adjustment = (int(x) for x in out[-4:])
    return {"first": first, "returned": returned, "adjusted": adjusted, "adjustment": adjustment}


def pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    month = max(time.localtime().tm_mon - 1, 2)
    p = ids["first"]
    return [
        ("home", "/"),
        ("inbox", "/inbox/"),
        ("projects", "/projects/"),
        ("project", f"/projects/{p}/"),
        ("targets-edit", f"/projects/{ids['returned']}/targets/"),
        ("targets-review", f"/projects/{ids['returned']}/targets/review/"),
        ("adjustment", f"/projects/{ids['adjusted']}/adjustments/{ids['adjustment']}/"),
        ("import", "/imports/"),
        ("results", f"/projects/{p}/results/month-{month}/"),
        ("spending", f"/projects/{p}/spending/"),
        ("monitoring", f"/projects/{p}/monitoring/7/"),
        ("monitoring-fill", f"/projects/{ids['adjusted']}/monitoring/7/"),
        ("monitoring-tasks", "/monitoring/tasks/"),
        ("evaluation", f"/projects/{p}/evaluation/"),
        ("locks", "/locks/"),
        ("reports", "/reports/"),
    ]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "var" / "screenshots")
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, JIXIAO_DEMO="1", JIXIAO_DEBUG=os.environ.get("JIXIAO_DEBUG", "1"))
    manage(env, "migrate", "-v0")
    manage(env, "load_demo", str(SEEDS))
    ids = project_ids(env)
    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "jixiao.manage", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
            for role in ROLES:
                context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                page = context.new_page()
                sign_in(page, base, role)
                for name, url in pages(ids):
                    response = page.goto(base + url)
                    status = response.status if response else 0
                    page.screenshot(path=str(out_dir / f"{role}-{name}.png"), full_page=True)
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    text = page.inner_text("body")
                    if wide > 1366:
                        problems.append(f"{role} {name}: {wide}px wide")
                    if "None" in text.split():
                        problems.append(f"{role} {name}: shows None")
                    print(f"{role:18} {name:18} {status} {wide}px")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    for problem in problems:
        print("PROBLEM", problem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
