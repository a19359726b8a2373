"""The 待办 inbox: what waits for this person, gathered from every app.

Each app that has work waiting for someone registers a provider::

    from jixiao.web.inbox import InboxItem, Step, provider

    @provider
    def target_items(user) -> Iterable[InboxItem]:
        ...  # start from Model.objects.restrict(user, action): only what this person may act on

Providers live in ``<app>/inbox.py`` and are imported by the app's ``AppConfig.ready()``. The home page shows
the items in one list: returned items first, then overdue, then by deadline. A provider answers quickly (one or
two queries, no per-row query): the home page is the page people open most.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

Provider = Callable[[Any], Iterable["InboxItem"]]
_PROVIDERS: list[Provider] = []


class Step(enum.Enum):
    """The inbox's columns, as the provincial 预算管理一体化 system names them."""

    TO_FILL = _("待填报")
    TO_SUBMIT = _("待送审")
    TO_REVIEW = _("待审核")
    RETURNED = _("被退回")

    @property
    def label(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class InboxItem:
    """One piece of waiting work: the step, what it is about, where to do it and by when."""

    step: Step
    what: str  # the work, e.g. "审核绩效目标"
    subject: str  # the object, e.g. the project's name
    url: str
    unit: str = ""
    deadline: dt.date | None = None
    reason: str = ""  # why it was returned, shown under a returned item
    since: dt.datetime | None = None

    def overdue_days(self, today: dt.date | None = None) -> int:
        """Calendar days past the deadline (0 when not overdue or without deadline)."""
        if self.deadline is None:
            return 0
        today = today or timezone.localdate()
        return max((today - self.deadline).days, 0)

    @property
    def key(self) -> str:
        """Names the item for reminders: a moved deadline makes a new item."""
        return f"{self.step.name}|{self.url}|{self.deadline or ''}"

    @property
    def overdue(self) -> bool:
        return self.overdue_days() > 0

    def sort_key(self) -> tuple[int, int, dt.date, str]:
        returned = 0 if self.step is Step.RETURNED else 1
        overdue = 0 if self.overdue else 1
        return (returned, overdue, self.deadline or dt.date.max, self.subject)


def provider(func: Provider) -> Provider:
    """Register ``func(user) -> Iterable[InboxItem]``; registering the same function twice keeps one."""
    key = (func.__module__, func.__qualname__)
    if all((p.__module__, p.__qualname__) != key for p in _PROVIDERS):
        _PROVIDERS.append(func)
    return func


def providers() -> tuple[Provider, ...]:
    return tuple(_PROVIDERS)


def items_for(user: Any) -> list[InboxItem]:
    """Everything waiting for ``user``, returned items first, then overdue, then by deadline."""
    if not getattr(user, "is_authenticated", False):
        return []
    found: list[InboxItem] = []
    for func in _PROVIDERS:
        found.extend(func(user))
    return sorted(found, key=InboxItem.sort_key)


def counts(items: Iterable[InboxItem]) -> dict[str, int]:
    """How many items per step, and how many overdue: the inbox's tabs."""
    result = {step.name: 0 for step in Step}
    result["OVERDUE"] = 0
    for item in items:
        result[item.step.name] += 1
        result["OVERDUE"] += item.overdue
    return result
