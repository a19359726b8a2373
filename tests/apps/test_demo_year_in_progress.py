"""``load_demo`` adds the seed projects again as the current budget year, in progress: every role that acts has
inbox items, the officer can still fill the grid, nothing of the year is locked or signed off, evidence files
are real and stored under MEDIA_ROOT; a second load never overwrites what a user changed since."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.performance.actions.results import do_record_result
from jixiao.performance.models import (
    BudgetAdjustment,
    Evaluation,
    Evidence,
    MonitoringRound,
    MonitoringTask,
    PeriodLock,
    PeriodResult,
    Project,
    TargetAdjustment,
    TargetReview,
)
from jixiao.performance.periods import Period
from jixiao.web.inbox import items_for

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(db: None, settings: Any, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JIXIAO_STRICT_SCOPES = False
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("load_demo", str(seeds_dir), stdout=out)
    return out.getvalue()


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def test_the_current_year_is_in_progress_and_every_acting_role_has_work(loaded: str, settings: Any) -> None:
    year = timezone.localdate().year
    assert f"{year}年度进行中的演示数据" in loaded
    current = Project.objects.unrestricted().filter(year=year)
    assert current.count() == 5
    assert set(current.values_list("target_status", flat=True)) == {"approved", "returned"}
    # Reviews with grades, the returned one with the comment the officer reads.
    returned = TargetReview.objects.unrestricted().get(project__year=year, outcome="returned")
    assert "满意度" in returned.comment
    assert TargetReview.objects.unrestricted().filter(project__year=year, outcome="approved").count() == 4
    assert TargetAdjustment.objects.unrestricted().filter(project__year=year, status="proposed").count() == 1
    # Results: most approved, some submitted, one returned with its reason, a draft.
    statuses = list(
        PeriodResult.objects.unrestricted()
        .filter(indicator__project__year=year)
        .values_list("status", flat=True)
    )
    assert statuses.count("approved") > statuses.count("submitted") > 0
    assert statuses.count("returned") == 1
    assert "draft" in statuses
    # Evidence files are real files of their type under MEDIA_ROOT.
    evidence = list(Evidence.objects.unrestricted().filter(result__indicator__project__year=year))
    assert {e.original_name.rsplit(".", 1)[1] for e in evidence} == {"pdf", "png", "xlsx"}
    for item in evidence:
        path = Path(item.file.path)
        assert path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert path.read_bytes()[:4] in (b"%PDF", b"\x89PNG", b"PK\x03\x04")
    assert BudgetAdjustment.objects.unrestricted().filter(project__year=year).count() == 1
    task = MonitoringTask.objects.unrestricted().get(year=year)
    assert task.deadline > timezone.localdate()
    assert MonitoringRound.objects.unrestricted().get(project__year=year).status == "submitted"
    # Nothing signed off, nothing locked this year; the seed year stays finished.
    assert not Evaluation.objects.unrestricted().filter(project__year=year, status="finalised").exists()
    assert not PeriodLock.objects.unrestricted().filter(project__year=year).exists()
    assert Evaluation.objects.unrestricted().filter(project__year=2023, status="finalised").exists()

    steps = {
        name: {str(i.step.label) for i in items_for(user(name))}
        for name in (
            "suzhou_officer",
            "suzhou_head",
            "suzhou_reviewer",
            "shunping_officer",
            "shunping_reviewer",
            "finance",
        )
    }
    assert {"被退回", "待填报", "待送审"} <= steps["suzhou_officer"]
    assert "被退回" in steps["suzhou_head"]
    assert steps["shunping_officer"] >= {"待填报"}
    # Reviewers and finance review; what else waits for them is only a security warning to confirm as read
    # (published to their units by the security demo).
    for name in ("suzhou_reviewer", "shunping_reviewer", "finance"):
        assert "待审核" in steps[name], name
        others = {str(i.what) for i in items_for(user(name)) if str(i.step.label) != "待审核"}
        assert others <= {"确认阅读安全预警"}, (name, others)


def test_the_officer_can_fill_the_current_years_grid(loaded: str) -> None:
    year = timezone.localdate().year
    project = Project.objects.unrestricted().get(
        year=year, kind="target", name="网络内容建设工作经费及网络综合治理"
    )
    month = max(timezone.localdate().month - 1, 2)
    client = Client()
    client.force_login(user("suzhou_officer"))
    page = client.get(reverse("performance:results", args=[project.pk, f"month-{month}"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'form="grid-form" name="value-' in html
    assert "已锁定" not in html
    home = client.get("/")
    assert project.name in home.content.decode()


def test_loading_again_keeps_what_users_changed(loaded: str, seeds_dir: Path) -> None:
    year = timezone.localdate().year
    draft = (
        PeriodResult.objects.unrestricted()
        .filter(indicator__project__year=year, status="draft")
        .order_by("pk")
        .first()
    )
    assert draft is not None
    changed = do_record_result(
        draft.indicator,
        Period(draft.period_kind, draft.period_index),
        value=Decimal("777"),
        note="用户改过",
        acting_user=user("suzhou_officer"),
        reason="核对台账后更正",
    )
    counts = (Project.objects.unrestricted().count(), PeriodResult.objects.unrestricted().count())

    out = StringIO()
    call_command("load_demo", str(seeds_dir), stdout=out)

    assert "本次不再导入" in out.getvalue()
    changed.refresh_from_db()
    assert (changed.value, changed.note) == (Decimal("777"), "用户改过")
    assert (Project.objects.unrestricted().count(), PeriodResult.objects.unrestricted().count()) == counts


def test_the_admin_lists_the_year_review_records(loaded: str) -> None:
    client = Client()
    client.force_login(user("admin"))
    for name in ("targetreview", "monitoringtask", "rectificationitem", "lockexception"):
        assert client.get(f"/admin/performance/{name}/").status_code == 200, name
    assert client.get("/admin/web/remindersent/").status_code == 200
    review = TargetReview.objects.unrestricted().first()
    assert review is not None
    page = client.get(f"/admin/performance/targetreview/{review.pk}/change/")
    assert page.status_code == 200
    assert "完整性" in page.content.decode()


def test_a_demo_loaded_without_the_year_gets_it_once_on_restart(
    db: None, settings: Any, tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JIXIAO_STRICT_SCOPES = False
    monkeypatch.delenv("JIXIAO_DEMO_PASSWORD", raising=False)
    year = timezone.localdate().year
    call_command("load_demo", str(seeds_dir), "--no-current-year", stdout=StringIO())
    assert not Project.objects.unrestricted().filter(year=year).exists()

    out = StringIO()
    call_command("load_demo", str(seeds_dir), stdout=out)
    assert f"{year}年度进行中的演示数据" in out.getvalue()
    results = PeriodResult.objects.unrestricted().count()

    again = StringIO()
    call_command("load_demo", str(seeds_dir), stdout=again)
    assert "年度进行中的演示数据" not in again.getvalue()
    assert Project.objects.unrestricted().filter(year=year).count() == 5
    assert PeriodResult.objects.unrestricted().count() == results
