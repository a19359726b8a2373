"""Lock exceptions (锁定例外): one unit may still change a locked period of its projects until a moment."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.models import Unit
from jixiao.performance.models.base import user_fk
from jixiao.performance.models.results import PeriodFields
from jixiao.performance.querysets import LockExceptionQuerySet


class LockException(PeriodFields):
    """While unexpired and not revoked, the projects of ``unit`` (and below) are not held by locks of a period
    within this one (an exception for 全年 opens every locked month)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="lock_exceptions", verbose_name=_("单位")
    )
    expires_at = models.DateTimeField(_("有效期至"))
    reason = models.TextField(_("原因"))
    granted_by = user_fk(_("批准人"))
    granted_by_label = models.CharField(_("批准人名称"), max_length=150)
    granted_at = models.DateTimeField(_("批准时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = user_fk(_("撤销人"))

    objects = LockExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("锁定例外")
        verbose_name_plural = _("锁定例外")
        ordering = ("-granted_at", "-id")

    def __str__(self) -> str:
        return f"{self.unit} {self.period.label} 锁定例外"

    def active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]
