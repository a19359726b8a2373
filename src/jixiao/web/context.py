"""The top bar of every page: who is signed in, on which unit, in which role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from jixiao.orgs.models import Membership


def describe_user(user: Any) -> dict[str, str]:
    """Name, unit and role as the top bar shows them (the first role by unit tree order, and how many more)."""
    name = (user.get_full_name() or "").strip() or user.get_username()
    memberships = list(
        Membership.objects.restrict(user, "view")
        .filter(user_id=user.pk)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    if not memberships:
        return {"name": name, "unit": "—", "role": _("系统管理员") if user.is_superuser else "—"}
    first = memberships[0]
    more = len({m.unit_id for m in memberships}) - 1
    unit = (
        first.unit.name
        if more == 0
        else _("%(unit)s 等%(count)d个单位") % {"unit": first.unit.name, "count": more + 1}
    )
    roles = "、".join(dict.fromkeys(str(m.get_role_display()) for m in memberships))
    return {"name": name, "unit": unit, "role": roles}


def top_bar(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"me": describe_user(user)}


def kept_page_token(request: HttpRequest) -> dict[str, Any]:
    """A page being kept (``web.pagecache``) is rendered with a marker where the CSRF token goes; each answer
    gets the session's own token put in its place."""
    if getattr(request, "kept_page", False):
        from jixiao.web.pagecache import TOKEN_MARKER

        return {"csrf_token": TOKEN_MARKER}
    return {}
