"""Results over periods: draft → submitted → approved or returned; who may do what; locks; evidence."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from performance_helpers import annual, approved

from jixiao.audit.models import AuditEvent
from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.results import (
    do_approve_result,
    do_attach_evidence,
    do_lock_period,
    do_record_result,
    do_return_result,
    do_submit_result,
    do_unlock_period,
)
from jixiao.performance.guards import PeriodLocked
from jixiao.performance.models import Evidence, PeriodResult, Project
from jixiao.performance.periods import Period

Form = Callable[[], FormDocument]
ASSETS = "全市网络资产监测"


@pytest.fixture
def project(suzhou: Unit, security_form: Form) -> Project:
    return do_import_forms([security_form()], acting_user=SYSTEM, reason="seed").created[0]


def enter(project: Project, editor: User, value: str = "40", month: int = 3) -> PeriodResult:
    return do_record_result(
        annual(project, ASSETS), Period.month(month), value=Decimal(value), acting_user=editor, reason="月报"
    )


def test_an_editor_enters_and_submits_and_a_reviewer_approves(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    result = enter(project, suzhou_editor)
    assert (result.status, result.value, result.entered_by) == ("draft", Decimal("40"), suzhou_editor)

    result = do_submit_result(result, acting_user=suzhou_editor)
    assert (result.status, result.submitted_by) == ("submitted", suzhou_editor)

    result = do_approve_result(result, acting_user=suzhou_reviewer)
    assert (result.status, result.reviewed_by) == ("approved", suzhou_reviewer)
    assert list(
        AuditEvent.objects.unrestricted()
        .filter(object_id=result.pk, action__startswith="result.")
        .order_by("id")
        .values_list("action", "actor_label")
    ) == [
        ("result.created", "suzhou_editor"),
        ("result.submitted", "suzhou_editor"),
        ("result.approved", "suzhou_reviewer"),
    ]


def test_nobody_approves_a_result_they_entered_themselves(project: Project, suzhou_admin: User) -> None:
    result = do_submit_result(enter(project, suzhou_admin), acting_user=suzhou_admin)

    with pytest.raises(ValidationError, match="不能由本人审核通过"):
        do_approve_result(result, acting_user=suzhou_admin)

    result.refresh_from_db()
    assert result.status == "submitted"


def test_an_editor_may_not_approve_or_return(project: Project, suzhou_editor: User) -> None:
    result = do_submit_result(enter(project, suzhou_editor), acting_user=suzhou_editor)
    other_editor = User.objects.create_user("other_editor")
    from jixiao.orgs.actions import do_grant_membership

    do_grant_membership(other_editor, project.unit, "editor", acting_user=SYSTEM, reason="test")

    with pytest.raises(PermissionDenied):
        do_approve_result(result, acting_user=other_editor)
    with pytest.raises(PermissionDenied):
        do_return_result(result, acting_user=other_editor, reason="不对")


def test_a_reviewer_may_not_enter_results(project: Project, suzhou_reviewer: User) -> None:
    with pytest.raises(PermissionDenied):
        enter(project, suzhou_reviewer)


def test_a_draft_cannot_be_approved_before_it_is_submitted(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    result = enter(project, suzhou_editor)

    with pytest.raises(ValidationError, match="当前为“草稿”，不能审核通过（只有“已提交”的指标完成情况可以）"):
        do_approve_result(result, acting_user=suzhou_reviewer)


def test_returning_needs_a_reason_and_the_editor_then_corrects_a_draft(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    result = do_submit_result(enter(project, suzhou_editor), acting_user=suzhou_editor)

    with pytest.raises(ValidationError, match="退回必须填写原因"):
        do_return_result(result, acting_user=suzhou_reviewer, reason="  ")
    returned = do_return_result(result, acting_user=suzhou_reviewer, reason="与监测平台台账不一致")

    assert (returned.status, returned.return_reason) == ("returned", "与监测平台台账不一致")
    corrected = enter(project, suzhou_editor, value="38")
    assert (corrected.pk, corrected.status, corrected.value) == (result.pk, "draft", Decimal("38"))


def test_a_submitted_or_approved_result_is_not_changed_in_place(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    result = do_submit_result(enter(project, suzhou_editor), acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="已提交，待审核"):
        enter(project, suzhou_editor, value="41")

    do_approve_result(result, acting_user=suzhou_reviewer)
    with pytest.raises(ValidationError, match="已审核通过"):
        enter(project, suzhou_editor, value="41")

    # A reviewer may reopen an approved result, with a reason; then it can be corrected.
    do_return_result(result, acting_user=suzhou_reviewer, reason="数据口径调整")
    assert enter(project, suzhou_editor, value="41").value == Decimal("41")


def test_a_locked_period_refuses_entry_with_who_when_and_why(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    lock = do_lock_period(project, Period.half(1), acting_user=suzhou_reviewer, reason="上半年数据已报财政局")

    with pytest.raises(PeriodLocked) as refused:
        enter(project, suzhou_editor, month=3)

    message = str(refused.value)
    assert "上半年已锁定" in message
    assert "锁定人：suzhou_reviewer" in message
    assert "原因：上半年数据已报财政局" in message
    assert lock.locked_at.astimezone().strftime("%Y-%m-%d") in message
    assert refused.value.lock == lock
    assert enter(project, suzhou_editor, month=7).status == "draft"  # outside the locked half


def test_a_lock_also_stops_approval_and_unlocking_needs_an_admin_and_a_reason(
    project: Project, suzhou_editor: User, suzhou_reviewer: User, suzhou_admin: User
) -> None:
    result = do_submit_result(enter(project, suzhou_editor, month=2), acting_user=suzhou_editor)
    lock = do_lock_period(project, Period.quarter(1), acting_user=suzhou_reviewer, reason="一季度结账")

    with pytest.raises(PeriodLocked, match="第一季度已锁定"):
        do_approve_result(result, acting_user=suzhou_reviewer)
    with pytest.raises(PermissionDenied):
        do_unlock_period(lock, acting_user=suzhou_reviewer, reason="更正")
    with pytest.raises(ValidationError):
        do_unlock_period(lock, acting_user=suzhou_admin, reason="")

    do_unlock_period(lock, acting_user=suzhou_admin, reason="更正2月数据")
    assert do_approve_result(result, acting_user=suzhou_reviewer).status == "approved"
    assert (
        AuditEvent.objects.unrestricted().filter(action="period.unlocked", reason="更正2月数据").count() == 1
    )


def test_a_user_of_another_unit_can_neither_see_nor_enter_results(
    project: Project, shunping_editor: User, shunping_reviewer: User, suzhou_editor: User
) -> None:
    result = enter(project, suzhou_editor)

    assert PeriodResult.objects.restrict(suzhou_editor, "view").count() == 1
    assert PeriodResult.objects.restrict(shunping_editor, "view").count() == 0
    with pytest.raises(PermissionDenied):
        enter(project, shunping_editor)
    with pytest.raises(PermissionDenied):
        do_submit_result(result, acting_user=shunping_editor)
    with pytest.raises(PermissionDenied):
        do_lock_period(project, Period.year(), acting_user=shunping_reviewer, reason="x")


def test_a_qualitative_indicator_takes_a_grade_with_a_narrative(
    project: Project, suzhou_editor: User
) -> None:
    compliance = annual(project, "经费支出合规性")

    with pytest.raises(ValidationError, match="不填数值"):
        do_record_result(compliance, Period.half(1), value=Decimal(1), acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="须评定等级"):
        do_record_result(compliance, Period.half(1), grade="优秀", narrative="好", acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="须填写完成情况说明"):
        do_record_result(compliance, Period.half(1), grade="达成", acting_user=suzhou_editor)

    result = do_record_result(
        compliance,
        Period.half(1),
        grade="部分达成并具有一定效果",
        narrative="一笔报销缺附件",
        acting_user=suzhou_editor,
    )
    assert (result.grade, result.value) == ("部分达成并具有一定效果", None)


def test_a_quantitative_indicator_needs_an_exact_number_and_links_must_be_web_addresses(
    project: Project, suzhou_editor: User
) -> None:
    assets = annual(project, ASSETS)
    with pytest.raises(ValidationError, match="准确的数值"):
        do_record_result(
            assets,
            Period.month(1),
            value=12.5,
            acting_user=suzhou_editor,  # type: ignore[arg-type]
        )
    with pytest.raises(ValidationError, match="不是有效的"):
        do_record_result(
            assets, Period.month(1), value=Decimal(3), links=["file:///etc/passwd"], acting_user=suzhou_editor
        )
    result = do_record_result(
        assets,
        Period.month(1),
        value=Decimal(3),
        links=["https://example.org/台账/1"],
        note="来自监测平台",
        acting_user=suzhou_editor,
    )
    assert (result.links, result.note) == (["https://example.org/台账/1"], "来自监测平台")


def test_a_not_applicable_indicator_takes_no_result(project: Project, suzhou_editor: User) -> None:
    not_applicable = project.indicators.get(horizon="annual", target_kind="not_applicable")

    with pytest.raises(ValidationError, match="不适用"):
        do_record_result(not_applicable, Period.year(), value=Decimal(1), acting_user=suzhou_editor)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(tmp_path: Path) -> Path:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def test_evidence_is_stored_under_media_root_with_its_type_read_from_the_bytes(
    project: Project, suzhou_editor: User, media: Path
) -> None:
    result = enter(project, suzhou_editor)

    evidence = do_attach_evidence(
        result, SimpleUploadedFile("台账.pdf", PDF, "application/pdf"), acting_user=suzhou_editor
    )

    assert (evidence.content_type, evidence.size, evidence.original_name) == (
        "application/pdf",
        len(PDF),
        "台账.pdf",
    )
    stored = media / evidence.file.name
    assert stored.read_bytes() == PDF
    assert evidence.file.name.startswith("evidence/")


@pytest.mark.parametrize(
    ("name", "content", "declared", "message"),
    [
        ("scan.pdf", PNG, "application/pdf", "内容不是.pdf文件"),
        ("scan.png", PNG, "application/pdf", "声明的类型application/pdf与文件内容"),
        ("run.exe", b"MZ\x90\x00", "application/octet-stream", "类型不允许"),
        ("notes.txt", b"\xff\xfe\x00\x00binary", "text/plain", "不是UTF-8文本"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused(
    project: Project, suzhou_editor: User, media: Path, name: str, content: bytes, declared: str, message: str
) -> None:
    result = enter(project, suzhou_editor)

    with pytest.raises(ValidationError, match=message):
        do_attach_evidence(result, SimpleUploadedFile(name, content, declared), acting_user=suzhou_editor)

    assert Evidence.objects.unrestricted().count() == 0
    assert not any(media.rglob("*.*"))


def test_evidence_over_the_size_limit_is_refused(project: Project, suzhou_editor: User, media: Path) -> None:
    result = enter(project, suzhou_editor)

    with (
        override_settings(JIXIAO_EVIDENCE_MAX_BYTES=16),
        pytest.raises(ValidationError, match="超过上限16字节"),
    ):
        do_attach_evidence(
            result, SimpleUploadedFile("a.pdf", PDF, "application/pdf"), acting_user=suzhou_editor
        )


def test_evidence_cannot_be_added_to_an_approved_result(
    project: Project, suzhou_editor: User, suzhou_reviewer: User, media: Path
) -> None:
    result = approved(
        annual(project, ASSETS), Period.month(4), value="50", editor=suzhou_editor, reviewer=suzhou_reviewer
    )

    with pytest.raises(ValidationError, match="已审核通过"):
        do_attach_evidence(
            result, SimpleUploadedFile("a.pdf", PDF, "application/pdf"), acting_user=suzhou_editor
        )
