"""The asset registry's spreadsheets: its columns and labels, reading an .xlsx/.xls/.csv file into validated rows
(through the hardened grid reader of the forms, ``jixiao.domain.forms.readers``), URLs in normal form, and the
export that imports back unchanged. Storing is ``actions.assets.do_import_assets``.

Every error names the file, sheet, row and column, in Chinese; a bad kind or importance names the labels a
person may write (网站、信息系统、平台账号; 重点、一般), not the internal codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from jixiao.domain.forms.grid import MAX_CELL_CHARS, Grid
from jixiao.domain.forms.model import FormReadError, Location
from jixiao.domain.forms.readers import read_grid, sniff
from jixiao.domain.forms.readers.safety import Budget, cell_text, check_file
from jixiao.orgs.actors import Actor
from jixiao.security.choices import AssetKindChoices, ImportanceChoices, ScheduleClassChoices
from jixiao.security.models import Asset

__all__ = [
    "ASSET_FIELDS",
    "CHUNK",
    "COLUMNS",
    "SCHEDULE_FOR_IMPORTANCE",
    "AssetImportError",
    "AssetImportResult",
    "RegistryReader",
    "RegistryRow",
    "RowError",
    "export_assets",
    "normalise_url",
    "read_registry",
]

CHUNK = 500
MAX_ERRORS = 1000

# Field → (header written on export, other headers accepted on import).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("名称", ("资产名称", "网站名称", "系统名称", "账号名称", "name")),
    "kind": ("类型", ("资产类型", "kind")),
    "owner": ("主办单位", ("责任单位", "所属单位", "单位", "owner")),
    "url": ("网址", ("主网址", "url", "地址")),
    "extra_urls": ("其他网址", ("其他地址", "extra_urls", "hosts")),
    "category": ("分类", ("category",)),
    "importance": ("重要程度", ("importance",)),
    "schedule_class": ("监测频率", ("schedule_class",)),
    "contact_name": ("联系人", ("contact_name",)),
    "contact_phone": ("联系电话", ("contact_phone", "电话")),
    "contact_email": ("联系邮箱", ("contact_email", "邮箱", "email")),
    "tags": ("标签", ("tags",)),
    "active": ("启用", ("是否启用", "active")),
}
REQUIRED = ("name", "owner", "url")
ASSET_FIELDS = (
    "kind",
    "name",
    "owner_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "category",
    "importance",
    "extra_urls",
    "tags",
    "active",
    "schedule_class",
)
_TRUE = {"是", "启用", "true", "yes", "y", "1", "on"}
_FALSE = {"否", "停用", "false", "no", "n", "0", "off"}
SCHEDULE_FOR_IMPORTANCE = {
    ImportanceChoices.KEY: ScheduleClassChoices.KEY,
    ImportanceChoices.ORDINARY: ScheduleClassChoices.ORDINARY,
}
_LIST_SEPARATORS = (";", "；", ",", "，", "\n", "、")
_email = EmailValidator()


def _header_key(text: str) -> str:
    return "".join(str(text).split()).lower().replace("（", "(").replace("）", ")")


_HEADERS: dict[str, str] = {
    _header_key(label): name for name, (main, others) in COLUMNS.items() for label in (main, *others, name)
}


def _choice_lookup(choices: Any) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
        lookup[str(label).split("（")[0].lower()] = value
    return lookup


def _labels(choices: Any) -> str:
    """The labels a person writes in the file (网站、信息系统、平台账号), never the internal codes."""
    return "、".join(str(label).split("（")[0] for label in choices.labels)


_KINDS = _choice_lookup(AssetKindChoices)
_IMPORTANCE = _choice_lookup(ImportanceChoices)
_SCHEDULES = _choice_lookup(ScheduleClassChoices)


# --- errors and results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: where (file, sheet, row, column) and what."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"{self.column} 列")
        return f"{'，'.join(where)}：{self.message}"


class AssetImportError(Exception):
    """The file was refused as a whole; ``errors`` lists every bad cell found (up to ``MAX_ERRORS``)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        more = f"（另有 {len(self.errors) - 5} 处错误）" if len(self.errors) > 5 else ""
        super().__init__("；".join(str(e) for e in self.errors[:5]) + more)


@dataclass
class AssetImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    files: list[str] = field(default_factory=list)


# --- URLs --------------------------------------------------------------------------------------------------


