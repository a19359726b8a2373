"""State changes of units and memberships: atomic, permission-checked and audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from jixiao.audit.log import record
from jixiao.orgs.actors import Actor, require_actor
from jixiao.orgs.choices import Action, RoleChoices, UnitKindChoices
from jixiao.orgs.models import Membership, Unit
from jixiao.orgs.permissions import forget_grants, require, unrestricted_actor


def _require(acting_user: Actor, action: Action, unit: Unit | None) -> None:
    """A root unit is created by the system or a superuser; anything else needs the role on the unit."""
    require_actor(acting_user)
    if unit is None:
        if not unrestricted_actor(acting_user):
            raise PermissionDenied("只有系统管理员可以创建顶级单位")
        return
    require(acting_user, action, unit, what="单位")


@transaction.atomic
def do_create_unit(
    name: str,
    *,
    parent: Unit | None = None,
    code: str | None = None,
    kind: str = UnitKindChoices.OFFICE,
    acting_user: Actor,
    reason: str,
) -> Unit:
    """Create a unit under ``parent`` (a root when ``None``: superuser or system only) and set its path."""
    _require(acting_user, "admin", parent)
    name = name.strip()
    if not name:
        raise ValidationError("单位名称不能为空")
    unit = Unit(parent=parent, name=name, code=(code or "").strip() or None, kind=kind)
    unit.full_clean(exclude=["path"])
    unit.save()
    # The path holds the unit's own id, known only after the insert.
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    Unit.objects.unrestricted().filter(pk=unit.pk).update(path=unit.path)
    record(
        acting_user,
        "unit.created",
        unit,
        reason=reason,
        unit=unit,
        changes={
            "name": [None, unit.name],
            "code": [None, unit.code],
            "kind": [None, unit.kind],
            "parent": [None, str(parent) if parent else None],
        },
    )
    return unit


@transaction.atomic
def do_update_unit(
    unit: Unit,
    *,
    name: str | None = None,
    code: str | None = None,
    kind: str | None = None,
    acting_user: Actor,
    reason: str,
) -> Unit:
    """Rename a unit or change its code or kind (``None`` leaves a field as it is; ``code=""`` clears it)."""
    _require(acting_user, "admin", unit)
    before = {"name": unit.name, "code": unit.code, "kind": unit.kind}
    if name is not None:
        unit.name = name.strip()
    if code is not None:
        unit.code = code.strip() or None
    if kind is not None:
        unit.kind = kind
    changes = {f: [old, getattr(unit, f)] for f, old in before.items() if getattr(unit, f) != old}
    if changes:
        unit.full_clean(exclude=["path", "parent"])
        unit.save(update_fields=list(changes))
        record(acting_user, "unit.updated", unit, reason=reason, unit=unit, changes=changes)
    return unit


@transaction.atomic
def do_move_unit(unit: Unit, *, new_parent: Unit, acting_user: Actor, reason: str) -> Unit:
    """Move a unit and its subtree under ``new_parent``; the subtree's paths are rewritten in one UPDATE."""
    _require(acting_user, "admin", unit)
    _require(acting_user, "admin", new_parent)
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(unit.path):
        raise ValidationError("不能把单位移到它自己或它的下级单位之下")
    old_parent, old_path = unit.parent, unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    Unit.objects.unrestricted().filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    Unit.objects.unrestricted().filter(pk=unit.pk).update(parent=new_parent)
    forget_grants()
    unit.refresh_from_db()
    record(
        acting_user,
        "unit.moved",
        unit,
        reason=reason,
        unit=unit,
        changes={"parent": [str(old_parent) if old_parent else None, str(new_parent)]},
    )
    return unit


@transaction.atomic
def do_grant_membership(user: User, unit: Unit, role: str, *, acting_user: Actor, reason: str) -> Membership:
    """Give ``user`` ``role`` on ``unit`` and its subtree; granting a role already held changes nothing."""
    _require(acting_user, "admin", unit)
    if role not in RoleChoices.values:
        raise ValidationError(f"未知角色：{role}")
    membership, created = Membership.objects.unrestricted().get_or_create(
        user_id=user.pk, unit=unit, role=role
    )
    if created:
        record(
            acting_user,
            "membership.granted",
            membership,
            reason=reason,
            unit=unit,
            changes={"user": [None, user.get_username()], "role": [None, role]},
        )
    return membership


@transaction.atomic
def do_revoke_membership(membership: Membership, *, acting_user: Actor, reason: str) -> None:
    """Take a role away; the audit event keeps who had it."""
    _require(acting_user, "admin", membership.unit)
    record(
        acting_user,
        "membership.revoked",
        membership,
        reason=reason,
        unit=membership.unit,
        changes={"user": [membership.user.get_username(), None], "role": [membership.role, None]},
    )
    membership.delete()
