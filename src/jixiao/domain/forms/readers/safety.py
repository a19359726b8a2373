"""Checks made before a parsing library sees a file (size, zip bombs, XML entity tricks, PDF stream bombs).

Also the one place that turns whatever a library raises on a damaged file into a ``FormReadError`` that
names the file and, where known, the place in it.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from jixiao.domain.forms.grid import (
    MAX_CELL_CHARS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
)
from jixiao.domain.forms.model import FormReadError, Location

# A docx or xlsx has a few dozen members; tens of thousands only serve to make the checks slow.
MAX_ZIP_MEMBERS = 10_000
# Rows are limited by MAX_ROWS, but a row padded out to column XFD holds 16,384 cells; this bounds the total.
MAX_CELLS = 5_000_000
MAX_PDF_PAGES = 2_000
# Members smaller than this cannot hurt whatever their ratio, and tiny XML parts often compress 300:1.
RATIO_FLOOR_BYTES = 1024 * 1024
# An XML prolog (declaration, comments, doctype) longer than this is not something Office writes.
XML_PROLOG_BYTES = 64 * 1024
# A stream compressed inside a stream inside a stream is no longer a form; it is a trap.
MAX_PDF_FILTER_DEPTH = 4
MAX_PDF_STREAMS = 200_000

_CHUNK = 64 * 1024
_OUT_STEP = 1024 * 1024

EMPTY_FILE = "文件是空的"


@dataclass(slots=True)
class Place:
    """Where a reader currently is, so an error raised deep in a library can still say where."""

    location: Location


def check_file(path: Path, name: str) -> int:
    """Refuse what is not a regular, non-empty file of at most ``MAX_FILE_BYTES``; return its size."""
    where = Location(name)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FormReadError("找不到这个文件", where) from None
    except OSError as error:
        raise FormReadError(
            "文件无法打开，请确认文件没有被其他程序占用后重试", where, detail=str(error.strerror or error)
        ) from None
    # A FIFO or device would block or never end; only regular files are read.
    if not stat.S_ISREG(info.st_mode):
        raise FormReadError("不是普通文件，无法读取", where)
    if info.st_size == 0:
        raise FormReadError(EMPTY_FILE, where)
    if info.st_size > MAX_FILE_BYTES:
        raise FormReadError(
            f"文件太大（{_mib(info.st_size)}，上限{_mib(MAX_FILE_BYTES)}），绩效表不会这么大", where
        )
    return info.st_size


def cell_text(raw: str, location: Location) -> str:
    """Light cleanup every reader applies: refuse oversize cells, unify line ends, drop NULs, strip."""
    if len(raw) > MAX_CELL_CHARS:
        raise FormReadError(
            f"单元格内有{len(raw):,}个字符，超过上限{MAX_CELL_CHARS:,}个",
            location,
        )
    return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


class Budget:
    """Counts rows and cells as a reader meets them and stops a file that would produce too many."""

    __slots__ = ("cells", "rows", "seen")

    def __init__(self) -> None:
        self.rows = 0
        self.seen = 0
        self.cells = 0

    def add(self, cells: int, location: Location) -> None:
        """One more row of ``cells`` cells; for readers whose rows have no number of their own."""
        self.rows += 1
        self.visit(self.rows, cells, location)

    def visit(self, row_number: int, cells: int, location: Location) -> None:
        """Row ``row_number`` of a sheet, empty or not: the work it costs counts even when it is skipped."""
        self.seen += 1
        self.cells += cells
        if row_number > MAX_ROWS or self.seen > MAX_ROWS:
            raise FormReadError(f"表格超过{MAX_ROWS:,}行，绩效表不会这么大", location)
        if self.cells > MAX_CELLS:
            raise FormReadError(f"表格超过{MAX_CELLS:,}个单元格，绩效表不会这么大", location)


# --- zip containers (docx, xlsx) -------------------------------------------------------------------------


def check_zip(path: Path, name: str, what: str) -> None:
    """Refuse a zip container that is damaged, a bomb, or holds XML with a DOCTYPE or ENTITY declaration.

    Every member is decompressed here once, in bounded steps, so a member whose header under-declares its
    size is caught before a library reads it whole into memory. ``what`` names the format for messages
    ("Word document", "Excel workbook").
    """
    where = Location(name)
    size = check_file(path, name)
    truncated = f"{what}不完整（压缩包被截断或已损坏），请重新保存或重新导出后上传"
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, struct.error, ValueError, IndexError, OverflowError):
        raise FormReadError(truncated, where) from None
    except zipfile.LargeZipFile:
        raise FormReadError(f"{what}太大，无法读取", where) from None
    except NotImplementedError as error:
        raise FormReadError(
            f"{what}使用了无法读取的压缩方式，请用Office或WPS重新保存后上传", where, detail=str(error)
        ) from None
    if not members:
        raise FormReadError(f"不是{what}（压缩包是空的）", where)
    if len(members) > MAX_ZIP_MEMBERS:
        raise FormReadError(f"压缩包内有{len(members):,}个部件，{what}不会有这么多", where)
    declared = 0
    for info in members:
        member = info.filename
        if info.flag_bits & 0x1:
            raise FormReadError(f"{what}设有密码，请取消密码后重新保存再上传", where, detail=member)
        # Office writes only stored and deflated members; bzip2 and lzma are read by zipfile in one
        # unbounded step, so a small bzip2 member can expand to gigabytes before any check runs.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FormReadError(
                f"{what}使用了异常的压缩方式，请用Office或WPS重新保存后上传", where, detail=member
            )
        declared += info.file_size
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise FormReadError(
                f"{what}解压后超过{_mib(MAX_UNCOMPRESSED_BYTES)}，疑似压缩炸弹，已拒绝读取", where
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise FormReadError(
                f"{what}内有部件压缩比为{ratio:,}比1（上限{MAX_COMPRESSION_RATIO}比1），疑似压缩炸弹，已拒绝读取",
                where,
                detail=member,
            )
        if info.header_offset + info.compress_size > size:
            raise FormReadError(truncated, where)
    try:
        with path.open("rb") as raw:
            for info in members:
                _verify_member(raw, info, what, where, truncated)
    except (OSError, struct.error, ValueError, OverflowError):
        raise FormReadError(truncated, where) from None


def _verify_member(raw: BinaryIO, info: zipfile.ZipInfo, what: str, where: Location, truncated: str) -> None:
    member = info.filename
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise FormReadError(truncated, where)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    remaining = info.compress_size
    produced = 0
    crc = 0
    head = bytearray()

    def take(out: bytes) -> None:
        nonlocal produced, crc
        produced += len(out)
        if produced > info.file_size:
            raise FormReadError(
                f"{what}内有部件的数据比声明的多，疑似压缩炸弹，已拒绝读取",
                where,
                detail=member,
            )
        crc = zlib.crc32(out, crc)
        if len(head) < XML_PROLOG_BYTES:
            head.extend(out[: XML_PROLOG_BYTES - len(head)])

    try:
        while remaining > 0:
            chunk = raw.read(min(_CHUNK, remaining))
            if not chunk:
                raise FormReadError(truncated, where)
            remaining -= len(chunk)
            if inflater is None:
                take(chunk)
                continue
            pending = chunk
            while pending and not inflater.eof:
                take(inflater.decompress(pending, _OUT_STEP))
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if inflater is not None and not inflater.eof:
            take(inflater.flush())
            if not inflater.eof:
                raise FormReadError(truncated, where)
    except zlib.error:
        raise FormReadError(f"{what}中有损坏的压缩数据，请重新保存后上传", where, detail=member) from None
    if produced != info.file_size or crc != info.CRC:
        raise FormReadError(f"{what}已损坏（校验不通过），请重新保存后上传", where, detail=member)
    _check_xml_head(bytes(head), produced, member, what, where)


_XML_SPACE = b" \t\r\n"
_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(r"<(?![!?])")


def _check_xml_head(head: bytes, size: int, member: str, what: str, where: Location) -> None:
    """Refuse an XML member whose prolog declares a DTD or entities (billion laughs, external entities).

    Office never writes a DOCTYPE. Only the prolog can hold one, so reading up to the root element is enough.
    """
    text = _xml_text(head, member, what, where)
    if text is None:
        return
    root = _ROOT_START.search(text)
    prolog = text if root is None else text[: root.start()]
    if _FORBIDDEN.search(prolog):
        raise FormReadError(
            f"{what}内含XML文档类型或实体声明，出于安全考虑拒绝读取",
            where,
            detail=member,
        )
    if root is None and size > len(head):
        raise FormReadError(f"{what}内的XML开头异常冗长，不像正常文件，已拒绝读取", where, detail=member)


def _xml_text(head: bytes, member: str, what: str, where: Location) -> str | None:
    """The head decoded far enough to find markup, or None when the member is not XML at all."""
    if head[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00"):
        raise FormReadError(f"{what}内的XML使用了不支持的编码（UTF-32）", where, detail=member)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:2] == b"<\x00" or head[:2] == b"\x00<":
        encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le"
        if head[:2] == b"\x00<":
            encoding = "utf-16-be"
        text = head[: len(head) - len(head) % 2].decode(encoding, errors="replace")
    else:
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        # Every ASCII-compatible encoding keeps '<', '!' and the keywords as single bytes.
        text = head.decode("latin-1")
    stripped = text.lstrip(_XML_SPACE.decode())
    return stripped if stripped.startswith("<") else None


# --- PDF ----------------------------------------------------------------------------------------------------

_STREAM_START = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")


def check_pdf_streams(path: Path, name: str) -> None:
    """Refuse a PDF whose deflated streams expand beyond ``MAX_UNCOMPRESSED_BYTES`` in total.

    pdfminer inflates each stream in one call and keeps the result, so a few kilobytes of deflated zeros
    would otherwise become gigabytes. Streams are found by their keyword, not by parsing, so a damaged
    cross-reference table cannot hide one; a stream deflated several times over is inflated layer by layer.
    """
    where = Location(name)
    check_file(path, name)
    data = path.read_bytes()
    view = memoryview(data)
    counter = _Counter(where)
    for streams, match in enumerate(_STREAM_START.finditer(data), start=1):
        if streams > MAX_PDF_STREAMS:
            raise FormReadError(
                f"PDF文件内的数据流超过{MAX_PDF_STREAMS:,}个，绩效表不会这么复杂，已拒绝读取", where
            )
        chunks = (view[i : i + _CHUNK] for i in range(match.end(), len(data), _CHUNK))
        _drain(chunks, 1, counter)


class _Counter:
    __slots__ = ("total", "where")

    def __init__(self, where: Location) -> None:
        self.total = 0
        self.where = where

    def add(self, size: int) -> None:
        self.total += size
        if self.total > MAX_UNCOMPRESSED_BYTES:
            raise FormReadError(
                f"PDF文件解压后的内容超过{_mib(MAX_UNCOMPRESSED_BYTES)}（疑似压缩炸弹，或是很大的扫描件），"
                "请提供文字版PDF或Excel版",
                self.where,
            )


def _drain(chunks: Iterable[bytes | memoryview], depth: int, counter: _Counter) -> None:
    """Inflate a zlib stream, and the zlib streams nested in its output, counting every layer's output."""
    outs = _inflate(chunks, counter)
    first = next(outs, b"")
    if not first:
        return
    rest = chain([first], outs)
    if depth < MAX_PDF_FILTER_DEPTH and _looks_like_zlib(first):
        # The inner layer reads the outer one as it is produced, so neither is ever held whole.
        _drain(rest, depth + 1, counter)
    for _ in rest:
        pass