def normalise_url(raw: str) -> str:
    """The identity form of a URL: http(s) only, lower-case scheme and host, no default port, no fragment,
    ``/`` for an empty path. A bare host name means ``https://host/``. Raises ``ValueError``."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("网址为空")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValueError(f"只能监测 http 和 https 网址，不能监测 {parts.scheme}:")
    host = (parts.hostname or "").lower()
    if not host or " " in host:
        raise ValueError(f"“{raw}”没有主机名")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"“{raw}”的端口有误") from exc
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


# --- reading files -----------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Sheet:
    name: str | None
    rows: list[tuple[int, list[str]]]


def _csv_sheet(path: Path, name: str) -> _Sheet:
    """A text file of comma-separated rows, with the readers' limits (file size, cell size, rows, cells)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - sniff() calls the file text only when one of them decodes it
        raise FormReadError("不是 UTF-8 或 GB18030 编码的文本", Location(name))
    budget = Budget()
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            where = Location(name, row=number)
            budget.visit(number, len(values), where)
            try:
                # One location per row: a cell's own is built only for the error that names it.
                texts = [cell_text(value, where) for value in values]
            except FormReadError:
                column = next(i for i, v in enumerate(values, start=1) if len(v) > MAX_CELL_CHARS)
                cell_text(values[column - 1], Location(name, row=number, column=column))
                raise
            if any(texts):
                rows.append((number, texts))
    except csv.Error as error:
        raise FormReadError(f"CSV 格式有误（{error}）", Location(name)) from error
    return _Sheet(None, rows)


def _read_sheets(path: Path, name: str) -> list[_Sheet]:
    """Read ``path`` with the forms' hardened readers (xlsx, xls); a text file is read as CSV with the same
    checks (file size, cell size, row and cell budgets)."""
    check_file(path, name)
    kind = sniff(path)
    if kind == "text":
        return [_csv_sheet(path, name)]
    if kind not in {"xlsx", "xls"}:
        raise FormReadError("资产登记表须为 .xlsx、.xls 或 .csv 文件", Location(name))
    return _sheets(read_grid(path, display_name=name))


def _sheets(grid: Grid) -> list[_Sheet]:
    """The grid's rows per sheet, each as its row number and its cells' texts by column (A = index 0)."""
    sheets: dict[str | None, _Sheet] = {}
    for row in grid.rows:
        sheet = sheets.setdefault(row.location.sheet, _Sheet(row.location.sheet, []))
        width = max((c.location.column or 0) for c in row.cells) if row.cells else 0
        texts = [""] * width
        for cell in row.cells:
            if cell.location.column:
                texts[cell.location.column - 1] = cell.text
        sheet.rows.append((row.location.row or 0, texts))
    return list(sheets.values())


def read_registry(paths: Sequence[Path], units: list[tuple[int, str | None, str]]) -> RegistryReader:
    """Read every file into validated rows; the reader's ``errors`` list what is wrong, where."""
    reader = RegistryReader(units)
    for path in paths:
        display = str(path)
        if not path.is_file():
            reader.error(display, None, None, None, "文件不存在")
            continue
        try:
            sheets = _read_sheets(path, display)
        except FormReadError as error:
            where = error.location or Location(display)
            column = _column_letter(where.column - 1) if where.column else None
            message = error.message
            reader.error(display, where.sheet, where.row, column, message)
            continue
        reader.read(sheets, display)
    return reader


def _split_list(text: str) -> list[str]:
    items = [text]
    for separator in _LIST_SEPARATORS:
        items = [piece for item in items for piece in item.split(separator)]
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(item.strip(), None)
    return list(seen)


@dataclass
class RegistryRow:
    file: str
    sheet: str | None
    number: int
    values: dict[str, Any]
    owner_text: str


