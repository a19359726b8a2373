"""The schedule in the system administrator's back office: each change goes through an audited action."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest

from jixiao.workdays.actions import do_remove_calendar_day, do_set_calendar_day
from jixiao.workdays.models import CalendarDay


class CalendarDayForm(forms.ModelForm):
    reason = forms.CharField(label="原因", initial="国务院办公厅节假日安排通知")

    class Meta:
        model = CalendarDay
        fields = ("date", "is_workday", "name")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        row = do_set_calendar_day(
            obj.date,
            is_workday=obj.is_workday,
            name=obj.name,
            acting_user=cast(User, request.user),
            reason=str(form.cleaned_data["reason"]),
        )
        obj.pk = row.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        do_remove_calendar_day(obj, acting_user=cast(User, request.user), reason="管理后台删除")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission
