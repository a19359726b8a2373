"""The asset registry: registering and changing assets, bulk import from xlsx/csv and export.

``do_import_assets`` reads every row first and stores nothing unless every row is good: one transaction,
errors collected with file, sheet, row and column. Import is idempotent by the primary URL (normal form):
a known URL updates its asset, an unchanged row writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import is_superuser, units_for
from jixiao.performance import bulk
from jixiao.security.choices import AssetKindChoices, ImportanceChoices, ScheduleClassChoices
from jixiao.security.guards import require
from jixiao.security.models import Asset, AssetState
from jixiao.security.scheduling import create_schedules

logger = logging.getLogger(__name__)

__all__ = [
    "COLUMNS",
    "AssetImportError",
    "AssetImportResult",
    "RowError",
    "do_create_asset",
    "do_import_assets",
    "do_set_asset_active",
    "do_update_asset",
    "export_assets",
    "normalise_url",
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
_SCHEDULE_FOR_IMPORTANCE = {
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
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class AssetImportError(Exception):
    """The file was refused as a whole; ``errors`` lists every bad cell found (up to ``MAX_ERRORS``)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__("; ".join(str(e) for e in self.errors[:5]) + more)


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
        raise ValueError("URL is empty")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValueError(f"only http and https URLs can be monitored, not {parts.scheme}:")
    host = (parts.hostname or "").lower()
    if not host or " " in host:
        raise ValueError(f"{raw!r} has no host name")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{raw!r} has a bad port") from exc
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


# --- reading files -----------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed into Excel come back as floats
    return str(value).strip()


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
    rows: Iterator[tuple[int, list[str]]]


def _read_csv(path: Path) -> Iterator[_Sheet]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise AssetImportError([RowError(str(path), None, None, None, "not UTF-8 or GB18030 text")])

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(csv.reader(text.splitlines()), start=1):
            yield number, [cell.strip() for cell in row]

    yield _Sheet(None, rows())


