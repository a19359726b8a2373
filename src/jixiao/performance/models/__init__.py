"""The performance models, one module per subject; ``from jixiao.performance.models import X`` reads them all.

- ``projects``: a project's form (header, funds, fund uses, spending plan, indicators with typed targets);
- ``imports``: import batches and the target adjustments a re-import proposes for a project under review;
- ``results``: results per period, evidence, period locks;
- ``spending``: expenditures and budget adjustments;
- ``monitoring``: monitoring rounds and entries;
- ``evaluation``: the year-end self-evaluation and its lines;
- ``summary``: each project's light, budget execution and key indicators, stored for the lists.
"""

from jixiao.performance.models.evaluation import Evaluation, EvaluationLine
from jixiao.performance.models.imports import ImportBatch, TargetAdjustment, TargetAdjustmentLine
from jixiao.performance.models.locks import LockException
from jixiao.performance.models.monitoring import MonitoringEntry, MonitoringRound
from jixiao.performance.models.projects import (
    BudgetExecution,
    FundUse,
    Indicator,
    Project,
    ProjectFunds,
    SpendingStep,
    default_accumulation,
)
from jixiao.performance.models.rectification import RectificationEvidence, RectificationItem
from jixiao.performance.models.results import Evidence, PeriodFields, PeriodLock, PeriodResult
from jixiao.performance.models.reviews import TargetReview, TargetReviewLine
from jixiao.performance.models.spending import BudgetAdjustment, Expenditure
from jixiao.performance.models.summary import ProjectSummary, SummaryGeneration
from jixiao.performance.models.tasks import MonitoringAssignment, MonitoringTask

__all__ = [
    "BudgetAdjustment",
    "BudgetExecution",
    "Evaluation",
    "EvaluationLine",
    "Evidence",
    "Expenditure",
    "FundUse",
    "ImportBatch",
    "Indicator",
    "LockException",
    "MonitoringAssignment",
    "MonitoringEntry",
    "MonitoringRound",
    "MonitoringTask",
    "PeriodFields",
    "PeriodLock",
    "PeriodResult",
    "Project",
    "ProjectFunds",
    "ProjectSummary",
    "RectificationEvidence",
    "RectificationItem",
    "SpendingStep",
    "SummaryGeneration",
    "TargetAdjustment",
    "TargetAdjustmentLine",
    "TargetReview",
    "TargetReviewLine",
    "default_accumulation",
]
