"""Admin for the audit log: read-only, scoped to the units the viewer may see."""

from __future__ import annotations

from django.contrib import admin

from jixiao.audit.models import AuditEvent
from jixiao.orgs.admin import ReadOnlyAdminMixin, ScopedRelatedOnlyFilter


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_repr", "unit", "reason")
    list_filter = ("action", ("unit", ScopedRelatedOnlyFilter))
    search_fields = ("object_repr", "reason", "actor_label", "action")
    date_hierarchy = "at"
    list_select_related = ("unit",)
    fields = (
        "at",
        "actor",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "unit",
        "reason",
        "changes",
        "details",
    )
