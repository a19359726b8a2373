"""Notices (通报) to owner units: findings to rectify, a deadline and a contact; re-checks that verify them.

A re-check probes the notice's assets with every check (outside any transaction: probing takes seconds),
records the results like any other run, then moves each finding: gone from a page that answered →
verified_fixed; still there → back to rectifying if its fix had been reported. A notice whose findings are
all settled closes. Re-checks of notices past their deadline are enqueued as work (``tasks.recheck_notice``),
never run inside the scheduler's tick.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.domain.probes import ALL_CHECKS, SCAN_FINDINGS
from jixiao.orgs.actors import Actor, person
from jixiao.orgs.models import Unit
from jixiao.performance.evidence import check_evidence, store_evidence
from jixiao.security.actions.findings import (
    do_notify_finding,
    do_reject_fix,
    do_report_fixed,
    do_verify_fixed,
)
from jixiao.security.choices import (
    ACTIVE_FINDING_STATUSES,
    CheckGroupChoices,
    FindingStatusChoices,
    NoticeStatusChoices,
)
from jixiao.security.guards import require, require_reason
from jixiao.security.models import Asset, Finding, Notice, NoticeAnswer, NoticeEvidence
from jixiao.security.notify import notify_on_commit
from jixiao.security.pipeline import probe_assets
from jixiao.security.scheduling import GROUP_CHECKS
from jixiao.security.store import Probed, concluded, record_probe_results
from jixiao.security.workflows import NOTICE_WORKFLOW, NoticeVerb

TLS_FULL = CheckGroupChoices.TLS_FULL

__all__ = [
    "RecheckOutcome",
    "do_answer_notice",
    "do_create_notice",
    "do_recheck_notice",
    "do_send_notice",
]

S = FindingStatusChoices
N = NoticeStatusChoices
_SETTLED = frozenset({S.VERIFIED_FIXED, S.FALSE_POSITIVE, S.RISK_ACCEPTED})


@transaction.atomic
def do_create_notice(
    unit: Unit,
    findings: Iterable[Finding],
    *,
    deadline: dt.datetime,
    title: str = "",
    body: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    acting_user: Actor,
    reason: str,
) -> Notice:
    """A draft notice to ``unit`` (``review`` on it) listing live findings of assets in its subtree."""
    require(acting_user, "security", unit, "通报")
    chosen = list(
        Finding.objects.restrict(acting_user, "security")
        .filter(pk__in=[f.pk for f in findings])
        .select_related("asset__owner")
    )
    if not chosen:
        raise ValidationError("通报至少要列出一个安全发现")
    for finding in chosen:
        if not finding.asset.owner.path.startswith(unit.path):
            raise ValidationError(
                f"安全发现 {finding.pk}（{finding.asset.name}）属于{finding.asset.owner}，不属于{unit}"
            )
        if finding.status not in ACTIVE_FINDING_STATUSES:
            raise ValidationError(f"安全发现 {finding.pk} 已{finding.get_status_display()}，无需整改")
    if deadline <= timezone.now():
        raise ValidationError("整改期限必须晚于现在")
    notice = Notice(
        unit=unit,
        title=title.strip() or f"关于{unit.name}网络安全问题的通报",
        body=body,
        deadline=deadline,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        created_by=person(acting_user),
    )
    notice.full_clean()
    notice.save()
    notice.findings.set(chosen)
    audit.record(
        acting_user,
        NoticeVerb.CREATE,
        notice,
        reason=reason,
        unit=unit,
        changes={"status": [None, N.DRAFT]},
        details={"findings": [f.pk for f in chosen], "deadline": deadline},
    )
    return notice


@transaction.atomic
def do_send_notice(notice: Notice, *, acting_user: Actor, reason: str) -> Notice:
    """Send: open findings become notified; the unit's asset contacts and the office are e-mailed on commit."""
    transition(
        notice,
        NOTICE_WORKFLOW,
        NoticeVerb.SEND,
        acting_user=acting_user,
        reason=reason,
        stamp_field="sent_at",
    )
    findings = list(notice.findings.select_related("asset"))
    for finding in findings:
        if finding.status == S.OPEN:
            do_notify_finding(finding, acting_user=acting_user, reason=f"通报：{notice.title}")
    lines = [f"- [{f.get_severity_display()}] {f.asset.name} {f.asset.url}：{f.message}" for f in findings]
    contact = " ".join(x for x in (notice.contact_name, notice.contact_phone, notice.contact_email) if x)
    notify_on_commit(
        f"【网络安全通报】{notice.title}",
        f"{notice.unit}：\n{notice.body}\n\n"
        + "\n".join(lines)
        + f"\n\n请于 {timezone.localtime(notice.deadline):%Y-%m-%d %H:%M} 前完成整改并反馈。联系人：{contact or '无'}",
        emails={f.asset.contact_email for f in findings if f.asset.contact_email},
    )
    return notice


@dataclass
class RecheckOutcome:
    notice: Notice
    verified: list[int] = field(default_factory=list)
    still_present: list[int] = field(default_factory=list)
    unverifiable: list[int] = field(default_factory=list)  # the asset did not answer: nothing can be told
    closed: bool = False


