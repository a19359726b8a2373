"""What the pages show about projects, read through the user's scoped querysets and the existing read
functions (the monitoring snapshot for lights and budget execution, the review for findings)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.domain.scoring.lights import Colour, Light
from jixiao.orgs.models import Unit
from jixiao.performance.actions.monitoring import MonitoringRow, MonitoringSnapshot, build_monitoring_snapshot
from jixiao.performance.choices import EvaluationStatusChoices, GradeChoices, TargetKindChoices
from jixiao.performance.models import Evaluation, Project

NO_EVALUATION = "none"
STATUS_CHOICES = [
    (NO_EVALUATION, _("未开始自评")),
    (EvaluationStatusChoices.DRAFT.value, _("自评填写中")),
    (EvaluationStatusChoices.FINALISED.value, _("自评已定稿")),
]
NO_LIGHT = "none"
LIGHT_CHOICES = [
    (Colour.RED.value, _("红灯")),
    (Colour.YELLOW.value, _("黄灯")),
    (Colour.GREEN.value, _("绿灯")),
    (Colour.BLUE.value, _("蓝灯")),
    (NO_LIGHT, _("无灯（无法判断）")),
]
_STATUS_LABELS = dict(STATUS_CHOICES)
_GRADE_LABELS = {g.value: str(g.label) for g in GradeChoices}
# Worst first: a list sorted by light shows red at the top.
LIGHT_RANK = {
    Colour.RED.value: 0,
    Colour.YELLOW.value: 1,
    Colour.BLUE.value: 2,
    Colour.GREEN.value: 3,
    NO_LIGHT: 4,
}


def visible_projects(user: Any) -> QuerySet[Project]:
    return Project.objects.restrict(user, "view").select_related("unit")


@dataclass
class ProjectRow:
    """One project as the lists show it: money in 元 (shown in 万元), the light at the cut-off month."""

    project: Project
    snapshot: MonitoringSnapshot
    status: str

    @property
    def light(self) -> Light:
        return self.snapshot.light

    @property
    def colour(self) -> str:
        return self.snapshot.light.colour.value if self.snapshot.light.colour else NO_LIGHT

    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS[self.status])

    @property
    def budget(self) -> Decimal | None:
        return self.snapshot.annual_budget

    @property
    def executed(self) -> Decimal:
        return self.snapshot.executed

    @property
    def rate(self) -> Decimal | None:
        return self.snapshot.rate

    @property
    def plan_percent(self) -> Decimal | None:
        return self.snapshot.spending.plan_percent


def project_rows(user: Any, projects: QuerySet[Project], cutoff_month: int) -> list[ProjectRow]:
    chosen = list(projects)
    statuses = dict(
        Evaluation.objects.restrict(user, "view")
        .filter(project__in=[p.pk for p in chosen])
        .values_list("project_id", "status")
    )
    return [
        ProjectRow(p, build_monitoring_snapshot(p, cutoff_month), statuses.get(p.pk, NO_EVALUATION))
        for p in chosen
    ]


@dataclass
class UnitLights:
    unit: Unit
    counts: Counter[str] = field(default_factory=Counter)

    def count(self, colour: str) -> int:
        return self.counts[colour]

    @property
    def red(self) -> int:
        return self.counts[Colour.RED.value]

    @property
    def yellow(self) -> int:
        return self.counts[Colour.YELLOW.value]

    @property
    def green(self) -> int:
        return self.counts[Colour.GREEN.value]

    @property
    def blue(self) -> int:
        return self.counts[Colour.BLUE.value]

    @property
    def none(self) -> int:
        return self.counts[NO_LIGHT]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def lights_by_unit(rows: list[ProjectRow]) -> list[UnitLights]:
    by_unit: dict[int, UnitLights] = {}
    for row in rows:
        entry = by_unit.setdefault(row.project.unit_id, UnitLights(row.project.unit))
        entry.counts[row.colour] += 1
    return sorted(by_unit.values(), key=lambda u: u.unit.path)


def grouped_figure(figure: Decimal) -> str:
    """``40000`` → ``40,000``; ``99.50`` → ``99.5``: 千分位, no trailing zeros."""
    text = f"{figure.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def figure_text(figure: Decimal | QualitativeGrade | None, unit: str = "") -> str:
    """A target or actual as text: ``52``, ``99.5%``, a grade's label; ``—`` when there is none."""
    if figure is None:
        return "—"
    if isinstance(figure, QualitativeGrade):
        return _GRADE_LABELS.get(figure.value, "—")
    return f"{grouped_figure(figure)}{unit}"


@dataclass(frozen=True)
class Tile:
    """A key indicator as a tile: ``通报网络安全风险和事件 52/70 起``."""

    project: Project
    name: str
    actual: str
    target: str
    unit: str
    operator: str
    light: Light
    through_month: int | None


def key_indicator_tiles(rows: list[ProjectRow], limit: int = 8) -> list[Tile]:
    """Quantitative annual indicators with an approved value so far, worst light first."""
    found: list[tuple[int, int, Tile]] = []
    for order, row in enumerate(rows):
        for line in row.snapshot.rows:
            tile = _tile(row.project, line)
            if tile is not None:
                found.append(
                    (
                        LIGHT_RANK.get(tile.light.colour.value if tile.light.colour else NO_LIGHT, 4),
                        order,
                        tile,
                    )
                )
    found.sort(key=lambda item: item[:2])
    return [tile for _, _, tile in found[:limit]]


def _tile(project: Project, line: MonitoringRow) -> Tile | None:
    indicator = line.indicator
    if indicator.target_kind != TargetKindChoices.QUANTITATIVE or indicator.target_value is None:
        return None
    if not isinstance(line.actual, Decimal):
        return None
    return Tile(
        project=project,
        name=indicator.label,
        actual=figure_text(line.actual),
        target=figure_text(indicator.target_value),
        unit=indicator.target_unit,
        operator=indicator.get_target_operator_display() if indicator.target_operator else "",
        light=line.light,
        through_month=line.actual_through_month,
    )


def execution_chart(rows: list[ProjectRow], cutoff_month: int) -> dict[str, Any]:
    """Budget execution against the spending plan, per project: the rate as bars, the plan as a line."""
    shown = [r for r in rows if r.rate is not None]
    return {
        "title": f"预算执行率与支出计划（截至{cutoff_month}月）",
        "names": [r.project.name for r in shown],
        "actual": [float(round(r.rate, 1)) if r.rate is not None else None for r in shown],
        "plan": [float(round(r.plan_percent, 1)) if r.plan_percent is not None else None for r in shown],
        "time": [float(round(r.snapshot.spending.time_percent, 1)) for r in shown],
        "actual_label": "执行率（%）",
        "plan_label": "计划支出进度（%）",
        "time_label": "序时进度（%）",
    }
