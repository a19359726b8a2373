"""App configuration of the audit log."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only audit events written by every action."""

    name = "jixiao.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from jixiao import checks  # noqa: F401 - registers the start-up checks
