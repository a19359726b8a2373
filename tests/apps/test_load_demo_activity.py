"""``load_demo`` with the real seed forms: spending, results, a monitoring round and a finalised
self-evaluation for each project; a second run changes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from jixiao.performance.models import (
    BudgetAdjustment,
    Evaluation,
    EvaluationLine,
    Expenditure,
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
    call_command("load_demo", str(seeds), stdout=out)
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
