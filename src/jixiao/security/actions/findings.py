"""The finding workflow's actions: the owner unit rectifies and reports a fix, the office verifies, rejects,
judges a false positive or an accepted risk, reopens. Every move goes through ``transition()`` along
``workflows.FINDING_WORKFLOW``; the monitor's own moves are made in bulk by the batch store (``store``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.orgs.actors import Actor, person
from jixiao.security.choices import ACTIVE_FINDING_STATUSES
from jixiao.security.guards import require, require_reason
from jixiao.security.models import Finding
from jixiao.security.workflows import FINDING_WORKFLOW, FindingVerb

CONFIRM_VERB = "finding.confirmed"

__all__ = [
    "do_accept_risk",
    "do_confirm_finding",
    "do_mark_false_positive",
    "do_notify_finding",
    "do_reject_fix",
    "do_reopen_finding",
    "do_report_fixed",
    "do_start_rectifying",
    "do_verify_fixed",
]


# --- the workflow ------------------------------------------------------------------------------------------


def _move(finding: Finding, verb: FindingVerb, *, acting_user: Actor, reason: str) -> Finding:
    """Move a finding along ``verb`` of ``FINDING_WORKFLOW`` through ``transition()``."""
    updates: dict[str, Any] = {}
    if verb is FindingVerb.REOPEN:
        current = Finding.objects.unrestricted().select_for_update().get(pk=finding.pk)
        updates["reopened_count"] = current.reopened_count + 1
    moved = transition(
        finding,
        FINDING_WORKFLOW,
        verb,
        acting_user=acting_user,
        reason=reason,
        updates=updates,
        stamp_field="status_changed_at",
        details={"asset": finding.asset.url, "check": finding.check_name},
    )
    finding.asset = moved.asset
    return finding


@transaction.atomic
def do_notify_finding(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """A notice has told the owner unit about the finding (``do_send_notice`` does this)."""
    return _move(finding, FindingVerb.NOTIFY, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_start_rectifying(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """The owner unit says it is working on the finding."""
    return _move(finding, FindingVerb.START_RECTIFYING, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_report_fixed(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """The owner unit reports the finding fixed; it waits for a re-check."""
    return _move(finding, FindingVerb.REPORT_FIXED, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_verify_fixed(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """The office confirms the fix (by hand, or a re-check that no longer sees the finding)."""
    return _move(finding, FindingVerb.VERIFY_FIXED, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_reject_fix(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """A reported fix did not hold: back to rectifying. The office's call (``security``)."""
    return _move(finding, FindingVerb.REJECT_FIX, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_mark_false_positive(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """A person judges the finding a false alarm (never the system)."""
    return _move(finding, FindingVerb.MARK_FALSE_POSITIVE, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_accept_risk(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """A person accepts the risk (never the system)."""
    return _move(finding, FindingVerb.ACCEPT_RISK, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_reopen_finding(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    return _move(finding, FindingVerb.REOPEN, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_confirm_finding(finding: Finding, *, acting_user: Actor, reason: str) -> Finding:
    """A person of the office (``security``) confirms a live finding is real; its state stays (a notice moves it)."""
    locked = (
        Finding.objects.unrestricted().select_for_update().select_related("asset__owner").get(pk=finding.pk)
    )
    require(acting_user, "security", locked.asset.owner, "安全发现")
    reason = require_reason(reason, "确认安全发现")
    if locked.status not in ACTIVE_FINDING_STATUSES:
        raise ValidationError(f"安全发现“{locked.message[:40]}”已{locked.get_status_display()}，无需确认")
    if locked.confirmed_at is not None:
        raise ValidationError("该安全发现已确认")
    locked.confirmed_at, locked.confirmed_by = timezone.now(), person(acting_user)
    locked.save(update_fields=["confirmed_at", "confirmed_by"])
    audit.record(
        acting_user,
        CONFIRM_VERB,
        locked,
        reason=reason,
        unit=locked.asset.owner,
        changes={"confirmed_at": [None, locked.confirmed_at]},
        details={"asset": locked.asset.url, "check": locked.check_name},
    )
    finding.confirmed_at, finding.confirmed_by = locked.confirmed_at, locked.confirmed_by
    return finding
