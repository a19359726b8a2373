"""The target declaration pages through Django's test client: a project declared in a form, the findings as
one types, the import with its preview, 送审, the review with grades, return and approval, the adjustment of
approved targets, and the 待办 items each step leaves."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from web_helpers import FAST_HASHERS

from jixiao.orgs.models import Unit
from jixiao.performance.models import Indicator, Project, TargetAdjustment
from jixiao.performance.models.reviews import TargetReview
from jixiao.web.demo import load_demo_users
from jixiao.web.inbox import Step, items_for

pytestmark = pytest.mark.django_db

GRADES = {
    "grade_completeness": "good",
    "grade_relevance": "excellent",
    "grade_appropriateness": "fair",
    "grade_feasibility": "poor",
    "note_feasibility": "处置时限不现实",
}


@pytest.fixture
def people(db: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    return load_demo_users(StringIO())


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def seed_uploads(seeds_dir: Path) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")
        for path in sorted(seeds_dir.iterdir())
    ]


def rows_post(project: Project, change: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The targets page's rows as posted, with ``change`` (name → target) applied."""
    change = change or {}
    data: dict[str, list[str]] = {
        k: [] for k in ("key", "ident", "horizon", "level1", "level2", "name", "target", "weight")
    }
    for i in (
        Indicator.objects.unrestricted()
        .filter(project=project, withdrawn=False)
        .order_by("order", "-horizon", "pk")
    ):
        data["key"].append(f"i{i.pk}")
        data["ident"].append(str(i.pk))
        data["horizon"].append(i.horizon)
        data["level1"].append(i.level1)
        data["level2"].append(i.level2)
        data["name"].append(i.name)
        target = change.get(i.name, i.target_raw) if i.horizon == "annual" else i.target_raw
        data["target"].append(target)
        data["weight"].append("" if i.weight is None else str(i.weight))
    return {f"row-{k}": v for k, v in data.items()}


def import_seeds(client: Client, seeds_dir: Path) -> tuple[str, bytes]:
    response = client.post("/imports/", {"uploads": seed_uploads(seeds_dir)})
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200
    return preview_url, preview.content


def test_the_import_previews_every_file_and_stores_only_what_was_confirmed(
    people: dict[str, Any], seeds_dir: Path
) -> None:
    officer = client_of("suzhou_officer")
    preview_url, page = import_seeds(officer, seeds_dir)
    text = page.decode()

    assert not Project.objects.unrestricted().exists()  # nothing stored by the preview
    assert "网络内容建设工作经费及网络综合治理" in text
    assert "新建项目（中共宿州市委网络安全和信息化委员会办公室）" in text
    assert "审核意见" in text
    assert "警告" in text
    # The 顺平 file is read and reviewed, but this officer may not store it.
    assert "网络信息办公专项经费" in text
    assert "不能导入" in text
    stored = re.findall(r'name="file" value="([^"]+)"[^>]*checked', text)
    assert stored == ["1/000_be243faf42b34df7.txt"]

    other = client_of("shunping_officer")
    assert other.get(preview_url).status_code == 404  # another person's upload

    done = officer.post(preview_url, {"file": stored})
    assert done.status_code == 302
    names = set(Project.objects.unrestricted().values_list("name", flat=True))
    assert names == {"网络内容建设工作经费及网络综合治理", "网络安全和信息化工作经费", "网络媒体协会运行经费"}
    assert officer.get(preview_url).status_code == 404  # the staging folder is gone
    assert "网络媒体协会运行经费" in officer.get(done["Location"]).content.decode()


def test_a_file_that_cannot_be_read_says_why_in_chinese(people: dict[str, Any]) -> None:
    officer = client_of("suzhou_officer")
    upload = SimpleUploadedFile("空白.txt", "随便写的一句话\n".encode(), content_type="text/plain")
    response = officer.post("/imports/", {"uploads": [upload]})
    text = officer.get(response["Location"]).content.decode()
    assert "空白.txt：文件中找不到绩效表（查找了" in text
    assert "disabled" in text


def test_staged_uploads_expire(people: dict[str, Any], seeds_dir: Path, settings: Any) -> None:
    from jixiao.performance.views import imports

    officer = client_of("suzhou_officer")
    preview_url, _ = import_seeds(officer, seeds_dir)
    imports._expire_old(now=__import__("time").time() + imports.STAGING_HOURS * 3600 + 1)
    assert officer.get(preview_url).status_code == 404
    assert not any((Path(settings.MEDIA_ROOT) / imports.STAGING_DIR).iterdir())


