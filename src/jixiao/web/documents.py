"""One document of one project, written by the existing report writers into a temporary folder and answered
as an attachment: 目标表, 运行监控表, 自评表 (xlsx) and 自评报告 (docx, pdf)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from jixiao.performance.actions.monitoring import build_monitoring_snapshot
from jixiao.performance.documents import document_prefix, monitoring_table, selfeval_documents, target_form
from jixiao.performance.models import Project


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    title: str
    file_name: str
    content_type: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"

KINDS: dict[str, DocumentKind] = {
    k.slug: k
    for k in (
        DocumentKind("target-xlsx", "绩效目标表", "绩效目标表.xlsx", XLSX),
        DocumentKind("monitoring-xlsx", "绩效运行监控表", "绩效运行监控表.xlsx", XLSX),
        DocumentKind("selfeval-xlsx", "绩效自评表", "项目支出绩效自评表.xlsx", XLSX),
        DocumentKind("selfeval-docx", "绩效自评报告（Word）", "绩效自评报告.docx", DOCX),
        DocumentKind("selfeval-pdf", "绩效自评报告（PDF）", "绩效自评报告.pdf", PDF),
    )
}


def write(project: Project, kind: DocumentKind, out_dir: Path) -> Path:
    """Write one document of ``project`` (the caller has checked that the reader may see it)."""
    from jixiao.reports import docx, pdf, xlsx

    path = out_dir / f"{document_prefix(project)}_{kind.file_name}"
    if kind.slug == "target-xlsx":
        return xlsx.write_target_table(target_form(project), path)
    if kind.slug == "monitoring-xlsx":
        return xlsx.write_monitoring_table(monitoring_table(build_monitoring_snapshot(project)), path)
    form, evaluation, texts = selfeval_documents(project)
    if kind.slug == "selfeval-xlsx":
        return xlsx.write_selfeval_table(
            form, evaluation, path, problems=texts["problems"], improvements=texts["improvements"]
        )
    if kind.slug == "selfeval-docx":
        return docx.write_selfeval_report(form, evaluation, path, **texts)
    return pdf.write_selfeval_report(form, evaluation, path, **texts)


def render(project: Project, kind: DocumentKind) -> tuple[str, bytes]:
    """The file name and the bytes of one document."""
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        path = write(project, kind, Path(tmp))
        return path.name, path.read_bytes()
