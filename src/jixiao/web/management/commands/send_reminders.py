"""``send_reminders``: send the 待办 inbox's reminders due today (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jixiao.orgs.actors import SYSTEM
from jixiao.web.actions.reminders import do_send_reminders
from jixiao.web.models import ReminderSent


class Command(BaseCommand):
    help = "发送待办提醒：截止前若干个工作日提醒一次，逾期后再提醒一次"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = do_send_reminders(acting_user=SYSTEM, reason="每日待办提醒")
        self.stdout.write(
            f"到期前提醒 {counts[ReminderSent.Kind.BEFORE]} 条，逾期提醒 {counts[ReminderSent.Kind.OVERDUE]} 条"
        )
