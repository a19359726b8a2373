"""The rule registry: ids are unique and stable, and the README documents every rule."""

from __future__ import annotations

import re
from pathlib import Path

import jixiao.domain.review as review_package
from jixiao.domain.review import RULES, RULES_BY_ID, Severity

README = Path(review_package.__file__).with_name("README.md")


def test_rule_ids_are_unique_kebab_case() -> None:
    ids = [rule.id for rule in RULES]

    assert len(ids) == len(set(ids)) == len(RULES_BY_ID)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule_id) for rule_id in ids)


def test_the_rules_the_brief_names_are_registered_with_their_severity() -> None:
    expected = {
        "unit-mismatch": Severity.ERROR,
        "count-unit": Severity.WARNING,
        "cost-operator": Severity.ERROR,
        "cost-zero": Severity.WARNING,
        "satisfaction-100": Severity.WARNING,
        "percent-over-100": Severity.ERROR,
        "percent-word": Severity.WARNING,
        "fund-uses-sum": Severity.ERROR,
        "funds-total": Severity.ERROR,
        "funds-annual-over-medium": Severity.WARNING,
        "spending-plan": Severity.ERROR,
        "annual-vs-medium": Severity.WARNING,
        "all-qualitative-outputs": Severity.WARNING,
        "no-quantitative": Severity.WARNING,
        "excel-serial": Severity.ERROR,
        "missing-unit": Severity.WARNING,
        "ocr-repaired": Severity.WARNING,
        "reader-warning": Severity.INFO,
        "input-as-target": Severity.WARNING,
        "missing-field": Severity.WARNING,
    }

    assert {rule_id: RULES_BY_ID[rule_id].severity for rule_id in expected} == expected


def test_every_rule_has_a_title_a_description_and_a_source() -> None:
    for rule in RULES:
        assert rule.title, rule.id
        assert rule.description, rule.id
        assert rule.source, rule.id


def test_the_readme_lists_every_rule_with_its_severity() -> None:
    text = README.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning|info) \|", text, flags=re.MULTILINE))

    assert rows == {rule.id: str(rule.severity) for rule in RULES}
