"""Fixture files built at test time: a target form in the seed layout as docx and xlsx, a hand-written PDF,
and hostile files (bombs, truncations, entity tricks). The content is made up for the tests.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

import docx
import openpyxl
from docx.table import Table

TITLE = "项目支出绩效目标申报表"
YEAR_LINE = "(2024年度)"
PROJECT = "网络安全宣传和培训经费"
UNIT = "某市委网络安全和信息化委员会办公室"

# (一级, 二级, 三级, 中期指标值, 年度指标值); the seed layout merges equal 一级 and 二级 labels downwards.
INDICATORS = [
    ("产出指标", "数量指标", "举办网络安全培训班", "≥6期", "≥2期"),
    ("产出指标", "数量指标", "发放宣传手册", "≥3000份", "≥1000份"),
    ("产出指标", "质量指标", "培训考核合格率", "≥95%", "≥95%"),
    ("效益指标", "社会效益指标", "公众网络安全意识", "持续提升", "持续提升"),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "≥90%"),
]
HEADER = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]


# --- docx ------------------------------------------------------------------------------------------------


def seed_docx(path: Path) -> Path:
    """Title paragraphs, then one 8-column table: header block, then the 中期/年度 indicator block."""
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph("")
    document.add_paragraph(YEAR_LINE)
    table = document.add_table(rows=5 + len(INDICATORS), cols=8)
    _fill(table, 0, [(0, 1, "项目名称"), (2, 7, PROJECT)])
    _fill(table, 1, [(0, 1, "实施单位"), (2, 7, UNIT)])
    _fill(
        table,
        2,
        [
            (0, 0, "项目资金\n(万元)"),
            (1, 1, "中期资金总额:"),
            (2, 2, "90"),
            (3, 3, "年度资金总额:"),
            (4, 4, "30"),
        ],
    )
    _fill(table, 3, [(1, 1, "其中:财政拨款"), (2, 2, "90"), (3, 3, "其中:财政拨款"), (4, 4, "30")])
    table.cell(2, 0).merge(table.cell(3, 0))
    table.cell(2, 0).text = "项目资金\n(万元)"
    for column, label in enumerate(HEADER):
        table.cell(4, column).text = label
    for offset, (level1, level2, name, medium, annual) in enumerate(INDICATORS):
        row = 5 + offset
        for column, text in enumerate(["", level1, level2, name, medium, level2, name, annual]):
            table.cell(row, column).text = text
    _merge_down(table, 0, 4, 4 + len(INDICATORS), "绩效指标")
    for column in (1, 2, 5):
        _merge_equal_runs(table, column, 5, [row[{1: 0, 2: 1, 5: 1}[column]] for row in INDICATORS])
    document.add_paragraph("填报说明:指标值为目标值。")
    document.save(str(path))
    return path


def _fill(table: Table, row: int, spans: list[tuple[int, int, str]]) -> None:
    for first, last, text in spans:
        cell = table.cell(row, first)
        if last > first:
            cell = cell.merge(table.cell(row, last))
        cell.text = text


def _merge_down(table: Table, column: int, first: int, last: int, text: str) -> None:
    cell = table.cell(first, column).merge(table.cell(last, column))
    cell.text = text


def _merge_equal_runs(table: Table, column: int, first_row: int, labels: list[str]) -> None:
    start = 0
    for index in range(1, len(labels) + 1):
        if index == len(labels) or labels[index] != labels[start]:
            if index - 1 > start:
                _merge_down(table, column, first_row + start, first_row + index - 1, labels[start])
            start = index


def docx_with_body_xml(path: Path, body_xml: str, *, prolog: str = "") -> Path:
    """A docx whose document.xml body is ``body_xml`` (w: prefix bound), built from python-docx's own parts."""
    base = path.with_suffix(".base.docx")
    docx.Document().save(str(base))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body_xml}</w:body></w:document>"
    )
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = document.encode() if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data)
    base.unlink()
    return path


# --- xlsx ------------------------------------------------------------------------------------------------


