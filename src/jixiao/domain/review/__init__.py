"""The target reviewer: lint rules over a ``FormDocument``; a finding has a rule id, a severity and a place.

``review(form)`` and ``review_all(forms)`` run every rule in ``RULES``; ``README.md`` lists the rules.
"""

from jixiao.domain.review.findings import Finding, Rule, Severity
from jixiao.domain.review.rules import RULES, RULES_BY_ID
from jixiao.domain.review.runner import form_label, review, review_all

__all__ = ["RULES", "RULES_BY_ID", "Finding", "Rule", "Severity", "form_label", "review", "review_all"]
