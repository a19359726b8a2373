"""Finding the Chinese font the PDF embeds, and saying what to install when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.reports import fonts
from jixiao.reports.fonts import FontFile, FontNotFoundError, find_cjk_font, load_font


def test_it_finds_the_wenquanyi_font_of_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    found = find_cjk_font()
    assert "wqy" in found.path.name
    assert load_font(found).face.charToGlyph[ord("绩")]


def test_the_environment_variable_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    font = tmp_path / "mine.ttc"
    font.write_bytes(b"not really a font")
    monkeypatch.setenv(fonts.ENV_VAR, f"{font}#2")
    assert find_cjk_font() == FontFile(font, 2)


def test_a_missing_configured_font_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.ENV_VAR, "/nowhere/font.ttc")
    with pytest.raises(FontNotFoundError, match="apt-get install -y fonts-wqy-microhei"):
        find_cjk_font()


def test_no_font_anywhere_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ())
    monkeypatch.setattr(fonts.shutil, "which", lambda _: None)
    with pytest.raises(FontNotFoundError, match="fonts-wqy-microhei"):
        find_cjk_font()


def test_a_file_that_is_no_truetype_font_is_refused_with_advice(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"\x00\x01\x00\x00 not a font at all")
    with pytest.raises(FontNotFoundError, match="cannot be embedded"):
        load_font(FontFile(bogus))
