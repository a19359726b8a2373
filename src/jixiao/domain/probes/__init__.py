"""Defensive probes of registered network assets: availability, TLS, headers, content, hidden links, exposure.

Pure asyncio + aiohttp; see README.md in this folder for what each check does and why.
"""

from jixiao.domain.probes.engine import ProbeEngine, ProbeTarget, probe, probe_many
from jixiao.domain.probes.failures import FailureTracker, TrackState, Transition
from jixiao.domain.probes.findings import Finding, Severity, finding_key
from jixiao.domain.probes.model import (
    ALL_CHECKS,
    ROUTINE_CHECKS,
    SCAN_FINDINGS,
    Baseline,
    Check,
    ContentResult,
    ContentRules,
    HeaderGrade,
    HeaderTest,
    HiddenLink,
    PageSummary,
    ProbeOptions,
    ProbeResult,
    Redirection,
    Timeouts,
    Timings,
    TlsInfo,
    check_of,
)
from jixiao.domain.probes.serialize import (
    redirection_from_dict,
    redirection_to_dict,
    result_to_dict,
    summary_from_dict,
    summary_to_dict,
)

__all__ = [
    "ALL_CHECKS",
    "ROUTINE_CHECKS",
    "SCAN_FINDINGS",
    "Baseline",
    "Check",
    "ContentResult",
    "ContentRules",
    "FailureTracker",
    "Finding",
    "HeaderGrade",
    "HeaderTest",
    "HiddenLink",
    "PageSummary",
    "ProbeEngine",
    "ProbeOptions",
    "ProbeResult",
    "ProbeTarget",
    "Redirection",
    "Severity",
    "Timeouts",
    "Timings",
    "TlsInfo",
    "TrackState",
    "Transition",
    "check_of",
    "finding_key",
    "probe",
    "probe_many",
    "redirection_from_dict",
    "redirection_to_dict",
    "result_to_dict",
    "summary_from_dict",
    "summary_to_dict",
]
