"""The demo's year in progress as the pages show it: every main page answers for the people who use it, shows
no ``None`` and no English code, and carries the fixes made after looking at the screenshots."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from web_helpers import FAST_HASHERS

from jixiao.performance.models import Project, TargetAdjustment


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        call_command("load_demo", str(seeds_dir), stdout=StringIO())
    return timezone.localdate().year


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))


def test_the_pages_of_the_year_in_progress(demo: int) -> None:
    year = demo
    projects = Project.objects.unrestricted().filter(year=year, kind="target", unit__name__contains="宿州")
    first = projects.order_by("name").get(name="网络内容建设工作经费及网络综合治理")
    returned = projects.get(target_status="returned")
    adjustment = TargetAdjustment.objects.unrestricted().get(project__year=year)
    month = max(timezone.localdate().month - 1, 2)
    pages = {
        "suzhou_officer": [
            "/",
            "/inbox/",
            "/projects/",
            f"/projects/{first.pk}/",
            reverse("performance:targets", args=[returned.pk]),
            reverse("performance:results", args=[first.pk, f"month-{month}"]),
            reverse("performance:spending", args=[first.pk]),
            reverse("performance:monitoring", args=[adjustment.project_id, 7]),
            reverse("performance:evaluation", args=[first.pk]),
            "/reports/",
        ],
        "suzhou_reviewer": [
            "/",
            reverse("performance:adjustment", args=[adjustment.project_id, adjustment.pk]),
            reverse("performance:targets_review", args=[returned.pk]),
            reverse("performance:monitoring", args=[first.pk, 7]),
        ],
        "finance": ["/", "/monitoring/tasks/", "/locks/"],
        "auditor": ["/", "/projects/", f"/projects/{first.pk}/"],
    }
    shown: dict[str, str] = {}
    for username, urls in pages.items():
        client = client_for(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            words = text_of(response.content.decode())
            assert not re.search(r"\bNone\b", words), (username, url)
            shown[f"{username} {url}"] = response.content.decode()

    # 完成目标可能性 shows 完全不可能 whole: the round being filled gives its selects the fitting width.
    fill = shown[f"suzhou_officer {reverse('performance:monitoring', args=[adjustment.project_id, 7])}"]
    assert 'form-select form-select-sm select-fit" name="likelihood-' in fill
    # People by name, not by account: finance's task and the returned declaration's reviewer.
    tasks = shown["finance /monitoring/tasks/"]
    assert "周华" in tasks
    assert ">finance<" not in tasks
    assert 'class="form-check-input" name="units"' in shown["finance /locks/"]
    # The officer's home shows this year's returned declaration with the reviewer's comment, first.
    home = text_of(shown["suzhou_officer /"])
    assert home.index("修改被退回的绩效目标") < home.index("运行监控（1–7月）")
    assert "满意度指标" in home
