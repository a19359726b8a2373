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
    VIEWER = "viewer", _("查看")
    EDITOR = "editor", _("填报")
    REVIEWER = "reviewer", _("审核")
    ADMIN = "admin", _("管理")


Action = Literal["view", "change", "review", "admin"]

# A role on a unit allows these actions on the unit and its whole subtree.
ROLES_FOR_ACTION: dict[str, frozenset[str]] = {
    "view": frozenset(RoleChoices.values),
    "change": frozenset({RoleChoices.EDITOR, RoleChoices.ADMIN}),
    "review": frozenset({RoleChoices.REVIEWER, RoleChoices.ADMIN}),
    "admin": frozenset({RoleChoices.ADMIN}),
}
