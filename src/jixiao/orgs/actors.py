"""Who acts: a person (a Django user) or the system (the monitor, a scheduled job, a management command).

Every action takes ``acting_user`` keyword-only and requires it: the system is the explicit ``SYSTEM``
actor, never ``None``. The system passes every permission check (it acts for the office), and the audit
log names it 系统.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser, User

SYSTEM_LABEL: Final = "系统"


class SystemActor:
    """The system as an actor: authenticated, active, unrestricted, and not a row of the user table."""

    pk = None
    id = None
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False

    def get_username(self) -> str:
        return SYSTEM_LABEL

    def __str__(self) -> str:
        return SYSTEM_LABEL

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

Actor: TypeAlias = "User | SystemActor"
AnyUser: TypeAlias = "AbstractBaseUser | AnonymousUser | SystemActor | None"


class MissingActor(TypeError):
    """An action was called without saying who acts (``acting_user=None``)."""


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def require_actor(actor: object) -> None:
    """Refuse ``None``: an action says who acts, a person or ``SYSTEM``."""
    if actor is None:
        raise MissingActor("acting_user is required: pass the person, or jixiao.orgs.actors.SYSTEM")


def actor_label(actor: object) -> str:
    if actor is None or is_system(actor):
        return SYSTEM_LABEL
    return str(actor.get_username())  # type: ignore[attr-defined]


def person(actor: object) -> User | None:
    """The user row to store in an ``entered_by``-style column: the person, or ``None`` for the system."""
    from django.contrib.auth.models import User

    return actor if isinstance(actor, User) else None