def do_recheck_notice(notice: Notice, *, acting_user: Actor, reason: str) -> RecheckOutcome:
    """Re-probe the notice's assets and move its findings by what the probe sees (see the module docstring)."""
    notice = Notice.objects.unrestricted().select_related("unit").get(pk=notice.pk)
    require(acting_user, "security", notice.unit, "通报")
    reason = require_reason(reason, "复核通报")
    NOTICE_WORKFLOW.edge(NoticeVerb.RECHECK, notice.status)  # refused before probing, in Chinese
    findings = list(notice.findings.select_related("asset__owner"))
    assets = list(
        Asset.objects.unrestricted()
        .filter(pk__in={f.asset_id for f in findings})
        .select_related("state", "owner")
        .order_by("pk")
    )
    # Findings of the weekly TLS enumeration are re-checked by the enumeration: the full check cannot see them.
    scanned = {f.asset_id for f in findings if f.check_name in SCAN_FINDINGS and f.status not in _SETTLED}
    scan_assets = [a for a in assets if a.pk in scanned]
    started = timezone.now()
    # Outside any transaction: the probes take seconds and must not hold row locks meanwhile.
    results = asyncio.run(probe_assets(assets, CheckGroupChoices.FULL))
    scans = asyncio.run(probe_assets(scan_assets, TLS_FULL)) if scan_assets else []
    finished = timezone.now()
    outcome = RecheckOutcome(notice)
    with transaction.atomic():
        record_probe_results(
            [
                *(
                    Probed(a, r, checks=ALL_CHECKS, group=CheckGroupChoices.FULL, finished=finished)
                    for a, r in zip(assets, results, strict=True)
                ),
                *(
                    Probed(
                        a, r, checks=GROUP_CHECKS[TLS_FULL], group=TLS_FULL, finished=finished, track=False
                    )
                    for a, r in zip(scan_assets, scans, strict=True)
                ),
            ],
            run_started=started,
            settled_by_caller={f.pk for f in findings},
        )
        by_asset = {a.pk: r for a, r in zip(assets, results, strict=True)}
        by_scan = {a.pk: r for a, r in zip(scan_assets, scans, strict=True)}
        for finding in (
            Finding.objects.unrestricted()
            .filter(pk__in=[f.pk for f in findings])
            .select_related("asset__owner")
        ):
            enumerated = finding.check_name in SCAN_FINDINGS and finding.asset_id in by_scan
            result = by_scan[finding.asset_id] if enumerated else by_asset[finding.asset_id]
            seen = {f.key for f in result.findings}
            if finding.status in _SETTLED:
                continue
            if finding.key in seen:
                outcome.still_present.append(finding.pk)
                if finding.status == S.AWAITING_VERIFICATION:
                    do_reject_fix(finding, acting_user=acting_user, reason=f"复核仍存在：{reason}")
            elif not result.ok or not concluded(finding, result, ALL_CHECKS, enumeration=enumerated):
                outcome.unverifiable.append(finding.pk)
            else:
                outcome.verified.append(finding.pk)
                do_verify_fixed(finding, acting_user=acting_user, reason=f"复核已整改：{reason}")
        details = {
            "verified": outcome.verified,
            "still_present": outcome.still_present,
            "unverifiable": outcome.unverifiable,
        }
        transition(
            notice,
            NOTICE_WORKFLOW,
            NoticeVerb.RECHECK,
            acting_user=acting_user,
            reason=reason,
            updates={"last_recheck_at": finished},
            details=details,
        )
        if not notice.findings.exclude(status__in=_SETTLED).exists():
            transition(
                notice,
                NOTICE_WORKFLOW,
                NoticeVerb.CLOSE,
                acting_user=acting_user,
                reason=f"通报问题已全部复核整改：{reason}",
                updates={"closed_at": finished},
            )
            outcome.closed = True
            notify_on_commit(f"【通报已办结】{notice.title}", f"{notice.unit} 的通报问题已全部复核整改。")
    return outcome


@transaction.atomic
def do_answer_notice(
    notice: Notice,
    text: str,
    files: Iterable[UploadedFile] = (),
    *,
    acting_user: Actor,
    reason: str = "",
    recheck: bool = True,
) -> NoticeAnswer:
    """The notified unit answers (``change`` on it): what it did, with evidence files; its live findings are
    reported fixed and wait for the re-check, which is enqueued on commit (``tasks.recheck_notice``)."""
    notice = Notice.objects.unrestricted().select_for_update().select_related("unit").get(pk=notice.pk)
    require(acting_user, "change", notice.unit, "通报整改反馈")
    text = require_reason(text, "整改反馈的整改情况")
    if notice.status != N.SENT:
        raise ValidationError(f"通报“{notice.title}”当前为“{notice.get_status_display()}”，不能反馈整改")
    uploads = list(files)
    checked = [(upload, check_evidence(upload)) for upload in uploads]  # every file checked before storing
    answer = NoticeAnswer.objects.create(
        notice=notice, text=text, answered_by=person(acting_user), answered_at=timezone.now()
    )
    for upload, content_type in checked:
        store_evidence(NoticeEvidence(answer=answer), upload, content_type)
    for finding in notice.findings.filter(status__in=[S.OPEN, S.NOTIFIED, S.RECTIFYING]):
        do_report_fixed(finding, acting_user=acting_user, reason=f"整改反馈：{notice.title}")
    audit.record(
        acting_user,
        NoticeVerb.ANSWER,
        notice,
        reason=reason.strip() or text,
        unit=notice.unit,
        details={"answer": answer.pk, "files": [u.name for u, _ in checked]},
    )
    notify_on_commit(f"【通报整改反馈】{notice.title}", f"{notice.unit} 已反馈整改情况：\n{text}\n\n请复核。")
    if recheck:
        from jixiao.security.tasks import recheck_notice

        transaction.on_commit(lambda: recheck_notice.enqueue(notice.pk))
    return answer
