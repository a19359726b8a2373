"""``assets import FILE…`` / ``assets export FILE``: the asset registry from the command line.

``assets_main(argv)`` is what the management command runs; the ``jixiao`` CLI can call it as it is.
Exit status: 0 done, 2 a refused file (every error printed with file, sheet, row and column).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from jixiao.orgs.actors import SYSTEM, Actor

EXIT_OK = 0
EXIT_REFUSED = 2
DEFAULT_REASON = "命令行导入网络资产"


def build_parser(prog: str = "assets") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="网络资产台账：导入与导出")
    sub = parser.add_subparsers(dest="verb", required=True)
    load = sub.add_parser("import", help="import assets from .xlsx/.csv (all rows or none)")
    load.add_argument("files", nargs="+")
    load.add_argument("--reason", default=DEFAULT_REASON)
    load.add_argument("--user", help="act as this user (permissions apply); default: the system")
    dump = sub.add_parser("export", help="export assets to .xlsx/.csv")
    dump.add_argument("file")
    dump.add_argument("--user", help="export only what this user may see")
    return parser


def assets_main(argv: Sequence[str], *, stdout: TextIO | Any = None, stderr: TextIO | Any = None) -> int:
    """Run one ``assets`` verb; Django must be set up (``python -m jixiao.manage assets …`` does it)."""
    from django.contrib.auth.models import User
    from django.core.exceptions import PermissionDenied

    from jixiao.security.actions.assets import do_import_assets
    from jixiao.security.registry import AssetImportError, export_assets

    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = build_parser().parse_args(list(argv))
    user: Actor = User.objects.get(username=args.user) if args.user else SYSTEM
    if args.verb == "export":
        count = export_assets(args.file, acting_user=user)
        print(f"exported {count} asset(s) to {args.file}", file=out)
        return EXIT_OK
    try:
        result = do_import_assets(args.files, acting_user=user, reason=args.reason)
    except AssetImportError as exc:
        for error in exc.errors:
            print(f"assets: error: {error}", file=err)
        print(f"nothing imported: {len(exc.errors)} error(s)", file=err)
        return EXIT_REFUSED
    except PermissionDenied as exc:
        print(f"assets: error: {exc}", file=err)
        return EXIT_REFUSED
    print(
        f"imported {result.rows} row(s): {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged",
        file=out,
    )
    return EXIT_OK
