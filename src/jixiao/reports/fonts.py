"""The Chinese font the PDF writer embeds: found on the machine, checked, and registered with reportlab once.

reportlab embeds TrueType outlines only, so Noto CJK (CFF outlines) will not do: the default is WenQuanYi
Micro Hei from Debian's ``fonts-wqy-microhei``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CJK_FONT_NAME",
    "DEBIAN_PACKAGE",
    "FontFile",
    "FontNotFoundError",
    "find_cjk_font",
    "load_font",
    "register_cjk_font",
]

ENV_VAR = "JIXIAO_CJK_FONT"
DEBIAN_PACKAGE = "fonts-wqy-microhei"
CJK_FONT_NAME = "JixiaoCJK"
KNOWN_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),  # Fedora's layout
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
_FAMILY = "WenQuanYi Micro Hei"
_PROBE = "中国绩效评价"


class FontNotFoundError(RuntimeError):
    """No usable Chinese TrueType font; the message says which package to install."""


@dataclass(frozen=True, slots=True)
class FontFile:
    path: Path
    subfont_index: int = 0


def _advice(detail: str) -> str:
    return (
        f"{detail}. The PDF needs a Chinese TrueType font: install the Debian package {DEBIAN_PACKAGE} "
        f"(apt-get install -y {DEBIAN_PACKAGE}), or set {ENV_VAR} to a .ttf/.ttc file with Chinese glyphs "
        "(append '#N' to pick face N of a .ttc). CFF/OpenType fonts such as Noto CJK cannot be embedded."
    )


def _parse(spec: str) -> FontFile:
    path, _, index = spec.partition("#")
    return FontFile(Path(path), int(index) if index.isdigit() else 0)


def _fc_match() -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "-f", "%{file}", _FAMILY], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    # fc-match always answers with something; only a WenQuanYi file is what was asked for.
    return Path(found) if found and "wqy" in found.lower() else None


def find_cjk_font() -> FontFile:
    """``$JIXIAO_CJK_FONT`` first, then the known Debian paths, then fontconfig; else ``FontNotFoundError``."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        font = _parse(configured)
        if not font.path.is_file():
            raise FontNotFoundError(_advice(f"{ENV_VAR}={configured!r} is not a file"))
        return font
    for path in KNOWN_PATHS:
        if path.is_file():
            return FontFile(path)
    found = _fc_match()
    if found is not None and found.is_file():
        return FontFile(found)
    raise FontNotFoundError(
        _advice(f"no WenQuanYi font found (looked at {', '.join(map(str, KNOWN_PATHS))})")
    )


def load_font(font: FontFile) -> Any:
    """The reportlab ``TTFont`` of ``font``, checked to embed and to have Chinese glyphs."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]

    try:
        ttf = TTFont(CJK_FONT_NAME, str(font.path), subfontIndex=font.subfont_index)
    except (TTFError, OSError) as error:
        raise FontNotFoundError(_advice(f"{font.path} cannot be embedded ({error})")) from error
    missing = [ch for ch in _PROBE if ord(ch) not in ttf.face.charToGlyph]
    if missing:
        raise FontNotFoundError(_advice(f"{font.path} has no glyph for {''.join(missing)}"))
    return ttf


@cache
def register_cjk_font() -> str:
    """Register the font with reportlab (once per process) and return the name to use in styles."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]

    pdfmetrics.registerFont(load_font(find_cjk_font()))
    return CJK_FONT_NAME
