"""The self-evaluation page, the reviewer's adjustments and sign-off, and rectification, through the test client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from web_helpers import World, user
from year_helpers import reopen_year

from jixiao.performance.actions.evaluation import build_self_evaluation, evaluation_indicators
from jixiao.performance.models import Evaluation, EvaluationLine, Project, RectificationItem

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def over_achieving(project: Project) -> tuple[int, Decimal]:
    """An indicator whose actual is at 130 % of its target or more, and its score by the rule."""
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        scored = build_self_evaluation(project)
        for indicator, row in zip(evaluation_indicators(project), scored.indicators, strict=True):
            if row.score.over_achievement and row.score.value:
                rule = row.score.rule_value if row.score.adjustment is not None else row.score.value
                return indicator.pk, rule
    raise AssertionError("the demo project has no over-achieving indicator")


def test_scores_are_explained_adjusted_with_a_reason_and_signed_off(world: World) -> None:
    project = world.suzhou_project
    reopen_year(project)
    url = f"/projects/{project.pk}/evaluation/"
    reviewer = signed_in("suzhou_reviewer")
    page = reviewer.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "填写中" in text
    assert "计分说明" in text
    assert "调整得分" in text
    indicator, rule = over_achieving(project)
    # The reason is required; a score above the rule's is refused, naming the rule's score.
    assert reviewer.post(f"{url}adjust/{indicator}/", {"score": "1", "reason": ""}).status_code == 422
    higher = reviewer.post(f"{url}adjust/{indicator}/", {"score": str(rule + 1), "reason": "目标偏低"})
    assert higher.status_code == 422
    assert f"低于按规则计算的{rule}分" in higher.content.decode()
    new = (rule * Decimal("0.8")).quantize(Decimal("0.01"))
    answer = reviewer.post(
        f"{url}adjust/{indicator}/", {"score": str(new), "reason": "年初目标值明显偏低，按八成计分"}
    )
    assert answer.status_code == 302
    line = EvaluationLine.objects.unrestricted().get(indicator_id=indicator)
    assert (line.adjusted_score, line.adjustment_reason) == (new, "年初目标值明显偏低，按八成计分")
    text = reviewer.get(url).content.decode()
    assert f"审核调整：{rule} → {new}" in text
    assert "年初目标值明显偏低，按八成计分" in text
    # The officer may not adjust a score.
    assert (
        signed_in("suzhou_officer")
        .post(f"{url}adjust/{indicator}/", {"score": "0", "reason": "x"})
        .status_code
        == 403
    )

    # Rectification: opened by the reviewer, answered with evidence by the unit, accepted.
    deadline = timezone.localdate() + dt.timedelta(days=30)
    opened = reviewer.post(
        f"/projects/{project.pk}/rectification/new/",
        {
            "problem": "部分指标目标值偏低",
            "requirement": "重新测算明年目标值并报送",
            "deadline": deadline.isoformat(),
        },
    )
    assert opened.status_code == 302
    item = RectificationItem.objects.unrestricted().get(project=project)
    officer = signed_in("suzhou_officer")
    assert "部分指标目标值偏低" in officer.get(url).content.decode()
    bad = SimpleUploadedFile("整改.pdf", b"not a pdf", content_type="application/pdf")
    refused = officer.post(f"/rectification/{item.pk}/answer/", {"answer": "已重新测算", "files": [bad]})
    assert refused.status_code == 422
    assert "佐证材料“整改.pdf”的内容不是.pdf文件" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == "open"
    good = SimpleUploadedFile("整改说明.txt", "已重新测算目标值\n".encode(), content_type="text/plain")
    assert (
        officer.post(
            f"/rectification/{item.pk}/answer/", {"answer": "已重新测算", "files": [good]}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert (item.status, item.answer) == ("answered", "已重新测算")
    evidence = item.evidence.get()
    download = reviewer.get(f"/rectification/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == "已重新测算目标值\n".encode()
    assert signed_in("shunping_officer").get(f"/rectification/evidence/{evidence.pk}/").status_code == 404
    assert reviewer.post(f"/rectification/{item.pk}/returned/", {"reason": ""}).status_code == 422
    assert reviewer.post(f"/rectification/{item.pk}/accepted/").status_code == 302
    item.refresh_from_db()
    assert item.status == "accepted"

    # Sign-off: refused while the form's review errors stand (listed), then over them with a reason.
    finalised = reviewer.post(f"{url}finalise/", {})
    evaluation = Evaluation.objects.unrestricted().get(project=project)
    if finalised.status_code == 422:
        assert "不能定稿" in finalised.content.decode()
        finalised = reviewer.post(f"{url}finalise/", {"override_reason": "审核错误已通知单位修正"})
    assert finalised.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "finalised"
    assert evaluation.total is not None
    text = reviewer.get(url).content.decode()
    assert "已定稿" in text
    assert "重新打开" in text
    assert reviewer.post(f"{url}reopen/", {"reason": ""}).status_code == 422
    assert reviewer.post(f"{url}reopen/", {"reason": "单位补充材料"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"


def test_sign_off_is_refused_with_the_review_errors_shown(world: World) -> None:
    # The shunping project (seed 004) has review errors on its target form.
    project = world.shunping_project
    reopen_year(project)
    reviewer = signed_in("shunping_reviewer")
    url = f"/projects/{project.pk}/evaluation/"
    page = reviewer.get(url).content.decode()
    assert "审核错误" in page
    refused = reviewer.post(f"{url}finalise/", {})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "不能定稿" in body
    assert "审核错误" in body
    assert Evaluation.objects.unrestricted().get(project=project).status == "draft"


def test_the_unit_writes_its_texts_and_a_foreign_unit_sees_nothing(world: World) -> None:
    project = world.suzhou_project
    reopen_year(project)
    officer = signed_in("suzhou_officer")
    url = f"/projects/{project.pk}/evaluation/"
    answer = officer.post(
        f"{url}texts/",
        {
            "conclusion": "总体完成年度目标",
            "problems": "个别指标滞后",
            "improvements": "按月调度",
            "budget_explanation": "",
        },
    )
    assert answer.status_code == 302
    assert Evaluation.objects.unrestricted().get(project=project).conclusion == "总体完成年度目标"
    assert signed_in("suzhou_reviewer").post(f"{url}texts/", {"conclusion": "x"}).status_code == 403
    assert signed_in("shunping_officer").get(url).status_code == 404
    assert signed_in("shunping_officer").post(f"{url}texts/", {"conclusion": "x"}).status_code == 404
