"""What the reviewer reports: a ``Finding`` per defect, and the ``Rule`` objects that produce them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from jixiao.domain.forms.model import FormDocument, Location


class Severity(StrEnum):
    """How bad a defect is: an error sends the form back, a warning asks for a fix, info is for the record."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the worst, so that sorting by rank puts errors first."""
        return (Severity.ERROR, Severity.WARNING, Severity.INFO).index(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect on one form, with the indicator and the place it points at."""

    rule: str
    severity: Severity
    message: str
    form: str
    project: str | None = None
    indicator: str | None = None
    location: Location | None = None

    def __str__(self) -> str:
        where = str(self.location) if self.location is not None else self.form
        return f"{where}: {self.severity} [{self.rule}] {self.message}"


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule check yields; the runner adds the rule id, the severity and the form's name.

    ``anchor`` orders hits that have no location by where their subject sits on the form
    (section, then position inside it), so that hand-built forms still come out in reading order.
    """

    message: str
    location: Location | None = None
    indicator: str | None = None
    anchor: tuple[int, int] = (0, 0)


Check = Callable[[FormDocument], Iterator[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: a stable id, a default severity, a title and a description for the docs and the CLI."""

    id: str
    severity: Severity
    title: str
    description: str
    source: str
    check: Check

    def run(self, form: FormDocument) -> Iterator[Hit]:
        return self.check(form)
