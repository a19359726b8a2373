"""The ``jixiao`` command line: parse, lint and import performance forms; Django management for the rest.

``parse`` and ``lint`` need no database. Exit status: 0 fine, 1 an error-severity finding (lint), 2 a file
that could not be read or a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jixiao.domain.forms import FormDocument, FormReadError, read_forms
from jixiao.domain.forms.model import FormKind, Location
from jixiao.domain.forms.serialize import form_to_dict, location, money, number

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def _place(loc: Location | None) -> str | None:
    """Where, in Chinese (``000_seed.xlsx，工作表“绩效目标表”，第5行``); ``--json`` keeps the stored form."""
    return loc.describe() if loc is not None else None


def _read_all(paths: Sequence[str]) -> tuple[list[FormDocument], list[dict[str, str]]]:
    forms: list[FormDocument] = []
    errors: list[dict[str, str]] = []
    for name in paths:
        try:
            forms.extend(read_forms(Path(name), display_name=name))
        except FormReadError as exc:
            errors.append({"file": name, "message": str(exc)})
    return forms, errors


def _print_errors(errors: list[dict[str, str]]) -> None:
    for error in errors:
        print(f"jixiao: error: {error['message']}", file=sys.stderr)


def _dump(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_parse(args: argparse.Namespace) -> int:
    forms, errors = _read_all(args.files)
    if args.json:
        payload: dict[str, Any] = {"forms": [form_to_dict(f) for f in forms]}
        if errors:
            payload["errors"] = errors
        _dump(payload)
    else:
        _print_forms(forms)
    _print_errors(errors)
    return EXIT_UNREADABLE if errors else EXIT_OK


_CONSOLE_CHARS = 300


def _print_forms(forms: list[FormDocument]) -> None:
    from rich.console import Console
    from rich.markup import escape as markup_escape
    from rich.table import Table

    # Everything a form says is printed as text, never as console markup: a cell may well hold `[/red]`.
    # Long values are shortened on the console (laying out a 20,000-character cell takes the console
    # seconds); --json prints them whole.
    def escape(text: str) -> str:
        return markup_escape(text if len(text) <= _CONSOLE_CHARS else text[: _CONSOLE_CHARS - 1] + "…")

    console = Console()
    for form in forms:
        p = form.project
        console.rule(
            f"[bold]{escape(p.name or '(未命名)')}[/bold]  {_KIND_NAMES[form.kind]}  {form.year or ''}"
        )
        for label, value in (
            ("项目编码", p.code),
            ("实施单位", p.unit),
            ("主管部门", p.department),
            ("项目属性", p.attribute),
            ("项目期", p.period),
            ("来源", _place(form.location) or form.source),
        ):
            if value:
                console.print(f"{label}: {escape(value)}")
        for horizon, funds in (("中期", form.funds_medium_term), ("年度", form.funds_annual)):
            if not funds.is_empty():
                console.print(
                    f"{horizon}资金(元): 总额 {money(funds.total)} 财政拨款 {money(funds.fiscal)} 其他 {money(funds.other)}"
                )
        for use in form.fund_uses:
            console.print(escape(f"资金用途: {use.item} {money(use.amount)} 元 ({use.raw})"))
        if form.spending_plan:
            console.print(
                escape(
                    "支出计划: "
                    + ", ".join(f"{s.label} {number(s.cumulative_percent)}%" for s in form.spending_plan)
                )
            )
        if form.indicators:
            table = Table("期", "一级", "二级", "三级指标", "指标值", "解读")
            for i in form.indicators:
                t = i.target
                meaning = t.kind.value
                if t.value is not None:
                    meaning = (
                        f"{t.operator.value if t.operator else ''} {number(t.value)} {t.unit or ''}".strip()
                    )
                table.add_row(
                    "中期" if i.horizon.value == "medium_term" else "年度",
                    escape(i.level1 or ""),
                    escape(i.level2 or ""),
                    escape(i.name or ""),
                    escape(t.raw),
                    escape(meaning),
                )
            console.print(table)
        for w in form.warnings:
            # The place in Chinese, as a person looks for it in the file (``b08.pdf，第2页，第14行``).
            console.print(f"[yellow]提示[/yellow]：{escape(str(w))}")


def cmd_lint(args: argparse.Namespace) -> int:
    from jixiao.domain.review import Severity, review_all

    forms, errors = _read_all(args.files)
    findings = review_all(forms)
    if args.json:
        payload: dict[str, Any] = {
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity.value,
                    "form": f.form,
                    "project": f.project,
                    "indicator": f.indicator,
                    "message": f.message,
                    "location": location(f.location),
                }
                for f in findings
            ]
        }
        if errors:
            payload["errors"] = errors
        _dump(payload)
    else:
        for f in findings:
            where = _place(f.location) or f.form
            subject = f" [{f.indicator}]" if f.indicator else ""
            print(f"{where}: {f.severity.value}: {f.rule}:{subject} {f.message}")
        counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
        print(", ".join(f"{n} {s.value}" for s, n in counts.items()), file=sys.stderr)
    _print_errors(errors)
    if errors:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


_KIND_NAMES = {
    FormKind.TARGET: "绩效目标表",
    FormKind.SELF_EVALUATION: "绩效自评表",
    FormKind.MONITORING: "绩效运行监控表",
    FormKind.DEPARTMENT_WIDE: "部门整体绩效目标表",
}


def cmd_score(args: argparse.Namespace) -> int:
    from jixiao.domain.scoring.selfeval import recheck, recheck_to_dict

    forms, errors = _read_all(args.files)
    for form in forms:
        if form.kind is not FormKind.SELF_EVALUATION:
            # A target or monitoring table has no actual values or scores: scoring it would print zeros.
            where = _place(form.location) or form.source
            errors.append(
                {
                    "file": form.source,
                    "message": f"{where}：这不是绩效自评表（{_KIND_NAMES[form.kind]}），没有完成值和得分可以复核"
                    f"(not a self-evaluation table: a {form.kind.value} table has nothing to score)",
                }
            )
    rechecks = [recheck(form) for form in forms if form.indicators and form.kind is FormKind.SELF_EVALUATION]
    if args.json:
        payload: dict[str, Any] = {"forms": [recheck_to_dict(r) for r in rechecks]}
        if errors:
            payload["errors"] = errors
        _dump(payload)
    else:
        for check, data in ((r, recheck_to_dict(r)) for r in rechecks):
            print(
                f"{data['project']}: computed {data['computed_total']} ({data['grade'] or '-'}), "
                f"recorded {data['recorded_total'] or '-'}"
            )
            for ind, result in zip(data["indicators"], check.indicators, strict=True):
                print(
                    f"  {ind['name']}: {ind['score'] or '-'} (recorded {ind['recorded_score'] or '-'}) {ind['method']}"
                )
                if result.score.contradiction:
                    print(f"    ~ {result.score.contradiction}")
            for d in data["discrepancies"]:
                print(
                    f"  ! {d['indicator'] or '总分'}: {d['computed']} vs {d['recorded']}: {d['cause']}: {d['message']}"
                )
    _print_errors(errors)
    if errors:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if any(r.discrepancies for r in rechecks) else EXIT_OK


def cmd_probe(args: argparse.Namespace) -> int:
    """Every check once against the given URLs: a person checking a site by hand."""
    import asyncio

    from jixiao.domain.probes import (
        ALL_CHECKS,
        ROUTINE_CHECKS,
        ProbeOptions,
        Timeouts,
        probe_many,
        result_to_dict,
    )

    timeouts = Timeouts(
        connect=args.timeout,
        first_byte=args.timeout,
        read=args.timeout,
        total=args.timeout * 1.5,
        budget=args.timeout * 4,
    )
    options = ProbeOptions(
        checks=ROUTINE_CHECKS if args.routine else ALL_CHECKS, timeouts=timeouts, ca_file=args.ca_file
    )
    results = asyncio.run(probe_many(args.urls, options=options, concurrency=50, per_host=2))
    data = [result_to_dict(r) for r in results]
    if args.json:
        _dump({"results": data})
    else:
        for item in data:
            timings = item["timings"]
            print(
                f"{item['url']}: {'ok' if item['ok'] else 'FAILED'} status {item['status']} total {timings['total']} ms"
            )
            if item["tls"]:
                tls = item["tls"]
                print(
                    f"  TLS {tls['protocol']}, expires {tls['expires']} ({tls['days_left']} days), chain {tls['valid_chain']}"
                )
            if item["headers"]:
                print(f"  headers {item['headers']['grade']} ({item['headers']['score']})")
            for f in item["findings"]:
                print(f"  {f['severity']}: {f['check']}: {f['message']}")
    return EXIT_OK if all(r["ok"] for r in data) else EXIT_FINDINGS


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    django.setup()


def run_assets(argv: Sequence[str]) -> int:
    """The asset registry: `jixiao assets import FILE...` (all or nothing) and `jixiao assets export FILE`."""
    _django()
    from jixiao.security.cli import assets_main

    return assets_main(list(argv))


def run_monitor(argv: Sequence[str]) -> int:
    """The scheduler and a worker in one process: `jixiao monitor [--once] [--workers N]`."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jixiao", "monitor", *argv])
    return EXIT_OK


