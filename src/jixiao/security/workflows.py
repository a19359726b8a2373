"""The workflows of the security app, one per object: findings, notices, incidents, warnings, monthly reports.

Each is a pure ``Workflow`` (states with their Chinese labels, edges with a verb of the object's ``StrEnum``,
the action the actor needs on the object's unit, whether a reason is required, and whether the system and
people may take the edge). The actions move objects only through ``jixiao.audit.transitions.transition``;
the monitor's batch store takes the system's edges in bulk and checks each move against the same edges.

Who does what: the office's security staff (action ``security``) notify, verify, judge a false positive
or an accepted risk, and send notices; the owner unit (``change``) answers: it rectifies, reports a fix,
acknowledges, contains and resolves its incidents. The system (``SYSTEM``) may open and verify what a
check sees or no longer sees, reopen what comes back, re-check notices and resolve an outage that ended;
a false positive or an accepted risk is always a person's judgement.
"""

from __future__ import annotations

from enum import StrEnum

from jixiao.domain.workflow import Edge, Workflow
from jixiao.security.choices import (
    ACTIVE_FINDING_STATUSES,
    FindingStatusChoices,
    IncidentStatusChoices,
    NoticeStatusChoices,
    ReportStatusChoices,
    WarningStatusChoices,
)

__all__ = [
    "FINDING_WORKFLOW",
    "INCIDENT_WORKFLOW",
    "MONTHLY_REPORT_WORKFLOW",
    "NOTICE_WORKFLOW",
    "WARNING_WORKFLOW",
    "AssetVerb",
    "FindingVerb",
    "IncidentVerb",
    "NoticeVerb",
    "ReportVerb",
    "WarningVerb",
]

F = FindingStatusChoices
I = IncidentStatusChoices  # noqa: E741 - the incident states, as F is the findings'
N = NoticeStatusChoices
W = WarningStatusChoices
R = ReportStatusChoices


def _states(choices: type[object]) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}  # type: ignore[attr-defined]


class AssetVerb(StrEnum):
    """The registry's audit verbs (an asset has no workflow: it is registered, changed, imported)."""

    CREATE = "asset.created"
    UPDATE = "asset.updated"
    IMPORT = "assets.imported"


class FindingVerb(StrEnum):
    OPEN = "finding.opened"  # a check saw it for the first time (the row is created, not moved)
    NOTIFY = "finding.notified"
    START_RECTIFYING = "finding.rectifying"
    REPORT_FIXED = "finding.fix_reported"
    REJECT_FIX = "finding.fix_rejected"
    VERIFY_FIXED = "finding.verified_fixed"
    MARK_FALSE_POSITIVE = "finding.false_positive"
    ACCEPT_RISK = "finding.risk_accepted"
    REOPEN = "finding.reopened"
    RECOVER = "finding.recovered"  # the failure tracker saw the site answer again
    GONE = "finding.gone"  # a complete check no longer sees it: verified fixed
    GONE_AWAITING = "finding.gone_awaiting"  # no longer seen, but in a notice: the notice's re-check verifies


_ACTIVE = frozenset(str(s) for s in ACTIVE_FINDING_STATUSES)

FINDING_WORKFLOW = Workflow(
    name="finding",
    label="安全发现",
    states=_states(FindingStatusChoices),
    initial=F.OPEN,
    edges=(
        Edge(FindingVerb.NOTIFY, frozenset({F.OPEN}), F.NOTIFIED, "security", label="通报"),
        Edge(
            FindingVerb.START_RECTIFYING,
            frozenset({F.OPEN, F.NOTIFIED, F.AWAITING_VERIFICATION}),
            F.RECTIFYING,
            "change",
            system=False,
            label="开始整改",
        ),
        Edge(
            FindingVerb.REPORT_FIXED,
            frozenset({F.OPEN, F.NOTIFIED, F.RECTIFYING}),
            F.AWAITING_VERIFICATION,
            "change",
            system=False,
            label="报告已整改",
        ),
        Edge(
            FindingVerb.REJECT_FIX,
            frozenset({F.AWAITING_VERIFICATION}),
            F.RECTIFYING,
            "security",
            label="退回整改",
        ),
        Edge(FindingVerb.VERIFY_FIXED, _ACTIVE, F.VERIFIED_FIXED, "security", label="复核已整改"),
        Edge(
            FindingVerb.MARK_FALSE_POSITIVE,
            _ACTIVE,
            F.FALSE_POSITIVE,
            "security",
            system=False,
            label="标记误报",
        ),
        Edge(FindingVerb.ACCEPT_RISK, _ACTIVE, F.RISK_ACCEPTED, "security", system=False, label="接受风险"),
        Edge(
            FindingVerb.REOPEN,
            frozenset({F.VERIFIED_FIXED, F.FALSE_POSITIVE, F.RISK_ACCEPTED}),
            F.OPEN,
            "security",
            label="重新打开",
        ),
        Edge(FindingVerb.RECOVER, _ACTIVE, F.VERIFIED_FIXED, "security", people=False, label="恢复正常"),
        Edge(
            FindingVerb.GONE,
            frozenset({F.OPEN, F.AWAITING_VERIFICATION}),
            F.VERIFIED_FIXED,
            "security",
            people=False,
            label="完整检查未再发现",
        ),
        Edge(
            FindingVerb.GONE_AWAITING,
            frozenset({F.NOTIFIED, F.RECTIFYING}),
            F.AWAITING_VERIFICATION,
            "security",
            people=False,
            label="完整检查未再发现，待通报复核",
        ),
    ),
)


