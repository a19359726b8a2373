"""PDFs are read in a child process with a deadline and a memory limit: a PDF that would keep pdfminer busy or
make it build hundreds of megabytes of objects is refused in Chinese, naming the file and the page, within
the deadline; normal PDFs read as before, from any kind of process."""

from __future__ import annotations

import multiprocessing
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from jixiao.domain.forms.deadline import file_deadline
from jixiao.domain.forms.model import FormReadError
from jixiao.domain.forms.readers import isolated, read_grid
from jixiao.domain.forms.readers.pdf import MAX_PAGE_CONTENT_BYTES, MAX_PAGE_OPERATORS

from .test_pdf import form_pdf


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def glyph_runs_pdf(path: Path, operators: int = 39_000, width: int = 40) -> Path:
    """One page of ``operators`` text runs of ``width`` glyphs each: a 6 KB file, under the page checks made
    before pdfminer runs (fewer operators and bytes than the limits), that pdfminer turns into 1.5 million
    character objects, several seconds and hundreds of megabytes."""
    content = b"BT /F1 1 Tf " + (b"(" + b"A" * width + b") Tj ") * operators + b"ET"
    assert operators < MAX_PAGE_OPERATORS
    assert len(content) < MAX_PAGE_CONTENT_BYTES
    packed = zlib.compress(content, 9)
    path.write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
                b"/Contents 3 0 R >>",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ]
        )
    )
    return path


def test_a_pdf_stuck_inside_pdfminer_is_refused_at_the_deadline_naming_file_and_page(tmp_path: Path) -> None:
    read_grid(form_pdf(tmp_path / "form.pdf"))  # the fork server started, as in a running application
    path = glyph_runs_pdf(tmp_path / "glyphs.pdf")
    started = time.monotonic()
    with file_deadline(2.0), pytest.raises(FormReadError) as caught:
        read_grid(path)
    elapsed = time.monotonic() - started

    assert elapsed < 2.0 + isolated.PDF_GRACE_SECONDS + 2.0
    assert str(caught.value).startswith("glyphs.pdf，第1页：读取PDF超时（超过2秒）")
    assert caught.value.location is not None
    assert caught.value.location.page == 1
    assert isolated.LAST_RUN is not None
    assert isolated.LAST_RUN.outcome == "timeout"


def test_a_pdf_that_needs_more_memory_than_the_limit_is_refused_naming_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolated, "PDF_MEMORY_BYTES", 128 * 1024 * 1024)
    path = glyph_runs_pdf(tmp_path / "glyphs.pdf")
    # A budget long enough for a loaded machine: the memory limit, not the deadline, is what stops it here.
    with file_deadline(40.0), pytest.raises(FormReadError) as caught:
        read_grid(path)

    assert "读取PDF所需内存超过上限（128MB）" in str(caught.value)
    assert str(caught.value).startswith("glyphs.pdf，第1页：")
    assert isolated.LAST_RUN is not None
    assert isolated.LAST_RUN.outcome in ("memory", "killed")
    assert isolated.LAST_RUN.peak_rss_kib < 192 * 1024


def test_a_normal_pdf_reads_in_the_child_and_keeps_its_places(tmp_path: Path) -> None:
    grid = read_grid(form_pdf(tmp_path / "form.pdf"))

    assert isolated.LAST_RUN is not None
    assert isolated.LAST_RUN.outcome == "read"
    assert grid.rows[0].texts() == ["项目支出绩效目标申报表"]
    assert grid.rows[2].cells[0].location.page == 1
    assert grid.rows[-1].location.page == 2


def test_a_refusal_made_in_the_child_reaches_the_caller_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(form_pdf(tmp_path / "form.pdf").read_bytes()[:300])
    with pytest.raises(FormReadError) as caught:
        read_grid(path)

    assert str(caught.value).startswith("cut.pdf")
    assert "PDF" in caught.value.message
    assert isolated.LAST_RUN is not None
    assert isolated.LAST_RUN.outcome == "refused"


def test_a_child_killed_by_a_signal_is_a_refusal_naming_the_page() -> None:
    import signal

    error = isolated._died("a.pdf", 3, -signal.SIGKILL, 8.0)
    assert str(error).startswith("a.pdf，第3页：读取PDF所需内存超过上限")
    error = isolated._died("a.pdf", None, -signal.SIGXCPU, 8.0)
    assert str(error) == "a.pdf：读取PDF超时（超过8秒），文件过于复杂或已损坏，读到此处停止"
    error = isolated._died("a.pdf", 1, 1, 8.0)
    assert str(error).startswith("a.pdf，第1页：读取PDF时处理进程意外退出")


def _read_rows(path: str) -> int:
    return len(read_grid(Path(path)).rows)


def test_pdfs_read_from_daemonic_pool_workers_and_from_processes_forked_after_the_fork_server(
    tmp_path: Path,
) -> None:
    path = str(form_pdf(tmp_path / "form.pdf"))
    expected = _read_rows(path)  # starts this process's fork server
    fork = multiprocessing.get_context("fork")
    # A multiprocessing.Pool worker may not have children: the child is a plain subprocess there.
    with fork.Pool(1) as pool:
        assert pool.apply(_read_rows, (path,)) == expected
    # A process forked from this one inherits the fork server's state but must start its own.
    with ProcessPoolExecutor(1, mp_context=fork) as executor:
        assert executor.submit(_read_rows, path).result() == expected


def test_reading_in_process_stays_possible_for_a_debugger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolated, "PDF_IN_CHILD", False)
    monkeypatch.setattr(isolated, "LAST_RUN", None)
    grid = read_grid(form_pdf(tmp_path / "form.pdf"))

    assert grid.rows[0].texts() == ["项目支出绩效目标申报表"]
    assert isolated.LAST_RUN is None


def test_the_fork_servers_start_is_not_taken_from_the_files_budget() -> None:
    from jixiao.domain.forms.deadline import FILE_SECONDS, postpone, remaining_seconds

    with file_deadline(1.0):
        postpone(5.0)
        assert 5.0 < remaining_seconds() <= 6.0
    assert remaining_seconds() == FILE_SECONDS
    isolated.warm_up()
    assert isolated._WARM_PID is not None
