"""Who may do what where: a membership grants its role on a unit and on the unit's whole subtree."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from jixiao.orgs.choices import ROLES_FOR_ACTION, Action
from jixiao.orgs.models import Membership, Unit


def is_superuser(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_active and getattr(user, "is_superuser", False))


def units_for(user: AbstractBaseUser | AnonymousUser | None, action: Action) -> QuerySet[Unit]:
    """The units on which ``user`` may perform ``action``: every restrict() goes through here."""
    if action not in ROLES_FOR_ACTION:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if is_superuser(user):
        return Unit.objects.all()
    paths = set(
        Membership.objects.filter(user_id=user.pk, role__in=ROLES_FOR_ACTION[action]).values_list(
            "unit__path", flat=True
        )
    )
    # A path below another granted path adds nothing; dropping it keeps the OR short.
    tops = [p for p in paths if not any(p != other and p.startswith(other) for other in paths)]
    if not tops:
        return Unit.objects.none()
    return Unit.objects.filter(reduce(or_, (Q(path__startswith=p) for p in sorted(tops))))


def can(user: AbstractBaseUser | AnonymousUser | None, action: Action, unit: Unit) -> bool:
    """Whether ``user`` may perform ``action`` on ``unit`` (and so on anything belonging to it)."""
    if is_superuser(user):
        return True
    return units_for(user, action).filter(pk=unit.pk).exists()
