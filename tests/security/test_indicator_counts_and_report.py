"""Indicator counts over a unit's subtree and a window, and the monthly report built from the same data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pdfplumber
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from security_helpers import GIT, NO_CSP, result

from jixiao.orgs.models import Unit
from jixiao.reports.monthly import (
    write_monthly_report_docx,
    write_monthly_report_pdf,
    write_monthly_report_xlsx,
)
from jixiao.security.actions.advisories import do_create_warning, do_publish_warning
from jixiao.security.actions.findings import do_verify_fixed
from jixiao.security.actions.incidents import do_open_incident, do_resolve_incident
from jixiao.security.actions.monthly import do_generate_monthly_report, do_publish_monthly_report
from jixiao.security.actions.notices import do_create_notice, do_send_notice
from jixiao.security.models import Asset, Finding, MonthlyReport
from jixiao.security.selectors import indicator_counts, month_window
from jixiao.security.store import Probed, record_probe_results


@pytest.fixture
def month_of_work(
    office: Unit, education: Unit, health: Unit, edu_site: Asset, analyst: User
) -> tuple[dt.datetime, dt.datetime]:
    """This month: two checks, two findings, one notice, one warning. Last month: three incidents (two key, two
    late: 7 h for a key one, 30 h for an ordinary one)."""
    start, end = month_window(*_this_month())
    last_start, _ = month_window(*_last_month())
    record_probe_results(
        [Probed(edu_site, result(edu_site, findings=[GIT, NO_CSP]))], run_started=timezone.now()
    )
    record_probe_results([Probed(edu_site, result(edu_site, findings=[GIT]))], run_started=timezone.now())
    notice = do_create_notice(
        education,
        Finding.objects.unrestricted().all(),
        deadline=timezone.now() + dt.timedelta(days=5),
        acting_user=analyst,
        reason="x",
    )
    do_send_notice(notice, acting_user=analyst, reason="通报")
    do_verify_fixed(
        Finding.objects.unrestricted().get(check_name="exposure.git"), acting_user=analyst, reason="复核"
    )
    warning = do_create_warning(
        office, "预警", "内容", recipients=[education], acting_user=analyst, reason="x"
    )
    do_publish_warning(warning, acting_user=analyst, reason="发布")
    opened = last_start + dt.timedelta(days=1, hours=10)
    for hours_taken, klass, unit in ((2, "key", education), (7, "key", education), (30, "ordinary", health)):
        incident = do_open_incident(
            unit,
            f"事件{hours_taken}",
            incident_class=klass,
            opened_at=opened,
            acting_user=analyst,
            reason="x",
        )
        do_resolve_incident(
            incident,
            at=opened + dt.timedelta(hours=hours_taken),
            acting_user=analyst,
            reason="x",
        )
    return start, end


def _this_month() -> tuple[int, int]:
    now = timezone.localtime()
    return now.year, now.month


def _last_month() -> tuple[int, int]:
    year, month = _this_month()
    return (year - 1, 12) if month == 1 else (year, month - 1)


def test_it_counts_the_security_work_of_a_units_subtree_in_a_window(
    month_of_work: tuple[dt.datetime, dt.datetime], office: Unit, education: Unit, health: Unit
) -> None:
    start, end = month_of_work
    counts = indicator_counts(office, start, end)

    assert counts["assets_registered"] == 1
    assert counts["assets_monitored"] == 1
    assert counts["checks_run"] == 2
    assert counts["findings_found"] == 2
    assert (counts["notices_sent"], counts["risks_notified"]) == (1, 2)
    assert counts["warnings_issued"] == 1
    assert counts["incidents_handled"] == 0

    last = indicator_counts(office, *month_window(*_last_month()))
    assert (last["incidents_handled"], last["key_incidents_handled"], last["checks_run"]) == (3, 2, 0)
    assert last["incidents_handling_hours_max"] == Decimal("30.00")
    assert last["incidents_handling_hours_median"] == Decimal("7.00")
    assert last["key_incidents_handling_hours_median"] == Decimal("4.50")
    assert last["key_incidents_handling_hours_max"] == Decimal("7.00")
    assert last["key_incidents_sla_compliance_percent"] == Decimal("50.00")
    assert last["incidents_sla_compliance_percent"] == Decimal("33.33")
    assert last["incidents_breached"] == 2

    assert indicator_counts(health, start, end)["notices_sent"] == 0
    assert indicator_counts(health, *month_window(*_last_month()))["incidents_handled"] == 1
    assert indicator_counts(education, end, end + dt.timedelta(days=30))["checks_run"] == 0
    empty = indicator_counts(health, end, end + dt.timedelta(days=1))
    assert empty["incidents_handling_hours_median"] is None
    assert empty["incidents_sla_compliance_percent"] is None


def test_a_published_monthly_report_is_counted_and_written_as_docx_and_xlsx(
    month_of_work: tuple[dt.datetime, dt.datetime],
    office: Unit,
    analyst: User,
    education_editor: User,
    tmp_path,
) -> None:
    start, end = month_of_work
    year, month = _this_month()
    report = do_generate_monthly_report(office, year, month, acting_user=analyst, reason="月报")
    assert report.data["current"]["checks_run"] == 2
    assert report.data["findings_by_severity"]["critical"] == 1
    assert report.data["findings_by_category"] == {"exposure": 1, "headers": 1}
    assert (report.data["rectified"], report.data["rectification_percent"]) == (1, "50.00")
    assert report.data["coverage_percent"] == "100.00"
    assert report.data["previous"]["checks_run"] == 0
    assert (report.data["current"]["incidents_handled"], report.data["previous"]["incidents_handled"]) == (
        0,
        3,
    )

    assert indicator_counts(office, start, end)["monthly_reports_published"] == 0
    do_publish_monthly_report(report, acting_user=analyst, reason="发布")
    assert indicator_counts(office, start, end)["monthly_reports_published"] == 1
    assert MonthlyReport.objects.restrict(education_editor, "view").count() == 0

    docx_path = write_monthly_report_docx(report, tmp_path / "report.docx")
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert f"{year}年{month}月网络安全月报" in text
    assert "严重：1 个" in text
    cells = [c.text for row in Document(str(docx_path)).tables[0].rows for c in row.cells]
    assert cells[cells.index("执行检查（次）") + 1 : cells.index("执行检查（次）") + 4] == ["2", "0", "+2"]

    book = load_workbook(write_monthly_report_xlsx(report, tmp_path / "report.xlsx"))
    rows = {r[0]: r[1:] for r in book["主要指标"].iter_rows(min_row=3, values_only=True)}
    assert rows["发出通报（份）"][:3] == ("1", "0", "+1")


def test_the_monthly_report_pdf_says_the_month_and_embeds_the_chinese_font(
    month_of_work: tuple[dt.datetime, dt.datetime], office: Unit, analyst: User, tmp_path
) -> None:
    year, month = _this_month()
    report = do_generate_monthly_report(office, year, month, acting_user=analyst, reason="月报")

    path = write_monthly_report_pdf(report, tmp_path / "report.pdf")

    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
        embedded = _embedded_font_names(pdf)
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
    assert f"{year}年{month}月网络安全月报" in text
    assert "严重：1 个" in text
    assert ["执行检查（次）", "2", "0", "+2"] in rows  # the same figures as the docx table
    assert fonts
    assert all("WenQuanYi" in name for name in fonts)
    assert any("WenQuanYi" in name for name in embedded)


def _embedded_font_names(pdf: pdfplumber.PDF) -> set[str]:
    """Base names of the fonts that carry their own outlines (a FontFile2 stream: embedded TrueType)."""
    from pdfminer.pdftypes import resolve1

    names: set[str] = set()
    for page in pdf.pages:
        resources = resolve1(page.page_obj.resources) or {}
        for font in (resolve1(resources.get("Font")) or {}).values():
            font = resolve1(font)
            descriptor = resolve1(font.get("FontDescriptor"))
            if descriptor and any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3")):
                names.add(str(resolve1(font.get("BaseFont"))))
    return names
