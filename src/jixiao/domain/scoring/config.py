"""The settings of self-evaluation scoring (财预〔2020〕10号 and local practice) and of the monitoring lights.

Every default here is written down in ``README.md`` beside this module, with where it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from jixiao.domain.forms.model import Taxonomy

__all__ = [
    "BUDGET",
    "DEFAULT_WEIGHTS",
    "Band",
    "LightConfig",
    "QualitativeGrade",
    "ScoringConfig",
    "ScoringConfigError",
    "grade_for",
]

BUDGET = "预算执行率"
OUTPUT = "产出指标"
BENEFIT = "效益指标"
SATISFACTION = "满意度指标"
COST = "成本指标"

ReverseMethod = Literal["linear", "ratio"]

DEFAULT_WEIGHTS: Mapping[str, Decimal] = {
    BUDGET: Decimal(10),
    OUTPUT: Decimal(50),
    BENEFIT: Decimal(30),
    SATISFACTION: Decimal(10),
}
_HUNDRED = Decimal(100)


class ScoringConfigError(ValueError):
    """Weights or settings that cannot be used: the message says what to pass instead."""


class QualitativeGrade(StrEnum):
    """The three grades of a qualitative (定性) indicator on a self-evaluation table."""

    ACHIEVED = "达成"
    PARTLY = "部分达成并具有一定效果"
    NOT_ACHIEVED = "未达成且效果较差"

    @classmethod
    def read(cls, text: str | None) -> QualitativeGrade | None:
        """The grade a cell names, full or short (``部分达成``, ``未达成``); ``None`` for anything else."""
        if not text:
            return None
        cleaned = "".join(text.split()).rstrip("。.;；")
        return _GRADE_WORDS.get(cleaned)


_GRADE_WORDS = {
    "达成": QualitativeGrade.ACHIEVED,
    "部分达成并具有一定效果": QualitativeGrade.PARTLY,
    "部分达成": QualitativeGrade.PARTLY,
    "未达成且效果较差": QualitativeGrade.NOT_ACHIEVED,
    "未达成": QualitativeGrade.NOT_ACHIEVED,
}


@dataclass(frozen=True, slots=True)
class Band:
    """A grade's share of the weight, in %: ``low ≤ share < high`` (``≤ high`` when ``high_inclusive``)."""

    grade: QualitativeGrade
    low: Decimal
    high: Decimal
    high_inclusive: bool = False

    def contains(self, percent: Decimal) -> bool:
        if percent < self.low:
            return False
        return percent <= self.high if self.high_inclusive else percent < self.high

    def describe(self) -> str:
        return f"[{self.low}%, {self.high}%{']' if self.high_inclusive else ')'}"


