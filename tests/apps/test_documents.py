"""The official tables and the self-evaluation report written from stored projects (the demo data), and the
``reports`` command that writes them only for the projects a person may view."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import FormKind, Horizon
from jixiao.orgs.actions import do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Unit
from jixiao.performance.actions.evaluation import build_self_evaluation
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.documents import (
    document_plan,
    document_prefix,
    monitoring_table,
    selfeval_documents,
    target_form,
    write_project_documents,
)
from jixiao.performance.models import Evaluation, Indicator, MonitoringEntry, Project
from jixiao.performance.selectors import build_monitoring_snapshot
from jixiao.reports.content import decimal_text, percent_text
from jixiao.reports.data import DeviationCategory, Likelihood

SECURITY = "网络安全和信息化工作经费"
SHUNPING = "中共顺平县委网络安全和信息化委员会办公室(本级)"
FILES = (
    "绩效目标表.xlsx",
    "绩效运行监控表.xlsx",
    "项目支出绩效自评表.xlsx",
    "绩效自评报告.docx",
    "绩效自评报告.pdf",
)


@pytest.fixture
def demo(db: None, seeds_dir: Path) -> None:
    call_command("load_demo", str(seeds_dir), "--no-current-year", stdout=StringIO())


@pytest.fixture
def security(demo: None) -> Project:
    return Project.objects.unrestricted().get(name=SECURITY, kind=FormKind.TARGET)


@pytest.fixture
def written(security: Project, tmp_path: Path) -> dict[str, Path]:
    paths = write_project_documents(security, tmp_path / "out")
    return {path.name.removeprefix(f"{document_prefix(security)}_"): path for path in paths}


@pytest.fixture
def shunping_viewer(demo: None) -> User:
    user = User.objects.create_user("shunping_viewer", password="pw")
    unit = Unit.objects.unrestricted().get(name=SHUNPING)
    do_grant_membership(user, unit, RoleChoices.VIEWER, acting_user=SYSTEM, reason="test setup")
    return user


def sheet(path: Path) -> Worksheet:
    ws = openpyxl.load_workbook(path).active
    assert isinstance(ws, Worksheet)
    return ws


def texts(ws: Worksheet) -> list[str]:
    return [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value is not None]


def row_of(ws: Worksheet, column: int, value: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == value)


def stored(project: Project, horizon: str) -> list[tuple[str, str]]:
    rows = project.indicators.filter(horizon=horizon, withdrawn=False).order_by("order")
    return [(i.name, i.target_raw) for i in rows]


def run_reports(*args: str) -> list[str]:
    out = StringIO()
    call_command("reports", *args, stdout=out, stderr=StringIO())
    return out.getvalue().split()


def test_it_writes_the_five_documents_named_after_the_project_and_year(
    security: Project, written: dict[str, Path]
) -> None:
    assert document_prefix(security) == f"{SECURITY}_2023年"
    assert sorted(written) == sorted(FILES)
    assert all(path.stat().st_size > 0 for path in written.values())


def test_the_target_table_shows_the_stored_project_and_its_targets(written: dict[str, Path]) -> None:
    ws = sheet(written["绩效目标表.xlsx"])
    assert (ws["A3"].value, ws["C3"].value) == ("项目名称", SECURITY)
    assert "≥70起" in texts(ws)
    annual_total = row_of(ws, 5, "年度资金总额")
    assert Decimal(str(ws.cell(annual_total, 6).value)) == Decimal("30")  # 300000 元 stored, shown in 万元


def test_the_target_table_reads_back_into_the_stored_indicators(
    security: Project, written: dict[str, Path]
) -> None:
    (back,) = read_forms(written["绩效目标表.xlsx"])

    for horizon in (Horizon.MEDIUM_TERM, Horizon.ANNUAL):
        read = [(i.name or "", i.target.raw) for i in back.indicators if i.horizon is horizon]
        assert read == stored(security, horizon.value)
        assert len(read) == 15
    assert back.project.name == SECURITY
    assert back.funds_annual == target_form(security).funds_annual


def test_the_target_form_leaves_withdrawn_indicators_out(security: Project) -> None:
    withdrawn = security.indicators.get(horizon="annual", name="发布安全预警")
    Indicator.objects.unrestricted().filter(pk=withdrawn.pk).update(withdrawn=True)

    form = target_form(security)

    annual = [(i.name or "", i.target.raw) for i in form.indicators if i.horizon is Horizon.ANNUAL]
    assert ("发布安全预警", "≥5次") not in annual
    assert annual == stored(security, "annual")
    assert ("发布安全预警", "≥15次") in [(i.name, i.target.raw) for i in form.indicators]
    assert (form.project.unit, form.year, form.kind) == (security.unit.name, 2023, FormKind.TARGET)


def test_the_monitoring_table_shows_the_lights_of_the_snapshot(
    security: Project, written: dict[str, Path]
) -> None:
    snapshot = build_monitoring_snapshot(security)
    ws = sheet(written["绩效运行监控表.xlsx"])

    assert ws["A2"].value == "（2023年度，监控期间：1-7月）"
    assert snapshot.budget_light is not None
    assert snapshot.budget_light.colour is not None
    assert ws["G6"].value == snapshot.budget_light.colour.chinese[0]
    assert ws["E6"].value == percent_text(snapshot.rate)
    first = row_of(ws, 3, "全市网络资产监测")
    lights = [ws.cell(first + n, 11).value for n in range(len(snapshot.rows))]
    expected = [row.light.colour.chinese[0] if row.light.colour else None for row in snapshot.rows]
    assert lights == expected
    assert "绿" in lights


def test_the_monitoring_table_carries_the_figures_and_what_people_entered(security: Project) -> None:
    snapshot = build_monitoring_snapshot(security)
    table = monitoring_table(snapshot)

    assert (table.annual_budget, table.executed_to_date) == (snapshot.annual_budget, snapshot.executed)
    assert table.expected_full_year == snapshot.budget_forecast
    first, computed = table.rows[0], snapshot.rows[0]
    assert (first.level1, first.level2, first.name, first.annual_target) == (
        "产出指标",
        "数量指标",
        "全市网络资产监测",
        "≥150家",
    )
    assert isinstance(computed.actual, Decimal)
    assert first.actual_to_date == f"{decimal_text(computed.actual)}家"
    assert first.expected_full_year is not None
    assert first.expected_full_year.endswith("家（按进度推算）")
    assert first.deviation_category is DeviationCategory.FUNDING
    assert first.deviation_reason == computed.deviation_reason
    assert first.likelihood is Likelihood.POSSIBLE


def test_a_row_that_cannot_be_completed_keeps_its_corrective_measures(demo: None, tmp_path: Path) -> None:
    entry = MonitoringEntry.objects.unrestricted().get(likelihood="impossible")
    project = entry.indicator.project

    table = monitoring_table(build_monitoring_snapshot(project, entry.round.cutoff_month))

    (row,) = [r for r in table.rows if r.likelihood is Likelihood.IMPOSSIBLE]
    assert (row.name, row.corrective_action) == (entry.indicator.name, entry.corrective_measures)
    assert row.deviation_category is DeviationCategory.STAFF
    path = write_project_documents(project, tmp_path, kinds=("monitoring",))[0]
    assert entry.corrective_measures in texts(sheet(path))


def test_the_selfeval_table_total_is_the_engine_total(security: Project, written: dict[str, Path]) -> None:
    total = build_self_evaluation(security).total
    ws = sheet(written["项目支出绩效自评表.xlsx"])

    total_row = row_of(ws, 1, "总分")
    assert ws.cell(total_row, 8).value == decimal_text(total, places=2)
    assert ws["C3"].value == SECURITY
    assert "165家" in texts(ws)  # the year value with its unit, not a bare 165


def test_the_report_carries_the_total_and_the_stored_texts(
    security: Project, written: dict[str, Path]
) -> None:
    total = decimal_text(build_self_evaluation(security).total, places=2)
    conclusion = Evaluation.objects.unrestricted().get(project=security).conclusion

    body = "\n".join(p.text for p in docx.Document(str(written["绩效自评报告.docx"])).paragraphs)
    assert f"自评总分{total}分" in body
    assert conclusion in body
    with pdfplumber.open(written["绩效自评报告.pdf"]) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert SECURITY in text
    assert total in text


def test_selfeval_documents_leave_the_texts_empty_without_a_stored_evaluation(security: Project) -> None:
    form, evaluation, stored_texts = selfeval_documents(security)
    assert stored_texts["problems"] == Evaluation.objects.unrestricted().get(project=security).problems
    assert form.kind is FormKind.SELF_EVALUATION
    assert form.budget_execution is not None
    assert form.budget_execution.executed == evaluation.budget.executed

    Evaluation.objects.unrestricted().filter(project=security).delete()

    _, again, empty = selfeval_documents(security)
    assert empty == {"conclusion": None, "problems": None, "improvements": None, "review_note": None}
    assert again.total == build_self_evaluation(security).total


def test_the_command_writes_every_project_for_the_system(demo: None, tmp_path: Path) -> None:
    printed = run_reports("--all", "--out", str(tmp_path))

    assert sorted(printed) == sorted(str(p) for p in tmp_path.iterdir())
    targets = Project.objects.unrestricted().filter(kind=FormKind.TARGET).count()
    department_wide = Project.objects.unrestricted().filter(kind=FormKind.DEPARTMENT_WIDE).count()
    assert department_wide == 1
    assert len(printed) == len(FILES) * targets + department_wide
    assert str(tmp_path / f"{SECURITY}_2023年_绩效目标表.xlsx") in printed
    assert str(tmp_path / "部门整体绩效目标_年度未注明_部门整体绩效目标表.xlsx") in printed


def test_a_department_wide_form_gets_its_own_table_and_no_graded_self_evaluation(
    demo: None, tmp_path: Path
) -> None:
    department = Project.objects.unrestricted().get(kind=FormKind.DEPARTMENT_WIDE)
    err = StringIO()
    out = StringIO()
    call_command("reports", "--project", str(department.pk), "--out", str(tmp_path), stdout=out, stderr=err)

    assert [Path(p).name for p in out.getvalue().split()] == [
        "部门整体绩效目标_年度未注明_部门整体绩效目标表.xlsx"
    ]
    assert "部门整体绩效目标不出项目支出绩效自评表" in err.getvalue()
    cells = texts(sheet(tmp_path / "部门整体绩效目标_年度未注明_部门整体绩效目标表.xlsx"))
    assert "部门整体绩效目标表" in cells
    assert "分项绩效目标" in cells
    assert "工作保障措施" in cells
    assert any(c.startswith("二、提高政治站位") for c in cells)
    assert not [c for c in cells if c in {"总分", "评价结论", "得分"}]


def test_a_project_without_an_evaluation_gets_no_self_evaluation_documents(
    security: Project, tmp_path: Path
) -> None:
    Evaluation.objects.unrestricted().filter(project=security).delete()
    err = StringIO()
    out = StringIO()
    call_command("reports", "--project", str(security.pk), "--out", str(tmp_path), stdout=out, stderr=err)

    names = [Path(p).name.removeprefix(f"{document_prefix(security)}_") for p in out.getvalue().split()]
    assert names == ["绩效目标表.xlsx", "绩效运行监控表.xlsx"]
    assert "尚无绩效自评，不出自评表和自评报告" in err.getvalue()


def test_an_impossible_fund_use_is_marked_for_checking_not_printed_as_fact(
    demo: None, tmp_path: Path
) -> None:
    project = Project.objects.unrestricted().get(name="网络信息办公专项经费", kind=FormKind.TARGET)
    paths = write_project_documents(project, tmp_path, kinds=["target"])

    line = next(c for c in texts(sheet(paths[0])) if "印制网评学习资料" in c)
    printed, _, rest = line.partition("印制网评学习资料、网评典型案例等资料150000000元")
    assert rest.startswith("（待核实：资金用途各项合计150097500元，与预算数112500元不一致")
    assert "若为15000元则合计与预算数112500元一致" in rest
    assert "待核实" not in printed  # the other uses add up and are printed as they are


def test_the_command_writes_nothing_for_a_project_the_user_cannot_see(
    security: Project, shunping_viewer: User, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with pytest.raises(CommandError, match="not found or not visible"):
        run_reports("--project", str(security.pk), "--user", shunping_viewer.username, "--out", str(out))
    assert not out.exists() or not any(out.iterdir())

    printed = run_reports("--all", "--user", shunping_viewer.username, "--out", str(out))

    visible = Project.objects.restrict(shunping_viewer, "view")
    assert security not in visible
    targets = visible.filter(kind=FormKind.TARGET).count()
    assert len(printed) == len(FILES) * targets + visible.filter(kind=FormKind.DEPARTMENT_WIDE).count()
    assert targets > 0
    assert not [name for name in printed if SECURITY in name]


def test_the_command_writes_only_the_documents_asked_for(security: Project, tmp_path: Path) -> None:
    printed = run_reports("--project", str(security.pk), "--kind", "target", "--out", str(tmp_path))
    assert printed == [str(tmp_path / f"{SECURITY}_2023年_绩效目标表.xlsx")]


def test_the_command_takes_several_project_ids_after_one_flag(demo: None, tmp_path: Path) -> None:
    ids = [
        str(pk)
        for pk in Project.objects.unrestricted().filter(kind=FormKind.TARGET).values_list("pk", flat=True)[:2]
    ]

    printed = run_reports("--project", *ids, "--kind", "target", "--out", str(tmp_path))

    assert len(printed) == 2


def test_the_command_needs_projects_or_all(demo: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--project"):
        run_reports("--out", str(tmp_path))


def test_an_imported_self_evaluation_table_counts_as_an_evaluation_that_exists(
    suzhou: Unit, fixtures_dir: Path
) -> None:
    form = read_forms(fixtures_dir / "layouts" / "pipe-selfeval.txt")[0]
    form.project.unit = suzhou.name
    project = do_import_forms([form], acting_user=SYSTEM, reason="seed").created[0]

    plan = document_plan(project)

    assert (plan.kinds, plan.skipped) == (["target", "monitoring", "selfeval"], [])
    _, evaluation, texts = selfeval_documents(project)
    assert (evaluation.total, texts["review_note"]) == (Decimal("96.50"), None)
