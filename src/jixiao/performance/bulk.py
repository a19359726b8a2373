"""Bulk writes for imports: one prepared INSERT or UPDATE run with ``executemany``.

``bulk_create`` compiles SQL for every row (SQLite allows only 999 parameters per statement, so 40 indicator
rows at a time); a prepared statement is compiled once. Values still go through Django's fields wherever a
conversion exists (decimals, dates, JSON); text and integers, already validated, pass through as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper


def _preparers(model: type[models.Model], names: Sequence[str], alias: str) -> list[Callable[[Any], Any]]:
    connection = connections[alias]
    preparers: list[Callable[[Any], Any]] = []
    for name in names:
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        if isinstance(field, models.CharField | models.TextField | models.IntegerField | models.ForeignKey):
            preparers.append(_as_is)
        elif isinstance(field, models.DecimalField):
            # Django adapts a Decimal to itself on every backend (SQLite's driver adapter writes it as text):
            # only what is not yet a Decimal takes the field's conversion.
            preparers.append(partial(_decimal, partial(_prepare, field, connection)))
        elif isinstance(field, models.BooleanField):
            preparers.append(partial(_boolean, partial(_prepare, field, connection)))
        elif isinstance(field, models.JSONField):
            preparers.append(
                partial(
                    _json,
                    connection.ops.adapt_json_value,
                    field.encoder,
                    partial(_prepare, field, connection),
                )
            )
        elif isinstance(field, models.DateField):  # and DateTimeField: most of these columns are empty
            preparers.append(partial(_unless_none, partial(_prepare, field, connection)))
        else:
            preparers.append(partial(_prepare, field, connection))
    return preparers


def _as_is(value: Any) -> Any:
    return value


def _decimal(slow: Callable[[Any], Any], value: Any) -> Any:
    return value if value is None or type(value) is Decimal else slow(value)


def _boolean(slow: Callable[[Any], Any], value: Any) -> Any:
    return value if type(value) is bool else slow(value)


def _unless_none(slow: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else slow(value)


def _json(adapt: Callable[[Any, Any], Any], encoder: Any, slow: Callable[[Any], Any], value: Any) -> Any:
    # What JSONField.get_db_prep_value does for a plain value, without the four calls around it.
    return slow(value) if value is None or hasattr(value, "as_sql") else adapt(value, encoder)


def _prepare(field: models.Field[Any, Any], connection: BaseDatabaseWrapper, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _column(model: type[models.Model], name: str, alias: str) -> str:
    field = next(f for f in model._meta.concrete_fields if f.attname == name)
    return connections[alias].ops.quote_name(field.column or field.attname)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (values in the order of ``names``, which are attnames such as ``project_id``)."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    preparers = _preparers(model, names, alias)
    params = [[prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows]
    if not params:
        return 0
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(_column(model, name, alias) for name in names),
        ", ".join(["%s"] * len(names)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[tuple[Any, Sequence[Any]]]
) -> int:
    """Set ``names`` on each row given as ``(pk, values)``."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    preparers = _preparers(model, names, alias)
    params = [
        [*(prepare(value) for prepare, value in zip(preparers, values, strict=True)), pk]
        for pk, values in rows
    ]
    if not params:
        return 0
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(f"{_column(model, name, alias)} = %s" for name in names),
        _column(model, model._meta.pk.attname if model._meta.pk else "id", alias),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
