"""Who may do what where: a membership grants its role on a unit and on the unit's whole subtree."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save

from jixiao.orgs.actors import actor_label, is_system, require_actor
from jixiao.orgs.choices import ACTION_LABELS, ROLES_FOR_ACTION, Action
from jixiao.orgs.models import Membership, Unit

if TYPE_CHECKING:
    from jixiao.orgs.actors import AnyUser


def is_superuser(user: AnyUser) -> bool:
    return bool(
        user is not None and not is_system(user) and user.is_active and getattr(user, "is_superuser", False)
    )


def unrestricted_actor(user: AnyUser) -> bool:
    """The system actor and an active superuser see and may do everything."""
    return is_system(user) or is_superuser(user)


# Raised whenever a membership or a unit is saved or deleted (and by ``forget_grants``): a user object's
# memo of its granted paths is only used while the generation it was taken at still holds.
_generation = 0
_MEMO = "_jixiao_granted_paths"


def forget_grants(*args: Any, **kwargs: Any) -> None:
    """Memberships or unit paths changed: forget every user object's memo (connected in ``OrgsConfig``)."""
    global _generation
    _generation += 1


def _granted_tops(user: Any, action: Action) -> list[str]:
    """The paths of the units on which ``user`` holds a role granting ``action``, none below another.

    Memoised on the user object, so for one request's life (Django loads ``request.user`` afresh for each
    request): a page calls ``restrict()`` dozens of times and asks the database once per action. A change of
    membership or of a unit's path in this process raises ``_generation`` and the memo is asked again.
    """
    memo = getattr(user, _MEMO, None)
    if memo is None or memo[0] != _generation or memo[1] != user.pk:
        memo = (_generation, user.pk, {})
        setattr(user, _MEMO, memo)
    cached: dict[Action, list[str]] = memo[2]
    if action not in cached:
        memberships = Membership.objects.unrestricted().filter(
            user_id=user.pk, role__in=ROLES_FOR_ACTION[action]
        )
        paths = set(memberships.values_list("unit__path", flat=True))
        # A path below another granted path adds nothing; dropping it keeps the OR short.
        cached[action] = sorted(
            p for p in paths if not any(p != other and p.startswith(other) for other in paths)
        )
    return cached[action]


def units_for(user: AnyUser, action: Action) -> QuerySet[Unit]:
    """The units on which ``user`` may perform ``action``: every restrict() goes through here."""
    if action not in ROLES_FOR_ACTION:
        raise ValueError(f"unknown action {action!r}")
    if unrestricted_actor(user):
        return Unit.objects.unrestricted()
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none().unrestricted()
    tops = _granted_tops(user, action)
    if not tops:
        return Unit.objects.none().unrestricted()
    return Unit.objects.unrestricted().filter(reduce(or_, (Q(path__startswith=p) for p in tops)))


def can(user: AnyUser, action: Action, unit: Unit) -> bool:
    """Whether ``user`` may perform ``action`` on ``unit`` (and so on anything belonging to it)."""
    if unrestricted_actor(user):
        return True
    return units_for(user, action).filter(pk=unit.pk).exists()


def require(user: AnyUser, action: Action, unit: Unit, what: str = "数据") -> None:
    """``PermissionDenied`` in Chinese unless ``user`` may ``action`` on ``unit``; ``None`` is refused."""
    require_actor(user)
    if not can(user, action, unit):
        raise PermissionDenied(f"{actor_label(user)} 无权{ACTION_LABELS[action]}单位“{unit}”的{what}")


for _model in (Membership, Unit):
    post_save.connect(
        forget_grants, sender=_model, dispatch_uid=f"jixiao.orgs.permissions.save.{_model.__name__}"
    )
    post_delete.connect(
        forget_grants, sender=_model, dispatch_uid=f"jixiao.orgs.permissions.delete.{_model.__name__}"
    )
