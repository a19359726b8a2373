"""Checks shared by the security actions: who may act on a unit's assets, and that a reason is given."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.orgs.choices import Action
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import can

_VERBS = {"view": "查看", "change": "修改", "review": "审核", "admin": "管理"}


def require(acting_user: User | None, action: Action, unit: Unit, what: str = "") -> None:
    """``acting_user=None`` is the system (the monitor, a management command); a person needs the role."""
    if acting_user is None:
        return
    if not can(acting_user, action, unit):
        raise PermissionDenied(
            f"{acting_user.get_username()} 无权{_VERBS[action]}单位“{unit}”的{what or '数据'}"
        )


def require_reason(reason: str, what: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError(f"{what}必须填写原因", code="reason_required")
    return cleaned
