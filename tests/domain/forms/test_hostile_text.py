"""Hostile text input: refused or read quickly, in bounded memory, and every refusal names the place."""

from __future__ import annotations

import contextlib
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.deadline import check_deadline, file_deadline
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.text import parse_text


def test_it_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "form.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FormReadError, match="不是普通文件"):
        read_forms(fifo)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "line",
    [
        "标题" + " TC " * 60_000 + "x",  # many field starts and no field tail
        "标题 TC " + "\\" * 100_000 + "x y",  # many backslashes
        "|" + " " * 400_000 + "x",  # a pipe table cell of spaces
        "资金用途 " + "1" * 90_000,  # a long run of digits
    ],
)
def test_it_reads_long_hostile_lines_in_linear_time(line: str) -> None:
    started = time.monotonic()
    with contextlib.suppress(FormReadError):
        parse_text(line + "\n" + line + "\n", "hostile.txt")
    assert time.monotonic() - started < 2


def test_it_still_strips_word_field_codes_from_a_line() -> None:
    grid = parse_text("一级指标\t二级指标 TC 二级指标 \\f A \\l 1\n产出指标\t数量指标\n", "toc.txt")
    assert [c.text for c in grid.rows[0].cells] == ["一级指标", "二级指标"]


def test_it_refuses_millions_of_empty_lines_before_building_them(tmp_path: Path) -> None:
    path = tmp_path / "newlines.txt"
    path.write_bytes(b"x\n" + b"\n" * 3_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(FormReadError, match=r"行数太多") as caught:
            read_forms(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024
    assert caught.value.location is not None
    assert caught.value.location.line == 1


def test_it_refuses_a_file_past_its_deadline_naming_where_reading_had_got_to() -> None:
    where = Location("slow.txt", line=120)
    with file_deadline(0.0):
        time.sleep(0.01)
        with pytest.raises(FormReadError, match="读取超时") as caught:
            check_deadline(where)
    assert str(caught.value).startswith("slow.txt，第120行：")


def test_it_names_the_lines_it_searched_when_no_form_is_found(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("各位同事:\n下周一上午开会。\n请准时参加。\n", encoding="utf-8")
    with pytest.raises(FormReadError, match="查找了第1–3行"):
        read_forms(path)


def test_it_reads_a_form_with_a_cell_of_thousands_of_open_brackets_quickly(tmp_path: Path) -> None:
    path = tmp_path / "brackets.txt"
    path.write_text(
        "项目支出绩效目标表\n项目名称\t" + "(" * 20_000 + "\n" + "(" * 20_000 + "\n", encoding="utf-8"
    )
    started = time.monotonic()
    with contextlib.suppress(FormReadError):
        read_forms(path)
    assert time.monotonic() - started < 2


def test_it_names_the_cell_of_a_weight_of_forty_digits(tmp_path: Path) -> None:
    path = tmp_path / "digits.txt"
    path.write_text(
        "项目支出绩效目标表\n项目名称\t社区书屋\n一级指标\t二级指标\t三级指标\t指标值\t分值\n"
        "产出指标\t数量指标\t图书借阅人次\t≥5000人次\t" + "9" * 40 + "\n",
        encoding="utf-8",
    )
    (form,) = read_forms(path)
    assert form.indicators[0].weight is None
    (warning,) = [w for w in form.warnings if "不是合理的数字（位数过多）" in w.message]
    assert warning.location is not None
    assert (warning.location.line, warning.location.column) == (4, 5)
    assert str(warning).startswith("digits.txt，第4行，第5列：“9999")


def test_it_reads_a_row_of_thousands_of_cells_and_a_header_thousands_of_cells_wide_quickly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wide.txt"
    header = "一级指标 二级指标 三级指标 指标值 " + "备注 " * 3000
    path.write_text(
        "项目支出绩效目标表\n" + " TC " * 8000 + "\n" + header + "\n" + "产出指标 数量指标 人次 ≥5\n" * 40,
        encoding="utf-8",
    )
    started = time.monotonic()
    with contextlib.suppress(FormReadError):
        read_forms(path)
    assert time.monotonic() - started < 3