def seed_xlsx(path: Path) -> Path:
    """The seed layout on one sheet, plus a second sheet of typed values for number formatting."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "目标表"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:H1")
    sheet["A2"] = YEAR_LINE
    sheet.merge_cells("A2:H2")
    sheet["A4"] = "项目名称"
    sheet.merge_cells("A4:B4")
    sheet["C4"] = PROJECT
    sheet.merge_cells("C4:H4")
    sheet["A5"] = "项目资金(万元)"
    sheet.merge_cells("A5:A6")
    sheet["B5"], sheet["C5"], sheet["D5"], sheet["E5"] = "中期资金总额:", 90, "年度资金总额:", 30
    sheet["B6"], sheet["C6"], sheet["D6"], sheet["E6"] = "其中:财政拨款", 90, "其中:财政拨款", 30
    for column, label in enumerate(HEADER, start=1):
        sheet.cell(7, column, label)
    for offset, (level1, level2, name, medium, annual) in enumerate(INDICATORS):
        row = 8 + offset
        for column, text in enumerate([level1, level2, name, medium, level2, name, annual], start=2):
            sheet.cell(row, column, text)
    last = 7 + len(INDICATORS)
    sheet.merge_cells(f"A7:A{last}")
    sheet["A7"] = "绩效指标"
    sheet.merge_cells("B8:B10")  # 产出指标
    sheet.merge_cells("C8:C9")  # 数量指标 (中期)
    sheet.merge_cells("F8:F9")  # 数量指标 (年度)

    values = workbook.create_sheet("数值")
    values["A1"], values["B1"] = "整数", 450
    values["A2"], values["B2"] = "小数", 12.5
    values["A3"], values["B3"] = "百分比", 0.25
    values["B3"].number_format = "0.00%"
    values["A4"], values["B4"] = "日期", dt.datetime(2021, 12, 31)
    values["B4"].number_format = "yyyy-mm-dd"
    values["A5"], values["B5"] = "浮点噪声", 0.1 + 0.2
    values["A6"], values["B6"] = "布尔", True
    values["A7"], values["B7"] = "整百分比", 1
    values["B7"].number_format = "0%"
    values["A8"], values["B8"] = "两位小数", 150
    values["B8"].number_format = "#,##0.00"
    values["A9"], values["B9"] = "单位", 9
    values["B9"].number_format = '0"次"'
    values["A10"], values["B10"] = "精度", 0.12345
    values["B10"].number_format = "0%"
    # Row 11 left empty on purpose; row 12 follows it.
    values["A12"], values["B12"] = "大数", 1234567.891
    workbook.save(path)
    return path


def minimal_xlsx(
    path: Path, sheet_xml: bytes | Iterable[bytes], *, shared_strings: bytes | None = None
) -> Path:
    """A hand-made xlsx of one sheet whose XML is ``sheet_xml`` (streamed if given in chunks)."""
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared_strings is not None
            else b""
        )
        + b"</Types>"
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"/>'
        + (
            b'<Relationship Id="rId2" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            b'Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else b""
        )
        + b"</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        chunks = [sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)
    return path


SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def sheet(rows: str, *, after: str = "", before: str = "") -> bytes:
    return (
        SHEET_START.replace(b"<sheetData>", before.encode() + b"<sheetData>")
        + rows.encode()
        + (b"</sheetData>" + after.encode() + b"</worksheet>")
    )


# --- hostile zips ----------------------------------------------------------------------------------------


_MIB = 1024 * 1024


def deflated_zeros(size: int) -> bytes:
    """A raw deflate stream of ``size`` zeros, made by repeating one fully flushed block: quick to build."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunk = bytes(_MIB)
    compressor.compress(chunk)
    compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh, so every further block comes out the same.
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // _MIB) + compressor.flush()


