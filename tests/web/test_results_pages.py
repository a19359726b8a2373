"""The results grid of a project and period: cells typed or pasted from Excel, read against each target and saved
all or nothing; rates from their counts; evidence; submit, approve and return (four eyes); who may do what; and
the 待办 inbox's result items."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from docx import Document as DocxDocument
from perf_pages_helpers import COUNT, HOURS, NONE, RATE, RULES, indicator, signed_in, small_project

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actions import do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Unit
from jixiao.performance.actions.results import (
    ResultBatchError,
    ResultEntry,
    do_lock_period,
    do_record_result,
    do_record_results,
    do_remove_evidence,
    do_submit_result,
    do_submit_results,
)
from jixiao.performance.forms.results import read_value_cell
from jixiao.performance.inbox_results import current_period, fill_deadline
from jixiao.performance.models import Evidence, PeriodResult, Project
from jixiao.performance.periods import Period
from jixiao.web import inbox
from org_tree import member

pytestmark = pytest.mark.django_db

JULY = Period.month(7)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def project(suzhou: Unit, settings: Any, tmp_path: Path) -> Project:
    settings.MEDIA_ROOT = tmp_path / "media"
    return small_project(suzhou)


@pytest.fixture
def suzhou_head(suzhou: Unit) -> User:
    return member("suzhou_head", suzhou, RoleChoices.HEAD)


def grid(project: Project, period: str = "month-7") -> str:
    return f"/projects/{project.pk}/results/{period}/"


def cells(project: Project, **by_name: str) -> dict[str, str]:
    """The POST of the grid: ``value-<id>`` / ``narrative-<id>`` for the indicators named."""
    names = {"count": COUNT, "rate": RATE, "hours": HOURS, "rules": RULES}
    posted = {}
    for key, text in by_name.items():
        field, _, short = key.partition("_")
        posted[f"{field}-{indicator(project, names[short]).pk}"] = text
    return posted


def stored(project: Project, name: str, period: Period = JULY) -> PeriodResult:
    return PeriodResult.objects.unrestricted().get(
        indicator=indicator(project, name), period_kind=period.kind, period_index=period.index
    )


def saved_block(project: Project, editor: User) -> Client:
    client = signed_in(editor)
    response = client.post(
        grid(project),
        cells(
            project,
            value_count="4.2万家",
            value_rate="285/300",
            value_hours="5.5小时",
            value_rules="达成",
            narrative_rules="全年严格执行财经制度，未发现违规",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


# --- reading a cell ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "typed", "value"),
    [
        (COUNT, "4.2万家", Decimal(42000)),
        (COUNT, "42,000", Decimal(42000)),
        (COUNT, "４２０００家", Decimal(42000)),
        (COUNT, "42000", Decimal(42000)),
        (RATE, "95%", Decimal(95)),
        (RATE, "95", Decimal(95)),
        (HOURS, "5.5小时", Decimal("5.5")),
        (HOURS, "300分钟", Decimal(5)),
    ],
)
def test_a_value_cell_reads_units_separators_and_full_width_digits(
    project: Project, name: str, typed: str, value: Decimal
) -> None:
    reading = read_value_cell(indicator(project, name), typed)
    assert (reading.error, reading.value) == ("", value)


def test_a_rate_reads_as_its_counts(project: Project) -> None:
    reading = read_value_cell(indicator(project, RATE), "285／300")
    assert (reading.numerator, reading.denominator, reading.error) == (Decimal(285), Decimal(300), "")


@pytest.mark.parametrize(
    ("name", "typed", "said"),
    [
        (HOURS, "5.5家", "单位“家”与目标单位“小时”不符"),
        (COUNT, "很多", "不是数值"),
        (COUNT, "45O", "不是数值"),
        (COUNT, "285/300", "不是比率"),
        (RATE, "285/0", "分母为0"),
        (RATE, "≥95%", "不带比较符"),
        (RULES, "还行", "不是评定等级"),
        (COUNT, "达成", "这是定量指标"),
        (NONE, "1", "不适用"),
    ],
)
def test_a_cell_that_cannot_be_read_says_what_was_read_and_what_was_expected(
    project: Project, name: str, typed: str, said: str
) -> None:
    reading = read_value_cell(indicator(project, name), typed)
    assert said in reading.error
    assert f"“{typed}”" in reading.error


# --- the grid ---------------------------------------------------------------------------------------------


def test_the_grid_lists_every_annual_indicator_with_its_typed_target_and_status(
    project: Project, suzhou_viewer: User
) -> None:
    response = signed_in(suzhou_viewer).get(grid(project))

    assert response.status_code == 200
    html = response.content.decode()
    for name in (COUNT, RATE, HOURS, RULES, NONE):
        assert name in html
    assert "≥40,000家" in html
    assert "≤6小时" in html
    assert "7月完成情况" in html
    assert "未填报" in html
    assert 'name="value-' not in html  # a viewer reads, never edits
    assert 'data-testid="save"' not in html


def test_an_officer_saves_a_pasted_block_in_one_post_with_units_counts_and_a_grade(
    project: Project, suzhou_editor: User
) -> None:
    client = saved_block(project, suzhou_editor)

    assert stored(project, COUNT).value == Decimal(42000)
    rate = stored(project, RATE)
    assert (rate.numerator, rate.denominator, rate.value) == (Decimal(285), Decimal(300), Decimal(95))
    assert stored(project, HOURS).value == Decimal("5.5")
    rules = stored(project, RULES)
    assert (rules.grade, rules.status) == ("达成", "draft")
    html = client.get(grid(project)).content.decode()
    assert "285/300 = 95.00%" in html
    assert "已保存4项完成情况" in html
    assert AuditEvent.objects.unrestricted().filter(action="result.created").count() == 4


def test_one_bad_cell_saves_nothing_and_says_where_what_was_read_and_what_was_expected(
    project: Project, suzhou_editor: User
) -> None:
    response = signed_in(suzhou_editor).post(
        grid(project),
        cells(
            project, value_count="4.2万家", value_hours="5.5家", value_rules="挺好", narrative_rules="说明"
        ),
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "第3行“应急事件处置时限”：读到“5.5家”，单位“家”与目标单位“小时”不符" in html
    assert "第4行“经费支出合规性”：读到“挺好”，不是评定等级；应为等级之一：达成" in html
    assert 'value="4.2万家"' in html  # what was typed stays in its cell
    assert not PeriodResult.objects.unrestricted().exists()


def test_a_refusal_of_the_action_for_one_row_rolls_back_the_whole_block(
    project: Project, suzhou_editor: User
) -> None:
    with pytest.raises(ResultBatchError) as refused:
        do_record_results(
            [
                ResultEntry(1, indicator(project, COUNT), JULY, value=Decimal(42000)),
                ResultEntry(2, indicator(project, RULES), JULY, grade="达成", narrative=""),
            ],
            acting_user=suzhou_editor,
        )
    assert list(refused.value.errors) == [2]
    assert "须填写完成情况说明" in refused.value.errors[2]
    assert not PeriodResult.objects.unrestricted().exists()


def test_counts_that_do_not_give_the_value_beside_them_are_refused(project: Project) -> None:
    with pytest.raises(ValidationError, match="不符"):
        do_record_result(
            indicator(project, RATE),
            JULY,
            value=Decimal(90),
            numerator=Decimal(285),
            denominator=Decimal(300),
            acting_user=SYSTEM,
        )


def test_a_qualitative_row_needs_its_narrative_and_a_cleared_cell_is_refused(
    project: Project, suzhou_editor: User
) -> None:
    saved_block(project, suzhou_editor)
    response = signed_in(suzhou_editor).post(
        grid(project), cells(project, value_count="", value_rules="部分达成", narrative_rules="")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "第1行“监测网站数量”：完成值已填报，不能清空" in html
    assert "第4行“经费支出合规性”：定性指标须填写完成情况说明" in html
    assert stored(project, RULES).grade == "达成"


def test_an_unknown_period_is_a_404(project: Project, suzhou_editor: User) -> None:
    client = signed_in(suzhou_editor)
    for slug in ("month-13", "week-1", "quarter-0", "month-x"):
        assert client.get(grid(project, slug)).status_code == 404
    assert client.get(grid(project, "year")).status_code == 200
    assert client.get(grid(project, "half-2")).status_code == 200


def test_a_locked_period_says_why_and_takes_no_input(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    do_lock_period(project, Period.half(2), acting_user=suzhou_reviewer, reason="下半年已审核")
    client = signed_in(suzhou_editor)
    html = client.get(grid(project)).content.decode()
    assert "下半年已锁定" in html
    assert "下半年已审核" in html
    assert 'name="value-' not in html
    response = client.post(grid(project), cells(project, value_count="1"))
    assert response.status_code == 409
    assert not PeriodResult.objects.unrestricted().exists()


# --- submit, approve, return ------------------------------------------------------------------------------


def test_submit_approve_one_return_another_with_a_reason_then_fix_and_resubmit(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    saved_block(project, suzhou_editor)
    officer, reviewer = signed_in(suzhou_editor), signed_in(suzhou_reviewer)
    count, hours = stored(project, COUNT), stored(project, HOURS)

    response = officer.post(f"{grid(project)}submit/", {"result": [count.pk, hours.pk]})
    assert response.status_code == 302
    assert stored(project, COUNT).status == "submitted"
    assert stored(project, RATE).status == "draft"  # only the selected ones

    page = reviewer.get(grid(project)).content.decode()
    assert "审核通过" in page
    assert reviewer.post(f"/results/{count.pk}/review/", {"decision": "approve"}).status_code == 302
    refused = reviewer.post(f"/results/{hours.pk}/review/", {"decision": "return", "reason": ""}, follow=True)
    assert "退回必须填写原因" in refused.content.decode()
    assert stored(project, HOURS).status == "submitted"
    reviewer.post(
        f"/results/{hours.pk}/review/", {"decision": "return", "reason": "请附处置记录，时限按小时填"}
    )
    assert stored(project, COUNT).status == "approved"
    assert (stored(project, HOURS).status, stored(project, HOURS).return_reason) == (
        "returned",
        "请附处置记录，时限按小时填",
    )

    html = officer.get(grid(project)).content.decode()
    assert "退回原因：请附处置记录，时限按小时填" in html
    officer.post(grid(project), cells(project, value_hours="4.5小时"))
    assert (stored(project, HOURS).status, stored(project, HOURS).value) == ("draft", Decimal("4.5"))
    officer.post(f"{grid(project)}submit/", {"result": [hours.pk]})
    reviewer.post(f"/results/{hours.pk}/review/", {"decision": "approve"})
    assert stored(project, HOURS).status == "approved"


def test_submitting_without_a_selection_submits_every_open_result(
    project: Project, suzhou_editor: User
) -> None:
    saved_block(project, suzhou_editor)
    signed_in(suzhou_editor).post(f"{grid(project)}submit/")
    assert set(
        PeriodResult.objects.unrestricted()
        .filter(indicator__project=project)
        .values_list("status", flat=True)
    ) == {"submitted"}


def test_who_entered_or_submitted_a_result_cannot_approve_it(
    project: Project, suzhou: Unit, suzhou_editor: User
) -> None:
    both = member("suzhou_both", suzhou, RoleChoices.EDITOR)
    do_grant_membership(both, suzhou, RoleChoices.REVIEWER, acting_user=SYSTEM, reason="测试")
    client = signed_in(both)
    client.post(grid(project), cells(project, value_count="42000"))
    result = stored(project, COUNT)
    client.post(f"{grid(project)}submit/")

    page = client.get(grid(project)).content.decode()
    assert "本人填报或提交，须由他人审核" in page
    answer = client.post(f"/results/{result.pk}/review/", {"decision": "approve"}, follow=True)
    assert "不能由本人审核通过" in answer.content.decode()
    assert stored(project, COUNT).status == "submitted"
    assert "TO_REVIEW" not in by_step(both)  # the inbox does not offer it either


# --- evidence ---------------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_two_evidence_files_are_uploaded_by_htmx_listed_downloaded_and_removed_before_submit(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    saved_block(project, suzhou_editor)
    result = stored(project, COUNT)
    client = signed_in(suzhou_editor)

    answer = client.post(
        f"/results/{result.pk}/evidence/",
        {
            "file": [
                upload("监测报告.pdf", PDF, "application/pdf"),
                upload("说明.txt", "会议纪要".encode(), "text/plain"),
            ]
        },
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith('<div class="evidence-cell"')  # the cell alone, for htmx to swap
    assert "监测报告.pdf" in html
    assert "说明.txt" in html
    assert "suzhou_editor" in html
    assert "2 份" in html
    files = list(Evidence.objects.unrestricted().filter(result=result).order_by("pk"))
    assert [f.original_name for f in files] == ["监测报告.pdf", "说明.txt"]

    download = signed_in(suzhou_reviewer).get(f"/evidence/{files[0].pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    refused = client.post(
        f"/results/{result.pk}/evidence/",
        {"file": upload("伪装.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        headers={"HX-Request": "true"},
    )
    assert "佐证材料“伪装.pdf”的内容不是.pdf文件" in refused.content.decode()
    assert Evidence.objects.unrestricted().filter(result=result).count() == 2

    removed = client.post(f"/evidence/{files[1].pk}/remove/", headers={"HX-Request": "true"})
    assert "说明.txt" not in removed.content.decode()
    assert list(Evidence.objects.unrestricted().filter(result=result)) == [files[0]]
    assert AuditEvent.objects.unrestricted().filter(action="evidence.removed").count() == 1

    do_submit_result(result, acting_user=suzhou_editor)
    with pytest.raises(ValidationError, match="已提交"):
        do_remove_evidence(files[0], acting_user=suzhou_editor)
    assert client.post(f"/evidence/{files[0].pk}/remove/").status_code == 302
    assert Evidence.objects.unrestricted().filter(pk=files[0].pk).exists()


# --- who may do what --------------------------------------------------------------------------------------


def test_changes_answer_403_to_those_who_may_only_read_and_404_to_foreign_units(
    project: Project, suzhou_editor: User, suzhou_viewer: User, suzhou_reviewer: User, shunping_editor: User
) -> None:
    saved_block(project, suzhou_editor)
    result = stored(project, COUNT)
    evidence = signed_in(suzhou_editor).post(
        f"/results/{result.pk}/evidence/", {"file": upload("a.pdf", PDF, "application/pdf")}
    )
    assert evidence.status_code == 302
    item = Evidence.objects.unrestricted().get(result=result)

    viewer, reviewer, foreign = (
        signed_in(suzhou_viewer),
        signed_in(suzhou_reviewer),
        signed_in(shunping_editor),
    )
    posts = [
        (grid(project), cells(project, value_count="1")),
        (f"{grid(project)}submit/", {}),
        (f"/results/{result.pk}/evidence/", {"file": upload("b.pdf", PDF, "application/pdf")}),
        (f"/evidence/{item.pk}/remove/", {}),
    ]
    for url, data in posts:
        assert viewer.post(url, data).status_code == 403, url
        assert reviewer.post(url, data).status_code == 403, url
        assert foreign.post(url, data).status_code == 404, url
    assert (
        signed_in(suzhou_editor).post(f"/results/{result.pk}/review/", {"decision": "approve"}).status_code
        == 403
    )
    assert foreign.post(f"/results/{result.pk}/review/", {"decision": "approve"}).status_code == 404
    assert foreign.get(grid(project)).status_code == 404
    assert stored(project, COUNT).value == Decimal(42000)
    assert Evidence.objects.unrestricted().count() == 1


def test_the_project_page_links_to_each_period_and_the_spending_page(
    project: Project, suzhou_editor: User
) -> None:
    saved_block(project, suzhou_editor)
    html = signed_in(suzhou_editor).get(f"/projects/{project.pk}/").content.decode()
    assert f'href="{grid(project)}"' in html
    assert f'href="{grid(project, "year-1")}"' in html
    assert f'href="/projects/{project.pk}/spending/"' in html


# --- the inbox --------------------------------------------------------------------------------------------


def by_step(person: User) -> dict[str, list[inbox.InboxItem]]:
    found: dict[str, list[inbox.InboxItem]] = {}
    for item in inbox.items_for(person):
        found.setdefault(item.step.name, []).append(item)
    return found


def test_the_current_period_and_its_deadline() -> None:
    today = timezone.localdate().replace(month=8, day=1)
    assert current_period(today.year, today) == Period.month(7)
    assert current_period(today.year - 1, today) == Period.year()
    assert current_period(today.year + 1, today) is None
    assert current_period(today.year, today.replace(month=1)) is None
    assert fill_deadline(2026, Period.month(7)) == timezone.datetime(2026, 8, 10).date()
    assert fill_deadline(2026, Period.year()) == timezone.datetime(2027, 1, 10).date()


def test_the_inbox_lists_results_to_fill_submit_review_and_returned_ones(
    project: Project,
    suzhou_editor: User,
    suzhou_reviewer: User,
    suzhou_viewer: User,
    shunping_editor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    year = timezone.localdate().year
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: timezone.datetime(year, 8, 20).date())
    to_fill = by_step(suzhou_editor)["TO_FILL"]
    assert [(i.what, i.subject) for i in to_fill] == [("填报7月完成情况（4项未填）", project.name)]
    assert to_fill[0].url == grid(project)
    assert to_fill[0].overdue_days(timezone.datetime(year, 8, 20).date()) == 10

    saved_block(project, suzhou_editor)
    steps = by_step(suzhou_editor)
    assert "TO_FILL" not in steps
    assert [i.what for i in steps["TO_SUBMIT"]] == ["送审7月完成情况（4项）"]
    assert "TO_REVIEW" not in by_step(suzhou_reviewer)

    signed_in(suzhou_editor).post(f"{grid(project)}submit/")
    assert [i.what for i in by_step(suzhou_reviewer)["TO_REVIEW"]] == ["审核7月完成情况（4项）"]
    assert "TO_REVIEW" not in by_step(suzhou_editor)  # an editor does not review

    hours = stored(project, HOURS)
    signed_in(suzhou_reviewer).post(
        f"/results/{hours.pk}/review/", {"decision": "return", "reason": "请附记录"}
    )
    returned = by_step(suzhou_editor)["RETURNED"]
    assert [(i.what, i.reason) for i in returned] == [
        ("修改被退回的7月完成情况：应急事件处置时限", "请附记录")
    ]
    assert inbox.items_for(suzhou_editor)[0].step is inbox.Step.RETURNED  # returned first
    assert by_step(suzhou_viewer) == {}
    assert by_step(shunping_editor) == {}


def test_the_grid_and_spending_pages_hold_to_the_content_policy_and_say_no_code(
    project: Project, suzhou_editor: User
) -> None:
    client = saved_block(project, suzhou_editor)
    result = stored(project, COUNT)
    client.post(f"/results/{result.pk}/evidence/", {"file": upload("a.pdf", PDF, "application/pdf")})
    pages = [
        client.get(grid(project)).content.decode(),
        client.post(grid(project), cells(project, value_hours="5.5家")).content.decode(),
        client.post(f"/results/{result.pk}/evidence/", headers={"HX-Request": "true"}).content.decode(),
        client.get(f"/projects/{project.pk}/spending/").content.decode(),
    ]
    for html in pages:
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r"\son[a-z]+\s*=", html)
        assert not re.search(r'(src|href)="(https?:)?//', html)
        words = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", html, flags=re.S))
        for code in ("None", "draft", "submitted", "approved", "returned", "fiscal", "payment", "month-7"):
            assert not re.search(rf"(?<![A-Za-z_-]){code}(?![A-Za-z_-])", words), code
    assert "请选择要上传的文件" in pages[2]


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/").replace("CT", "[Content_Types].xml"), content)
    return buffer.getvalue()


def test_a_word_or_excel_file_is_checked_for_its_parts_not_only_for_being_a_zip(
    project: Project, suzhou_editor: User
) -> None:
    saved_block(project, suzhou_editor)
    result = stored(project, COUNT)
    client = signed_in(suzhou_editor)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = io.BytesIO()
    DocxDocument().save(document)
    tries = [
        ("照片包.docx", _zip(**{"a.jpg": b"x"}), "缺少word/document.xml"),
        ("表格.docx", _zip(CT=b"<Types/>", xl__workbook_xml=b"<workbook/>"), "缺少word/document.xml"),
        ("截断.docx", _zip(CT=b"<Types/>", word__document_xml=b"<w/>")[:30], "压缩包损坏或被截断"),
    ]
    for name, content, said in tries:
        answer = client.post(
            f"/results/{result.pk}/evidence/",
            {"file": upload(name, content, docx)},
            headers={"HX-Request": "true"},
        )
        assert said in answer.content.decode(), name
    assert not Evidence.objects.unrestricted().exists()
    accepted = client.post(
        f"/results/{result.pk}/evidence/",
        {"file": upload("工作总结.docx", document.getvalue(), docx)},
        headers={"HX-Request": "true"},
    )
    assert "工作总结.docx" in accepted.content.decode()
    assert Evidence.objects.unrestricted().get().content_type == docx


def test_submitting_several_keeps_nothing_when_one_is_refused(
    project: Project, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    july = do_record_result(indicator(project, COUNT), JULY, value=Decimal(1), acting_user=suzhou_editor)
    august = do_record_result(
        indicator(project, COUNT), Period.month(8), value=Decimal(2), acting_user=suzhou_editor
    )
    do_lock_period(project, Period.month(8), acting_user=suzhou_reviewer, reason="8月已核对")

    with pytest.raises(ResultBatchError) as refused:
        do_submit_results([july, august], acting_user=suzhou_editor)

    assert list(refused.value.errors) == [august.pk]
    assert "8月已锁定" in refused.value.errors[august.pk]
    assert set(PeriodResult.objects.unrestricted().values_list("status", flat=True)) == {"draft"}


def test_a_reviewer_approves_every_submitted_result_at_once_except_their_own(
    project: Project, suzhou: Unit, suzhou_editor: User, suzhou_reviewer: User
) -> None:
    client = saved_block(project, suzhou_editor)
    client.post(f"{grid(project)}submit/")
    reviewer = signed_in(suzhou_reviewer)
    assert 'data-testid="approve-all"' in reviewer.get(grid(project)).content.decode()

    assert reviewer.post(f"{grid(project)}approve/").status_code == 302
    assert set(
        PeriodResult.objects.unrestricted()
        .filter(indicator__project=project)
        .values_list("status", flat=True)
    ) == {"approved"}
    assert signed_in(suzhou_editor).post(f"{grid(project)}approve/").status_code == 403

    both = member("suzhou_both", suzhou, RoleChoices.EDITOR)
    do_grant_membership(both, suzhou, RoleChoices.REVIEWER, acting_user=SYSTEM, reason="测试")
    mine = signed_in(both)
    mine.post(grid(project, "month-8"), cells(project, value_count="1"))
    mine.post(f"{grid(project, 'month-8')}submit/")
    answer = mine.post(f"{grid(project, 'month-8')}approve/", follow=True)
    assert "没有待您审核的完成情况" in answer.content.decode()
    assert stored(project, COUNT, Period.month(8)).status == "submitted"


def test_a_rate_entered_as_counts_can_be_replaced_by_its_percentage(
    project: Project, suzhou_editor: User
) -> None:
    client = saved_block(project, suzhou_editor)
    assert client.post(grid(project), cells(project, value_rate="95%")).status_code == 302
    rate = stored(project, RATE)
    assert (rate.numerator, rate.denominator, rate.value) == (None, None, Decimal(95))
    client.post(grid(project), cells(project, value_rate="57/60"))
    rate = stored(project, RATE)
    assert (rate.numerator, rate.denominator, rate.value) == (Decimal(57), Decimal(60), Decimal(95))
