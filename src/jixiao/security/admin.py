"""Admin for the security app: assets searchable and editable through actions; the monitor's records read-only.

Every queryset starts from ``restrict(request.user, …)`` (the owner unit's subtree).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import ForeignKey
from django.http import HttpRequest

from jixiao.orgs.admin import (
    ADMIN_REASON,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ReasonForm,
    RestrictedAdminMixin,
    ScopedRelatedOnlyFilter,
    may_anywhere,
)
from jixiao.orgs.permissions import can, units_for
from jixiao.security.actions.assets import do_create_asset, do_update_asset
from jixiao.security.models import (
    Asset,
    CheckRun,
    Finding,
    Incident,
    MonitorEvent,
    MonthlyReport,
    Notice,
    SecurityWarning,
    WarningReceipt,
)

EDITABLE = (
    "name",
    "kind",
    "owner",
    "url",
    "extra_urls",
    "category",
    "importance",
    "schedule_class",
    "contact_name",
    "contact_phone",
    "contact_email",
    "tags",
    "active",
    "internal",
)


class AssetForm(ReasonForm):
    class Meta:
        model = Asset
        fields = EDITABLE


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ("severity", "check_name", "message", "status", "first_seen", "last_seen", "seen_count")
    ordering = ("status", "-last_seen")


@admin.register(Asset)
class AssetAdmin(RestrictedAdminMixin, admin.ModelAdmin):
    form = AssetForm
    list_display = ("name", "url", "kind", "owner", "importance", "schedule_class", "active")
    list_filter = (
        "kind",
        "importance",
        "schedule_class",
        "active",
        ("owner", ScopedRelatedOnlyFilter),
    )
    search_fields = ("name", "url", "category", "contact_name", "owner__name", "owner__code")
    list_select_related = ("owner",)
    inlines = (FindingInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_anywhere(request, "change")

    def has_change_permission(self, request: HttpRequest, obj: Asset | None = None) -> bool:
        return can(request.user, "change", obj.owner) if obj is not None else may_anywhere(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Asset | None = None) -> bool:
        return False  # an asset carries its check history; it is deactivated, not deleted

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "owner" and field is not None:
            field.queryset = units_for(request.user, "change")
        return field

    def save_model(self, request: HttpRequest, obj: Asset, form: forms.ModelForm, change: bool) -> None:
        user = cast(User, request.user)  # the admin signs people in before any save
        reason = str(form.cleaned_data.get("reason") or ADMIN_REASON)
        values = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        if not change:
            name, url, owner = values.pop("name"), values.pop("url"), values.pop("owner")
            asset = do_create_asset(name, url, owner=owner, acting_user=user, reason=reason, **values)
            obj.pk, obj.url = asset.pk, asset.url
            obj._state.adding = False
            return
        stored = Asset.objects.restrict(user, "change").get(pk=obj.pk)
        do_update_asset(stored, acting_user=user, reason=reason, **values)


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("asset", "group", "started", "ok", "status", "findings_count")
    list_filter = ("group", "ok")
    search_fields = ("asset__name", "asset__url")
    date_hierarchy = "started"
    list_select_related = ("asset",)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "asset",
        "severity",
        "check_name",
        "message",
        "status",
        "first_seen",
        "last_seen",
        "seen_count",
    )
    list_filter = ("severity", "status", "category")
    search_fields = ("asset__name", "asset__url", "message", "key")
    list_select_related = ("asset",)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "unit", "status", "sent_at", "deadline", "closed_at")
    list_filter = ("status",)
    search_fields = ("title", "unit__name")
    filter_horizontal = ("findings",)


@admin.register(SecurityWarning)
class SecurityWarningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "issuer", "severity", "status", "published_at")
    list_filter = ("status", "severity")
    search_fields = ("title", "body")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "unit",
        "incident_class",
        "status",
        "opened_at",
        "due_at",
        "resolved_at",
        "breached_at",
    )
    list_filter = ("status", "incident_class", "outage")
    search_fields = ("title", "description", "unit__name")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "status", "generated_at", "published_at")
    list_filter = ("status", "year")


@admin.register(WarningReceipt)
class WarningReceiptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("warning", "unit", "confirmed_by", "confirmed_at")
    search_fields = ("warning__title", "unit__name")
    list_select_related = ("warning", "unit", "confirmed_by")


@admin.register(MonitorEvent)
class MonitorEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("asset", "kind", "severity", "at", "processed_at", "outcome")
    list_filter = ("kind", "severity")
    search_fields = ("asset__name", "asset__url")
    date_hierarchy = "at"
    list_select_related = ("asset",)
