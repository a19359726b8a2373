"""The unit tree every database test shares, and how a named person gets a role in it.

财政局 (the finance bureau, the root) → 宿州市委网信办 and 顺平县委网信办（本级）; ``tests/conftest.py`` builds it
as fixtures (``root``, ``suzhou``, ``shunping``) with named people on it (``suzhou_editor``, ``outsider``…).
"""

from __future__ import annotations

from django.contrib.auth.models import User

from jixiao.orgs.actions import do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit

SUZHOU = "中共宿州市委网络安全和信息化委员会办公室"
SHUNPING = "中共顺平县委网络安全和信息化委员会办公室（本级）"


def member(username: str, unit: Unit, role: str) -> User:
    """A person with ``role`` on ``unit`` (and so on everything below it)."""
    user = User.objects.create_user(username, password="pw", is_staff=True)
    do_grant_membership(user, unit, role, acting_user=SYSTEM, reason="test setup")
    return user
