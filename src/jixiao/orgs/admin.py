"""Admin for units and memberships, and the scoping mixins every jixiao admin uses.

Querysets go through ``restrict(request.user, …)``; permission comes from unit roles, not Django model
permissions, so a staff user of one office sees and manages only that office's subtree. Changes go through
``orgs.actions`` so they are audited.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.actions import (
    do_create_unit,
    do_grant_membership,
    do_move_unit,
    do_revoke_membership,
    do_update_unit,
)
from jixiao.orgs.choices import Action
from jixiao.orgs.models import Membership, Unit
from jixiao.orgs.permissions import can, is_superuser, units_for

ADMIN_REASON = "通过管理后台操作"


def may_anywhere(request: HttpRequest, action: Action) -> bool:
    """Whether the user holds ``action`` on at least one unit (cached on the request: admin asks often)."""
    cache: dict[str, bool] = request.__dict__.setdefault("_jixiao_may_anywhere", {})
    if action not in cache:
        cache[action] = is_superuser(request.user) or units_for(request.user, action).exists()
    return cache[action]


class ScopedRelatedOnlyFilter(admin.RelatedOnlyFieldListFilter):
    """Django's related-only filter, reading the related rows of the rows the user may see (the admin's
    queryset is already restricted) on purpose unrestricted, so a strict scope does not refuse it."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        seen = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        related = field.remote_field.model._default_manager.unrestricted().filter(pk__in=seen)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        return [(str(row.pk), str(row)) for row in related]


class RestrictedAdminMixin:
    """Rows filtered by ``restrict(user, "view")``; viewing allowed to anyone with a role on some unit."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset.restrict(request.user, "view")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_anywhere(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_anywhere(request, "view")


class ReadOnlyAdminMixin(RestrictedAdminMixin):
    """For records that change only through actions (imports) or never (the audit log)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


class ReasonForm(forms.ModelForm):
    reason = forms.CharField(label=_("原因"), required=False, widget=forms.TextInput(attrs={"size": 60}))


class UnitForm(ReasonForm):
    class Meta:
        model = Unit
        fields = ("name", "code", "kind", "parent")


class MembershipForm(ReasonForm):
    class Meta:
        model = Membership
        fields = ("user", "unit", "role")


def _reason(form: forms.BaseForm) -> str:
    return str(form.cleaned_data.get("reason") or ADMIN_REASON)


def _limit_units(request: HttpRequest, db_field: ForeignKey[Any, Any], field: Any) -> Any:
    """A unit picker offers only units the person administers."""
    if isinstance(field, ModelChoiceField) and db_field.related_model is Unit:
        field.queryset = units_for(request.user, "admin")
    return field


class ChildUnitInline(ReadOnlyInline):
    model = Unit
    fk_name = "parent"
    fields = ("name", "code", "kind")
    verbose_name = _("下级单位")
    verbose_name_plural = _("下级单位")


@admin.register(Unit)
class UnitAdmin(RestrictedAdminMixin, admin.ModelAdmin):
    form = UnitForm
    list_display = ("indented_name", "code", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    inlines = (ChildUnitInline,)

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return "\u3000" * (obj.depth - 1) + obj.name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_anywhere(request, "admin")

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return can(request.user, "admin", obj) if obj is not None else may_anywhere(request, "admin")

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False  # units carry projects and history; they are moved or renamed, not deleted

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        return _limit_units(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def save_model(self, request: HttpRequest, obj: Unit, form: forms.ModelForm, change: bool) -> None:
        user = cast(User, request.user)  # the admin signs people in before any save
        if not change:
            unit = do_create_unit(
                obj.name,
                parent=obj.parent,
                code=obj.code,
                kind=obj.kind,
                acting_user=user,
                reason=_reason(form),
            )
            obj.pk, obj.path, obj.created_at = unit.pk, unit.path, unit.created_at
            obj._state.adding = False
            return
        stored = Unit.objects.get(pk=obj.pk)
        do_update_unit(
            stored, name=obj.name, code=obj.code or "", kind=obj.kind, acting_user=user, reason=_reason(form)
        )
        if obj.parent_id != stored.parent_id and obj.parent is not None:
            do_move_unit(stored, new_parent=obj.parent, acting_user=user, reason=_reason(form))


@admin.register(Membership)
class MembershipAdmin(RestrictedAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "unit", "role", "created_at")
    list_filter = ("role", ("unit", ScopedRelatedOnlyFilter))
    search_fields = ("user__username", "unit__name", "unit__code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_anywhere(request, "admin")

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return False  # a role is revoked and granted again, never edited in place

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return can(request.user, "admin", obj.unit) if obj is not None else may_anywhere(request, "admin")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        return _limit_units(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def save_model(self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool) -> None:
        user = cast(User, request.user)  # the admin signs people in before any save
        membership = do_grant_membership(obj.user, obj.unit, obj.role, acting_user=user, reason=_reason(form))
        obj.pk, obj.created_at = membership.pk, membership.created_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        user = cast(User, request.user)  # the admin signs people in before any save
        do_revoke_membership(obj, acting_user=user, reason=ADMIN_REASON)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("unit", "user"):
            self.delete_model(request, membership)
