"""App configuration of the security monitoring app."""

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Registered network assets, their checks and findings, notices, warnings and incidents."""

    name = "jixiao.security"
    verbose_name = "网络安全监测"

    def ready(self) -> None:
        from jixiao.security import inbox  # noqa: F401 - registers the 待办 providers
