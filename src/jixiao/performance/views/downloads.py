"""``/reports/all.zip``: 目标表, 运行监控表, 自评表 (xlsx) and 自评报告 (docx, pdf) of every project the person
may see, one folder per unit, streamed: each project's files are written into a temporary folder, added to
the archive and deleted before the next project, so the answer never holds more than one project's files."""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jixiao.performance.documents import document_plan, write_project_documents
from jixiao.performance.models import Project
from jixiao.reports.data import ReportDataError
from jixiao.reports.fonts import FontNotFoundError
from jixiao.web.export import attachment

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_NOT_WRITTEN = "未能生成的文档.txt"


class _Pipe:
    """A write-only file whose bytes the generator hands out as they come (zipfile writes data descriptors
    when the output cannot seek, so nothing is rewritten afterwards)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def folder_name(name: str) -> str:
    return _UNSAFE.sub("_", name).strip(" .") or "单位"


def stream_zip(projects: list[Project]) -> Iterator[bytes]:
    """The archive, in chunks: ``<unit>/<project>_<year>年_<document>`` for each project."""
    pipe = _Pipe()
    notes: list[str] = []
    with zipfile.ZipFile(cast(IO[bytes], pipe), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for project in projects:
            folder = folder_name(project.unit.name)
            with tempfile.TemporaryDirectory(prefix="jixiao-zip-") as tmp:
                plan = document_plan(project)
                notes.extend(plan.skipped)
                try:
                    write_project_documents(project, Path(tmp), plan=plan)
                except ReportDataError as error:
                    notes.append(f"{project.name}：{error}")
                except FontNotFoundError:
                    logger.exception("no CJK font for the PDF of project %s", project.pk)
                    notes.append(f"{project.name}：服务器缺少生成 PDF 所需的中文字体，未生成自评报告（PDF）")
                for path in sorted(Path(tmp).iterdir()):
                    archive.write(path, f"{folder}/{path.name}")
                    yield pipe.take()
        if notes:
            archive.writestr(_NOT_WRITTEN, "\n".join(notes) + "\n")
    yield pipe.take()


@require_GET
@login_required
def all_reports(request: HttpRequest) -> StreamingHttpResponse:
    user: Any = request.user
    projects = list(
        Project.objects.restrict(user, "view")
        .select_related("unit")
        .order_by("unit__path", "-year", "name", "pk")
    )
    response = StreamingHttpResponse(stream_zip(projects), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = attachment(f"绩效报表_{stamp}.zip")
    return response
