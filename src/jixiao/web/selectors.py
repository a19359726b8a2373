"""What the pages show about projects, read through the user's scoped querysets: lights, budget execution
and key indicators come from each project's stored summary (``performance.summary``, computed from the
monitoring snapshot), so the home page and the list aggregate, sort and page in the database whatever the
number of projects."""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast, overload

from django.db import connection
from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.domain.scoring.lights import Colour, Light
from jixiao.orgs.models import Unit
from jixiao.performance.choices import EvaluationStatusChoices, GradeChoices
from jixiao.performance.models import Project, ProjectSummary
from jixiao.performance.summary import LIGHT_RANK as LIGHT_RANK
from jixiao.performance.summary import NO_LIGHT, data_state, ensure_summaries, light_of

NO_EVALUATION = "none"
STATUS_CHOICES = [
    (NO_EVALUATION, _("未开始")),
    (EvaluationStatusChoices.DRAFT.value, _("填写中")),
    (EvaluationStatusChoices.FINALISED.value, _("已定稿")),
]
LIGHT_CHOICES = [
    (Colour.RED.value, _("红灯")),
    (Colour.YELLOW.value, _("黄灯")),
    (Colour.GREEN.value, _("绿灯")),
    (Colour.BLUE.value, _("蓝灯")),
    (NO_LIGHT, _("无灯（无法判断）")),
]
_STATUS_LABELS = dict(STATUS_CHOICES)
_GRADE_LABELS = {g.value: str(g.label) for g in GradeChoices}


def visible_projects(user: Any) -> QuerySet[Project]:
    return Project.objects.restrict(user, "view").select_related("unit")


def evaluation_label(status: str | None) -> str:
    """The self-evaluation's state as the list shows it (``未开始`` when there is none)."""
    return str(_STATUS_LABELS.get(status or NO_EVALUATION, _STATUS_LABELS[NO_EVALUATION]))


def summarised_projects(user: Any, cutoff_month: int) -> QuerySet[Project]:
    """The projects ``user`` may see, each with its stored summary (``performance.summary``) made fresh first.

    One query when every summary is fresh; a summary that a change made stale is computed here, before it is
    read (a handful after a day's work, all of them only after the cut-off month or the summary's version
    changed, which ``refresh_project_summaries`` does ahead of time).
    """
    visible = Project.objects.restrict(user, "view")
    ensure_summaries(visible, cutoff_month)
    return visible.select_related("unit", "summary")


_T = TypeVar("_T")
_TWELVE = Decimal(12)
_HUNDRED = Decimal(100)


@dataclass
class ProjectRow:
    """One project as the home page shows it: money in 元 (shown in 万元), the light at the cut-off month."""

    project: Project
    summary: ProjectSummary

    @property
    def light(self) -> Light:
        s = self.summary
        return light_of(s.colour, s.light_method, s.light_explanation)

    @property
    def colour(self) -> str:
        return self.summary.colour

    @property
    def budget(self) -> Decimal | None:
        return self.summary.budget

    @property
    def executed(self) -> Decimal:
        return self.summary.executed

    @property
    def rate(self) -> Decimal | None:
        return self.summary.rate

    @property
    def plan_percent(self) -> Decimal | None:
        return self.summary.plan_percent

    @property
    def time_percent(self) -> Decimal:
        return Decimal(self.summary.cutoff_month) / _TWELVE * _HUNDRED


def _row(project: Project) -> ProjectRow:
    return ProjectRow(project, project.summary)


