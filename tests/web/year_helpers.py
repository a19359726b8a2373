"""Helpers of the year's review tests: the demo year reopened (the demo finalises every self-evaluation, which
locks the year), so the monitoring round, the evaluation review and the locks can be walked from the start."""

from __future__ import annotations

from django.test import override_settings

from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.evaluation import do_reopen_evaluation
from jixiao.performance.actions.results import do_unlock_period
from jixiao.performance.models import Evaluation, PeriodLock, Project


def reopen_year(*projects: Project) -> None:
    """Reopen the finalised self-evaluations of ``projects`` and lift their locks (as the system, audited)."""
    with override_settings(JIXIAO_STRICT_SCOPES=False):
        for project in projects:
            if Evaluation.objects.unrestricted().filter(project=project, status="finalised").exists():
                do_reopen_evaluation(project, acting_user=SYSTEM, reason="测试：重新打开年度")
            for lock in PeriodLock.objects.unrestricted().filter(project=project):
                do_unlock_period(lock, acting_user=SYSTEM, reason="测试：解除锁定")
