"""The load test's data: the demo (``load_demo`` on the seed forms) cloned into ``--projects`` projects under a
generated unit tree, with their indicators, results, spending and lights, and the people who sign in.

    DATABASE_URL=... python bench/load_data.py --projects 10000 [--seeds ../shared/seeds]

Run by ``bench/load.py`` in a child process per database (Django is set up here, not there). The clones are
written with one prepared INSERT per table and batch of 500 projects (each template row converted to database
values once), so 10,000 projects ≈ 257,000 indicators take a minute or two of inserts; the stored summaries are
then computed with the production code (``performance.summary.refresh_summaries``, in ``--processes``
processes) and timed. Prints one JSON line with the counts and timings.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "jixiao-bench"
REVIEWER = "bench_reviewer"  # a reviewer at the root: sees every project
OFFICER = "bench_officer"  # a project officer of one county office: sees its projects only
CITIES = 10
COUNTIES_PER_CITY = 10
YEARS = (2026, 2025, 2024)
_BATCH = 500


def _names(model: Any) -> list[str]:
    """The attnames a row of ``model`` is inserted with (every concrete field but the primary key)."""
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


@functools.cache
def _field(model: Any, name: str) -> Any:
    return next(f for f in model._meta.concrete_fields if f.attname == name)


def _prepare(model: Any, name: str, value: Any) -> Any:
    from django.db import connections

    if value is None or type(value) in (int, str):
        return value
    return _field(model, name).get_db_prep_save(value, connections["default"])


_PREPARED: dict[tuple[type, int], list[Any]] = {}


def _values(obj: Any, names: list[str], **changes: Any) -> list[Any]:
    """The row of ``obj`` as database values (prepared once per template row), with ``changes`` (prepared)."""
    model = type(obj)
    key = (model, obj.pk)
    if key not in _PREPARED:
        _PREPARED[key] = [_prepare(model, n, getattr(obj, n)) for n in names]
    row = list(_PREPARED[key])
    for name, value in changes.items():
        row[names.index(name)] = _prepare(model, name, value)
    return row


def _insert(model: Any, names: list[str], rows: Any) -> int:
    """One prepared INSERT run with ``executemany`` over rows already in database values."""
    from django.db import connection

    params = list(rows)
    if not params:
        return 0
    quote = connection.ops.quote_name
    columns = [next(f for f in model._meta.concrete_fields if f.attname == n).column for n in names]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(names))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def _scaled(value: Decimal | None, factor: Decimal, places: str = "0.01") -> Decimal | None:
    return None if value is None else (value * factor).quantize(Decimal(places))


def build_units() -> tuple[Any, list[Any]]:
    """A root finance bureau, ``CITIES`` city bureaus each with its office and ``COUNTIES_PER_CITY`` county
    offices. Returns the root and the offices (city and county) that hold projects."""
    from jixiao.orgs.actions import do_create_unit
    from jixiao.orgs.actors import SYSTEM
    from jixiao.orgs.choices import UnitKindChoices
    from jixiao.orgs.models import Unit

    root = Unit.objects.roots().unrestricted().get(name="财政局")
    offices = []
    for c in range(CITIES):
        city = do_create_unit(
            f"压测{c:02d}市财政局",
            parent=root,
            kind=UnitKindChoices.FINANCE_BUREAU,
            acting_user=SYSTEM,
            reason="压测数据",
        )
        offices.append(
            do_create_unit(f"压测{c:02d}市委网信办", parent=city, acting_user=SYSTEM, reason="压测数据")
        )
        for k in range(COUNTIES_PER_CITY):
            offices.append(
                do_create_unit(
                    f"压测{c:02d}市{k:02d}县委网信办", parent=city, acting_user=SYSTEM, reason="压测数据"
                )
            )
    return root, offices


def build_people(root: Any, officer_unit: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from jixiao.orgs.actions import do_grant_membership
    from jixiao.orgs.actors import SYSTEM
    from jixiao.orgs.choices import RoleChoices

    user_model = get_user_model()
    hashed = make_password(PASSWORD)
    for username, unit, role in (
        (REVIEWER, root, RoleChoices.REVIEWER),
        (OFFICER, officer_unit, RoleChoices.EDITOR),
    ):
        user = user_model.objects.create(username=username, password=hashed, first_name=username)
        do_grant_membership(user, unit, role, acting_user=SYSTEM, reason="压测数据")


def clone_projects(count: int, offices: list[Any], seed: int = 0) -> dict[str, int]:
    """``count`` projects cloned from the demo's target projects, spread over ``offices`` and ``YEARS``, with
    their results and spending scaled by a random factor each (so that their lights differ).

    Rows go in with one prepared INSERT per table and batch (template rows converted once); the new
    primary keys are read back in insertion order."""
    from django.db import transaction

    from jixiao.performance.choices import FormKindChoices
    from jixiao.performance.models import (
        BudgetAdjustment,
        BudgetExecution,
        Expenditure,
        FundUse,
        Indicator,
        PeriodResult,
        Project,
        ProjectFunds,
        SpendingStep,
    )

    rng = random.Random(seed)
    templates = list(Project.objects.unrestricted().filter(kind=FormKindChoices.TARGET).order_by("pk"))
    if not templates:
        raise SystemExit("load_demo made no target project to clone")
    simple = (ProjectFunds, FundUse, SpendingStep, BudgetExecution, BudgetAdjustment)
    names = {model: _names(model) for model in (*simple, Project, Expenditure, Indicator, PeriodResult)}
    children: dict[int, dict[Any, list[Any]]] = {}
    for t in templates:
        indicators = list(Indicator.objects.unrestricted().filter(project=t).order_by("pk"))
        results = list(PeriodResult.objects.unrestricted().filter(indicator__in=indicators).order_by("pk"))
        children[t.pk] = {model: list(model.objects.unrestricted().filter(project=t)) for model in simple}
        children[t.pk][Expenditure] = list(Expenditure.objects.unrestricted().filter(project=t))
        children[t.pk][Indicator] = [(i, [r for r in results if r.indicator_id == i.pk]) for i in indicators]
    counts = dict.fromkeys(("projects", "indicators", "results", "expenditures"), 0)
    for start in range(0, count, _BATCH):
        with transaction.atomic():
            plan = [
                (i, templates[i % len(templates)], offices[i % len(offices)])
                for i in range(start, min(count, start + _BATCH))
            ]
            codes = [f"YC{i:06d}" for i, _t, _o in plan]
            _insert(
                Project,
                names[Project],
                (
                    _values(
                        t,
                        names[Project],
                        unit_id=office.pk,
                        name=f"{t.name}（压测{i:05d}）",
                        code=f"YC{i:06d}",
                        year=YEARS[(i // len(offices)) % len(YEARS)],
                        last_import_id=None,
                    )
                    for i, t, office in plan
                ),
            )
            ids = dict(Project.objects.unrestricted().filter(code__in=codes).values_list("code", "pk"))
            pairs = [(t, ids[code]) for (_i, t, _o), code in zip(plan, codes, strict=True)]
            factors = [Decimal(rng.randint(30, 140)) / 100 for _ in pairs]
            for model in simple:
                _insert(
                    model,
                    names[model],
                    (
                        _values(row, names[model], project_id=pk)
                        for t, pk in pairs
                        for row in children[t.pk][model]
                    ),
                )
            counts["expenditures"] += _insert(
                Expenditure,
                names[Expenditure],
                (
                    _values(row, names[Expenditure], project_id=pk, amount=_scaled(row.amount, factor))
                    for (t, pk), factor in zip(pairs, factors, strict=True)
                    for row in children[t.pk][Expenditure]
                ),
            )
            counts["indicators"] += _insert(
                Indicator,
                names[Indicator],
                (
                    _values(indicator, names[Indicator], project_id=pk)
                    for t, pk in pairs
                    for indicator, _results in children[t.pk][Indicator]
                ),
            )
            new_ids = iter(
                Indicator.objects.unrestricted()
                .filter(project_id__in=[pk for _t, pk in pairs])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            results = []
            for (t, _pk), factor in zip(pairs, factors, strict=True):
                for _indicator, old_results in children[t.pk][Indicator]:
                    new_id = next(new_ids)
                    results += [
                        _values(
                            r,
                            names[PeriodResult],
                            indicator_id=new_id,
                            value=_scaled(r.value, factor, "0.000001"),
                        )
                        for r in old_results
                    ]
            counts["results"] += _insert(PeriodResult, names[PeriodResult], results)
            counts["projects"] += len(pairs)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="summaries computed by")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    os.environ.setdefault("JIXIAO_DEBUG", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connections

    from jixiao.performance.models import Project
    from jixiao.performance.selectors import default_cutoff_month
    from jixiao.performance.summary import refresh_summaries

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", str(args.seeds), stdout=StringIO())
    timings["migrate_and_demo_s"] = time.perf_counter() - started

    started = time.perf_counter()
    root, offices = build_units()
    build_people(root, offices[1])
    counts = clone_projects(args.projects, offices)
    timings["inserts_s"] = time.perf_counter() - started

    started = time.perf_counter()
    ids = list(Project.objects.unrestricted().order_by().values_list("pk", flat=True))
    parts = [ids[k :: args.processes] for k in range(args.processes)]
    connections.close_all()  # each process opens its own
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        pool.starmap(refresh_summaries, [(part, default_cutoff_month()) for part in parts])
    timings["summaries_s"] = time.perf_counter() - started
    officer_projects = Project.objects.unrestricted().filter(unit=offices[1])
    sample = {
        "any_project": ids[len(ids) // 2],
        "officer_unit": offices[1].pk,
        "officer_projects": list(officer_projects.order_by("pk").values_list("pk", flat=True)[:50]),
        "all_projects": ids[:: max(1, len(ids) // 200)],
        "units": [o.pk for o in offices],
    }
    print(json.dumps({"counts": counts, "timings": timings, "sample": sample}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
