"""Where a value or a refusal is, in Chinese: ``Location.describe`` and how refusals and warnings render it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import FormReadError, FormWarning, Location


@pytest.mark.parametrize(
    ("location", "place"),
    [
        (
            Location("000_seed.xlsx", sheet="绩效目标表", row=5, column=2),
            "000_seed.xlsx，工作表“绩效目标表”，第5行，单元格B5",
        ),
        (Location("000_seed.xlsx", sheet="绩效目标表", row=5), "000_seed.xlsx，工作表“绩效目标表”，第5行"),
        (Location("b08.pdf", page=2, line=14), "b08.pdf，第2页，第14行"),
        (Location("b08.pdf", page=2, table=1, row=3, column=4), "b08.pdf，第2页，第1个表格，第3行，第4列"),
        (Location("a.docx", table=1, row=3, column=2), "a.docx，第1个表格，第3行，第2列"),
        (Location("a.docx", paragraph=12), "a.docx，段落12"),
        (Location("a.txt", line=46), "a.txt，第46行"),
        (Location("", paragraph=12), "段落12"),
    ],
)
def test_it_names_the_place_in_chinese(location: Location, place: str) -> None:
    assert location.describe() == place


def test_the_stored_provenance_form_stays_as_it_was() -> None:
    assert (
        str(Location("seed.xlsx", sheet="目标表", row=8, column=5))
        == "seed.xlsx, sheet 目标表, row 8, cell E8"
    )


def test_a_refusal_reads_place_then_message_and_keeps_the_detail_apart() -> None:
    error = FormReadError("文件是空的", Location("空.xlsx", sheet="表1", row=2), detail="xl/workbook.xml")
    assert str(error) == "空.xlsx，工作表“表1”，第2行：文件是空的"
    assert error.message == "文件是空的"
    assert error.detail == "xl/workbook.xml"
    assert str(FormReadError("不是本次上传的文件")) == "不是本次上传的文件"


def test_a_warning_reads_place_then_message() -> None:
    assert str(FormWarning("未找到年度", Location("a.txt", line=3))) == "a.txt，第3行：未找到年度"
    assert str(FormWarning("未找到年度")) == "未找到年度"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.xlsx"),
        (b"PK\x03\x04" + b"\x00" * 64, "cut.docx"),
        (b"%PDF-1.7\n" + b"x" * 64, "cut.pdf"),
        ("随便写的一段话。\n".encode(), "letter.txt"),
        (bytes(range(256)) * 8, "noise.bin"),
    ],
)
def test_refusals_speak_chinese_without_english_words(tmp_path: Path, content: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormReadError) as caught:
        read_forms(path)
    message = caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    english = set(re.findall(r"[A-Za-z]{4,}", message)) - {"Excel", "Word", "docx", "xlsx", "Office"}
    assert not english, message


def test_the_target_pages_name_places_from_the_structured_location() -> None:
    """The declaration pages' finding list uses ``describe``; a value typed on the page names no file."""
    from jixiao.performance.actions.targets import WEB_SOURCE
    from jixiao.performance.views.targets import place

    assert (
        place(Location("宿州.xlsx", sheet="目标", row=7, column=3))
        == "宿州.xlsx，工作表“目标”，第7行，单元格C7"
    )
    assert place(Location(WEB_SOURCE, row=3)) == "第3行"
    # A file name holding the English provenance words is not taken apart.
    assert place(Location("cell C9, line 4.xlsx", sheet="表", row=2, column=1)) == (
        "cell C9, line 4.xlsx，工作表“表”，第2行，单元格A2"
    )
    assert place(None) == "全表"
