"""The common shape every reader produces: rows of text cells, each with its location.

A reader only has to find cells; the assembler (``assemble.py``) finds the form in them. ``Grid.stream`` is
true when the file gave cells one per line with no row boundaries (flattened web pages), so rows have to be
rebuilt from the header widths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.domain.forms.model import Location

# Limits that keep hostile files from exhausting memory. A real form cell holds at most a few thousand
# characters; a form file is a few hundred kilobytes.
MAX_CELL_CHARS = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    location: Location


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    location: Location

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def non_empty(self) -> list[Cell]:
        return [c for c in self.cells if c.text.strip()]


@dataclass(slots=True)
class Grid:
    source: str
    rows: list[Row] = field(default_factory=list)
    stream: bool = False
    notes: list[tuple[str, Location]] = field(default_factory=list)
    """What a reader repaired or could not read, and where (a formula without a value): warnings on the form."""
