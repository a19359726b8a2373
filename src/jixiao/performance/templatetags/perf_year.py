"""Template tags of the year's review pages: a person's name (系统 for the system), and the project page's
block linking the monitoring round, the self-evaluation and rectification with their states."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def who(person: Any) -> str:
    """A stored person as the pages name them: full name, else user name; 系统 when the system acted."""
    if person is None:
        return "系统"
    return (person.get_full_name() or "").strip() or person.get_username()