def _inflate(chunks: Iterable[bytes | memoryview], counter: _Counter) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending: bytes | memoryview = chunk
            while pending and not inflater.eof:
                out = inflater.decompress(pending, _OUT_STEP)
                if out:
                    counter.add(len(out))
                    yield out
                pending = inflater.unconsumed_tail
            if inflater.eof:
                return
    except zlib.error:
        # Not deflate data, or damaged: pdfminer reads no more of it than was inflated so far.
        return


def _looks_like_zlib(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


# --- errors ------------------------------------------------------------------------------------------------


@contextmanager
def library_errors(
    name: str, what: str, describe: Callable[[Exception], str | None] | None = None
) -> Iterator[Place]:
    """Turn anything a parsing library raises into one ``FormReadError`` naming the file and the place.

    The reader moves ``place.location`` along as it goes. ``describe`` gives a plain message for the
    library's own exception types, or None to fall back to the common ones.
    """
    place = Place(Location(name))
    try:
        yield place
    except FormReadError:
        raise
    except RecursionError:
        raise FormReadError(f"{what}嵌套层次太深，无法读取", place.location) from None
    except MemoryError:
        raise FormReadError(f"{what}太大，无法读取", place.location, detail="MemoryError") from None
    except Exception as error:
        message = (describe(error) if describe is not None else None) or describe_common(error, what)
        raise FormReadError(
            message, place.location, detail=f"{type(error).__name__}: {short(error)}"
        ) from error


def describe_common(error: Exception, what: str) -> str:
    """A plain-words account of the exceptions every reader can meet."""
    if isinstance(error, zipfile.BadZipFile):
        return f"{what}不完整（压缩包被截断或已损坏），请重新保存或重新导出后上传"
    if isinstance(error, EOFError):
        return f"{what}不完整（文件提前结束），请重新保存或重新导出后上传"
    if isinstance(error, zlib.error):
        return f"{what}中有损坏的压缩数据，请重新保存后上传"
    if type(error).__module__.startswith("defusedxml"):
        return f"{what}内含XML文档类型或实体声明，出于安全考虑拒绝读取"
    if _is_xml_error(error):
        return f"{what}内容已损坏（XML格式错误），请重新保存后上传"
    if isinstance(error, KeyError):
        return f"{what}缺少必需的组成部分，请用Office或WPS重新保存后上传"
    if isinstance(error, UnicodeError):
        return f"{what}中的文字编码无法识别"
    if isinstance(error, OSError):
        return "文件无法读取，请确认文件没有被其他程序占用后重试"
    return f"{what}已损坏或结构无法识别，请用Office或WPS重新保存后上传"


def _is_xml_error(error: Exception) -> bool:
    if isinstance(error, ParseError):
        return True
    module = type(error).__module__
    return module.startswith(("lxml", "xml.", "pyexpat"))


def short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    return first if len(first) <= 160 else first[:157] + "..."


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}MB" if size >= 1024 * 1024 else f"{size:,}字节"
