"""The security app's models, one module per subject: ``assets`` (assets, schedules, monitoring state),
``checks`` (check runs, findings, monitor events), ``notices`` (notices, warnings and their read
confirmations), ``incidents`` and ``reports``. ``from jixiao.security.models import X`` reaches every one.
"""

from jixiao.security.models.assets import Asset, AssetSchedule, AssetState
from jixiao.security.models.checks import CheckRun, Finding, MonitorEvent
from jixiao.security.models.incidents import Incident
from jixiao.security.models.notices import (
    Notice,
    NoticeAnswer,
    NoticeEvidence,
    SecurityWarning,
    WarningReceipt,
)
from jixiao.security.models.reports import MonthlyReport

__all__ = [
    "Asset",
    "AssetSchedule",
    "AssetState",
    "CheckRun",
    "Finding",
    "Incident",
    "MonitorEvent",
    "MonthlyReport",
    "Notice",
    "NoticeAnswer",
    "NoticeEvidence",
    "SecurityWarning",
    "WarningReceipt",
]