def test_the_declaration_goes_round_submit_return_fix_resubmit_approve_adjust(
    people: dict[str, Any], seeds_dir: Path
) -> None:
    officer, head, reviewer = (client_of(u) for u in ("suzhou_officer", "suzhou_head", "suzhou_reviewer"))
    preview_url, page = import_seeds(officer, seeds_dir)
    officer.post(preview_url, {"file": ["1/000_be243faf42b34df7.txt"]})
    project = Project.objects.unrestricted().get(name="网络安全和信息化工作经费")
    url = f"/projects/{project.pk}/"
    head_user = User.objects.get(username="suzhou_head")
    reviewer_user = User.objects.get(username="suzhou_reviewer")
    officer_user = User.objects.get(username="suzhou_officer")

    assert any(i.step is Step.TO_SUBMIT and project.name in i.subject for i in items_for(head_user))
    assert "送审" in head.get(url).content.decode()
    assert head.post(f"{url}targets/submit/").status_code == 302
    project.refresh_from_db()
    assert project.target_status == "submitted"
    assert reviewer.post(f"{url}targets/submit/").status_code == 403  # a reviewer does not submit
    assert any(
        i.step is Step.TO_REVIEW and i.url.endswith("/targets/review/") for i in items_for(reviewer_user)
    )

    review_page = reviewer.get(f"{url}targets/review/")
    assert review_page.status_code == 200
    assert "完整性" in review_page.content.decode()
    no_comment = reviewer.post(f"{url}targets/review/", {**GRADES, "decision": "return"})
    assert no_comment.status_code == 422
    assert "退回时请填写审核意见" in no_comment.content.decode()
    returned = reviewer.post(
        f"{url}targets/review/", {**GRADES, "comment": "时限指标请重新测算", "decision": "return"}
    )
    assert returned.status_code == 302
    project.refresh_from_db()
    assert (project.target_status, project.target_return_reason) == ("returned", "时限指标请重新测算")
    page = officer.get(url).content.decode()
    assert "时限指标请重新测算" in page
    assert "可行性" in page
    assert "处置时限不现实" in page
    assert any(i.step is Step.RETURNED and i.reason == "时限指标请重新测算" for i in items_for(officer_user))

    # The officer fixes a target: the check answers the findings and the typed reading, nothing stored.
    data = rows_post(project, {"处置重点网络安全应急事件时限": "≤4小时"})
    check = officer.post(f"{url}targets/check/", data, HTTP_HX_REQUEST="true")
    assert check.status_code == 200
    assert "定量 ≤ 4 小时" in check.content.decode()
    assert 'id="findings"' in check.content.decode()
    saved = officer.post(f"{url}targets/", {**data, "goal_annual": project.goal_annual})
    assert saved.status_code == 302
    fixed = Indicator.objects.unrestricted().get(
        project=project, horizon="annual", name="处置重点网络安全应急事件时限"
    )
    assert fixed.target_raw == "≤4小时"

    assert officer.post(f"{url}targets/submit/").status_code == 302
    approved = reviewer.post(f"{url}targets/review/", {**GRADES, "comment": "", "decision": "approve"})
    assert approved.status_code == 302
    project.refresh_from_db()
    assert project.target_status == "approved"
    assert TargetReview.objects.unrestricted().filter(project=project).count() == 2

    # An adjustment of the approved target: a reason is required, the target stays until approved.
    adjust = rows_post(project, {"处置重点网络安全应急事件时限": "≤3小时"})
    assert officer.post(f"{url}targets/", adjust).status_code == 422
    proposed = officer.post(f"{url}targets/", {**adjust, "reason": "上级要求缩短处置时限"})
    assert proposed.status_code == 302
    adjustment = TargetAdjustment.objects.unrestricted().get(project=project)
    diff = officer.get(proposed["Location"]).content.decode()
    assert "上级要求缩短处置时限" in diff
    assert "≤4小时" in diff
    assert "≤3小时" in diff
    assert "批准调整" not in diff  # the proposer does not decide
    assert officer.post(proposed["Location"], {"reason": "x", "decision": "approve"}).status_code == 403
    assert any(i.what == "审核目标调整" for i in items_for(reviewer_user))
    assert reviewer.post(proposed["Location"], {"reason": "", "decision": "approve"}).status_code == 422
    assert reviewer.post(proposed["Location"], {"reason": "同意", "decision": "approve"}).status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == "approved"
    fixed.refresh_from_db()
    assert fixed.target_raw == "≤3小时"
    after = reviewer.get(proposed["Location"]).content.decode()
    assert "≤4小时" in after  # the old value stays visible


