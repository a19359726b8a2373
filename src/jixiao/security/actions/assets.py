"""The asset registry's actions: registering and changing assets, bulk import from xlsx/xls/csv.

``do_import_assets`` reads every row first (``registry.read_registry``, through the forms' hardened grid
reader) and stores nothing unless every row is good: one transaction, errors collected with file, sheet,
row and column. Import is idempotent by the primary URL (normal form): a known URL updates its asset, an
unchanged row writes nothing. The export is ``registry.export_assets``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor, actor_label, is_system
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import can, is_superuser, units_for
from jixiao.performance import bulk
from jixiao.security.choices import ImportanceChoices, ScheduleClassChoices
from jixiao.security.guards import require
from jixiao.security.models import Asset, AssetState
from jixiao.security.registry import (
    ASSET_FIELDS,
    CHUNK,
    SCHEDULE_FOR_IMPORTANCE,
    AssetImportError,
    AssetImportResult,
    RegistryRow,
    normalise_url,
    read_registry,
)
from jixiao.security.scheduling import create_schedules
from jixiao.security.workflows import AssetVerb

logger = logging.getLogger(__name__)

__all__ = ["do_create_asset", "do_import_assets", "do_set_asset_active", "do_update_asset"]

# --- storing -----------------------------------------------------------------------------------------------


def _allowed_units(acting_user: Actor) -> set[int] | None:
    """The units whose registry the person keeps: their own (``change``) or as the office (``security``)."""
    if is_system(acting_user) or is_superuser(acting_user):
        return None
    return {
        *units_for(acting_user, "change").values_list("pk", flat=True),
        *units_for(acting_user, "security").values_list("pk", flat=True),
    }


def _require_registry(acting_user: Actor, unit: Unit) -> None:
    """``change`` on the unit (its own registry) or ``security`` (the office keeps it), else refused."""
    if not can(acting_user, "security", unit):
        require(acting_user, "change", unit, "网络资产")


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
            "header_grade",
        ),
        ((pk, False, 0, 0, "", "", "", "") for pk in asset_ids),
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
    # Owner units are matched against every unit (by code or name); who may change them is checked below.
    units = list(Unit.objects.unrestricted().values_list("pk", "code", "name"))
    reader = read_registry(paths, units)
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
                    sheet = f"工作表“{row.sheet}”" if row.sheet else ""
                    raise PermissionDenied(
                        f"{row.file}，{sheet}第 {row.number} 行：{actor_label(acting_user)} 无权变更"
                        f"{row.owner_text}的网络资产"
                    )

    now = timezone.now()
    result = AssetImportResult(rows=len(rows), files=[str(p) for p in paths])
    new_rows: list[RegistryRow] = []
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
            AssetVerb.CREATE,
            asset,
            reason=reason,
            unit=units_by_id[asset.owner_id],
            details={"source": f"{r.file} 第 {r.number} 行"},
            at=now,
        )
        for asset, r in zip(created, new_rows, strict=True)
    ]
    for pk, row, changes in events:
        stub = Asset(pk=pk, name=row.values["name"], url=row.values["url"])
        audit_rows.append(
            audit.build(
                acting_user,
                AssetVerb.UPDATE,
                stub,
                reason=reason,
                unit=units_by_id[row.values["owner_id"]],
                changes=changes,
                details={"source": f"{row.file} 第 {row.number} 行"},
                at=now,
            )
        )
    audit.record_many(audit_rows)
    audit.record(
        acting_user,
        AssetVerb.IMPORT,
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
    """Register one asset under ``owner`` (``change`` on the unit); its schedules start now. Marking it
    internal needs ``admin``."""
    _require_registry(acting_user, owner)
    if fields.get("internal"):
        require(acting_user, "admin", owner, "网络资产的内网标记")
    values = _clean({"url": url, **fields})
    if "schedule_class" not in values:
        values["schedule_class"] = SCHEDULE_FOR_IMPORTANCE.get(
            values.get("importance", ImportanceChoices.ORDINARY), ScheduleClassChoices.ORDINARY
        )
    asset = Asset(name=name.strip(), owner=owner, **values)
    asset.full_clean()
    asset.save()
    _create_monitoring_rows([asset.pk], timezone.now())
    record_changes = {
        k: [None, v] for k, v in {"name": asset.name, **values}.items() if v not in ("", [], None)
    }
    audit.record(acting_user, AssetVerb.CREATE, asset, reason=reason, unit=owner, changes=record_changes)
    return asset


@transaction.atomic
def do_update_asset(asset: Asset, *, acting_user: Actor, reason: str, **fields: Any) -> Asset:
    """Change an asset's fields (``owner=`` moves it: ``change`` is needed on both units)."""
    _require_registry(acting_user, asset.owner)
    new_owner = fields.get("owner")
    if new_owner is not None:
        _require_registry(acting_user, new_owner)
    if "internal" in fields and bool(fields["internal"]) != asset.internal:
        require(acting_user, "admin", asset.owner, "网络资产的内网标记")
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
        audit.record(acting_user, AssetVerb.UPDATE, asset, reason=reason, unit=asset.owner, changes=changes)
    return asset


def do_set_asset_active(asset: Asset, active: bool, *, acting_user: Actor, reason: str) -> Asset:
    """Start or stop monitoring an asset; its history stays."""
    return do_update_asset(asset, active=active, acting_user=acting_user, reason=reason)
