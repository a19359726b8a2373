"""The 安全 entry of the top bar: shown to security staff and to anyone who may see security records."""

from __future__ import annotations

from typing import Any

from django import template

from jixiao.orgs.permissions import units_for, unrestricted_actor
from jixiao.security.models import Asset, Incident, Notice, SecurityWarning

register = template.Library()


def sees_security(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if unrestricted_actor(user) or units_for(user, "security").exists():
        return True
    return any(
        model.objects.restrict(user, "view").exists() for model in (Notice, SecurityWarning, Incident, Asset)
    )


@register.inclusion_tag("security/nav_item.html", takes_context=True)
def security_nav_item(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "shown": sees_security(user),
        "active": bool(match and match.app_name == "security"),
    }