class TopRows(Sequence[ProjectRow]):
    """The first rows of a longer list: indexing and slicing read the rows fetched, ``len`` is the whole
    list's length (``查看全部 n 个项目``)."""

    def __init__(self, rows: list[ProjectRow], total: int) -> None:
        self.rows = rows
        self.total = total

    @overload
    def __getitem__(self, index: int) -> ProjectRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ProjectRow]: ...
    def __getitem__(self, index: int | slice) -> ProjectRow | list[ProjectRow]:
        return self.rows[index]

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[ProjectRow]:
        return iter(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


def first(projects: QuerySet[Project], order: tuple[str, ...], limit: int) -> list[Project]:
    """The first ``limit`` projects in ``order``: the database sorts the keys alone (narrow rows), then the
    chosen rows are read whole by primary key."""
    keys = list(projects.order_by(*order, "pk").values_list("pk", flat=True)[:limit])
    found = {p.pk: p for p in projects.order_by().filter(pk__in=keys)}
    return [found[pk] for pk in keys]


def worst_first(projects: QuerySet[Project], total: int, limit: int = 8) -> TopRows:
    """The ``limit`` projects with the worst light (red first), then by unit and name."""
    chosen = first(projects, ("summary__light_rank", "unit__path", "name"), limit + 1)
    return TopRows([_row(p) for p in chosen], total)


@dataclass
class UnitLights:
    unit: Unit
    counts: Counter[str] = field(default_factory=Counter)
    with_rate: int = 0

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


def lights_by_unit(user: Any, projects: QuerySet[Project]) -> list[UnitLights]:
    """How many projects of each light each unit has: counted by the database, one row per unit and light."""
    counts = (
        projects.order_by()
        .values("unit_id", "summary__colour")
        .annotate(n=Count("pk"), with_rate=Count("summary__rate"))
    )
    by_unit: dict[int, tuple[Counter[str], list[int]]] = {}
    for entry in counts:
        colours, rated = by_unit.setdefault(entry["unit_id"], (Counter(), [0]))
        colours[entry["summary__colour"] or NO_LIGHT] += entry["n"]
        rated[0] += entry["with_rate"]
    units = Unit.objects.restrict(user, "view").filter(pk__in=list(by_unit)).order_by("path")
    return [UnitLights(unit, by_unit[unit.pk][0], by_unit[unit.pk][1][0]) for unit in units]


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
    return f"{grouped_figure(figure)} {unit}".rstrip()


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


def key_indicator_tiles(projects: QuerySet[Project], limit: int = 8) -> list[Tile]:
    """Quantitative annual indicators with an approved value so far, worst light first.

    Each summary holds its project's tiles and their best rank: the ``limit`` best tiles (by rank, then by
    the projects' order) are all among the first ``limit`` projects ordered by that best rank, so only those
    are read.
    """
    chosen = first(
        projects.filter(summary__tile_rank__isnull=False),
        ("summary__tile_rank", "unit__path", "-year", "name"),
        limit,
    )
    ordered = sorted(chosen, key=lambda p: (p.unit.path, -(p.year or 0), p.name, p.pk))
    found: list[tuple[int, int, Tile]] = []
    for order, project in enumerate(ordered):
        for tile in project.summary.tiles:
            found.append((tile["rank"], order, _tile(project, tile)))
    found.sort(key=lambda item: item[:2])
    return [tile for _, _, tile in found[:limit]]


def _tile(project: Project, stored: dict[str, Any]) -> Tile:
    return Tile(
        project=project,
        name=stored["name"],
        actual=figure_text(Decimal(stored["actual"])),
        target=figure_text(Decimal(stored["target"])),
        unit=stored["unit"],
        operator=stored["operator"],
        light=light_of(stored["colour"], stored["method"], stored["explanation"]),
        through_month=stored["through_month"],
    )


CHART_LIMIT = 30


def execution_rows(projects: QuerySet[Project], with_rate: int, limit: int = CHART_LIMIT) -> TopRows:
    """The ``with_rate`` projects that have an execution rate: all of them up to ``limit`` (in the list's
    order), else the ``limit`` with the lowest rate (lowest first)."""
    lowest = first(
        projects.filter(summary__rate__isnull=False), ("summary__rate", "unit__path", "name"), limit
    )
    if with_rate <= limit:
        lowest.sort(key=lambda p: (p.unit.path, -(p.year or 0), p.name, p.pk))
    return TopRows([_row(p) for p in lowest], with_rate)


def execution_chart(rows: TopRows, cutoff_month: int) -> dict[str, Any]:
    """Budget execution against the spending plan, per project: the rate as bars, the plan as a line."""
    shown = list(rows)
    title = gettext("预算执行率与支出计划（截至%(month)d月）") % {"month": cutoff_month}
    if len(rows) > len(shown):
        title += gettext("：%(total)d个项目中执行率最低的%(shown)d个") % {
            "total": len(rows),
            "shown": len(shown),
        }
    return {
        "title": title,
        "names": [r.project.name for r in shown],
        "actual": [float(round(r.rate, 1)) if r.rate is not None else None for r in shown],
        "plan": [float(round(r.plan_percent, 1)) if r.plan_percent is not None else None for r in shown],
        "time": [float(round(r.time_percent, 1)) for r in shown],
        "actual_label": gettext("执行率（%）"),
        "plan_label": gettext("计划支出进度（%）"),
        "time_label": gettext("序时进度（%）"),
    }


# --- the project list: one page of rows read as values, sorted and counted by the database -------------

LIST_FIELDS = {
    "unit_name": F("unit__name"),
    "unit_path": F("unit__path"),
    "budget": F("summary__budget"),
    "executed": F("summary__executed"),
    "rate": F("summary__rate"),
    "colour": F("summary__colour"),
    "light_rank": F("summary__light_rank"),
    "light_method": F("summary__light_method"),
    "light_explanation": F("summary__light_explanation"),
    "evaluation_status": F("evaluation__status"),
}


def list_rows(projects: QuerySet[Project]) -> QuerySet[Any]:
    """The list's rows as dicts (``web.tables.ProjectTable``), in the list's default order."""
    return projects.order_by("unit__path", "-year", "name", "pk").values(
        "pk", "name", "year", "kind", "target_status", **LIST_FIELDS
    )


# --- what the home page and the list compute from every visible project, kept per process -------------

KEEP_SECONDS = 60.0  # at most this old, whatever happens (a unit renamed sends no signal)
_KEPT = 512
_kept: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()


@dataclass(frozen=True)
class Scope:
    """The units a person sees and the state of the data (``performance.summary.data_state``): what is
    computed from the visible projects' summaries stays true for as long as both stay the same."""

    units: tuple[int, ...]
    state: tuple[Any, ...]
    cutoff_month: int

    def key(self, name: str) -> tuple[Any, ...]:
        database = (connection.alias, connection.settings_dict["NAME"])
        return (*database, name, self.units, self.state, self.cutoff_month)


def scope_of(user: Any, cutoff_month: int) -> Scope:
    """Three small queries: the person's units (through ``restrict``, as every page) and the data state."""
    units = tuple(Unit.objects.restrict(user, "view").order_by("pk").values_list("pk", flat=True))
    return Scope(units, data_state(), cutoff_month)


def kept(key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, or what it gave in this process under the same key less than ``KEEP_SECONDS`` ago."""
    now = time.monotonic()
    found = _kept.get(key)
    if found is not None and now - found[0] < KEEP_SECONDS:
        _kept.move_to_end(key)
        return cast(_T, found[1])
    value = compute()
    _kept[key] = (now, value)
    while len(_kept) > _KEPT:
        _kept.popitem(last=False)
    return value


def fresh_projects(user: Any, scope: Scope) -> QuerySet[Project]:
    """``summarised_projects``, without looking for stale summaries again while the scope's state holds."""
    visible = Project.objects.restrict(user, "view")
    kept(scope.key("fresh"), lambda: ensure_summaries(visible, scope.cutoff_month))
    return visible.select_related("unit", "summary")


def home_data(user: Any, cutoff_month: int) -> dict[str, Any]:
    """The home page's lights by unit, worst projects, key indicators and execution chart.

    Computed from the summaries of the projects ``user`` may see, and kept in this process for the next person
    who sees the same units while the data stays the same (``Scope``): a page then costs three small queries
    instead of five over every visible project.
    """
    scope = scope_of(user, cutoff_month)

    def compute() -> dict[str, Any]:
        projects = fresh_projects(user, scope)
        units = lights_by_unit(user, projects)
        chart_rows = execution_rows(projects, with_rate=sum(u.with_rate for u in units))
        return {
            "rows": worst_first(projects, total=sum(u.total for u in units)),
            "units": units,
            "tiles": key_indicator_tiles(projects),
            "chart": execution_chart(chart_rows, cutoff_month),
            "chart_rows": chart_rows,
        }

    return kept(scope.key("home"), compute)


def list_choices(user: Any, projects: QuerySet[Project], scope: Scope) -> dict[str, list[tuple[str, str]]]:
    """The list's unit and year choices: the units and years that have a visible project."""

    def compute() -> dict[str, list[tuple[str, str]]]:
        with_projects = projects.order_by().values("unit_id")
        units = Unit.objects.restrict(user, "view").filter(pk__in=with_projects).order_by("path")
        years = projects.order_by("-year").values_list("year", flat=True).distinct()
        return {
            "unit": [(str(pk), name) for pk, name in units.values_list("pk", "name")],
            "year": [(str(y), f"{y}年") for y in years if y is not None],
        }

    return kept(scope.key("choices"), compute)
