"""The batch store: check runs, findings, monitoring state and monitor events of a batch of probe results.

``record_probe_results`` writes a batch with a fixed number of queries (one read and at most two writes per
table, whatever the batch size). Availability failures follow ``FailureTracker`` semantics: a failing asset
opens its availability findings only after ``threshold`` failures in a row, and two successes close them;
the tracker's counters live in ``AssetState``. Every other finding is stored as seen: new ones open, known
ones move ``last_seen``, a verified one that comes back is reopened.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.domain.probes import (
    ALL_CHECKS,
    SCAN_FINDINGS,
    Baseline,
    Check,
    FailureTracker,
    ProbeResult,
    TrackState,
    Transition,
    check_of,
    redirection_to_dict,
    result_to_dict,
    summary_from_dict,
    summary_to_dict,
)
from jixiao.domain.probes import Finding as ProbeFinding
from jixiao.orgs.actors import SYSTEM
from jixiao.security.choices import (
    ACTIVE_FINDING_STATUSES,
    FindingStatusChoices,
    MonitorEventKindChoices,
)
from jixiao.security.models import Asset, AssetState, CheckRun, Finding, MonitorEvent
from jixiao.security.workflows import FINDING_WORKFLOW, FindingVerb

logger = logging.getLogger(__name__)

__all__ = ["BatchOutcome", "Probed", "baseline_of", "category_of", "concluded", "record_probe_results"]

S = FindingStatusChoices
AVAILABILITY = "availability"


def _refused(result: ProbeResult) -> bool:
    return any(found.check == "confinement.denied_address" for found in result.findings)


def category_of(check_name: str) -> str:
    """``availability.connect`` → ``availability``; ``probe.budget`` → ``probe``."""
    return check_name.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Probed:
    """One probe result of one registered asset, with the checks that were asked for.

    ``track`` False keeps the result away from the failure tracker and the asset's last-check state: a
    TLS enumeration says nothing about whether the site is up.
    """

    asset: Asset
    result: ProbeResult
    checks: frozenset[Check] = ALL_CHECKS
    group: str = ""
    finished: dt.datetime | None = None
    track: bool = True


@dataclass
class BatchOutcome:
    runs: list[CheckRun] = field(default_factory=list)
    opened: int = 0
    reopened: int = 0
    seen_again: int = 0
    held: int = 0  # availability findings not yet confirmed by the failure tracker
    closed: int = 0  # availability findings closed by recovery
    gone: int = 0  # findings a complete check no longer sees: verified fixed, or awaiting verification
    confirmed_down: list[int] = field(default_factory=list)  # asset ids whose outage was just confirmed
    recovered: list[int] = field(default_factory=list)


class StoredTracker(FailureTracker[int]):
    """A ``FailureTracker`` seeded from the counters stored per asset, so its verdicts survive restarts."""

    def seed(self, asset_id: int, state: TrackState) -> None:
        self._states[asset_id] = state


def tracker_thresholds() -> tuple[int, int]:
    threshold = int(settings.JIXIAO_SECURITY_FAILURE_THRESHOLD)
    recover = int(settings.JIXIAO_SECURITY_RECOVER_THRESHOLD)
    return threshold, recover


def _is_availability(found: ProbeFinding) -> bool:
    return category_of(found.check) == AVAILABILITY


def _summary(result: ProbeResult) -> dict[str, Any]:
    data = result_to_dict(result)
    data.pop("timings", None)
    data["final_url"] = result.final_url
    data["error"] = result.error
    data["truncated"] = result.truncated
    return data


def _board_fields(state: AssetState, result: ProbeResult) -> None:
    """The live board's figures: response time of every answered fetch, certificate and header grade when seen."""
    total = result.timings.total if result.ok else None
    if total is not None:
        state.last_total_ms = round(total)
    if result.tls is not None and result.tls.expires is not None:
        state.cert_expires = result.tls.expires
    if result.headers is not None:
        state.header_grade, state.header_score = result.headers.grade, result.headers.score


