"""Admin for projects and what hangs off them: read-only browsing, scoped by unit; imports change them."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.admin import ReadOnlyAdminMixin, ReadOnlyInline
from jixiao.performance.models import (
    BudgetExecution,
    FundUse,
    ImportBatch,
    Indicator,
    Project,
    ProjectFunds,
    SpendingStep,
)

UNIT_FILTER = ("unit", admin.RelatedOnlyFieldListFilter)
PROJECT_UNIT_FILTER = ("project__unit", admin.RelatedOnlyFieldListFilter)


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
    list_display = ("name", "code", "year", "unit", "kind", "attribute", "updated_at")
    list_filter = ("year", "kind", "taxonomy", UNIT_FILTER)
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
    )
    list_filter = ("horizon", "target_kind", "target_operator", "level1", PROJECT_UNIT_FILTER)
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
        "indicators_count",
        "warnings_count",
    )
    list_filter = ("status", UNIT_FILTER)
    search_fields = ("label", "actor_label", "reason")
