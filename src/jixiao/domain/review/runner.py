"""Run every review rule over forms and put the findings in reading order: by form, then by place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from jixiao.domain.forms.model import FormDocument, Location
from jixiao.domain.review.findings import Finding, Hit, Rule
from jixiao.domain.review.rules import RULES


def form_label(form: FormDocument) -> str:
    """What a person calls the form: its project's name, else the file it came from."""
    name = (form.project.name or "").strip()
    return name or form.source


def review(form: FormDocument, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Every finding on one form, in the order a reader meets them on the form."""
    label = form_label(form)
    project = (form.project.name or "").strip() or None
    ranks = _Ranks(form)
    keyed: list[tuple[tuple[tuple[int, ...], tuple[int, int], int, int], Finding]] = []
    for rule_index, rule in enumerate(rules):
        for emitted, hit in enumerate(rule.run(form)):
            finding = Finding(
                rule.id, rule.severity, hit.message, label, project, hit.indicator, hit.location
            )
            keyed.append(((ranks.key(hit.location), hit.anchor, rule_index, emitted), finding))
    keyed.sort(key=lambda pair: pair[0])
    return [finding for _, finding in keyed]


def review_all(forms: Iterable[FormDocument], rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Findings of several forms: form by form, in the order given, each in reading order."""
    chosen = tuple(rules)
    return [finding for form in forms for finding in review(form, chosen)]


class _Ranks:
    """Orders locations as the file does: files and sheets by first appearance on the form, then position.

    Findings without a location come first (they are about the form as a whole, or a hand-built form).
    """

    def __init__(self, form: FormDocument) -> None:
        self._files: dict[str, int] = {}
        self._sheets: dict[str | None, int] = {}
        for location in _known_locations(form):
            self._rank(location)

    def _rank(self, location: Location) -> tuple[int, int]:
        file = self._files.setdefault(location.file, len(self._files))
        sheet = self._sheets.setdefault(location.sheet, len(self._sheets))
        return file, sheet

    def key(self, location: Location | None) -> tuple[int, ...]:
        if location is None:
            return ()
        file, sheet = self._rank(location)
        return (
            file,
            sheet,
            location.table or 0,
            location.line or 0,
            location.row or 0,
            location.column or 0,
        )


def _known_locations(form: FormDocument) -> Iterator[Location]:
    candidates: list[Location | None] = [form.location, *form.field_locations.values()]
    candidates += [use.location for use in form.fund_uses]
    candidates += [step.location for step in form.spending_plan]
    candidates += [ind.location for ind in form.indicators]
    candidates += [warning.location for warning in form.warnings]
    yield from (location for location in candidates if location is not None)


__all__ = ["Hit", "form_label", "review", "review_all"]