def test_a_project_is_declared_in_a_form_for_a_unit_the_person_may_change(people: dict[str, Any]) -> None:
    officer = client_of("suzhou_officer")
    page = officer.get("/projects/new/").content.decode()
    assert "中共宿州市委网络安全和信息化委员会办公室" in page
    assert "顺平" not in page
    suzhou = Unit.objects.unrestricted().get(name="中共宿州市委网络安全和信息化委员会办公室")
    shunping = Unit.objects.unrestricted().get(code="224001")
    rows = {
        "row-key": ["a", "b", "c"],
        "row-ident": ["", "", ""],
        "row-horizon": ["annual", "annual", "annual"],
        "row-level1": ["产出指标", "产出指标", "满意度指标"],
        "row-level2": ["数量指标", "时效指标", "服务对象满意度指标"],
        "row-name": ["监测网站数", "处置时限", "群众满意率"],
        "row-target": ["≥4万家", "7×24小时全年", "满意率95%以上"],
        "row-weight": ["20", "", "abc"],
    }
    header = {
        "unit": suzhou.pk,
        "year": 2024,
        "name": "网络安全监测",
        "kind": "target",
        "funds_total": "150.5",
    }
    check = officer.post("/projects/new/check/", {**header, **rows}).content.decode()
    assert "定量 ≥ 40,000 家" in check
    assert "定性" in check
    assert "定量 ≥ 95 %" in check
    assert "第3行“群众满意率”：分值应为" in check
    bad = officer.post("/projects/new/", {**header, **rows})
    assert bad.status_code == 422
    assert not Project.objects.unrestricted().exists()
    foreign = officer.post(
        "/projects/new/", {**header, "unit": shunping.pk, **rows, "row-weight": ["20", "", "10"]}
    )
    assert foreign.status_code == 422  # not a unit offered to this person
    created = officer.post("/projects/new/", {**header, **rows, "row-weight": ["20", "", "10"]})
    assert created.status_code == 302
    project = Project.objects.unrestricted().get(name="网络安全监测")
    assert project.funds.get(horizon="annual").total == 1505000
    assert created["Location"] == f"/projects/{project.pk}/"
    assert client_of("auditor").get("/projects/new/").status_code == 403


def test_a_row_is_added_by_htmx(people: dict[str, Any]) -> None:
    response = client_of("suzhou_officer").get(
        "/projects/targets/row/?horizon=medium_term", HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('name="row-key"') == 1
    assert '<option value="medium_term" selected>' in text


@pytest.fixture(autouse=True)
def _no_staging_left(settings: Any) -> Any:
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "import-staging", ignore_errors=True)


