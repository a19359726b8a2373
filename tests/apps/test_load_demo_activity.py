"""``load_demo`` with the real seed forms: spending, results, a monitoring round and a finalised
self-evaluation for each project; a second run changes nothing."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from jixiao.domain.forms import read_forms
from jixiao.orgs.actors import SYSTEM
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.models import (
    BudgetAdjustment,
    Evaluation,
    EvaluationLine,
    Expenditure,
    Indicator,
    MonitoringEntry,
    MonitoringRound,
    PeriodLock,
    PeriodResult,
    Project,
)
from jixiao.performance.selectors import build_monitoring_snapshot

MODELS = (
    Expenditure,
    BudgetAdjustment,
    PeriodResult,
    PeriodLock,
    MonitoringRound,
    MonitoringEntry,
    Evaluation,
    EvaluationLine,
)


def state() -> dict[str, list[tuple[object, ...]]]:
    return {
        model.__name__: sorted(
            model._default_manager.unrestricted().values_list(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
        for model in MODELS
    }


def run(seeds: Path) -> str:
    out = StringIO()
    call_command("load_demo", str(seeds), "--no-current-year", stdout=out)
    return out.getvalue()


def test_the_demo_has_monitoring_figures_and_finalised_evaluations(db: None, seeds_dir: Path) -> None:
    output = run(seeds_dir)

    assert "demo activity added to 4 project(s)" in output
    projects = Project.objects.unrestricted().filter(kind="target")
    assert projects.count() == 4
    for project in projects:
        months = set(project.expenditures.values_list("month", flat=True))
        assert months == set(range(1, 13))
        assert project.evaluation.status == "finalised"
        assert project.evaluation.grade in {"优", "良", "中", "差"}
        snapshot = build_monitoring_snapshot(project)
        assert snapshot.cutoff_month == 7
        assert snapshot.rate is not None
        assert snapshot.light.colour is not None
        assert sum(1 for r in snapshot.rows if r.actual is not None) >= 3
    impossible = MonitoringEntry.objects.unrestricted().get(likelihood="impossible")
    assert impossible.corrective_measures
    assert impossible.deviation_category == "staff"
    assert MonitoringEntry.objects.unrestricted().exclude(deviation_reason="").count() >= 4
    assert EvaluationLine.objects.unrestricted().exclude(adjusted_score=None).count() == 1


def test_loading_the_demo_twice_changes_nothing(db: None, seeds_dir: Path) -> None:
    run(seeds_dir)
    before = state()

    output = run(seeds_dir)

    assert state() == before
    assert "本次不再导入" in output


def test_a_changed_seed_form_over_the_demo_leaves_the_approved_targets_and_proposes_an_adjustment(
    db: None, seeds_dir: Path
) -> None:
    run(seeds_dir)
    path = next(seeds_dir.glob("004_*"))
    form = next(f for f in read_forms(path) if f.kind == "target" and f.project.code)
    project = Project.objects.unrestricted().get(code=form.project.code, kind="target")
    assert project.target_status == "approved"
    stored = {
        i.pk: (i.target_raw, i.target_value) for i in Indicator.objects.unrestricted().filter(project=project)
    }
    first = next(i for i, row in enumerate(form.indicators) if row.target.value is not None)
    target = form.indicators[first].target
    bigger = target.value + 1  # type: ignore[operator]
    form.indicators[first] = replace(
        form.indicators[first], target=replace(target, raw=f"{target.raw}（调增）", value=bigger)
    )

    result = do_import_forms([form], acting_user=SYSTEM, reason="修改后的目标表")

    assert result.held == [project]
    [adjustment] = result.proposed
    assert adjustment.protection == "绩效自评已定稿"
    assert {
        i.pk: (i.target_raw, i.target_value) for i in Indicator.objects.unrestricted().filter(project=project)
    } == stored
    line = adjustment.lines.get(change="changed")
    assert (line.old_raw, line.new_raw) == (target.raw, f"{target.raw}（调增）")