DEFAULT_BANDS = (
    Band(QualitativeGrade.ACHIEVED, Decimal(80), Decimal(100), high_inclusive=True),
    Band(QualitativeGrade.PARTLY, Decimal(60), Decimal(80)),
    Band(QualitativeGrade.NOT_ACHIEVED, Decimal(0), Decimal(60)),
)
# Lowest total of each grade; anything below the last is 差. Half-open: 89.99 is 良, 90 is 优.
DEFAULT_GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))
LOWEST_GRADE = "差"


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """How a self-evaluation table is scored.

    ``weights`` maps each 一级 (and ``预算执行率``) to its weight; they must add up to 100. Build one for a form
    with ``ScoringConfig.for_taxonomy``: the 2021 taxonomy (成本 as an 一级) has no default weights.
    """

    weights: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reverse_method: ReverseMethod = "linear"
    over_achievement_ratio: Decimal = Decimal("1.3")
    bands: tuple[Band, ...] = DEFAULT_BANDS
    grades: tuple[tuple[Decimal, str], ...] = DEFAULT_GRADES
    budget_explanation_below: Decimal = Decimal(90)
    _band_of: dict[QualitativeGrade, Band] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        weights = {name: _decimal(name, value) for name, value in self.weights.items()}
        if any(value < 0 for value in weights.values()):
            raise ScoringConfigError(f"weights cannot be negative: {_show(weights)}")
        total = sum(weights.values(), Decimal(0))
        if total != _HUNDRED:
            raise ScoringConfigError(f"weights must add up to 100, these add up to {total}: {_show(weights)}")
        if self.reverse_method not in ("linear", "ratio"):
            raise ScoringConfigError(
                f"reverse_method must be 'linear' or 'ratio', not {self.reverse_method!r}"
            )
        if self.over_achievement_ratio <= 1:
            raise ScoringConfigError("over_achievement_ratio must be above 1 (1.3 means 130% of the target)")
        if {band.grade for band in self.bands} != set(QualitativeGrade):
            raise ScoringConfigError("bands must give exactly one band to each qualitative grade")
        # A read-only copy of plain Decimals: the caller's dict may hold ints and may change later.
        object.__setattr__(self, "weights", _FrozenWeights(weights))
        object.__setattr__(self, "_band_of", {band.grade: band for band in self.bands})

    @classmethod
    def for_taxonomy(
        cls,
        taxonomy: Taxonomy,
        weights: Mapping[str, Decimal | int | str] | None = None,
        **settings: object,
    ) -> ScoringConfig:
        """The config for a form's indicator tree. The classic tree has default weights; 2021 needs them given.

        ``settings`` are the other fields (``reverse_method="ratio"`` …).
        """
        if weights is None:
            if taxonomy is Taxonomy.T2021:
                raise ScoringConfigError(
                    "the 2021 indicator tree (财预〔2021〕101号) has 成本指标 as its own 一级 and no default "
                    "weights: pass weights for 预算执行率, 成本指标, 产出指标, 效益指标 and 满意度指标 "
                    "adding up to 100"
                )
            weights = DEFAULT_WEIGHTS
        elif taxonomy is Taxonomy.T2021 and COST not in weights:
            raise ScoringConfigError(
                f"the 2021 indicator tree needs a weight for {COST}; got {_show(weights)}"
            )
        converted = {name: _decimal(name, value) for name, value in weights.items()}
        return cls(weights=converted, **settings)  # type: ignore[arg-type]

    @property
    def budget_weight(self) -> Decimal:
        return self.weights.get(BUDGET, Decimal(0))

    @property
    def level1_weights(self) -> dict[str, Decimal]:
        """Every weight but the budget's, in the order given."""
        return {name: value for name, value in self.weights.items() if name != BUDGET}

    def band(self, grade: QualitativeGrade) -> Band:
        return self._band_of[grade]

    def grade_for(self, total: Decimal) -> str:
        for floor, grade in self.grades:
            if total >= floor:
                return grade
        return LOWEST_GRADE


class _FrozenWeights(dict[str, Decimal]):
    """A dict that refuses changes, so a frozen config stays frozen (and stays hashable by identity)."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("ScoringConfig.weights is read-only; build a new ScoringConfig")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))

    def __reduce__(self) -> tuple[type[_FrozenWeights], tuple[dict[str, Decimal]]]:
        # Pickled (a page's kept parts in Django's cache) as a plain dict, rebuilt frozen.
        return (_FrozenWeights, (dict(self),))


def grade_for(total: Decimal, config: ScoringConfig | None = None) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (the bounds of ``config``; half-open, so 89.99 is 良)."""
    return (config or _DEFAULT).grade_for(total)


@dataclass(frozen=True, slots=True)
class LightConfig:
    """Thresholds of the monitoring lights (practice, not a national rule), in % of the pro-rated standard.

    ``not_pro_rated_units``: percentages and rates are levels, not running totals, so they are compared
    with the full annual target rather than with ``target × months / 12``.
    """

    red_below: Decimal = Decimal(60)
    yellow_below: Decimal = Decimal(80)
    blue_from: Decimal = Decimal(120)
    budget_red_below: Decimal = Decimal(60)
    budget_yellow_below: Decimal = Decimal(80)
    not_pro_rated_units: frozenset[str] = frozenset({"%", "‰"})
    pro_rate_rates: bool = False

    def __post_init__(self) -> None:
        if not self.red_below <= self.yellow_below <= self.blue_from:
            raise ScoringConfigError("light thresholds must rise: red_below ≤ yellow_below ≤ blue_from")
        if not self.budget_red_below <= self.budget_yellow_below:
            raise ScoringConfigError(
                "budget light thresholds must rise: budget_red_below ≤ budget_yellow_below"
            )


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    raise ScoringConfigError(f"weight of {name} must be an exact number (Decimal, int or str), not {value!r}")


def _show(weights: Mapping[str, object]) -> str:
    return ", ".join(f"{name} {value}" for name, value in weights.items()) or "(none)"


_DEFAULT = ScoringConfig()