def zeros_checksums(size: int) -> tuple[int, int]:
    """CRC-32 and Adler-32 of ``size`` zeros, without holding them."""
    chunk = bytes(_MIB)
    crc, adler = 0, 1
    for _ in range(size // _MIB):
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    return crc, adler


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of deflated members given as (name, raw deflate data, crc, declared size), headers as given."""
    body = bytearray()
    directory = bytearray()
    for name, packed, crc, declared in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), declared, len(encoded), 0
        )
        body += encoded + packed
        directory += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(packed),
            declared,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    path.write_bytes(bytes(body + directory + end))
    return path


def zip_bomb(path: Path, member: str, size: int) -> Path:
    """A well-formed zip whose ``member`` really inflates to ``size`` zeros."""
    types = b"<Types/>"
    crc, _ = zeros_checksums(size)
    return raw_zip(
        path,
        [
            ("[Content_Types].xml", _raw_deflate(types), zlib.crc32(types), len(types)),
            (member, deflated_zeros(size), crc, size),
        ],
    )


def lying_zip(path: Path, member: str, real_size: int, declared_size: int) -> Path:
    """A zip whose only member holds ``real_size`` zeros but declares ``declared_size`` bytes."""
    # The checksum matches the declared prefix, so only the size gives the lie away.
    return raw_zip(
        path, [(member, deflated_zeros(real_size), zlib.crc32(bytes(declared_size)), declared_size)]
    )


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def entity_bomb_xml() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return "<!DOCTYPE lolz [" + "".join(entities) + "]>"


# --- PDF -------------------------------------------------------------------------------------------------


def pdf(
    path: Path,
    pages: list[tuple[list[tuple[float, float, str]], list[tuple[float, float, float, float]]]],
    *,
    encrypt: bool = False,
) -> Path:
    """A PDF whose pages hold text at (x, y) and stroked rectangles (x, y, w, h), in PDF units from below.

    Text uses a Type0 font with Identity-H encoding whose glyph ids are Unicode code points, and a ToUnicode
    map saying so, which is enough for pdfminer to give back the characters (CJK included) and positions.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    cmap = _identity_to_unicode()
    to_unicode = add(_stream(cmap))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /TestSans /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSans "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
        + f"/FontDescriptor {descriptor} 0 R >>".encode()
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestSans /Encoding /Identity-H "
        + f"/DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )
    pages_id = len(objects) + 1 + 2 * len(pages)
    page_ids = []
    for texts, rects in pages:
        ops = [b"0.5 w"]
        ops += [f"{x} {y} {w} {h} re S".encode() for x, y, w, h in rects]
        for x, y, text in texts:
            hexed = "".join(f"{ord(c):04X}" for c in text)
            ops.append(f"BT /F1 10 Tf {x} {y} Td <{hexed}> Tj ET".encode())
        content = add(_stream(b"\n".join(ops), deflate=True))
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    assert add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()) == pages_id
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    trailer_extra = b""
    if encrypt:
        # An owner and user key that no password matches: the file stays locked for any reader.
        encryption = add(
            b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
        )
        trailer_extra = f" /Encrypt {encryption} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]".encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R".encode() + trailer_extra
    out += f" >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def _stream(data: bytes, *, deflate: bool = False) -> bytes:
    if deflate:
        data = zlib.compress(data)
    extra = b" /Filter /FlateDecode" if deflate else b""
    return f"<< /Length {len(data)}".encode() + extra + b" >>\nstream\n" + data + b"\nendstream"


def _identity_to_unicode() -> bytes:
    ranges = [
        f"<{high:02X}00> <{high:02X}FF> <{high:02X}00>" for high in range(256) if not 0xD8 <= high <= 0xDF
    ]
    blocks = []
    for start in range(0, len(ranges), 100):
        part = ranges[start : start + 100]
        blocks.append(f"{len(part)} beginbfrange\n" + "\n".join(part) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Test-Identity def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + "\n".join(blocks) + "\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()


def table_page(
    rows: list[list[str]], *, top: float = 700, left: float = 50, width: float = 120, height: float = 20
) -> tuple[list[tuple[float, float, str]], list[tuple[float, float, float, float]]]:
    """Text and rules of a ruled table with one text per cell, its top edge at ``top``."""
    texts: list[tuple[float, float, str]] = []
    rects: list[tuple[float, float, float, float]] = []
    for r, row in enumerate(rows):
        y = top - (r + 1) * height
        for c, text in enumerate(row):
            x = left + c * width
            rects.append((x, y, width, height))
            if text:
                texts.append((x + 4, y + 6, text))
    return texts, rects


def pdf_bomb(path: Path, size: int, *, layers: int = 1) -> Path:
    """A one-page PDF with an extra stream of ``size`` zeros, deflated ``layers`` times over."""
    _, adler = zeros_checksums(size)
    packed = b"\x78\xda" + deflated_zeros(size) + struct.pack(">I", adler)
    for _ in range(layers - 1):
        packed = zlib.compress(packed, 9)
    pdf(path, [([(50, 700, "hello")], [])])
    original = path.read_bytes()
    extra = (
        b"99 0 obj\n<< /Length "
        + str(len(packed)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )
    cut = original.index(b"xref")
    tail = original[cut:]
    old_start = tail[tail.index(b"startxref") :]
    # The extra object is not in the cross-reference table; the scan finds streams by keyword anyway.
    tail = tail.replace(old_start, f"startxref\n{cut + len(extra)}\n%%EOF\n".encode())
    path.write_bytes(original[:cut] + extra + tail)
    return path
