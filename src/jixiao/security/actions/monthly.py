"""The monthly security report (网络安全月报) of a unit: ``do_generate_monthly_report`` stores the month's
figures (``selectors.build_monthly_figures``) in a draft, ``do_publish_monthly_report`` publishes it (what
``indicator_counts`` counts as a report published). The documents are written by ``jixiao.reports.monthly``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.orgs.actors import Actor
from jixiao.orgs.models import Unit
from jixiao.security.choices import ReportStatusChoices
from jixiao.security.guards import require
from jixiao.security.models import MonthlyReport
from jixiao.security.selectors import build_monthly_figures
from jixiao.security.workflows import MONTHLY_REPORT_WORKFLOW, ReportVerb

__all__ = ["do_generate_monthly_report", "do_publish_monthly_report"]


@transaction.atomic
def do_generate_monthly_report(
    unit: Unit, year: int, month: int, *, acting_user: Actor, reason: str
) -> MonthlyReport:
    """Compute the month's figures into a draft report (regenerating a draft replaces its figures)."""
    require(acting_user, "security", unit, "网络安全月报")
    data = build_monthly_figures(unit, year, month)
    report, created = (
        MonthlyReport.objects.unrestricted()
        .select_for_update()
        .get_or_create(
            unit=unit, year=year, month=month, defaults={"data": data, "generated_at": timezone.now()}
        )
    )
    if not created:
        if report.status == ReportStatusChoices.PUBLISHED:
            raise ValidationError(f"{report}已发布，不能重新生成")
        report.data, report.generated_at = data, timezone.now()
        report.save(update_fields=["data", "generated_at"])
    audit.record(
        acting_user,
        ReportVerb.GENERATE,
        report,
        reason=reason,
        unit=unit,
        details={"year": year, "month": month},
    )
    return report


@transaction.atomic
def do_publish_monthly_report(report: MonthlyReport, *, acting_user: Actor, reason: str) -> MonthlyReport:
    transition(
        report,
        MONTHLY_REPORT_WORKFLOW,
        ReportVerb.PUBLISH,
        acting_user=acting_user,
        reason=reason,
        stamp_field="published_at",
    )
    return report