class RegistryReader:
    """Turns sheets into validated rows, collecting every error instead of stopping at the first."""

    def __init__(self, units: list[tuple[int, str | None, str]]) -> None:
        self.errors: list[RowError] = []
        self.by_code = {code: pk for pk, code, _ in units if code}
        self.by_name: dict[str, list[int]] = {}
        for pk, _, name in units:
            self.by_name.setdefault(name, []).append(pk)
        self.seen_urls: dict[str, str] = {}
        self.rows: list[RegistryRow] = []

    def error(self, file: str, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(file, sheet, row, column, message))

    def read(self, sheets: list[_Sheet], display: str) -> None:
        for sheet in sheets:
            header: dict[int, str] | None = None
            labels: dict[str, str] = {}
            for number, cells in sheet.rows:
                if not any(cells):
                    continue
                if header is None:
                    header, labels = self._header(display, sheet.name, number, cells)
                    if header is None:
                        break
                    continue
                self._row(display, sheet.name, number, cells, header, labels)

    def _header(
        self, file: str, sheet: str | None, number: int, cells: list[str]
    ) -> tuple[dict[int, str] | None, dict[str, str]]:
        header: dict[int, str] = {}
        labels: dict[str, str] = {}
        for index, cell in enumerate(cells):
            if not cell:
                continue
            name = _HEADERS.get(_header_key(cell))
            column = f"{_column_letter(index)}（{cell}）"
            if name is None:
                self.error(file, sheet, number, column, f"无法识别的列“{cell}”")
            elif name in labels:
                self.error(file, sheet, number, column, f"列“{cell}”与 {labels[name]} 重复")
            else:
                header[index] = name
                labels[name] = column
        missing = [COLUMNS[name][0] for name in REQUIRED if name not in labels]
        if missing:
            self.error(file, sheet, number, None, f"表头缺少{'、'.join(missing)}")
            return None, labels
        return header, labels

    def _row(
        self,
        file: str,
        sheet: str | None,
        number: int,
        cells: list[str],
        header: dict[int, str],
        labels: dict[str, str],
    ) -> None:
        raw = {name: (cells[index] if index < len(cells) else "") for index, name in header.items()}
        before = len(self.errors)

        def bad(name: str, message: str) -> None:
            self.error(file, sheet, number, labels.get(name, COLUMNS[name][0]), message)

        for name in REQUIRED:
            if not raw.get(name):
                bad(name, f"{COLUMNS[name][0]}为空")
        values: dict[str, Any] = {"name": raw.get("name", "")}
        url = ""
        if raw.get("url"):
            try:
                url = normalise_url(raw["url"])
            except ValueError as exc:
                bad("url", str(exc))
            else:
                where = (f"工作表“{sheet}”" if sheet else "") + f"第 {number} 行"
                if url in self.seen_urls:
                    bad("url", f"{url} 已在{self.seen_urls[url]}登记")
                else:
                    self.seen_urls[url] = where
        values["url"] = url
        extra = []
        for item in _split_list(raw.get("extra_urls", "")):
            try:
                extra.append(normalise_url(item) if ("://" in item or "/" in item) else item.lower())
            except ValueError as exc:
                bad("extra_urls", str(exc))
        values["extra_urls"] = extra
        values["tags"] = _split_list(raw.get("tags", ""))
        for name, lookup, choices, default in (
            ("kind", _KINDS, AssetKindChoices, AssetKindChoices.WEBSITE),
            ("importance", _IMPORTANCE, ImportanceChoices, ImportanceChoices.ORDINARY),
        ):
            text = raw.get(name, "")
            values[name] = lookup.get(text.lower(), "") if text else str(default)
            if not values[name]:
                bad(name, f"“{text}”不是可填写的{COLUMNS[name][0]}（{_labels(choices)}）")
        schedule_text = raw.get("schedule_class", "")
        if schedule_text:
            values["schedule_class"] = _SCHEDULES.get(schedule_text.lower(), "")
            if not values["schedule_class"]:
                bad(
                    "schedule_class",
                    f"“{schedule_text}”不是可填写的{COLUMNS['schedule_class'][0]}（{_labels(ScheduleClassChoices)}）",
                )
        else:
            values["schedule_class"] = str(
                SCHEDULE_FOR_IMPORTANCE.get(values["importance"], ScheduleClassChoices.ORDINARY)
            )
        active_text = raw.get("active", "").lower()
        values["active"] = True if not active_text else active_text in _TRUE
        if active_text and active_text not in _TRUE | _FALSE:
            bad("active", f"“{raw['active']}”应填“是”或“否”")
        for name in ("contact_name", "contact_phone", "contact_email", "category"):
            values[name] = raw.get(name, "")
        if values["contact_email"]:
            try:
                _email(values["contact_email"])
            except ValidationError:
                bad("contact_email", f"“{values['contact_email']}”不是电子邮箱地址")
        for name, limit in (
            ("name", 200),
            ("url", 500),
            ("contact_name", 100),
            ("contact_phone", 64),
            ("contact_email", 254),
            ("category", 100),
        ):
            if len(values[name]) > limit:
                bad(name, f"超过 {limit} 个字符")
        owner = raw.get("owner", "")
        if owner:
            values["owner_id"] = self._owner(owner, lambda m: bad("owner", m))
        if len(self.errors) == before:
            self.rows.append(RegistryRow(file, sheet, number, values, owner))

    def _owner(self, text: str, bad: Any) -> int | None:
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        bad(f"有 {len(found)} 个单位名为“{text}”，请填写单位代码" if found else f"没有单位“{text}”")
        return None


# --- export ------------------------------------------------------------------------------------------------


def _export_rows(assets: Any) -> Iterator[list[Any]]:
    kinds = dict(AssetKindChoices.choices)
    importance = dict(ImportanceChoices.choices)
    schedules = {value: str(label).split("（")[0] for value, label in ScheduleClassChoices.choices}
    yield [main for main, _ in COLUMNS.values()]
    for asset in assets.select_related("owner").order_by("pk").iterator(chunk_size=2000):
        yield [
            asset.name,
            str(kinds[asset.kind]),
            asset.owner.code or asset.owner.name,
            asset.url,
            "; ".join(asset.extra_urls),
            asset.category,
            str(importance[asset.importance]),
            schedules[asset.schedule_class],
            asset.contact_name,
            asset.contact_phone,
            asset.contact_email,
            "; ".join(asset.tags),
            "是" if asset.active else "否",
        ]


def export_assets(path: str | Path, *, acting_user: Actor) -> int:
    """Write the assets the person may see (all of them for the system) to .xlsx or .csv; returns the count.

    The file imports back unchanged: the same headers and labels ``do_import_assets`` reads.
    """
    target = Path(path)
    queryset = Asset.objects.restrict(acting_user, "view")
    rows = _export_rows(queryset)
    count = -1
    if target.suffix.lower() == ".csv":
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"{target}：导出文件名须以 .csv 或 .xlsx 结尾")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("网络资产")
    for row in rows:
        # Text cells throughout: a phone number or unit code must not turn into a number.
        sheet.append([str(v) for v in row])
        count += 1
    book.save(target)
    return count
