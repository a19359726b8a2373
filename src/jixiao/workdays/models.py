"""A dated exception to the plain week: a public holiday on a weekday, or a weekend day made a working day."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day of the official schedule that differs from Monday–Friday (a holiday, or a 调休 working day).

    Not scoped to a unit: the schedule is national and the same for every office.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"))
    name = models.CharField(_("节日"), max_length=40)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{'上班' if self.is_workday else '放假'}）"
