"""The monthly security report's writers (``reports.monthly``) on figures as the security app stores them:
each indicator beside last month's, the change signed, a figure that does not exist shown as a dash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from openpyxl import load_workbook

from jixiao.reports.monthly import TREND_KEYS, write_monthly_report_docx, write_monthly_report_xlsx
from jixiao.security.models import MonthlyReport


def figures() -> dict[str, Any]:
    current = {key: 0 for key, _ in TREND_KEYS} | {"checks_run": 120, "notices_sent": 1}
    previous = {key: 0 for key, _ in TREND_KEYS} | {"checks_run": 150, "notices_sent": 1}
    current["incidents_sla_compliance_percent"] = "100.00"
    previous["incidents_sla_compliance_percent"] = None  # no incident last month: no rate
    return {
        "unit": "市委网信办",
        "year": 2026,
        "month": 11,
        "coverage_percent": "95.50",
        "findings_by_severity": {"critical": 2, "high": 0, "medium": 1, "low": 0, "info": 0},
        "findings_by_category": {"exposure": 2, "headers": 1},
        "rectified": 1,
        "rectification_percent": None,
        "current": current,
        "previous": previous,
    }


def test_it_writes_the_trend_table_with_signed_changes_and_dashes_for_what_does_not_exist(
    tmp_path: Path,
) -> None:
    report = MonthlyReport(year=2026, month=11, data=figures())  # the writers read only the stored figures

    document = Document(str(write_monthly_report_docx(report, tmp_path / "m.docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "市委网信办 2026年11月网络安全月报" in text
    assert "本月监测覆盖率 95.50%，通报问题整改率 —%" in text
    assert "严重：2 个" in text
    assert "exposure：2 个" in text
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["指标", "本月", "上月", "变化"]
    assert ["执行检查（次）", "120", "150", "-30"] in cells
    assert ["发出通报（份）", "1", "1", "0"] in cells
    assert ["事件按时处置率（%）", "100.00", "—", "—"] in cells

    book = load_workbook(write_monthly_report_xlsx(report, tmp_path / "m.xlsx"))
    rows = [list(r) for r in book["主要指标"].iter_rows(values_only=True)]
    assert ["执行检查（次）", "120", "150", "-30"] in rows
    assert ["监测覆盖率（%）", "95.50", None, None] in rows
    counts = [list(r) for r in book["新发现问题"].iter_rows(values_only=True)]
    assert ["严重", 2] in counts
    assert ["headers", 1] in counts