def test_an_uploaded_file_name_never_leaves_the_staging_folder(
    people: dict[str, Any], seeds_dir: Path, settings: Any
) -> None:
    officer = client_of("suzhou_officer")
    seed = sorted(seeds_dir.iterdir())[0].read_bytes()
    upload = SimpleUploadedFile("../../../逃逸.txt", seed, content_type="text/plain")
    response = officer.post("/imports/", {"uploads": [upload]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    preview_url = response["HX-Redirect"]  # the htmx upload is sent on by the client
    staged = [p for p in (Path(settings.MEDIA_ROOT) / "import-staging").rglob("*") if p.is_file()]
    assert sorted(p.name for p in staged) == ["meta.json", "逃逸.txt"]
    assert not (Path(settings.MEDIA_ROOT).parent / "逃逸.txt").exists()
    assert "逃逸.txt" in officer.get(preview_url).content.decode()
    # A chosen name that is not one of the staged files stores nothing.
    assert officer.post(preview_url, {"file": ["../meta.json"]}).status_code == 422
    assert not Project.objects.unrestricted().exists()


def test_an_upload_without_files_answers_422_in_chinese(people: dict[str, Any]) -> None:
    response = client_of("suzhou_officer").post("/imports/", {})
    assert response.status_code == 422
    assert "请选择要导入的文件" in response.content.decode()


def test_the_project_list_offers_declaring_only_to_those_who_may(people: dict[str, Any]) -> None:
    assert 'href="/imports/"' in client_of("suzhou_officer").get("/projects/").content.decode()
    assert 'href="/projects/new/"' in client_of("suzhou_head").get("/projects/").content.decode()
    for username in ("suzhou_reviewer", "auditor", "finance"):
        page = client_of(username).get("/projects/").content.decode()
        assert 'href="/imports/"' not in page, username
        assert 'href="/projects/new/"' not in page, username


def test_an_htmx_upload_without_files_gets_its_form_back_with_the_error(people: dict[str, Any]) -> None:
    response = client_of("suzhou_officer").post("/imports/", {}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200  # htmx swaps no 4xx answer
    assert text.lstrip().startswith('<form id="upload-form"')
    assert "请选择要导入的文件" in text


def clean(html: str) -> None:
    """What the content policy demands of a page: only the app's scripts, no inline style or handler."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "None" not in re.sub(r"<[^>]+>", " ", html)  # never a Python None shown


def test_every_declaration_page_is_clean_under_the_content_policy(
    people: dict[str, Any], seeds_dir: Path
) -> None:
    officer, head, reviewer = (client_of(u) for u in ("suzhou_officer", "suzhou_head", "suzhou_reviewer"))
    preview_url, page = import_seeds(officer, seeds_dir)
    clean(page.decode())
    clean(officer.get("/imports/").content.decode())
    clean(officer.get("/projects/new/").content.decode())
    officer.post(preview_url, {"file": ["1/000_be243faf42b34df7.txt"]})
    project = Project.objects.unrestricted().get(name="网络安全和信息化工作经费")
    url = f"/projects/{project.pk}/"
    clean(officer.get(f"{url}targets/").content.decode())
    head.post(f"{url}targets/submit/")
    clean(reviewer.get(f"{url}targets/review/").content.decode())
    reviewer.post(f"{url}targets/review/", {**GRADES, "comment": "", "decision": "approve"})
    clean(reviewer.get(url).content.decode())
    proposed = officer.post(
        f"{url}targets/", {**rows_post(project, {"处置重点网络安全应急事件时限": "≤5小时"}), "reason": "调整"}
    )
    clean(reviewer.get(proposed["Location"]).content.decode())


def test_a_finding_names_the_row_as_the_page_numbers_it(people: dict[str, Any]) -> None:
    suzhou = Unit.objects.unrestricted().get(name="中共宿州市委网络安全和信息化委员会办公室")
    rows = {
        "row-key": ["a", "b"],
        "row-ident": ["", ""],
        "row-horizon": ["annual", "annual"],
        "row-level1": ["", "产出指标"],
        "row-level2": ["", "数量指标"],
        "row-name": ["", "监测网站数"],
        "row-target": ["", "150"],  # a number without its unit
        "row-weight": ["", ""],
    }
    header = {"unit": suzhou.pk, "year": 2024, "name": "网络安全监测", "kind": "target"}
    check = client_of("suzhou_officer").post("/projects/new/check/", {**header, **rows}).content.decode()
    assert "第2行 “监测网站数”" in check  # the blank first row still counts as row 1 on the page
    assert "有数值但没有计量单位" in check


def test_a_reviewer_rejects_an_adjustment_with_a_reason_and_the_targets_stay(
    people: dict[str, Any], seeds_dir: Path
) -> None:
    officer, head, reviewer = (client_of(u) for u in ("suzhou_officer", "suzhou_head", "suzhou_reviewer"))
    preview_url, _ = import_seeds(officer, seeds_dir)
    officer.post(preview_url, {"file": ["1/000_be243faf42b34df7.txt"]})
    project = Project.objects.unrestricted().get(name="网络安全和信息化工作经费")
    url = f"/projects/{project.pk}/"
    head.post(f"{url}targets/submit/")
    reviewer.post(f"{url}targets/review/", {**GRADES, "decision": "approve"})
    proposed = officer.post(
        f"{url}targets/",
        {**rows_post(project, {"处置重点网络安全应急事件时限": "≤5小时"}), "reason": "人手不足"},
    )
    assert reviewer.post(proposed["Location"], {"reason": "", "decision": "reject"}).status_code == 422
    assert (
        reviewer.post(proposed["Location"], {"reason": "理由不充分", "decision": "reject"}).status_code == 302
    )
    page = reviewer.get(proposed["Location"]).content.decode()
    assert "已驳回" in page
    assert "理由不充分" in page
    assert "人手不足" in page
    kept = Indicator.objects.unrestricted().get(
        project=project, horizon="annual", name="处置重点网络安全应急事件时限"
    )
    assert kept.target_raw == "≤6小时"
