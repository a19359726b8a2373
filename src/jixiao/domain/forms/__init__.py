"""Performance forms: read a file (text, docx, xlsx, xls, pdf) into ``FormDocument`` objects."""

from __future__ import annotations

from pathlib import Path

from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.model import FormDocument, FormReadError, Location

__all__ = ["FormDocument", "FormReadError", "read_forms", "read_grid_any"]


def read_grid_any(path: Path, display_name: str | None = None) -> Grid:
    """The grid of any supported file: the file's signature decides the reader, not its extension."""
    from jixiao.domain.forms.readers import read_grid, sniff
    from jixiao.domain.forms.text import read_text

    name = display_name or path.name
    if not path.exists():
        raise FormReadError("no such file", Location(name))
    if path.is_dir():
        raise FormReadError("is a directory, not a form file", Location(name))
    if sniff(path) == "text":
        return read_text(path, name)
    return read_grid(path, display_name=name)


def read_forms(path: Path, display_name: str | None = None) -> list[FormDocument]:
    """Every form in a file. A file in which no form can be found is an error, naming the file."""
    from jixiao.domain.forms.assemble import assemble

    grid = read_grid_any(path, display_name)
    forms = assemble(grid)
    if not forms:
        raise FormReadError(
            "no performance form found (no 项目名称 and no indicator table)",
            Location(display_name or path.name),
        )
    return forms