def record_probe_results(
    results: Sequence[Probed], *, run_started: dt.datetime, settled_by_caller: Collection[int] = ()
) -> BatchOutcome:
    """Store a batch of probe results: check runs, findings, monitoring state; one transaction, bulk writes.

    ``settled_by_caller`` lists findings whose absence the caller judges itself (a notice's re-check does,
    under the name of the person who asked for it), so the rule for gone findings leaves them alone.

    Queries: states (read, update, insert if missing), runs (insert), findings (read, insert, update),
    audit (insert): constant in the size of the batch.
    """
    outcome = BatchOutcome()
    if not results:
        return outcome
    now = timezone.now()
    threshold, recover = tracker_thresholds()
    asset_ids = sorted({p.asset.pk for p in results})
    with transaction.atomic():
        # The state rows are locked (in id order, so two batches cannot deadlock): batches of different check
        # groups of the same asset, on different workers, then update counters and findings one after the other.
        states = {
            s.asset_id: s
            for s in AssetState.objects.unrestricted()
            .select_for_update()
            .filter(asset_id__in=asset_ids)
            .order_by("asset_id")
        }
        missing = [AssetState(asset_id=pk) for pk in asset_ids if pk not in states]
        tracker = StoredTracker(threshold=threshold, recover=recover)
        for state in states.values():
            tracker.seed(state.asset_id, TrackState(state.failing, state.failures, state.successes))
        for state in missing:
            states[state.asset_id] = state

        runs = CheckRun.objects.bulk_create(
            [
                CheckRun(
                    asset_id=p.asset.pk,
                    group=p.group,
                    started=run_started,
                    finished=p.finished or now,
                    checks=sorted(str(c) for c in p.checks),
                    ok=p.result.ok,
                    status=p.result.status,
                    timings=result_to_dict(p.result)["timings"],
                    summary=_summary(p.result),
                    findings_count=len(p.result.findings),
                )
                for p in results
            ],
            batch_size=500,
        )
        outcome.runs = runs

        # Which findings of which asset to store, after the tracker has had its say.
        to_store: list[tuple[Probed, CheckRun, ProbeFinding]] = []
        close_availability: set[int] = set()
        for probed, run in zip(results, runs, strict=True):
            pk = probed.asset.pk
            if not probed.track or _refused(probed.result):
                # A refused address is a registration problem, not an outage: it is stored as a finding
                # and leaves the failure count alone.
                to_store.extend((probed, run, found) for found in probed.result.findings)
                continue
            transition = tracker.observe(pk, probed.result.ok)
            state = states[pk]
            tracked = tracker.state(pk)
            state.failing, state.failures, state.successes = (
                tracked.failing,
                tracked.failures,
                tracked.successes,
            )
            state.last_checked_at = probed.finished or now
            state.last_ok = probed.result.ok
            state.last_status = probed.result.status
            _board_fields(state, probed.result)
            baseline = probed.result.baseline
            if baseline is not None and Check.CONTENT in probed.checks:
                state.baseline_raw_hash = baseline.raw_hash
                state.baseline_text_hash = baseline.text_hash
                state.baseline_text = baseline.text
                state.baseline_analysis = (
                    summary_to_dict(baseline.analysis) if baseline.analysis is not None else None
                )
            redirection = probed.result.redirection
            if redirection is not None and redirection.checked and redirection.observed_at is not None:
                state.redirection = redirection_to_dict(redirection)
            if transition is Transition.OPENED:
                outcome.confirmed_down.append(pk)
            elif transition is Transition.CLOSED:
                outcome.recovered.append(pk)
                close_availability.add(pk)
            for found in probed.result.findings:
                # A failed fetch's availability findings wait for confirmation; other findings never wait.
                if _is_availability(found) and not probed.result.ok and not tracked.failing:
                    outcome.held += 1
                    continue
                to_store.append((probed, run, found))

        fields = (
            "failing",
            "failures",
            "successes",
            "last_checked_at",
            "last_ok",
            "last_status",
            "last_total_ms",
            "cert_expires",
            "header_grade",
            "header_score",
        )
        baseline_fields = (
            "baseline_raw_hash",
            "baseline_text_hash",
            "baseline_text",
            "baseline_analysis",
            "redirection",
        )
        stored_states = [s for pk, s in states.items() if not s._state.adding]
        AssetState.objects.unrestricted().bulk_update(
            stored_states, [*fields, *baseline_fields], batch_size=500
        )
        AssetState.objects.bulk_create([s for s in states.values() if s._state.adding], batch_size=500)

        existing: dict[tuple[int, str], Finding] = {
            (f.asset_id, f.key): f
            for f in Finding.objects.unrestricted()
            .filter(asset_id__in=asset_ids)
            .only(
                "pk",
                "asset_id",
                "key",
                "status",
                "seen_count",
                "reopened_count",
                "category",
                "first_seen",
                "severity",
                "message",
                "status_changed_at",
                "last_seen",
                "last_run_id",
            )
        }
        owners = {p.asset.pk: p.asset for p in results}
        created: dict[tuple[int, str], Finding] = {}
        changed: dict[int, Finding] = {}
        events = []
        # The state changes the periodic job acts on (incidents, notices), written in this transaction.
        appeared: list[Finding] = []
        disappeared: list[Finding] = []
        for probed, run, found in to_store:
            key = (probed.asset.pk, found.key)
            seen_at = probed.finished or now
            finding = existing.get(key) or created.get(key)
            if finding is None:
                created[key] = Finding(
                    asset_id=probed.asset.pk,
                    key=found.key,
                    check_name=found.check[:64],
                    category=category_of(found.check)[:32],
                    severity=str(found.severity),
                    message=found.message,
                    status=S.OPEN,
                    first_seen=seen_at,
                    last_seen=seen_at,
                    seen_count=1,
                    status_changed_at=seen_at,
                    last_run=run,
                )
                continue
            finding.last_seen = seen_at
            finding.seen_count += 1
            finding.severity = str(found.severity)
            finding.message = found.message
            finding.last_run = run
            if finding.pk is None:
                continue  # seen twice in this batch: the new row carries both
            if finding.status == S.VERIFIED_FIXED:
                finding.status = _system_target(FindingVerb.REOPEN, finding.status)
                finding.status_changed_at = seen_at
                finding.reopened_count += 1
                outcome.reopened += 1
                events.append(_system_event(finding, probed.asset, FindingVerb.REOPEN, S.VERIFIED_FIXED))
                appeared.append(finding)
            else:
                outcome.seen_again += 1
            changed[finding.pk] = finding

        for finding in existing.values():
            if (
                finding.asset_id in close_availability
                and finding.category == AVAILABILITY
                and finding.status in ACTIVE_FINDING_STATUSES
                and finding.pk not in changed
            ):
                before = finding.status
                finding.status = _system_target(FindingVerb.RECOVER, before)
                finding.status_changed_at = now
                changed[finding.pk] = finding
                outcome.closed += 1
                events.append(_system_event(finding, owners[finding.asset_id], FindingVerb.RECOVER, before))
                disappeared.append(finding)

        gone_events, gone = _gone(results, existing, changed, now, frozenset(settled_by_caller))
        outcome.gone = len(gone_events)
        events.extend(gone_events)
        disappeared.extend(gone)

        Finding.objects.unrestricted().bulk_update(
            list(changed.values()),
            [
                "last_seen",
                "seen_count",
                "severity",
                "message",
                "last_run",
                "status",
                "status_changed_at",
                "reopened_count",
            ],
            batch_size=500,
        )
        new_findings = Finding.objects.bulk_create(list(created.values()), batch_size=500)
        outcome.opened = len(new_findings)
        events.extend(_system_event(f, owners[f.asset_id], FindingVerb.OPEN, None) for f in new_findings)
        audit.record_many(events)
        appeared.extend(new_findings)
        MonitorEvent.objects.bulk_create(
            [
                *(
                    MonitorEvent(
                        asset_id=pk,
                        kind=MonitorEventKindChoices.ASSET_DOWN,
                        at=states[pk].last_checked_at or now,
                    )
                    for pk in outcome.confirmed_down
                ),
                *(
                    MonitorEvent(
                        asset_id=pk,
                        kind=MonitorEventKindChoices.ASSET_UP,
                        at=states[pk].last_checked_at or now,
                    )
                    for pk in outcome.recovered
                ),
                *(
                    MonitorEvent(
                        asset_id=f.asset_id,
                        finding_id=f.pk,
                        kind=MonitorEventKindChoices.FINDING_APPEARED,
                        severity=f.severity,
                        at=f.last_seen,
                    )
                    for f in appeared
                ),
                *(
                    MonitorEvent(
                        asset_id=f.asset_id,
                        finding_id=f.pk,
                        kind=MonitorEventKindChoices.FINDING_GONE,
                        severity=f.severity,
                        at=f.status_changed_at,
                    )
                    for f in disappeared
                ),
            ],
            batch_size=500,
        )
    return outcome


