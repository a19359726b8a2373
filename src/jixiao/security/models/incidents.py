"""Security incidents with their SLA clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.security.choices import IncidentClassChoices, IncidentStatusChoices
from jixiao.security.models.assets import Asset
from jixiao.security.models.checks import Finding
from jixiao.security.querysets import IncidentQuerySet


class Incident(models.Model):
    """A security incident with a clock: opened, acknowledged, contained, resolved.

    The SLA runs from ``opened_at``; ``due_at`` is fixed when it opens (``sla_hours`` kept beside it, so a
    later change of the configured hours does not rewrite history).
    """

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="security_incidents", verbose_name=_("责任单位")
    )
    asset = models.ForeignKey(
        Asset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("资产"),
    )
    findings = models.ManyToManyField(
        Finding, related_name="incidents", blank=True, verbose_name=_("相关发现")
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    incident_class = models.CharField(
        _("事件级别"), max_length=16, choices=IncidentClassChoices.choices, default=IncidentClassChoices.KEY
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=IncidentStatusChoices.choices, default=IncidentStatusChoices.OPEN
    )
    sla_hours = models.DecimalField(_("处置时限（小时）"), max_digits=8, decimal_places=2)
    opened_at = models.DateTimeField(_("发现时间"), db_index=True)
    due_at = models.DateTimeField(_("处置期限"))
    acknowledged_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    contained_at = models.DateTimeField(_("控制时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("处置完成时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级提醒时间"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    # Opened by the monitor for a confirmed outage of ``asset``: the monitor resolves it when the asset is up.
    outage = models.BooleanField(_("监测确认的不可用"), default=False)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ("-opened_at", "-pk")

    def __str__(self) -> str:
        return self.title

    @property
    def handling_time(self) -> dt.timedelta | None:
        return self.resolved_at - self.opened_at if self.resolved_at is not None else None

    @property
    def within_sla(self) -> bool | None:
        """Resolved by the deadline; ``None`` while still open."""
        return self.resolved_at <= self.due_at if self.resolved_at is not None else None

    def sla_delta(self) -> dt.timedelta:
        return dt.timedelta(seconds=float(self.sla_hours * Decimal(3600)))
