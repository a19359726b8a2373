"""Performance forms: read a file (text, docx, xlsx, xls, pdf) into ``FormDocument`` objects."""

from __future__ import annotations

from pathlib import Path

from jixiao.domain.forms.grid import Grid
from jixiao.domain.forms.model import FormDocument, FormReadError, Location

__all__ = ["FormDocument", "FormReadError", "read_forms", "read_grid_any"]


def read_grid_any(path: Path, display_name: str | None = None) -> Grid:
    """The grid of any supported file: the file's signature decides the reader, not its extension."""
    from jixiao.domain.forms.readers import read_grid, sniff
    from jixiao.domain.forms.readers.safety import check_file
    from jixiao.domain.forms.text import read_text

    name = display_name or path.name
    if not path.exists():
        raise FormReadError("找不到这个文件", Location(name))
    if path.is_dir():
        raise FormReadError("这是一个文件夹，不是绩效表文件", Location(name))
    check_file(path, name)  # before anything opens it: a FIFO would block for ever
    if sniff(path) == "text":
        return read_text(path, name)
    return read_grid(path, display_name=name)


def read_forms(path: Path, display_name: str | None = None) -> list[FormDocument]:
    """Every form in a file. A file in which no form can be found is an error, naming the file."""
    from jixiao.domain.forms.assemble import assemble
    from jixiao.domain.forms.deadline import file_deadline

    with file_deadline():
        grid = read_grid_any(path, display_name)
        forms = assemble(grid)
    if not forms:
        raise FormReadError(
            f"文件中找不到绩效表（查找了{_extent(grid)}：没有“项目名称”、指标表，也没有带数值的指标级别），"
            "请确认上传的是绩效目标表、自评表或监控表",
            Location(display_name or path.name),
        )
    return forms


def _extent(grid: Grid) -> str:
    """Where a reader looked, as a person would find it: the lines, pages or sheets of the grid."""
    locations = [row.location for row in grid.rows]
    if not locations:
        return "全文，没有任何单元格"
    lines = [loc.line for loc in locations if loc.line is not None]
    pages = sorted({loc.page for loc in locations if loc.page is not None})
    sheets = list(dict.fromkeys(loc.sheet for loc in locations if loc.sheet is not None))
    if pages:
        return f"第{pages[0]}–{pages[-1]}页"
    if sheets:
        return "工作表" + "、".join(f"“{s}”" for s in sheets[:5]) + ("等" if len(sheets) > 5 else "")
    if lines:
        return f"第{min(lines)}–{max(lines)}行"
    return f"第1–{len(locations)}行"