def concluded(
    finding: Finding, result: ProbeResult, asked: frozenset[Check], *, enumeration: bool = False
) -> bool:
    """Whether ``result``, of a probe asked for ``asked``, is a verdict on ``finding``: its check ran to
    the end, so a finding it did not report again is gone. A timed-out exposure path, a page that could not
    be read or a cut-short probe says nothing either way. The weekly TLS enumeration's findings are judged
    only by an ``enumeration`` result; the engine's own trouble (``probe.*``) by a probe that did it all.
    """
    if finding.check_name in SCAN_FINDINGS:
        return enumeration and Check.TLS in result.completed
    check = check_of(finding.check_name)
    if check is not None:
        return check in result.completed
    return finding.category == "probe" and asked <= result.completed


def _gone(
    results: Sequence[Probed],
    existing: dict[tuple[int, str], Finding],
    changed: dict[int, Finding],
    now: dt.datetime,
    skip: frozenset[int],
) -> tuple[list[Any], list[Finding]]:
    """Findings that a check which ran to its verdict on an answering site did not report again.

    One not yet sent to its owner (open, or awaiting verification) is verified fixed by that check; one
    already in a notice (notified, rectifying) waits for verification, which the notice's re-check gives,
    so a notice is only closed by a re-check. Availability is left to the failure tracker, and a finding
    that comes back is reopened as any other.
    """
    by_asset: dict[int, list[Finding]] = {}
    for finding in existing.values():
        by_asset.setdefault(finding.asset_id, []).append(finding)
    events = []
    gone = []
    for probed in results:
        result = probed.result
        if not probed.track or not result.ok:
            continue
        seen = {f.key for f in result.findings}
        for finding in by_asset.get(probed.asset.pk, ()):
            if (
                finding.status not in ACTIVE_FINDING_STATUSES
                or finding.pk in changed
                or finding.pk in skip
                or finding.key in seen
                or finding.category == AVAILABILITY
            ):
                continue
            if not concluded(finding, result, probed.checks):
                continue
            before = finding.status
            verb = (
                FindingVerb.GONE if before in (S.OPEN, S.AWAITING_VERIFICATION) else FindingVerb.GONE_AWAITING
            )
            finding.status = _system_target(verb, before)
            finding.status_changed_at = probed.finished or now
            changed[finding.pk] = finding
            events.append(_system_event(finding, probed.asset, verb, before))
            gone.append(finding)
    return events, gone


