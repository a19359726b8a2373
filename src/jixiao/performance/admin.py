"""Admin for projects and what hangs off them: read-only browsing, scoped by unit; imports and the actions of
``results``, ``spending``, ``monitoring`` and ``evaluation`` change them (audited), never the admin."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.admin import ReadOnlyAdminMixin, ReadOnlyInline, ScopedRelatedOnlyFilter
from jixiao.performance.models import (
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
    TargetReview,
    TargetReviewLine,
)

UNIT_FILTER = ("unit", ScopedRelatedOnlyFilter)
PROJECT_UNIT_FILTER = ("project__unit", ScopedRelatedOnlyFilter)


class ProjectFundsInline(ReadOnlyInline):
    model = ProjectFunds
    fields = ("horizon", "total", "fiscal", "other")


class BudgetExecutionInline(ReadOnlyInline):
    model = BudgetExecution
    fields = ("initial_budget", "adjusted_budget", "executed", "weight", "rate", "recorded_score")


class FundUseInline(ReadOnlyInline):
    model = FundUse
    fields = ("order", "item", "amount", "raw", "source_location")


class SpendingStepInline(ReadOnlyInline):
    model = SpendingStep
    fields = ("order", "label", "cumulative_percent", "source_location")


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = (
        "horizon",
        "order",
        "level1",
        "level2",
        "name",
        "target_raw",
        "target_operator",
        "target_value",
        "target_unit",
        "source_location",
    )


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "year", "unit", "kind", "target_status", "attribute", "updated_at")
    list_filter = ("year", "kind", "target_status", "taxonomy", UNIT_FILTER)
    search_fields = ("name", "code", "unit__name", "unit__code")
    list_select_related = ("unit",)
    inlines = (ProjectFundsInline, BudgetExecutionInline, FundUseInline, SpendingStepInline, IndicatorInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "unit",
                    "name",
                    "code",
                    "year",
                    "kind",
                    "attribute",
                    "period",
                    "department",
                    "taxonomy",
                )
            },
        ),
        (_("目标"), {"fields": ("goal_medium_term", "goal_annual", "sub_goals", "measures")}),
        (
            _("目标申报"),
            {
                "fields": (
                    "target_status",
                    "target_submitted_by",
                    "target_submitted_at",
                    "target_reviewed_by",
                    "target_reviewed_at",
                    "target_return_reason",
                )
            },
        ),
        (
            _("来源"),
            {
                "fields": (
                    "money_unit",
                    "source_file",
                    "source_location",
                    "field_sources",
                    "warnings",
                    "last_import",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "project",
        "horizon",
        "level1",
        "level2",
        "target_raw",
        "target_operator",
        "target_value",
        "target_unit",
        "accumulation",
        "assigned_weight",
        "withdrawn",
    )
    list_filter = (
        "horizon",
        "target_kind",
        "target_operator",
        "level1",
        "accumulation",
        "withdrawn",
        PROJECT_UNIT_FILTER,
    )
    search_fields = ("name", "target_raw", "project__name", "project__code")
    list_select_related = ("project",)


@admin.register(ProjectFunds)
class ProjectFundsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "horizon", "total", "fiscal", "other")
    list_filter = ("horizon", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "project__code")
    list_select_related = ("project",)


@admin.register(BudgetExecution)
class BudgetExecutionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "adjusted_budget", "executed", "rate", "recorded_score")
    list_filter = (PROJECT_UNIT_FILTER,)
    search_fields = ("project__name", "project__code")
    list_select_related = ("project",)


@admin.register(FundUse)
class FundUseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "order", "item", "amount", "source_location")
    list_filter = (PROJECT_UNIT_FILTER,)
    search_fields = ("item", "project__name", "project__code")
    list_select_related = ("project",)


@admin.register(SpendingStep)
class SpendingStepAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "order", "label", "cumulative_percent")
    list_filter = (PROJECT_UNIT_FILTER,)
    search_fields = ("project__name", "project__code")
    list_select_related = ("project",)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "started_at",
        "label",
        "actor_label",
        "status",
        "forms_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "proposed_count",
        "indicators_count",
        "warnings_count",
    )
    list_filter = ("status", UNIT_FILTER)
    search_fields = ("label", "actor_label", "reason")


INDICATOR_UNIT_FILTER = ("indicator__project__unit", ScopedRelatedOnlyFilter)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "file", "content_type", "size", "uploaded_by", "uploaded_at")


@admin.register(PeriodResult)
class PeriodResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "indicator",
        "period_kind",
        "period_index",
        "value",
        "grade",
        "status",
        "entered_by",
        "reviewed_by",
    )
    list_filter = ("status", "period_kind", INDICATOR_UNIT_FILTER)
    search_fields = ("indicator__name", "indicator__project__name", "note", "narrative")
    list_select_related = ("indicator__project",)
    inlines = (EvidenceInline,)


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "period_kind", "period_index", "locked_by_label", "locked_at", "reason")
    list_filter = (PROJECT_UNIT_FILTER,)
    search_fields = ("project__name", "reason")
    list_select_related = ("project",)


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "month", "fund_source", "kind", "amount", "description", "entered_at")
    list_filter = ("month", "fund_source", "kind", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "description")
    list_select_related = ("project",)


@admin.register(BudgetAdjustment)
class BudgetAdjustmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "fund_source", "amount", "reason", "entered_at")
    list_filter = ("fund_source", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "reason")
    list_select_related = ("project",)


class MonitoringEntryInline(ReadOnlyInline):
    model = MonitoringEntry
    fields = (
        "indicator",
        "forecast_value",
        "forecast_grade",
        "deviation_category",
        "deviation_reason",
        "likelihood",
        "corrective_measures",
    )


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "cutoff_month", "budget_forecast", "created_at")
    list_filter = ("cutoff_month", PROJECT_UNIT_FILTER)
    search_fields = ("project__name",)
    list_select_related = ("project",)
    inlines = (MonitoringEntryInline,)


class EvaluationLineInline(ReadOnlyInline):
    model = EvaluationLine
    fields = (
        "indicator",
        "deviation_analysis",
        "proposed_score",
        "adjusted_score",
        "adjustment_reason",
        "adjusted_by",
    )


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "status", "total", "grade", "finalised_by", "finalised_at")
    list_filter = ("status", "grade", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "conclusion")
    list_select_related = ("project",)
    inlines = (EvaluationLineInline,)


class TargetAdjustmentLineInline(ReadOnlyInline):
    model = TargetAdjustmentLine
    fields = ("order", "change", "subject", "old_raw", "new_raw", "old", "new")


@admin.register(TargetAdjustment)
class TargetAdjustmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proposed target adjustments, read-only: they are approved or rejected through the actions."""

    list_display = (
        "project",
        "status",
        "protection",
        "source",
        "proposed_by_label",
        "proposed_at",
        "reviewed_by",
    )
    list_filter = ("status", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "project__code", "source", "review_reason")
    list_select_related = ("project", "reviewed_by")
    exclude = ("proposed",)
    inlines = (TargetAdjustmentLineInline,)