def _read_xlsx(path: Path) -> Iterator[_Sheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise AssetImportError(
            [RowError(str(path), None, None, None, f"not a readable xlsx file: {exc}")]
        ) from exc
    try:
        for sheet in book.worksheets:

            def rows(sheet: Any = sheet) -> Iterator[tuple[int, list[str]]]:
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield number, [_cell_text(v) for v in row]

            yield _Sheet(sheet.title, rows())
    finally:
        book.close()


def _sheets(path: Path) -> Iterator[_Sheet]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    raise AssetImportError([RowError(str(path), None, None, None, "expected a .csv or .xlsx file")])


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
class _Row:
    file: str
    sheet: str | None
    number: int
    values: dict[str, Any]
    owner_text: str


class _Reader:
    """Turns sheets into validated rows, collecting every error instead of stopping at the first."""

    def __init__(self, units: list[tuple[int, str | None, str]]) -> None:
        self.errors: list[RowError] = []
        self.by_code = {code: pk for pk, code, _ in units if code}
        self.by_name: dict[str, list[int]] = {}
        for pk, _, name in units:
            self.by_name.setdefault(name, []).append(pk)
        self.seen_urls: dict[str, str] = {}
        self.rows: list[_Row] = []

    def error(self, file: str, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(file, sheet, row, column, message))

    def read(self, path: Path, display: str) -> None:
        for sheet in _sheets(path):
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
                self.error(file, sheet, number, column, f"unknown column {cell!r}")
            elif name in labels:
                self.error(file, sheet, number, column, f"column {cell!r} repeats {labels[name]}")
            else:
                header[index] = name
                labels[name] = column
        missing = [COLUMNS[name][0] for name in REQUIRED if name not in labels]
        if missing:
            self.error(file, sheet, number, None, f"the header row lacks {', '.join(missing)}")
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
                bad(name, f"{COLUMNS[name][0]} is empty")
        values: dict[str, Any] = {"name": raw.get("name", "")}
        url = ""
        if raw.get("url"):
            try:
                url = normalise_url(raw["url"])
            except ValueError as exc:
                bad("url", str(exc))
            else:
                where = f"row {number}" + (f" of sheet {sheet}" if sheet else "")
                if url in self.seen_urls:
                    bad("url", f"{url} is already on {self.seen_urls[url]}")
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
        for name, lookup, default in (
            ("kind", _KINDS, AssetKindChoices.WEBSITE),
            ("importance", _IMPORTANCE, ImportanceChoices.ORDINARY),
        ):
            text = raw.get(name, "")
            values[name] = lookup.get(text.lower(), "") if text else str(default)
            if not values[name]:
                bad(name, f"{text!r} is not one of {sorted(set(lookup.values()))}")
        schedule_text = raw.get("schedule_class", "")
        if schedule_text:
            values["schedule_class"] = _SCHEDULES.get(schedule_text.lower(), "")
            if not values["schedule_class"]:
                bad("schedule_class", f"{schedule_text!r} is not one of {ScheduleClassChoices.values}")
        else:
            values["schedule_class"] = str(
                _SCHEDULE_FOR_IMPORTANCE.get(values["importance"], ScheduleClassChoices.ORDINARY)
            )
        active_text = raw.get("active", "").lower()
        values["active"] = True if not active_text else active_text in _TRUE
        if active_text and active_text not in _TRUE | _FALSE:
            bad("active", f"{raw['active']!r} is neither 是 nor 否")
        for name in ("contact_name", "contact_phone", "contact_email", "category"):
            values[name] = raw.get(name, "")
        if values["contact_email"]:
            try:
                _email(values["contact_email"])
            except ValidationError:
                bad("contact_email", f"{values['contact_email']!r} is not an e-mail address")
        for name, limit in (
            ("name", 200),
            ("url", 500),
            ("contact_name", 100),
            ("contact_phone", 64),
            ("contact_email", 254),
            ("category", 100),
        ):
            if len(values[name]) > limit:
                bad(name, f"longer than {limit} characters")
        owner = raw.get("owner", "")
        if owner:
            values["owner_id"] = self._owner(owner, lambda m: bad("owner", m))
        if len(self.errors) == before:
            self.rows.append(_Row(file, sheet, number, values, owner))

    def _owner(self, text: str, bad: Any) -> int | None:
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        bad(f"{len(found)} units are named {text!r}; use the unit code" if found else f"no unit {text!r}")
        return None


# --- storing -----------------------------------------------------------------------------------------------


def _allowed_units(acting_user: Actor) -> set[int] | None:
    if acting_user is None or is_superuser(acting_user):
        return None
    return set(units_for(acting_user, "change").values_list("pk", flat=True))


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _create_monitoring_rows(asset_ids: Sequence[int], now: dt.datetime) -> None:
    """Schedules (one per check group, due now) and an empty monitoring state for new assets, in bulk."""
    create_schedules(asset_ids, now)
    bulk.insert_rows(
        AssetState,
        (
            "asset_id",
            "failing",
            "failures",
            "successes",
            "baseline_raw_hash",
            "baseline_text_hash",
            "baseline_text",
        ),
        ((pk, False, 0, 0, "", "", "") for pk in asset_ids),
    )


@transaction.atomic
def do_import_assets(
    path: str | Path | Sequence[str | Path], *, acting_user: Actor, reason: str
) -> AssetImportResult:
    """Import assets from one or more .xlsx/.csv files: every row stored, or (on any bad row) none.

    Raises ``AssetImportError`` listing every error with file, sheet, row and column, or
    ``PermissionDenied`` when the person may not change an owner unit.
    """
    paths = [Path(p) for p in ([path] if isinstance(path, str | Path) else path)]
    units = list(Unit.objects.unrestricted().values_list("pk", "code", "name"))
    reader = _Reader(units)
    for p in paths:
        if not p.is_file():
            reader.error(str(p), None, None, None, "no such file")
            continue
        try:
            reader.read(p, str(p))
        except AssetImportError as exc:
            reader.errors.extend(exc.errors)
    if reader.errors:
        raise AssetImportError(reader.errors)

    rows = reader.rows
    existing: dict[str, dict[str, Any]] = {}
    urls = [r.values["url"] for r in rows]
    for chunk in _chunks(urls):
        for found in Asset.objects.unrestricted().filter(url__in=chunk).values("pk", "url", *ASSET_FIELDS):
            existing[found["url"]] = found

    allowed = _allowed_units(acting_user)
    if allowed is not None:
        for row in rows:
            old = existing.get(row.values["url"])
            for unit_id in {row.values["owner_id"], *([old["owner_id"]] if old else [])}:
                if unit_id not in allowed:
                    assert acting_user is not None
                    raise PermissionDenied(
                        f"{row.file} row {row.number}: {acting_user.get_username()} may not change the "
                        f"assets of unit {row.owner_text}"
                    )

    now = timezone.now()
    result = AssetImportResult(rows=len(rows), files=[str(p) for p in paths])
    new_rows: list[_Row] = []
    updates: list[tuple[int, tuple[Any, ...]]] = []
    events = []
    for row in rows:
        old = existing.get(row.values["url"])
        if old is None:
            new_rows.append(row)
            continue
        changes = {f: [old[f], row.values[f]] for f in ASSET_FIELDS if old[f] != row.values[f]}
        if not changes:
            result.unchanged += 1
            continue
        result.updated += 1
        updates.append((old["pk"], (*(row.values[f] for f in ASSET_FIELDS), now)))
        events.append((old["pk"], row, changes))
    bulk.update_rows(Asset, (*ASSET_FIELDS, "updated_at"), updates)

    created = Asset.objects.bulk_create(
        [Asset(url=r.values["url"], created_at=now, updated_at=now, **_fields(r.values)) for r in new_rows],
        batch_size=CHUNK,
    )
    result.created = len(created)
    _create_monitoring_rows([a.pk for a in created], now)

    units_by_id = {
        u.pk: u for u in Unit.objects.unrestricted().filter(pk__in={r.values["owner_id"] for r in rows})
    }
    audit_rows = [
        audit.build(
            acting_user,
            "asset.created",
            asset,
            reason=reason,
            unit=units_by_id[asset.owner_id],
            details={"source": f"{r.file} row {r.number}"},
            at=now,
        )
        for asset, r in zip(created, new_rows, strict=True)
    ]
    for pk, row, changes in events:
        stub = Asset(pk=pk, name=row.values["name"], url=row.values["url"])
        audit_rows.append(
            audit.build(
                acting_user,
                "asset.updated",
                stub,
                reason=reason,
                unit=units_by_id[row.values["owner_id"]],
                changes=changes,
                details={"source": f"{row.file} row {row.number}"},
                at=now,
            )
        )
    audit.record_many(audit_rows)
    audit.record(
        acting_user,
        "assets.imported",
        None,
        reason=reason,
        details={
            "files": result.files,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    transaction.on_commit(
        lambda: logger.info(
            "assets imported: %d created, %d updated, %d unchanged",
            result.created,
            result.updated,
            result.unchanged,
        )
    )
    return result


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {f: values[f] for f in ASSET_FIELDS}


# --- single assets -----------------------------------------------------------------------------------------


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    if "url" in values:
        try:
            values["url"] = normalise_url(values["url"])
        except ValueError as exc:
            raise ValidationError({"url": str(exc)}) from exc
    return values


@transaction.atomic
def do_create_asset(
    name: str, url: str, *, owner: Unit, acting_user: Actor, reason: str, **fields: Any
) -> Asset:
    """Register one asset under ``owner`` (``change`` on the unit); its schedules start now."""
    require(acting_user, "change", owner, "网络资产")
    values = _clean({"url": url, **fields})
    if "schedule_class" not in values:
        values["schedule_class"] = _SCHEDULE_FOR_IMPORTANCE.get(
            values.get("importance", ImportanceChoices.ORDINARY), ScheduleClassChoices.ORDINARY
        )
    asset = Asset(name=name.strip(), owner=owner, **values)
    asset.full_clean()
    asset.save()
    _create_monitoring_rows([asset.pk], timezone.now())
    record_changes = {
        k: [None, v] for k, v in {"name": asset.name, **values}.items() if v not in ("", [], None)
    }
    audit.record(acting_user, "asset.created", asset, reason=reason, unit=owner, changes=record_changes)
    return asset


@transaction.atomic
def do_update_asset(asset: Asset, *, acting_user: Actor, reason: str, **fields: Any) -> Asset:
    """Change an asset's fields (``owner=`` moves it: ``change`` is needed on both units)."""
    require(acting_user, "change", asset.owner, "网络资产")
    new_owner = fields.get("owner")
    if new_owner is not None:
        require(acting_user, "change", new_owner, "网络资产")
    values = _clean(dict(fields))
    changes = {}
    for name, value in values.items():
        old = getattr(asset, name)
        if old != value:
            changes[name] = [
                str(old) if isinstance(old, Unit) else old,
                str(value) if isinstance(value, Unit) else value,
            ]
            setattr(asset, name, value)
    if changes:
        asset.full_clean()
        asset.save()
        audit.record(acting_user, "asset.updated", asset, reason=reason, unit=asset.owner, changes=changes)
    return asset


def do_set_asset_active(asset: Asset, active: bool, *, acting_user: Actor, reason: str) -> Asset:
    """Start or stop monitoring an asset; its history stays."""
    return do_update_asset(asset, active=active, acting_user=acting_user, reason=reason)


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
    queryset = Asset.objects.all() if acting_user is None else Asset.objects.restrict(acting_user, "view")
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
        raise ValueError("expected a .csv or .xlsx file name")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("网络资产")
    for row in rows:
        # Text cells throughout: a phone number or unit code must not turn into a number.
        sheet.append([str(v) for v in row])
        count += 1
    book.save(target)
    return count
