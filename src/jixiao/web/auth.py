"""Who may sign in: an active person with a role on a unit; no staff flag needed. Staff accounts (the system
administrator's back office) still sign in to the admin, where without a role they see no data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from jixiao.orgs.models import Membership


class MembershipBackend(ModelBackend):
    """The model backend, refusing accounts that hold no role anywhere and are not staff (nothing to see)."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
            return True
        # Asked on every request (``get_user``): the person's own roles, whatever unit they are on.
        return Membership.objects.unrestricted().filter(user_id=user.pk).exists()