class NoticeVerb(StrEnum):
    CREATE = "notice.created"
    SEND = "notice.sent"
    RECHECK = "notice.rechecked"
    CLOSE = "notice.closed"
    ANSWER = "notice.answered"  # the unit's answer with evidence (the notice stays sent until verified)


NOTICE_WORKFLOW = Workflow(
    name="notice",
    label="通报",
    states=_states(NoticeStatusChoices),
    initial=N.DRAFT,
    edges=(
        # Sending is the office's decision, also for a notice the system drafted.
        Edge(NoticeVerb.SEND, frozenset({N.DRAFT}), N.SENT, "security", system=False, label="发出通报"),
        Edge(NoticeVerb.RECHECK, frozenset({N.SENT}), N.SENT, "security", label="复核"),
        Edge(NoticeVerb.CLOSE, frozenset({N.SENT}), N.CLOSED, "security", label="办结"),
    ),
)


class IncidentVerb(StrEnum):
    OPEN = "incident.opened"
    ACKNOWLEDGE = "incident.acknowledged"
    CONTAIN = "incident.contained"
    RESOLVE = "incident.resolved"
    # The SLA clock's marks: they set escalated_at / breached_at and leave the state as it is.
    ESCALATE = "incident.escalated"
    BREACH = "incident.breached"


INCIDENT_WORKFLOW = Workflow(
    name="incident",
    label="安全事件",
    states=_states(IncidentStatusChoices),
    initial=I.OPEN,
    edges=(
        Edge(IncidentVerb.ACKNOWLEDGE, frozenset({I.OPEN}), I.ACKNOWLEDGED, "change", label="响应"),
        Edge(IncidentVerb.CONTAIN, frozenset({I.OPEN, I.ACKNOWLEDGED}), I.CONTAINED, "change", label="控制"),
        # The system resolves an outage it opened when the site is confirmed up again.
        Edge(
            IncidentVerb.RESOLVE,
            frozenset({I.OPEN, I.ACKNOWLEDGED, I.CONTAINED}),
            I.RESOLVED,
            "change",
            label="处置完成",
        ),
    ),
)


class WarningVerb(StrEnum):
    CREATE = "warning.created"
    PUBLISH = "warning.published"
    WITHDRAW = "warning.withdrawn"
    CONFIRM_READ = "warning.read_confirmed"  # a recipient unit confirms it has read the warning


WARNING_WORKFLOW = Workflow(
    name="warning",
    label="安全预警",
    states=_states(WarningStatusChoices),
    initial=W.DRAFT,
    edges=(
        Edge(WarningVerb.PUBLISH, frozenset({W.DRAFT}), W.PUBLISHED, "security", system=False, label="发布"),
        Edge(
            WarningVerb.WITHDRAW,
            frozenset({W.PUBLISHED}),
            W.WITHDRAWN,
            "security",
            system=False,
            label="撤回",
        ),
    ),
)


class ReportVerb(StrEnum):
    GENERATE = "report.generated"
    PUBLISH = "report.published"


MONTHLY_REPORT_WORKFLOW = Workflow(
    name="monthly_report",
    label="网络安全月报",
    states=_states(ReportStatusChoices),
    initial=R.DRAFT,
    edges=(
        Edge(ReportVerb.PUBLISH, frozenset({R.DRAFT}), R.PUBLISHED, "security", system=False, label="发布"),
    ),
)
