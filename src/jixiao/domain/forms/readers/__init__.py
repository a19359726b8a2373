"""Readers that turn an uploaded file into a ``Grid``, chosen by what the file is, not what it is called.

``read_grid`` is the entry point. ``sniff`` names the format from the file's first bytes; ``READERS`` maps
a format to its reader, so the text reader plugs in as ``READERS["text"] = read_text``. Every failure is a
``FormReadError`` whose message names the file (``display_name``, or the file name without its folder).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers.safety import check_file, library_errors

Reader = Callable[[Path, str], Grid]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# Acrobat accepts the header anywhere in the first kilobyte; so do we.
_PDF_WINDOW = 1024
_TEXT_SAMPLE = 256 * 1024


class UnsupportedFormat(FormReadError):
    """A file that is none of the formats a reader exists for."""


def _read_docx(path: Path, name: str) -> Grid:
    from jixiao.domain.forms.readers.docx import read_docx

    return read_docx(path, name)


def _read_xlsx(path: Path, name: str) -> Grid:
    from jixiao.domain.forms.readers.xlsx import read_xlsx

    return read_xlsx(path, name)


def _read_xls(path: Path, name: str) -> Grid:
    from jixiao.domain.forms.readers.xls import read_xls

    return read_xls(path, name)


def _read_pdf(path: Path, name: str) -> Grid:
    # In a child process with a deadline and a memory limit: pdfminer has neither.
    from jixiao.domain.forms.readers.isolated import read_pdf_isolated

    return read_pdf_isolated(path, name)


# Imported lazily: pdfplumber alone takes a noticeable part of a second to import.
READERS: dict[str, Reader] = {
    "docx": _read_docx,
    "xlsx": _read_xlsx,
    "xls": _read_xls,
    "pdf": _read_pdf,
}

_WHAT = {"docx": "Word文档", "xlsx": "Excel工作簿", "xls": "Excel工作簿", "pdf": "PDF文件"}
_DESCRIPTIONS = {
    "docx": "Word文档",
    "xlsx": "Excel工作簿",
    "xls": "Excel工作簿（.xls）",
    "pdf": "PDF文件",
    "text": "文本文件",
}


def read_grid(path: Path, *, display_name: str | None = None) -> Grid:
    """Read ``path`` into a grid with the reader its content calls for.

    Raises ``UnsupportedFormat`` for a file no reader handles and ``FormReadError`` for one that cannot be
    read; nothing else escapes, whatever the bytes.
    """
    name = display_name or path.name
    check_file(path, name)
    with library_errors(name, "文件"):
        kind = sniff(path)
    reader = READERS.get(kind)
    if reader is None:
        if kind in _DESCRIPTIONS:
            raise UnsupportedFormat(f"暂时无法读取这种{_DESCRIPTIONS[kind]}", Location(name))
        line, offset, what = _first_non_text(path)
        raise UnsupportedFormat(
            f"文件格式无法识别（第{offset + 1:,}个字节起是{what}），请上传Word（.docx）、Excel（.xlsx、.xls）、"
            "PDF或文本文件",
            Location(name, line=line),
        )
    with library_errors(name, _WHAT.get(kind, "文件")):
        return reader(path, name)


def sniff(path: Path) -> str:
    """Name the format of ``path`` from its content: docx, xlsx, xls, pdf, text or unknown.

    Text is UTF-8 or GB18030 without NUL bytes, or UTF-16 with a byte order mark.
    A zip archive whose directory cannot be read (a truncated upload) is named by its extension when that
    is .docx or .xlsx, so its reader can say what is wrong with it; otherwise it is unknown.
    """
    with path.open("rb") as stream:
        head = stream.read(_TEXT_SAMPLE)
        more = bool(stream.read(1))
    if head.startswith(_ZIP):
        return _sniff_zip(path)
    if head.startswith(_OLE2):
        return "xls"
    if b"%PDF-" in head[:_PDF_WINDOW]:
        return "pdf"
    if _is_text(head, more):
        return "text"
    return "unknown"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        ValueError,
        IndexError,
        OverflowError,
        NotImplementedError,
    ):
        return {".docx": "docx", ".xlsx": "xlsx"}.get(path.suffix.lower(), "unknown")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    # Some writers name the main part differently; the folder still tells the package type.
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "unknown"


def _first_non_text(path: Path) -> tuple[int, int, str]:
    """Where a file stops being text, as (line, byte offset, what is there): the place a refusal names."""
    with path.open("rb") as stream:
        head = stream.read(_TEXT_SAMPLE)
    nul = head.find(b"\x00")
    bad: int | None = nul if nul >= 0 else None
    what = "空字节（NUL）"
    if bad is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            bad, what = error.start, "既不是UTF-8也不是GB18030编码的内容"
    if bad is None:
        bad, what = 0, "无法识别的文件类型"
    return head.count(b"\n", 0, bad) + 1, bad, what


def _is_text(head: bytes, more: bool) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows Notepad's "Unicode": UTF-16 with a byte order mark, which the text reader decodes.
        sample = head[: len(head) - len(head) % 2]
        for cut in range(3 if more else 1):
            try:
                sample[: len(sample) - 2 * cut].decode("utf-16")
            except UnicodeDecodeError:
                continue
            return True
        return False
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        # A sample cut inside a multi-byte character is still text: drop up to three trailing bytes.
        for cut in range(4 if more else 1):
            try:
                head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


__all__ = ["READERS", "Reader", "UnsupportedFormat", "read_grid", "sniff"]
