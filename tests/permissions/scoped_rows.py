"""Rows of any unit-scoped model, built generically and anchored to a unit we choose (the ground truth).

``make(model, unit)`` fills every required field: a foreign key to a unit gets ``unit``; a foreign key to
another model gets a new row of that model anchored to the same unit; everything else a plain value that
fits the field. The permission tests compare what ``restrict()`` returns with the unit each row was made
for, never with what the model's own ``unit_lookup`` says, so a broken lookup fails them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from jixiao.orgs.models import Unit
from jixiao.orgs.querysets import UnitScopedQuerySet

_counter = itertools.count(1)


def scoped_models() -> list[type[models.Model]]:
    """Every installed model whose default queryset is unit-scoped, in a stable order."""
    found = [m for m in apps.get_models() if isinstance(m._default_manager.all(), UnitScopedQuerySet)]
    return sorted(found, key=lambda m: m._meta.label)


def _user() -> User:
    return User.objects.create_user(f"row-user-{next(_counter)}")


def _value(field: models.Field[Any, Any], unit: Unit, cache: dict[type[models.Model], models.Model]) -> Any:
    n = next(_counter)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        target = field.related_model
        assert isinstance(target, type)
        if target is Unit:
            return unit
        if target is User:
            return _user()
        if target is ContentType:
            return ContentType.objects.get_for_model(Unit)
        if isinstance(field, models.OneToOneField):
            return make(target, unit, cache={})
        return cache.get(target) or make(target, unit, cache)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.IntegerField | models.BigIntegerField | models.SmallIntegerField):
        return 1
    if isinstance(field, models.FloatField):
        return 1.0
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return dt.date(2023, 1, 1)
    if isinstance(field, models.DurationField):
        return dt.timedelta(hours=1)
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return f"rows/{n}.txt"
    if isinstance(field, models.URLField):
        return f"http://127.0.0.1:9/{n}"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.CharField | models.TextField):
        max_length = field.max_length or 40
        return f"r{n}"[:max_length]
    raise TypeError(f"no value for {field.model.__name__}.{field.name} ({type(field).__name__})")


def make(
    model: type[models.Model], unit: Unit, cache: dict[type[models.Model], models.Model] | None = None
) -> Any:
    """A saved row of ``model`` that belongs to ``unit``; parents made on the way are shared by ``cache``."""
    cache = {} if cache is None else cache
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.name == "path" or (field.primary_key and not isinstance(field, models.OneToOneField)):
            continue
        if isinstance(field, models.ForeignKey) and field.related_model is Unit:
            values[field.name] = unit  # every unit of the row is the one it belongs to
            continue
        needed = not field.null and not field.has_default() and not getattr(field, "auto_now_add", False)
        needed = needed and not getattr(field, "auto_now", False)
        if needed or (field.unique and not field.null):
            values[field.name] = _value(field, unit, cache)
    if model is Unit:
        values["parent"] = unit
    row = model(**values)
    # A plain save: these rows are fixtures for the permission test, not state changes of the product.
    models.Model.save(row)
    if model is Unit:
        Unit.objects.unrestricted().filter(pk=row.pk).update(path=f"{unit.path}{row.pk}/")
        row.refresh_from_db()
    cache.setdefault(model, row)
    return row
