"""Choices of the orgs app: kinds of unit, membership roles, and which roles allow which action."""

from __future__ import annotations

from typing import Literal

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKindChoices(models.TextChoices):
    FINANCE_BUREAU = "finance_bureau", _("财政局")
    DEPARTMENT = "department", _("主管部门")
    OFFICE = "office", _("预算单位")
    DIVISION = "division", _("内设科室")
    EXTERNAL = "external", _("外部主体")
    OTHER = "other", _("其他")


class RoleChoices(models.TextChoices):
    """The people of ui.md: each role on a unit counts on the unit and its whole subtree."""

    VIEWER = "viewer", _("查看")
    EDITOR = "editor", _("填报人")
    HEAD = "head", _("单位负责人")
    REVIEWER = "reviewer", _("审核人")
    FINANCE = "finance", _("财政")
    AUDITOR = "auditor", _("审计")
    SECURITY = "security", _("安全值守")
    ADMIN = "admin", _("管理")


# view: read; change: enter and edit (填报); submit: 送审 what was entered; review: grade, approve, return;
# finance: deadlines, locks, monitoring tasks; security: run the office's security operations;
# admin: units, people and roles.
Action = Literal["view", "change", "submit", "review", "finance", "security", "admin"]
ACTIONS: tuple[Action, ...] = ("view", "change", "submit", "review", "finance", "security", "admin")

R = RoleChoices
# A role on a unit allows these actions on the unit and its whole subtree. The auditor reads everything in
# scope and changes nothing; a reviewer never enters what they approve (four eyes is checked per object).
ROLES_FOR_ACTION: dict[str, frozenset[str]] = {
    "view": frozenset(RoleChoices.values),
    "change": frozenset({R.EDITOR, R.HEAD, R.ADMIN}),
    "submit": frozenset({R.EDITOR, R.HEAD, R.ADMIN}),
    "review": frozenset({R.REVIEWER, R.FINANCE, R.ADMIN}),
    "finance": frozenset({R.FINANCE, R.ADMIN}),
    "security": frozenset({R.SECURITY, R.ADMIN}),
    "admin": frozenset({R.ADMIN}),
}

ACTION_LABELS: dict[str, str] = {
    "view": "查看",
    "change": "填报或修改",
    "submit": "送审",
    "review": "审核",
    "finance": "财政管理",
    "security": "安全值守",
    "admin": "管理",
}