def _system_target(verb: FindingVerb, current: str) -> str:
    """The state the system's edge ``verb`` leads to from ``current`` (``FINDING_WORKFLOW`` says if it may)."""
    edge = FINDING_WORKFLOW.edge(verb, current)
    if not edge.system:  # pragma: no cover - a definition error, caught by the workflow tests
        raise PermissionDenied(f"“{edge.label}”须由人完成，系统不能代为操作")
    return edge.target


_SYSTEM_REASONS = {
    FindingVerb.OPEN: "监测发现",
    FindingVerb.REOPEN: "已整改的问题再次出现",
    FindingVerb.RECOVER: "连续检查恢复正常",
    FindingVerb.GONE: "完整检查未再发现",
    FindingVerb.GONE_AWAITING: "完整检查未再发现，待通报复核确认",
}


def _system_event(finding: Finding, asset: Asset, verb: FindingVerb, before: str | None) -> Any:
    event = audit.build(
        SYSTEM,
        str(verb),
        finding,
        reason=_SYSTEM_REASONS[verb],
        changes={"status": [before, finding.status]},
        details={"asset": asset.url, "check": finding.check_name, "severity": finding.severity},
    )
    event.unit_id = asset.owner_id  # the id is enough: no query for the unit of every finding
    return event


def baseline_of(state: AssetState | None) -> Baseline | None:
    if state is None or not state.baseline_text_hash:
        return None
    return Baseline(
        raw_hash=state.baseline_raw_hash,
        text_hash=state.baseline_text_hash,
        text=state.baseline_text,
        analysis=summary_from_dict(state.baseline_analysis),
    )