class TargetReviewLineInline(ReadOnlyInline):
    model = TargetReviewLine
    fields = ("criterion", "grade", "comment")


@admin.register(TargetReview)
class TargetReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Target reviews (优/良/中/差 per criterion), read-only: written by ``do_review_targets``."""

    list_display = ("project", "outcome", "reviewer_label", "reviewed_at", "comment")
    list_filter = ("outcome", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "comment")
    list_select_related = ("project",)
    inlines = (TargetReviewLineInline,)


class MonitoringAssignmentInline(ReadOnlyInline):
    model = MonitoringAssignment
    fields = ("unit",)


@admin.register(MonitoringTask)
class MonitoringTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Monitoring tasks finance issued, read-only: written by ``do_issue_monitoring_task``."""

    list_display = ("year", "cutoff_month", "deadline", "unit", "issued_by_label", "issued_at")
    list_filter = ("year", "cutoff_month", UNIT_FILTER)
    search_fields = ("note", "unit__name")
    list_select_related = ("unit",)
    inlines = (MonitoringAssignmentInline,)


class RectificationEvidenceInline(ReadOnlyInline):
    model = RectificationEvidence
    fields = ("original_name", "content_type", "size", "uploaded_at")


@admin.register(RectificationItem)
class RectificationItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rectification items (整改), read-only: opened, answered and reviewed through the actions."""

    list_display = ("project", "status", "deadline", "opened_at", "answered_at", "reviewed_at")
    list_filter = ("status", PROJECT_UNIT_FILTER)
    search_fields = ("project__name", "problem", "requirement", "answer")
    list_select_related = ("project",)
    inlines = (RectificationEvidenceInline,)


@admin.register(LockException)
class LockExceptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lock exceptions, read-only: granted and revoked through the actions."""

    list_display = ("unit", "period_kind", "period_index", "expires_at", "granted_by_label", "revoked_at")
    list_filter = (UNIT_FILTER,)
    search_fields = ("unit__name", "reason")
    list_select_related = ("unit",)
