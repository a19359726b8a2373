"""Security warnings (预警): an advisory a unit publishes to many units; drafted, published, withdrawn."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.orgs.actors import Actor
from jixiao.orgs.models import Unit
from jixiao.security.choices import SeverityChoices, WarningStatusChoices
from jixiao.security.guards import require, require_reason
from jixiao.security.models import Asset, SecurityWarning
from jixiao.security.notify import notify_on_commit

__all__ = ["do_create_warning", "do_publish_warning", "do_withdraw_warning"]


@transaction.atomic
def do_create_warning(
    issuer: Unit,
    title: str,
    body: str,
    *,
    recipients: Iterable[Unit],
    severity: str = SeverityChoices.MEDIUM,
    acting_user: Actor,
    reason: str,
) -> SecurityWarning:
    """A draft warning of ``issuer`` (``review`` on it) to ``recipients``."""
    require(acting_user, "review", issuer, "安全预警")
    units = list(recipients)
    if not units:
        raise ValidationError("a warning needs at least one recipient unit")
    warning = SecurityWarning(issuer=issuer, title=title.strip(), body=body.strip(), severity=severity)
    warning.full_clean()
    warning.save()
    warning.recipients.set(units)
    audit.record(
        acting_user,
        "warning.created",
        warning,
        reason=reason,
        unit=issuer,
        changes={"title": [None, warning.title], "recipients": [None, sorted(str(u) for u in units)]},
    )
    return warning


@transaction.atomic
def do_publish_warning(warning: SecurityWarning, *, acting_user: Actor, reason: str) -> SecurityWarning:
    """Publish: the recipient units see it, and their asset contacts and the office are notified on commit."""
    warning = SecurityWarning.objects.select_for_update().select_related("issuer").get(pk=warning.pk)
    require(acting_user, "review", warning.issuer, "安全预警")
    reason = require_reason(reason, "发布预警")
    if warning.status != WarningStatusChoices.DRAFT:
        raise ValidationError("only a draft warning can be published")
    warning.status = WarningStatusChoices.PUBLISHED
    warning.published_at = timezone.now()
    warning.save(update_fields=["status", "published_at"])
    units = list(warning.recipients.all())
    audit.record(
        acting_user,
        "warning.published",
        warning,
        reason=reason,
        unit=warning.issuer,
        changes={"status": [WarningStatusChoices.DRAFT, WarningStatusChoices.PUBLISHED]},
        details={"recipients": [str(u) for u in units]},
    )
    emails = Asset.objects.filter(owner__in=units, active=True).exclude(contact_email="")
    notify_on_commit(
        f"【网络安全预警】{warning.title}",
        f"{warning.body}\n\n发布单位：{warning.issuer}\n等级：{warning.get_severity_display()}",
        emails=set(emails.values_list("contact_email", flat=True)),
    )
    return warning


@transaction.atomic
def do_withdraw_warning(warning: SecurityWarning, *, acting_user: Actor, reason: str) -> SecurityWarning:
    warning = SecurityWarning.objects.select_for_update().select_related("issuer").get(pk=warning.pk)
    require(acting_user, "review", warning.issuer, "安全预警")
    reason = require_reason(reason, "撤回预警")
    if warning.status != WarningStatusChoices.PUBLISHED:
        raise ValidationError("only a published warning can be withdrawn")
    warning.status = WarningStatusChoices.WITHDRAWN
    warning.withdrawn_at = timezone.now()
    warning.save(update_fields=["status", "withdrawn_at"])
    audit.record(
        acting_user,
        "warning.withdrawn",
        warning,
        reason=reason,
        unit=warning.issuer,
        changes={"status": [WarningStatusChoices.PUBLISHED, WarningStatusChoices.WITHDRAWN]},
    )
    return warning
