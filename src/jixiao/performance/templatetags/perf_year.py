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


@register.inclusion_tag("performance/_project_year.html", takes_context=True)
def project_year(context: template.Context, project: Any) -> dict[str, Any]:
    """The project page's block: the monitoring round, the self-evaluation and rectification, with their
    states and links (the project was fetched through ``restrict()`` by the page)."""
    from jixiao.performance.choices import (
        EvaluationStatusChoices,
        RectificationStatusChoices,
        RoundStatusChoices,
    )
    from jixiao.performance.guards import lock_state
    from jixiao.performance.models import Evaluation, MonitoringRound, RectificationItem
    from jixiao.performance.periods import Period
    from jixiao.performance.selectors import default_cutoff_month
    from jixiao.performance.workflows import EVALUATION_WORKFLOW, ROUND_WORKFLOW
    from jixiao.performance.year_selectors import deadline_for

    user = context["request"].user
    cutoff = default_cutoff_month()
    round_ = (
        MonitoringRound.objects.restrict(user, "view").filter(project=project, cutoff_month=cutoff).first()
    )
    evaluation = Evaluation.objects.restrict(user, "view").filter(project=project).first()
    open_items = (
        RectificationItem.objects.restrict(user, "view")
        .filter(project=project)
        .exclude(status=RectificationStatusChoices.ACCEPTED)
        .count()
    )
    lock, exception = lock_state(project, Period.month(cutoff))
    return {
        "project": project,
        "cutoff": cutoff,
        "round_label": ROUND_WORKFLOW.state_label(round_.status if round_ else RoundStatusChoices.DRAFT),
        "evaluation_label": EVALUATION_WORKFLOW.state_label(
            evaluation.status if evaluation else EvaluationStatusChoices.DRAFT
        ),
        "open_items": open_items,
        "task": deadline_for(project, cutoff, user),
        "lock": lock,
        "exception": exception,
    }
