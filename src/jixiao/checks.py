"""Start-up checks: the web server refuses to run with the development key outside DEBUG and the demo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MESSAGE = "JIXIAO_SECRET_KEY 未设置：生产环境必须设置一个足够长的随机密钥（演示请用 make run，开发可设 JIXIAO_DEBUG=1）"


def secret_key_problem() -> str | None:
    if settings.SECRET_KEY_MISSING and not settings.DEBUG and not settings.DEMO:
        return MESSAGE
    return None


@checks.register(checks.Tags.security)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = secret_key_problem()
    return [checks.Error(problem, id="jixiao.E001")] if problem else []


def refuse_to_serve_without_key() -> None:
    problem = secret_key_problem()
    if problem:
        raise ImproperlyConfigured(problem)
