"""Fuzzing ``read_grid``: whatever the bytes, only a FormReadError may come out.

Random bytes, and valid docx/xlsx/xls/PDF files with bytes flipped, cut off or inserted. Example counts are
kept modest so the whole module runs in well under a minute on two cores.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.model import FormReadError
from jixiao.domain.forms.readers import read_grid

from .builders import pdf, seed_docx, seed_xlsx, table_page
from .test_xlsx import SEED_XLS

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def originals(workdir: Path) -> dict[str, bytes]:
    texts, rects = table_page([["一级指标", "指标值"], ["产出指标", "≥6期"]])
    return {
        ".docx": seed_docx(workdir / "seed.docx").read_bytes(),
        ".xlsx": seed_xlsx(workdir / "seed.xlsx").read_bytes(),
        ".xls": shutil.copy(SEED_XLS, workdir / "seed.xls").read_bytes(),
        ".pdf": pdf(workdir / "seed.pdf", [([(50, 760, "标题"), *texts], rects)]).read_bytes(),
    }


def only_read_errors(path: Path) -> None:
    result: Grid | FormReadError
    try:
        result = read_grid(path)
    except FormReadError as error:
        result = error
    # Any other exception fails the test; a read error must still name the file.
    assert isinstance(result, Grid) or str(result).startswith(path.name)


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "zero"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "zero":
            data[at : at + draw(st.integers(1, 512))] = bytes(min(512, len(data) - at))
    return bytes(data)


@st.composite
def member_mutations(draw: st.DrawFn, original: bytes) -> bytes:
    """The same zip with one member's content mutated, so the XML parsers, not the zip checks, meet it."""
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    target_name = draw(st.sampled_from([name for name, _ in members]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members:
            target.writestr(name, draw(mutations(content)) if name == target_name else content)
    return out.getvalue()


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".docx", ".xlsx", ".xls", ".pdf", ".txt", ""]))
def test_random_bytes_give_only_read_errors(workdir: Path, data: bytes, suffix: str) -> None:
    path = workdir / f"random{suffix}"
    path.write_bytes(data)
    only_read_errors(path)


@FUZZ
@given(data=st.data())
def test_mutated_docx_give_only_read_errors(
    workdir: Path, originals: dict[str, bytes], data: st.DataObject
) -> None:
    path = workdir / "mutated.docx"
    original = originals[".docx"]
    path.write_bytes(data.draw(st.one_of(mutations(original), member_mutations(original))))
    only_read_errors(path)


@FUZZ
@given(data=st.data())
def test_mutated_xlsx_give_only_read_errors(
    workdir: Path, originals: dict[str, bytes], data: st.DataObject
) -> None:
    path = workdir / "mutated.xlsx"
    original = originals[".xlsx"]
    path.write_bytes(data.draw(st.one_of(mutations(original), member_mutations(original))))
    only_read_errors(path)


@FUZZ
@given(data=st.data())
def test_mutated_xls_give_only_read_errors(
    workdir: Path, originals: dict[str, bytes], data: st.DataObject
) -> None:
    path = workdir / "mutated.xls"
    path.write_bytes(data.draw(mutations(originals[".xls"])))
    only_read_errors(path)


@FUZZ
@given(data=st.data())
def test_mutated_pdf_give_only_read_errors(
    workdir: Path, originals: dict[str, bytes], data: st.DataObject
) -> None:
    path = workdir / "mutated.pdf"
    path.write_bytes(data.draw(mutations(originals[".pdf"])))
    only_read_errors(path)
