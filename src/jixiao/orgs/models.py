"""Units (a hierarchy with a materialised path) and memberships that grant a role on a unit's subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.choices import RoleChoices, UnitKindChoices
from jixiao.orgs.querysets import UnitQuerySet, UnitScopedQuerySet


class Unit(models.Model):
    """An organisational unit: the finance bureau at the top, departments, offices, divisions, outside owners.

    ``path`` is ``/<root id>/…/<own id>/``, kept by ``orgs.actions`` when a unit is created or moved, so a
    subtree is one indexed prefix query on SQLite and PostgreSQL alike.
    """

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    name = models.CharField(_("名称"), max_length=200)
    # NULL, not "", when absent: unique holds only among units that have a code.
    code = models.CharField(_("单位编码"), max_length=64, null=True, blank=True, unique=True)
    kind = models.CharField(
        _("类型"), max_length=32, choices=UnitKindChoices.choices, default=UnitKindChoices.OFFICE
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ("path",)
        constraints = (
            models.UniqueConstraint(fields=["parent", "name"], name="orgs_unit_unique_name_per_parent"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, read from the path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class MembershipQuerySet(UnitScopedQuerySet["Membership"]):
    unit_lookup = "unit"


class Membership(models.Model):
    """A person's role on a unit; it counts on the unit and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=16, choices=RoleChoices.choices)
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ("unit__path", "user_id", "role")
        constraints = (
            models.UniqueConstraint(fields=["user", "unit", "role"], name="orgs_membership_unique_role"),
        )

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"
