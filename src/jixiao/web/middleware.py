"""Response headers Django does not set itself: Permissions-Policy, and Secure cookies on https requests."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the person chose English: the language cookie set by the 中文/English switch decides,
    never the browser's Accept-Language (an office PC set up in English still gets the Chinese pages its
    users work in)."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
