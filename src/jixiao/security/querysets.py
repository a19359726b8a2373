"""Querysets of the security app: each knows how to reach its unit, so ``restrict()`` works everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from jixiao.orgs.choices import Action
from jixiao.orgs.querysets import UnitScopedQuerySet

if TYPE_CHECKING:
    from jixiao.orgs.actors import AnyUser
    from jixiao.orgs.models import Unit
    from jixiao.security.models import (  # noqa: F401 - named in the string type arguments below
        Asset,
        AssetSchedule,
        AssetState,
        CheckRun,
        Finding,
        Incident,
        MonitorEvent,
        MonthlyReport,
        Notice,
        NoticeAnswer,
        NoticeEvidence,
        SecurityWarning,
        WarningReceipt,
    )


class AssetQuerySet(UnitScopedQuerySet["Asset"]):
    unit_lookup = "owner"


class AssetStateQuerySet(UnitScopedQuerySet["AssetState"]):
    unit_lookup = "asset__owner"


class AssetScheduleQuerySet(UnitScopedQuerySet["AssetSchedule"]):
    unit_lookup = "asset__owner"


class CheckRunQuerySet(UnitScopedQuerySet["CheckRun"]):
    unit_lookup = "asset__owner"


class FindingQuerySet(UnitScopedQuerySet["Finding"]):
    unit_lookup = "asset__owner"


class NoticeQuerySet(UnitScopedQuerySet["Notice"]):
    unit_lookup = "unit"


class SecurityWarningQuerySet(UnitScopedQuerySet["SecurityWarning"]):
    """A warning is seen by its issuing unit's subtree, and once published by every unit it went to."""

    unit_lookup = "issuer"

    def _scope(
        self, user: AnyUser, action: Action, units: QuerySet[Unit]
    ) -> UnitScopedQuerySet[SecurityWarning]:
        if action != "view":
            return self.filter(issuer__in=units)
        received = self.unrestricted().filter(recipients__in=units, status="published").values("pk")
        return self.filter(Q(issuer__in=units) | Q(pk__in=received))


class IncidentQuerySet(UnitScopedQuerySet["Incident"]):
    unit_lookup = "unit"


class MonthlyReportQuerySet(UnitScopedQuerySet["MonthlyReport"]):
    unit_lookup = "unit"


class MonitorEventQuerySet(UnitScopedQuerySet["MonitorEvent"]):
    unit_lookup = "asset__owner"


class WarningReceiptQuerySet(UnitScopedQuerySet["WarningReceipt"]):
    """A receipt belongs to the unit that confirmed it (the issuer reads them through its warning)."""

    unit_lookup = "unit"


class NoticeAnswerQuerySet(UnitScopedQuerySet["NoticeAnswer"]):
    unit_lookup = "notice__unit"


class NoticeEvidenceQuerySet(UnitScopedQuerySet["NoticeEvidence"]):
    unit_lookup = "answer__notice__unit"
