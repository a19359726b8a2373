"""Choosing the reader by content: signatures decide, extensions only name a broken zip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.domain.forms.grid import Cell, Grid, Row
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers import READERS, UnsupportedFormat, read_grid, sniff

from .builders import pdf, seed_docx, seed_xlsx
from .test_xlsx import SEED_XLS


def test_it_names_each_format_from_its_content(tmp_path: Path) -> None:
    assert sniff(seed_docx(tmp_path / "a.bin")) == "docx"
    assert sniff(seed_xlsx(tmp_path / "b.bin")) == "xlsx"
    assert sniff(shutil.copy(SEED_XLS, tmp_path / "c.bin")) == "xls"
    assert sniff(pdf(tmp_path / "d.bin", [([(50, 700, "x")], [])])) == "pdf"


@pytest.mark.parametrize(
    "data",
    ["项目名称\t网络安全".encode(), "项目名称\t网络安全".encode("gb18030"), "项目名称".encode("utf-16")],
)
def test_it_names_utf8_gb18030_and_bom_utf16_text_as_text(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "form.txt"
    path.write_bytes(data)

    assert sniff(path) == "text"


def test_it_does_not_take_binary_with_nul_bytes_for_text(tmp_path: Path) -> None:
    path = tmp_path / "form.txt"
    path.write_bytes(b"abc\x00def")

    assert sniff(path) == "unknown"


def test_a_workbook_named_docx_is_read_as_a_workbook(tmp_path: Path) -> None:
    grid = read_grid(seed_xlsx(tmp_path / "misnamed.docx"))

    assert grid.rows[0].location.sheet == "目标表"


def test_files_stored_without_an_extension_are_read_by_content(tmp_path: Path) -> None:
    workbook = read_grid(seed_xlsx(tmp_path / "upload-1"), display_name="目标.xlsx")
    document = read_grid(seed_docx(tmp_path / "upload-2"), display_name="目标.docx")
    old = read_grid(shutil.copy(SEED_XLS, tmp_path / "upload-3"), display_name="目标.xls")

    assert workbook.rows[0].cells[0].location == Location("目标.xlsx", sheet="目标表", row=1, column=1)
    assert document.rows[0].cells[0].location == Location("目标.docx", paragraph=1)
    assert old.rows[0].texts() == workbook.rows[0].texts()


def test_a_broken_zip_is_named_by_its_extension_so_the_error_says_what_it_should_be(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))

    assert sniff(path) == "xlsx"
    assert sniff(path.rename(tmp_path / "cut.zip")) == "unknown"


def test_text_is_unsupported_until_a_text_reader_is_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "form.txt"
    path.write_text("项目名称\t网络安全", encoding="utf-8")
    monkeypatch.delitem(READERS, "text", raising=False)

    with pytest.raises(UnsupportedFormat, match=r"^form\.txt：暂时无法读取这种文本文件$"):
        read_grid(path)

    def fake_text(file: Path, name: str) -> Grid:
        where = Location(name, line=1)
        return Grid(name, [Row([Cell(file.read_text(encoding="utf-8"), where)], where)])

    monkeypatch.setitem(READERS, "text", fake_text)
    assert read_grid(path, display_name="上传.txt").rows[0].texts() == ["项目名称\t网络安全"]


def test_an_unexpected_exception_from_a_plugged_reader_becomes_a_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "form.txt"
    path.write_text("x", encoding="utf-8")

    def broken(file: Path, name: str) -> Grid:
        raise IndexError("list index out of range")

    monkeypatch.setitem(READERS, "text", broken)

    with pytest.raises(FormReadError, match=r"^form\.txt：文件已损坏或结构无法识别") as caught:
        read_grid(path)
    assert caught.value.detail == "IndexError: list index out of range"
