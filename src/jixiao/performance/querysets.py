"""Querysets of the performance app: each knows how to reach its unit, so ``restrict()`` works everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from jixiao.orgs.choices import Action
from jixiao.orgs.querysets import UnitScopedQuerySet

if TYPE_CHECKING:
    from jixiao.orgs.actors import AnyUser
    from jixiao.orgs.models import Unit
    from jixiao.performance.models import (  # noqa: F401 - named in the string type arguments below
        BudgetAdjustment,
        BudgetExecution,
        Evaluation,
        EvaluationLine,
        Evidence,
        Expenditure,
        FundUse,
        ImportBatch,
        Indicator,
        LockException,
        MonitoringAssignment,
        MonitoringEntry,
        MonitoringRound,
        MonitoringTask,
        PeriodLock,
        PeriodResult,
        Project,
        ProjectFunds,
        RectificationEvidence,
        RectificationItem,
        SpendingStep,
        TargetAdjustment,
        TargetAdjustmentLine,
    )


class ProjectQuerySet(UnitScopedQuerySet["Project"]):
    unit_lookup = "unit"


class ProjectFundsQuerySet(UnitScopedQuerySet["ProjectFunds"]):
    unit_lookup = "project__unit"


class BudgetExecutionQuerySet(UnitScopedQuerySet["BudgetExecution"]):
    unit_lookup = "project__unit"


class FundUseQuerySet(UnitScopedQuerySet["FundUse"]):
    unit_lookup = "project__unit"


class SpendingStepQuerySet(UnitScopedQuerySet["SpendingStep"]):
    unit_lookup = "project__unit"


class IndicatorQuerySet(UnitScopedQuerySet["Indicator"]):
    unit_lookup = "project__unit"


class ImportBatchQuerySet(UnitScopedQuerySet["ImportBatch"]):
    unit_lookup = "unit"

    def _scope(self, user: AnyUser, action: Action, units: QuerySet[Unit]) -> UnitScopedQuerySet[ImportBatch]:
        """A batch is visible in its unit's subtree, and always to the person who ran it."""
        if user is None or not user.is_authenticated or user.pk is None:
            return self.filter(unit__in=units)
        return self.filter(Q(unit__in=units) | Q(acting_user_id=user.pk))


class PeriodResultQuerySet(UnitScopedQuerySet["PeriodResult"]):
    unit_lookup = "indicator__project__unit"


class EvidenceQuerySet(UnitScopedQuerySet["Evidence"]):
    unit_lookup = "result__indicator__project__unit"


class PeriodLockQuerySet(UnitScopedQuerySet["PeriodLock"]):
    unit_lookup = "project__unit"


class ExpenditureQuerySet(UnitScopedQuerySet["Expenditure"]):
    unit_lookup = "project__unit"


class BudgetAdjustmentQuerySet(UnitScopedQuerySet["BudgetAdjustment"]):
    unit_lookup = "project__unit"


class MonitoringRoundQuerySet(UnitScopedQuerySet["MonitoringRound"]):
    unit_lookup = "project__unit"


class MonitoringEntryQuerySet(UnitScopedQuerySet["MonitoringEntry"]):
    unit_lookup = "round__project__unit"


class EvaluationQuerySet(UnitScopedQuerySet["Evaluation"]):
    unit_lookup = "project__unit"


class EvaluationLineQuerySet(UnitScopedQuerySet["EvaluationLine"]):
    unit_lookup = "evaluation__project__unit"


class TargetAdjustmentQuerySet(UnitScopedQuerySet["TargetAdjustment"]):
    unit_lookup = "project__unit"


class TargetAdjustmentLineQuerySet(UnitScopedQuerySet["TargetAdjustmentLine"]):
    unit_lookup = "adjustment__project__unit"


class MonitoringTaskQuerySet(UnitScopedQuerySet["MonitoringTask"]):
    """A task belongs to the unit that issued it (the finance bureau)."""

    unit_lookup = "unit"


class MonitoringAssignmentQuerySet(UnitScopedQuerySet["MonitoringAssignment"]):
    """An assignment belongs to the unit asked to fill the round."""

    unit_lookup = "unit"


class RectificationItemQuerySet(UnitScopedQuerySet["RectificationItem"]):
    unit_lookup = "project__unit"


class RectificationEvidenceQuerySet(UnitScopedQuerySet["RectificationEvidence"]):
    unit_lookup = "item__project__unit"


class LockExceptionQuerySet(UnitScopedQuerySet["LockException"]):
    unit_lookup = "unit"
