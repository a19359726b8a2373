"""Sign-in attempts, kept to slow down password guessing (per account and per address) and for the record."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginAttemptQuerySet(models.QuerySet["LoginAttempt"]):
    def failures_since_success(self, *, since: object, **where: str) -> LoginAttemptQuerySet:
        """Failures matching ``where`` after ``since`` and after the last success matching it."""
        rows = self.filter(at__gte=since, **where)
        last_success = rows.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
        failures = rows.filter(succeeded=False, throttled=False)
        return failures.filter(at__gt=last_success) if last_success is not None else failures


class LoginAttempt(models.Model):
    """One sign-in attempt: the name typed, the client address, when, and whether it succeeded.

    Not a workflow object: written by the sign-in view only, never changed. A throttled attempt (refused
    before the password was checked) is kept too but does not lengthen the wait.
    """

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    address = models.GenericIPAddressField(_("地址"), db_index=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    succeeded = models.BooleanField(_("成功"), default=False)
    throttled = models.BooleanField(_("因频繁失败被拒绝"), default=False)

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.at:%Y-%m-%d %H:%M:%S}"


class ReminderSent(models.Model):
    """A reminder of an inbox item that was sent: once before its deadline and once when it is overdue.

    Written only by ``do_send_reminders``; the key names the item (its step, address and deadline), so a
    moved deadline is a new item and gets its own reminders.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("到期前提醒")
        OVERDUE = "overdue", _("逾期提醒")

    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("提醒对象")
    )
    key = models.CharField(_("待办事项"), max_length=500)
    kind = models.CharField(_("提醒类型"), max_length=16, choices=Kind.choices)
    deadline = models.DateField(_("截止日期"))
    subject = models.CharField(_("标题"), max_length=300)
    channels = models.JSONField(_("发送结果"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("待办提醒")
        verbose_name_plural = _("待办提醒")
        ordering = ("-sent_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=["user", "key", "kind"], name="web_reminder_once_per_kind"),
        )

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.subject}"
