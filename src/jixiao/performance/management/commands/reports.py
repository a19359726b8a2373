"""``reports --project ID … | --all [--user NAME] [--cutoff-month N] --out DIR``: write the official tables and
the self-evaluation report of stored projects, only those the user may view; prints each file written.

Only what exists is written: no self-evaluation table or report for a project without a self-evaluation, and
a department-wide form gets its own table (部门整体绩效目标表); each document left out is said on stderr.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from jixiao.performance.documents import (
    DOCUMENT_KINDS,
    document_plan,
    document_prefix,
    write_project_documents,
)
from jixiao.performance.models import Project
from jixiao.reports.data import ReportDataError
from jixiao.reports.fonts import FontNotFoundError


def _month(text: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise ValueError(text)
    return month


class Command(BaseCommand):
    help = "导出项目的绩效目标表、运行监控表、自评表和自评报告（只导出指定用户有权查看的项目）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--project",
            type=int,
            nargs="+",
            action="extend",
            default=[],
            metavar="ID",
            help="project ids (several after one flag, or the flag repeated)",
        )
        parser.add_argument("--all", action="store_true", help="every project the user may view")
        parser.add_argument(
            "--user", metavar="USERNAME", help="export as this person (default: the system, every project)"
        )
        parser.add_argument(
            "--cutoff-month",
            type=_month,
            metavar="N",
            help="monitoring cut-off month 1-12 (default: settings)",
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=DOCUMENT_KINDS,
            help="only these documents (repeatable; default: all of them)",
        )
        parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["project"]
        if bool(ids) == bool(options["all"]):
            raise CommandError("give --project ID (one or more) or --all, not both")
        projects: QuerySet[Project] = Project.objects.unrestricted().select_related("unit")
        username = options.get("user")
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user named {username}")
            projects = Project.objects.restrict(user, "view").select_related("unit")
        if ids:
            projects = projects.filter(pk__in=ids)
        chosen = list(projects.order_by("unit__path", "-year", "name", "pk"))
        # Not found and not visible read the same: the command does not tell a person what exists elsewhere.
        missing = sorted(set(ids) - {p.pk for p in chosen})
        if missing:
            who = f"user {username}" if username else "the system"
            raise CommandError(
                f"project(s) {', '.join(map(str, missing))} not found or not visible to {who}; nothing written"
            )
        if not chosen:
            self.stderr.write("no project to export")
            return

        # Two projects of one name and year (a target and a self-evaluation form, two units) keep apart.
        prefixes = Counter(document_prefix(p) for p in chosen)
        kinds = options.get("kind") or DOCUMENT_KINDS
        count = 0
        for project in chosen:
            prefix = document_prefix(project)
            if prefixes[prefix] > 1:
                prefix = f"{prefix}_{project.pk}"
            plan = document_plan(project, kinds)
            for skipped in plan.skipped:
                self.stderr.write(f"project {project.pk}: {skipped}")
            try:
                paths = write_project_documents(
                    project,
                    options["out"],
                    cutoff_month=options.get("cutoff_month"),
                    prefix=prefix,
                    plan=plan,
                )
            except (ReportDataError, FontNotFoundError) as error:
                raise CommandError(f"project {project.pk} «{project.name}»: {error}") from error
            for path in paths:
                self.stdout.write(str(path))
            count += len(paths)
        self.stderr.write(f"{count} file(s) written for {len(chosen)} project(s)")
