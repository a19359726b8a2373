"""``/reports/all.zip``: every document of every project the person may see, one folder per unit, each file
readable (openpyxl, python-docx, the PDF's text), and nothing of a foreign unit."""

from __future__ import annotations

import zipfile
from io import BytesIO
from urllib.parse import unquote

import pdfplumber
import pytest
from django.test import Client, override_settings
from docx import Document
from openpyxl import load_workbook
from web_helpers import World, user

from jixiao.performance.documents import document_plan
from jixiao.performance.models import Evaluation, Project

pytestmark = pytest.mark.django_db


def download(username: str) -> tuple[object, zipfile.ZipFile]:
    client = Client()
    client.force_login(user(username))
    response = client.get("/reports/all.zip")
    assert response.status_code == 200
    assert response.streaming
    data = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(BytesIO(data))


def read_back(archive: zipfile.ZipFile, name: str) -> str:
    """The text of one member, read by the library its type calls for."""
    data = BytesIO(archive.read(name))
    if name.endswith(".xlsx"):
        book = load_workbook(data)
        return "".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)
    if name.endswith(".docx"):
        return "".join(p.text for p in Document(data).paragraphs)
    if name.endswith(".pdf"):
        with pdfplumber.open(data) as pdf:
            return "".join(page.extract_text() or "" for page in pdf.pages)
    return data.getvalue().decode()


def test_finance_gets_every_project_of_both_units_and_every_file_reads_back(world: World) -> None:
    response, archive = download("finance")
    disposition = response["Content-Disposition"]  # type: ignore[index]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" in disposition
    assert "绩效报表_" in unquote(disposition)
    names = archive.namelist()
    folders = {n.split("/")[0] for n in names if "/" in n}
    assert folders == {world.suzhou_project.unit.name, world.shunping_project.unit.name}
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        projects = list(Project.objects.unrestricted().select_related("unit"))
        for project in projects:
            plan = document_plan(project)
            has_evaluation = Evaluation.objects.unrestricted().filter(project=project).exists()
            mine = [n for n in names if n.startswith(f"{project.unit.name}/") and project.name[:10] in n]
            assert mine, project.name
            if "selfeval" in plan.kinds:
                assert any(n.endswith("项目支出绩效自评表.xlsx") for n in mine)
                assert any(n.endswith("绩效自评报告.pdf") for n in mine)
            elif project.kind == "target":
                assert not has_evaluation
                assert not any("自评" in n for n in mine)
    for name in names:
        text = read_back(archive, name)
        assert text.strip(), name
    target_tables = [n for n in names if n.endswith("_绩效目标表.xlsx")]
    assert any(world.suzhou_project.name[:8] in read_back(archive, n) for n in target_tables)
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert pdfs
    assert all("绩效自评" in read_back(archive, n) or "自评" in read_back(archive, n) for n in pdfs)


def test_an_office_gets_only_its_own_projects(world: World) -> None:
    _, archive = download("shunping_officer")
    names = archive.namelist()
    assert names
    assert {n.split("/")[0] for n in names if "/" in n} == {world.shunping_project.unit.name}
    assert not any(world.suzhou_project.unit.name in n for n in names)
    for name in names:
        assert world.suzhou_project.name not in read_back(archive, name)


def test_signed_out_is_sent_to_sign_in(world: World) -> None:
    response = Client().get("/reports/all.zip")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
