"""Writers of the official tables (.xlsx) and of the self-evaluation report (.docx, .pdf). Pure: they take
domain objects (``FormDocument``, ``Evaluation``, ``MonitoringTable``) and a path, and touch no database.

``reports.xlsx``: ``write_target_table``, ``write_monitoring_table``, ``write_selfeval_table``;
``reports.docx`` and ``reports.pdf``: ``write_selfeval_report``. Import them from their modules: each pulls
in its own library (openpyxl, python-docx, reportlab) only when used.
"""

from __future__ import annotations

from jixiao.reports.data import DeviationCategory, Likelihood, MonitoringRow, MonitoringTable, ReportDataError

__all__ = ["DeviationCategory", "Likelihood", "MonitoringRow", "MonitoringTable", "ReportDataError"]
