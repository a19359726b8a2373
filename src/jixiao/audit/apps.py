"""App configuration of the audit log."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only audit events written by every action."""

    name = "jixiao.audit"
    verbose_name = "审计日志"
