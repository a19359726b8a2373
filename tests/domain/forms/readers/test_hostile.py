"""Hostile and broken files: each ends in one FormReadError naming the file, quickly and in little memory."""

from __future__ import annotations

import base64
import os
import random
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from jixiao.domain.forms.model import FormReadError
from jixiao.domain.forms.readers import UnsupportedFormat, read_grid

from .builders import (
    SHEET_END,
    SHEET_START,
    docx_with_body_xml,
    entity_bomb_xml,
    lying_zip,
    minimal_xlsx,
    seed_docx,
    seed_xlsx,
    sheet,
    zip_bomb,
)


def refused(path: Path, pattern: str | None = None) -> FormReadError:
    with pytest.raises(FormReadError, match=pattern) as caught:
        read_grid(path)
    return caught.value


@pytest.mark.parametrize(("builder", "what"), [(seed_docx, "Word文档"), (seed_xlsx, "Excel工作簿")])
def test_a_file_cut_in_half_is_reported_as_an_incomplete_zip(
    tmp_path: Path, builder: object, what: str
) -> None:
    suffix = ".docx" if what == "Word文档" else ".xlsx"
    whole = builder(tmp_path / f"whole{suffix}").read_bytes()  # type: ignore[operator]
    cut = tmp_path / f"report{suffix}"
    cut.write_bytes(whole[: len(whole) // 2])

    error = refused(cut)

    assert str(error) == f"report{suffix}：{what}不完整（压缩包被截断或已损坏），请重新保存或重新导出后上传"


def test_an_empty_file_is_refused_by_name(tmp_path: Path) -> None:
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")

    assert str(refused(empty)) == "空.xlsx：文件是空的"


def test_binary_noise_is_an_unsupported_format(tmp_path: Path) -> None:
    noise = tmp_path / "noise.docx"
    noise.write_bytes(random.Random(7).randbytes(50_000) + b"\x00")

    with pytest.raises(
        UnsupportedFormat,
        match=r"^noise\.docx，第\d+行：文件格式无法识别（第[\d,]+个字节起是.*），请上传Word",
    ):
        read_grid(noise)


@pytest.mark.parametrize(
    ("magic", "pattern"),
    [
        (b"PK\x03\x04", r"^noise\.xlsx：Excel工作簿不完整"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", r"^noise\.xlsx：Excel工作簿（\.xls）已损坏"),
        (b"%PDF-1.7\n", r"^noise\.xlsx：PDF文件不完整|^noise\.xlsx：PDF文件已损坏"),
    ],
)
def test_noise_behind_a_real_signature_is_a_read_error(tmp_path: Path, magic: bytes, pattern: str) -> None:
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(magic + random.Random(11).randbytes(20_000))

    refused(noise, pattern)


def test_a_gigabyte_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.docx", "word/document.xml", 1024 * 1024 * 1024)
    assert bomb.stat().st_size < 8 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = refused(bomb, r"^bomb\.docx：.*疑似压缩炸弹")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "Word文档" in str(error)
    assert peak < 16 * 1024 * 1024
    assert time.monotonic() - started < 5


def test_a_highly_compressed_member_is_refused_by_its_ratio(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "ratio.xlsx", "xl/worksheets/sheet1.xml", 100 * 1024 * 1024)

    refused(bomb, r"^ratio\.xlsx：Excel工作簿内有部件压缩比为.*比1")


def test_a_member_that_holds_more_than_it_declares_is_refused(tmp_path: Path) -> None:
    liar = lying_zip(tmp_path / "liar.docx", "word/document.xml", 300 * 1024 * 1024, 1000)
    tracemalloc.start()
    try:
        assert refused(liar, r"^liar\.docx：Word文档内有部件的数据比声明的多").detail == "word/document.xml"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 16 * 1024 * 1024


def test_a_bzip2_member_is_refused_before_zipfile_inflates_it_whole(tmp_path: Path) -> None:
    odd = tmp_path / "odd.docx"
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")

    refused(odd, r"^odd\.docx：Word文档使用了异常的压缩方式")


def test_an_entity_bomb_in_a_docx_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = docx_with_body_xml(
        tmp_path / "lol.docx", "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=entity_bomb_xml()
    )

    assert refused(bomb, r"^lol\.docx：Word文档内含XML文档类型或实体声明").detail == "word/document.xml"


def test_an_external_entity_in_a_docx_is_refused(tmp_path: Path) -> None:
    xxe = docx_with_body_xml(
        tmp_path / "xxe.docx",
        "<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>",
        prolog='<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    )

    refused(xxe, r"^xxe\.docx：.*内含XML文档类型或实体声明")


def test_a_doctype_hidden_in_utf16_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "u16.xlsx"
    xml = ('<?xml version="1.0" encoding="UTF-16"?>' + entity_bomb_xml() + "<worksheet/>").encode("utf-16")
    minimal_xlsx(path, xml)

    assert refused(path, r"^u16\.xlsx：Excel工作簿内含XML文档类型").detail == "xl/worksheets/sheet1.xml"


def test_an_entity_bomb_in_shared_strings_is_refused(tmp_path: Path) -> None:
    strings = (
        '<?xml version="1.0"?>' + entity_bomb_xml() + '<sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    ).encode()
    path = minimal_xlsx(
        tmp_path / "lol.xlsx", sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=strings
    )

    assert refused(path, r"^lol\.xlsx：Excel工作簿内含XML文档类型").detail == "xl/sharedStrings.xml"


def test_openpyxl_parses_with_defusedxml_as_a_second_line_of_defence() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_fifty_megabyte_cell_is_refused_with_its_place_and_length(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield SHEET_START + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        for _ in range(50):
            # Random text does not compress, so the zip checks let it through to the cell check.
            yield base64.b64encode(os.urandom(786_432))
        yield b"</t></is></c></row>" + SHEET_END

    big = minimal_xlsx(tmp_path / "big.xlsx", chunks())
    started = time.monotonic()

    error = refused(big)

    assert str(error) == (
        "big.xlsx，工作表“Sheet1”，第1行，单元格A1：单元格内有52,428,800个字符，超过上限100,000个"
    )
    assert time.monotonic() - started < 45


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as stream:
        stream.write(b"%PDF-1.7\n")
        stream.truncate(65 * 1024 * 1024)  # sparse: costs no disk

    refused(huge, r"^huge\.pdf：文件太大（65MB，上限64MB），绩效表不会这么大$")


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)

    refused(fifo, r"^pipe\.xlsx：不是普通文件，无法读取$")


def test_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    refused(tmp_path / "gone.docx", r"^gone\.docx：找不到这个文件$")
