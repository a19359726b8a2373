"""Checks shared by the security actions: who may act on a unit's assets, and that a reason is given."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from jixiao.orgs import permissions
from jixiao.orgs.actors import Actor
from jixiao.orgs.choices import Action
from jixiao.orgs.models import Unit


def require(acting_user: Actor, action: Action, unit: Unit, what: str = "") -> None:
    """The actor (a person, or ``SYSTEM``) needs the role on the unit; ``None`` is refused."""
    permissions.require(acting_user, action, unit, what=what or "数据")


def require_reason(reason: str, what: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError(f"{what}必须填写原因", code="reason_required")
    return cleaned
