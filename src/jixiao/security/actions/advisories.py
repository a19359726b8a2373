"""Security warnings (预警): an advisory a unit publishes to many units; drafted, published, withdrawn."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.orgs.actors import Actor, person
from jixiao.orgs.models import Unit
from jixiao.security.choices import SeverityChoices, WarningStatusChoices
from jixiao.security.guards import require
from jixiao.security.models import Asset, SecurityWarning, WarningReceipt
from jixiao.security.notify import notify_on_commit
from jixiao.security.workflows import WARNING_WORKFLOW, WarningVerb

__all__ = ["do_confirm_warning_read", "do_create_warning", "do_publish_warning", "do_withdraw_warning"]


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
    require(acting_user, "security", issuer, "安全预警")
    units = list(recipients)
    if not units:
        raise ValidationError("安全预警至少要有一个接收单位")
    warning = SecurityWarning(issuer=issuer, title=title.strip(), body=body.strip(), severity=severity)
    warning.full_clean()
    warning.save()
    warning.recipients.set(units)
    audit.record(
        acting_user,
        WarningVerb.CREATE,
        warning,
        reason=reason,
        unit=issuer,
        changes={"title": [None, warning.title], "recipients": [None, sorted(str(u) for u in units)]},
    )
    return warning


@transaction.atomic
def do_publish_warning(warning: SecurityWarning, *, acting_user: Actor, reason: str) -> SecurityWarning:
    """Publish: the recipient units see it, and their asset contacts and the office are notified on commit."""
    units = list(warning.recipients.all())
    transition(
        warning,
        WARNING_WORKFLOW,
        WarningVerb.PUBLISH,
        acting_user=acting_user,
        reason=reason,
        stamp_field="published_at",
        details={"recipients": [str(u) for u in units]},
    )
    emails = Asset.objects.unrestricted().filter(owner__in=units, active=True).exclude(contact_email="")
    notify_on_commit(
        f"【网络安全预警】{warning.title}",
        f"{warning.body}\n\n发布单位：{warning.issuer}\n等级：{warning.get_severity_display()}",
        emails=set(emails.values_list("contact_email", flat=True)),
    )
    return warning


@transaction.atomic
def do_withdraw_warning(warning: SecurityWarning, *, acting_user: Actor, reason: str) -> SecurityWarning:
    transition(
        warning,
        WARNING_WORKFLOW,
        WarningVerb.WITHDRAW,
        acting_user=acting_user,
        reason=reason,
        stamp_field="withdrawn_at",
    )
    return warning


@transaction.atomic
def do_confirm_warning_read(
    warning: SecurityWarning, unit: Unit, *, acting_user: Actor, reason: str = ""
) -> WarningReceipt:
    """A recipient unit confirms it has read a published warning (``view`` on that unit); once per unit.

    The issuer sees who has confirmed in ``warning.receipts``; confirming twice keeps the first time.
    """
    require(acting_user, "view", unit, "安全预警")
    locked = SecurityWarning.objects.unrestricted().select_for_update().get(pk=warning.pk)
    if locked.status != WarningStatusChoices.PUBLISHED:
        raise ValidationError(f"安全预警“{locked.title}”当前为“{locked.get_status_display()}”，不能确认阅读")
    if not locked.recipients.filter(pk=unit.pk).exists():
        raise ValidationError(f"{unit}不是安全预警“{locked.title}”的接收单位")
    receipt, created = WarningReceipt.objects.unrestricted().get_or_create(
        warning=locked,
        unit=unit,
        defaults={"confirmed_by": person(acting_user), "confirmed_at": timezone.now()},
    )
    if created:
        audit.record(
            acting_user,
            WarningVerb.CONFIRM_READ,
            locked,
            reason=reason.strip() or "已阅读",
            unit=unit,
            details={"unit": str(unit)},
        )
    return receipt
