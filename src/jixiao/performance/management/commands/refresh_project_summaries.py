"""``refresh_project_summaries [--stale-only]``: compute the stored summary (light, budget execution, key
indicators) of every project at the monitoring cut-off month, as the lists show it.

The pages compute a missing or stale summary themselves before they read it; run this after a deployment
that changes ``JIXIAO_MONITORING_CUTOFF_MONTH`` or the summary's version, or after loading many projects,
so that the first person to open the home page does not wait for all of them.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jixiao.performance.models import Project
from jixiao.performance.selectors import default_cutoff_month
from jixiao.performance.summary import ensure_summaries, refresh_summaries


class Command(BaseCommand):
    help = "计算每个项目的汇总（亮灯、预算执行、重点指标），供首页和项目列表使用。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-only", action="store_true", help="只计算缺少或已过期的汇总（默认全部重新计算）"
        )

    def handle(self, *args: Any, stale_only: bool = False, **options: Any) -> None:
        cutoff = default_cutoff_month()
        started = time.perf_counter()
        projects = Project.objects.unrestricted()
        if stale_only:
            done = ensure_summaries(projects, cutoff)
        else:
            done = refresh_summaries(projects.order_by().values_list("pk", flat=True), cutoff)
        seconds = time.perf_counter() - started
        self.stdout.write(f"已计算 {done} 个项目的汇总（截至{cutoff}月），用时 {seconds:.1f} 秒")
