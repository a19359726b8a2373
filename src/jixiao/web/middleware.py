"""Response headers Django does not set itself: Permissions-Policy, and Secure cookies on https requests."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy``; over https (as Django sees the request) every cookie is marked Secure.

    The cookie settings (``SESSION_COOKIE_SECURE``…) are fixed at start from ``JIXIAO_HTTPS``; this makes a
    server that answers both http and https (or sits behind a proxy that says https) still send Secure
    cookies on its https answers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
