"""A re-import of the same form over an unchanged project, recognised without reading the project's children.

``Project.import_fingerprint`` holds the hash of the last imported form's rows (header, money, fund uses,
spending plan, indicators: exactly what ``compare.diff`` compares), of the unit it was stored in and of the
project's protection at that moment (``adjust.protections_of``: targets submitted or approved, evaluation
finalised, year locked), while the stored rows are still exactly that form. The import sets it on the projects
it creates or updates, and on an existing project the full comparison found identical; anything else that
writes the project or its children empties it:

- the receivers below, on every save or delete of a ``ProjectFunds``, ``BudgetExecution``, ``FundUse``,
  ``SpendingStep`` or ``Indicator`` row (the browser's edits, results work that touches an indicator, the admin),
  and on a save of the ``Project`` itself unless only columns outside the comparison are named
  (``update_fields``: the target workflow's status columns; a status change still changes the protection, so
  the next fingerprint differs);
- the import's own bulk writes, which send no signal, write the column explicitly (``merge.write_updates``: the
  new form's fingerprint, or empty for an approved target adjustment).

A write that sends no signal (``QuerySet.update``, ``bulk_create`` or raw SQL on those tables) must empty the
column itself (``forget``). When the fingerprint does not match, the import compares the stored rows with the
form as before, so a wrong empty fingerprint only costs time; a fingerprint left in place over changed rows
would hide the change, which is why every writer above empties it.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models.signals import post_delete, post_save

from jixiao.performance.importing.rows import PROJECT_FIELDS, FormRows
from jixiao.performance.models import (
    BudgetExecution,
    FundUse,
    Indicator,
    Project,
    ProjectFunds,
    SpendingStep,
)

# Bump when the rows an import builds, or what the comparison looks at, change: every stored fingerprint then
# stops matching and the next re-import compares in full (and stores the new fingerprint).
FINGERPRINT_VERSION = 1
_COMPARED = frozenset({"unit", "unit_id", *PROJECT_FIELDS})
_writing: ContextVar[bool] = ContextVar("jixiao.performance.importing.fingerprint.writing", default=False)


def _canonical(payload: Any) -> bytes:
    """The payload as bytes that depend only on its values (and the order the import builds its rows in).

    Pickle in fast mode: no memo, so two equal strings pickle alike whether or not they are one object (a
    reader's caches decide that); a ``Decimal`` pickles as its exact text. About a fifth of the cost of
    ``json.dumps`` with sorted keys. A change of the rows' order or of the pickle format only makes the next
    fingerprint differ: that project is compared in full once, never wrongly skipped.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(payload)
    return buffer.getvalue()


def form_fingerprint(rows: FormRows, protection: str) -> str:
    """The hash of a form's rows as they would be stored in ``rows.unit`` with the project's ``protection``."""
    assert rows.unit is not None
    payload = (FINGERPRINT_VERSION, rows.unit.pk, protection, rows.project, rows.children)
    return hashlib.sha256(_canonical(payload)).hexdigest()


def matches(rows: FormRows) -> bool:
    """True when ``rows.existing`` holds exactly this form (its fingerprint, set by ``form_fingerprint``)."""
    project = rows.existing
    return project is not None and bool(rows.fingerprint) and project.import_fingerprint == rows.fingerprint


@contextmanager
def import_writes() -> Iterator[None]:
    """The import's own writes: they set the fingerprint themselves, the receivers leave it alone."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def forget(project_ids: Sequence[int]) -> None:
    """These projects' rows changed outside an import: the next re-import compares them in full."""
    if project_ids:
        Project.objects.unrestricted().filter(pk__in=list(project_ids)).exclude(import_fingerprint="").update(
            import_fingerprint=""
        )


def _on_child(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _writing.get() or instance.project_id is None:
        return
    origin = kwargs.get("origin")
    if isinstance(origin, Project) or getattr(origin, "model", None) is Project:
        return  # deleted with its project
    forget([instance.project_id])


def _on_project(sender: Any, instance: Project, created: bool = False, **kwargs: Any) -> None:
    if _writing.get() or created or not instance.import_fingerprint:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not _COMPARED.intersection(update_fields):
        return  # the target workflow's columns: the protection in the fingerprint covers a status change
    instance.import_fingerprint = ""
    forget([instance.pk])


def connect() -> None:
    """Connect the receivers (``PerformanceConfig.ready``)."""
    uid = "jixiao.performance.importing.fingerprint"
    for model in (ProjectFunds, BudgetExecution, FundUse, SpendingStep, Indicator):
        post_save.connect(_on_child, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
        post_delete.connect(_on_child, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}")
    post_save.connect(_on_project, sender=Project, dispatch_uid=f"{uid}.save.Project")
