"""``load_demo FILES_OR_DIRS…``: the unit tree, an ``admin`` superuser, the given forms with their targets
approved, and invented activity for them (spending and results for 1–7月, a monitoring round, a finalised
self-evaluation), and the same forms again as the current budget year, in progress (``performance.demo``).

The demo is loaded once: its import batch (label ``load_demo``) is the marker, and a later run (every
``make run``) only makes sure the admin user exists, so nothing a user changed is overwritten. The current
year has its own marker (``load_demo:<year>``): a demo loaded before it existed gets it once on a later run,
unless someone already has projects of that year (then nothing is added)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from jixiao.domain.forms.model import FormDocument, FormReadError
from jixiao.orgs.actions import do_create_unit
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import UnitKindChoices
from jixiao.orgs.models import Unit
from jixiao.performance.actions.imports import FormImportError, do_import_forms
from jixiao.performance.actions.targets import do_approve_targets, do_submit_targets
from jixiao.performance.choices import ImportStatusChoices
from jixiao.performance.demo import CURRENT_LABEL, load_demo_activity, load_demo_current_year
from jixiao.performance.models import ImportBatch, Project

ROOT_NAME = "财政局"
FORM_SUFFIXES = {".txt", ".docx", ".xlsx", ".xls", ".pdf"}
REASON = "演示数据导入（load_demo）"
BATCH_LABEL = "load_demo"


def form_files(paths: list[str]) -> list[Path]:
    """The given files, and the form files inside the given directories, in a stable order."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORM_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path}: no such file or directory")
    return files


class Command(BaseCommand):
    help = "创建演示单位树和 admin 超级用户，并导入给定的绩效目标表（重复运行不改变任何数据）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="form files or directories of form files")
        parser.add_argument(
            "--no-activity",
            action="store_true",
            help="only the forms: no invented spending, results, monitoring or self-evaluation",
        )
        parser.add_argument(
            "--no-current-year",
            action="store_true",
            help="only the seed year: not the same projects again as this year's, in progress",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Looked up at run time so the command (and command discovery) works before the readers exist.
        read_forms: Callable[[Path], list[FormDocument]] = importlib.import_module(
            "jixiao.domain.forms"
        ).read_forms

        year = timezone.localdate().year
        with_year = not options.get("no_activity") and not options.get("no_current_year")
        loaded = self.batch(BATCH_LABEL)
        if loaded is not None:
            with transaction.atomic():
                self.ensure_admin()
            when = timezone.localtime(loaded.started_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"演示数据已于 {when} 加载（导入批次 #{loaded.pk}），本次不再导入，已有数据保持不变"
            )
            if with_year and self.batch(f"{CURRENT_LABEL}:{year}") is None:
                # A demo loaded before this year existed (or in an earlier year): add the year once.
                self.current_year(self.read(options["paths"], read_forms), year)
            return

        forms = self.read(options["paths"], read_forms)

        with transaction.atomic():
            root = self.ensure_root()
            for unit_name, unit_code in sorted(
                {(f.project.unit, f.project.unit_code) for f in forms if f.project.unit}
            ):
                self.ensure_office(root, unit_name or "", unit_code)
            importlib.import_module("jixiao.web.demo").load_demo_users(self.stdout)
            self.ensure_admin()
            try:
                result = do_import_forms(forms, acting_user=SYSTEM, reason=REASON, batch_label=BATCH_LABEL)
            except FormImportError as error:
                raise CommandError(str(error)) from error
            for project in result.created:
                do_submit_targets(project, acting_user=SYSTEM, reason=REASON)
                do_approve_targets(project, acting_user=SYSTEM, reason=REASON)
            activity = None if options.get("no_activity") else load_demo_activity(result.projects)
            importlib.import_module("jixiao.security.demo").load_security_demo(self.stdout)
        if with_year:
            self.current_year(forms, year)
        batch = result.batch
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {batch.forms_count} form(s): {batch.created_count} created, "
                f"{batch.updated_count} updated, {batch.unchanged_count} unchanged; "
                f"{batch.indicators_count} indicator(s) written; {len(result.created)} project(s) with approved targets"
            )
        )
        if activity is not None:
            self.stdout.write(
                f"demo activity added to {len(activity.projects)} project(s); "
                f"{len(activity.skipped)} left as they were"
            )

    def batch(self, label: str) -> ImportBatch | None:
        return (
            ImportBatch.objects.unrestricted()
            .filter(label=label, status=ImportStatusChoices.COMPLETED)
            .order_by("started_at", "pk")
            .first()
        )

    def read(self, paths: list[str], read_forms: Callable[[Path], list[FormDocument]]) -> list[FormDocument]:
        forms = []
        for path in form_files(paths):
            try:
                read = read_forms(path)
            except FormReadError as error:
                raise CommandError(f"{path}: {error}") from error
            self.stdout.write(f"{path}: {len(read)} form(s), {sum(len(f.warnings) for f in read)} warning(s)")
            forms.extend(read)
        return forms

    def current_year(self, forms: list[FormDocument], year: int) -> None:
        """The seed projects again as ``year``, in progress (skipped when the forms are of that year)."""
        if any(f.year is not None and f.year >= year for f in forms):
            self.stdout.write(f"演示表单已是{year}年度或更晚，不另建本年度演示数据")
            return
        if Project.objects.unrestricted().filter(year=year).exists():
            # People already work on this year: the demo never writes over their projects.
            self.stdout.write(f"已有{year}年度的项目，不另建本年度演示数据，已有数据保持不变")
            return
        try:
            report = load_demo_current_year(forms, year)
        except (ValidationError, PermissionDenied, FormImportError) as error:
            # The demo people were changed by hand: the year is left out, nothing half-made is kept.
            self.stdout.write(self.style.WARNING(f"未能建立{year}年度演示数据：{error}"))
            return
        self.stdout.write(
            f"{year}年度进行中的演示数据：{len(report.projects)} 个项目，{report.evidence} 份佐证材料"
        )

    def ensure_root(self) -> Unit:
        root = Unit.objects.unrestricted().filter(parent__isnull=True, name=ROOT_NAME).first()
        if root is None:
            root = do_create_unit(
                ROOT_NAME, kind=UnitKindChoices.FINANCE_BUREAU, acting_user=SYSTEM, reason=REASON
            )
            self.stdout.write(f"created root unit {root}")
        return root

    def ensure_office(self, root: Unit, name: str, code: str | None) -> Unit:
        existing = Unit.objects.unrestricted().filter(code=code).first() if code else None
        existing = existing or Unit.objects.unrestricted().filter(name=name).first()
        if existing is not None:
            return existing
        unit = do_create_unit(name, parent=root, code=code, acting_user=SYSTEM, reason=REASON)
        self.stdout.write(f"created unit {unit}")
        return unit

    def ensure_admin(self) -> None:
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("superuser admin exists; its password is left as it is")
            return
        password = os.environ.get("JIXIAO_ADMIN_PASSWORD")
        User.objects.create_superuser("admin", "", password or "admin")
        if password:
            self.stdout.write("created superuser admin with the password from JIXIAO_ADMIN_PASSWORD")
        else:
            self.stdout.write(
                self.style.WARNING(
                    "created superuser admin with password 'admin' (set JIXIAO_ADMIN_PASSWORD to choose)"
                )
            )
