"""The pages as people use them: home, the project list with its filters and export, the project page, the
reports and evidence downloads; every one in Chinese, without codes, and only with what the reader may see."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook
from web_helpers import World, user

from jixiao.performance.models import Project

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def text_of(html: str) -> str:
    """What a person reads: the page without tags, scripts' data and attributes."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_readable(html: str) -> None:
    """No None, no JSON, no English status or kind codes in what the page says."""
    words = text_of(html)
    for code in ("None", "null", "approved", "submitted", "draft", "target", "annual", "quantitative", '{"'):
        assert not re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", words), code


def test_home_shows_lights_tiles_and_the_execution_chart_with_its_table(world: World) -> None:
    response = signed_in("suzhou_officer").get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert_readable(html)
    assert "王敏" in html
    assert "中共宿州市委网络安全和信息化委员会办公室" in html
    assert world.suzhou_project.name in html
    assert world.shunping_project.name not in html
    assert 'data-chart="execution"' in html
    assert 'id="execution-data"' in html
    assert 'data-testid="execution-table"' in html
    assert re.search(r'class="light light-(red|yellow|green|blue)"', html)
    assert re.search(r"[红黄绿蓝]灯", text_of(html))


def test_the_project_list_filters_searches_sorts_and_exports_what_it_shows(world: World) -> None:
    client = signed_in("finance")
    everything = client.get("/projects/")
    assert everything.status_code == 200
    assert world.suzhou_project.name in everything.content.decode()
    assert world.shunping_project.name in everything.content.decode()

    only_suzhou = client.get("/projects/", {"unit": world.suzhou_project.unit_id, "sort": "-budget"})
    html = only_suzhou.content.decode()
    assert world.suzhou_project.name in html
    assert world.shunping_project.name not in html
    assert_readable(html)

    searched = client.get("/projects/", {"q": "办公专项"}).content.decode()
    assert "网络信息办公专项经费" in searched
    assert world.suzhou_project.name not in searched

    export = client.get(
        "/projects/", {"unit": world.suzhou_project.unit_id, "sort": "name", "export": "xlsx"}
    )
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("项目名称", "单位", "年度")
    names = [row[0] for row in rows[1:]]
    expected = sorted(Project.objects.filter(unit=world.suzhou_project.unit).values_list("name", flat=True))
    assert names == expected


def test_the_list_answers_htmx_with_the_table_alone(world: World) -> None:
    response = signed_in("suzhou_officer").get("/projects/", {"kind": "target"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html


def test_the_project_page_shows_funds_indicators_findings_results_scores_documents_and_history(
    world: World,
) -> None:
    project = world.suzhou_project
    response = signed_in("suzhou_reviewer").get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert_readable(html)
    for section in ("项目资金（万元）", "绩效指标与审核意见", "各期完成情况", "自评得分", "文档", "历史记录"):
        assert section in html
    assert 'data-testid="indicators"' in html
    assert "导入创建项目" in html
    assert "系统" in html
    assert f"/reports/{project.pk}/selfeval-pdf/" in html
    assert f"/evidence/{world.suzhou_evidence.pk}/" in html


def test_money_on_the_project_page_is_in_wan_yuan_with_thousands_separators(world: World) -> None:
    project = world.suzhou_project
    funds = project.funds.filter(horizon="annual").first()
    assert funds is not None
    assert funds.total is not None

    html = signed_in("suzhou_officer").get(f"/projects/{project.pk}/").content.decode()

    wan = f"{funds.total / 10000:,.2f}"
    assert wan in html


@pytest.mark.parametrize(
    ("kind", "content_type", "suffix"),
    [
        ("target-xlsx", "spreadsheetml", ".xlsx"),
        ("monitoring-xlsx", "spreadsheetml", ".xlsx"),
        ("selfeval-xlsx", "spreadsheetml", ".xlsx"),
        ("selfeval-docx", "wordprocessingml", ".docx"),
        ("selfeval-pdf", "application/pdf", ".pdf"),
    ],
)
def test_reports_download_as_attachments(world: World, kind: str, content_type: str, suffix: str) -> None:
    project = world.suzhou_project
    response = signed_in("suzhou_officer").get(f"/reports/{project.pk}/{kind}/")

    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert suffix in disposition
    assert len(response.content) > 1000


def test_an_unknown_document_kind_is_a_chinese_404(world: World) -> None:
    response = signed_in("suzhou_officer").get(f"/reports/{world.suzhou_project.pk}/budget-zip/")

    assert response.status_code == 404
    assert "没有这种文档" in response.content.decode()


def test_evidence_downloads_as_an_attachment_with_its_name(world: World) -> None:
    response = signed_in("suzhou_head").get(f"/evidence/{world.suzhou_evidence.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == "佐证材料：会议纪要\n".encode()  # type: ignore[attr-defined]


def test_the_reports_page_lists_only_visible_projects_with_their_downloads(world: World) -> None:
    html = signed_in("shunping_officer").get("/reports/").content.decode()

    assert world.shunping_project.name in html
    assert world.suzhou_project.name not in html
    assert f"/reports/{world.shunping_project.pk}/target-xlsx/" in html
