"""``python -m jixiao.manage assets import FILE… | export FILE``: the asset registry's bulk import and export."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.security.cli import EXIT_OK, assets_main


class Command(BaseCommand):
    help = "网络资产台账导入（全部或全不）与导出：assets import FILE… / assets export FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        # The verbs have their own parser, shared with the jixiao CLI: everything is handed to it as it is.
        parser.add_argument(
            "rest", nargs=argparse.REMAINDER, help="import FILE… [--reason R] [--user U] | export FILE"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = assets_main(options["rest"], stdout=self.stdout, stderr=self.stderr)
        if code != EXIT_OK:
            raise CommandError("the asset file was refused; nothing was imported", returncode=code)