# Commands whose own parsers take every argument after their name.
PASS_THROUGH = {"assets": run_assets, "monitor": run_monitor}


def cmd_rules(args: argparse.Namespace) -> int:
    from jixiao.domain.review import RULES

    if args.json:
        _dump(
            {
                "rules": [
                    {"id": r.id, "severity": r.severity.value, "title": r.title, "description": r.description}
                    for r in RULES
                ]
            }
        )
        return EXIT_OK
    for rule in RULES:
        print(f"{rule.id:28} {rule.severity.value:8} {rule.title}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    _django()
    from django.contrib.auth import get_user_model
    from rich.progress import Progress

    from jixiao.performance.actions.imports import do_import_forms

    forms: list[FormDocument] = []
    errors: list[dict[str, str]] = []
    with Progress(transient=True, disable=len(args.files) < 5 or not sys.stderr.isatty()) as progress:
        task = progress.add_task("读取 reading", total=len(args.files))
        for name in args.files:
            try:
                forms.extend(read_forms(Path(name), display_name=name))
            except FormReadError as exc:
                errors.append({"file": name, "message": str(exc)})
            progress.advance(task)
    if errors:
        _print_errors(errors)
        print(
            "jixiao: nothing imported: fix the files above first (imports are all or nothing)",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    from django.core.exceptions import PermissionDenied

    from jixiao.orgs.actors import SYSTEM
    from jixiao.performance.actions.imports import FormImportError

    user: Any = SYSTEM
    if args.user:
        try:
            user = get_user_model().objects.get(username=args.user)
        except get_user_model().DoesNotExist:
            print(f"jixiao: error: no user named {args.user!r}", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        result = do_import_forms(forms, acting_user=user, reason=args.reason or "command-line import")
    except (FormImportError, PermissionDenied) as exc:
        print(f"jixiao: error: {exc}", file=sys.stderr)
        print("jixiao: nothing imported (imports are all or nothing)", file=sys.stderr)
        return EXIT_UNREADABLE
    print(
        f"imported {len(forms)} forms from {len(args.files)} files: {len(result.created)} created, "
        f"{len(result.updated)} updated, {len(result.unchanged)} unchanged (batch {result.batch.pk})"
    )
    for note in result.unit_matches:
        print(f"  {note}")
    proposed = {adjustment.project_id: adjustment for adjustment in result.proposed}
    for project in result.held:
        adjustment = proposed.get(project.pk)
        if adjustment is not None:
            print(
                f"  {project.name}：目标已送审或已审核，未直接修改；已提出目标调整 #{adjustment.pk}"
                f"（{adjustment.lines.count()} 项变化），待审核"
            )
        else:
            print(f"  {project.name}：目标已送审或已审核，未直接修改；同样的调整已提出或已被退回，未再提出")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao", description="预算绩效目标: 读取、审核、入库 (performance forms)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="read forms and print them (no database)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("lint", help="review targets and print findings; exit 1 on an error finding")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser(
        "score", help="recompute the scores of self-evaluation tables; exit 1 on a discrepancy"
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "probe", help="check sites once by hand (availability, TLS, headers, content, exposure)"
    )
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--routine", action="store_true", help="skip the slow checks (exposure, cloaking)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per phase (default 10)")
    p.add_argument("--ca-file", help="trust this CA bundle for TLS (e.g. an internal CA)")
    p.set_defaults(func=cmd_probe)

    sub.add_parser("assets", help="import FILE... | export FILE: the registry of monitored assets")
    sub.add_parser(
        "monitor", help="run the scheduler and a worker (continuous monitoring); --once, --workers N"
    )

    p = sub.add_parser("rules", help="list the review rules")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("import", help="store forms in the database (atomic, idempotent)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--user", help="username recorded as the actor")
    p.add_argument("--reason", help="why, for the audit log")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PASS_THROUGH:
        return PASS_THROUGH[argv[0]](argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
