"""Self-evaluation scoring (财预〔2020〕10号 as practised), the recheck of published tables, and monitoring lights."""

from __future__ import annotations

from jixiao.domain.scoring.config import (
    LightConfig,
    QualitativeGrade,
    ScoringConfig,
    ScoringConfigError,
)
from jixiao.domain.scoring.engine import (
    Evaluation,
    IndicatorResult,
    Score,
    evaluate,
    grade_for,
    read_actual,
    score_budget,
    score_indicator,
)

__all__ = [
    "Evaluation",
    "IndicatorResult",
    "LightConfig",
    "QualitativeGrade",
    "Score",
    "ScoringConfig",
    "ScoringConfigError",
    "evaluate",
    "grade_for",
    "read_actual",
    "score_budget",
    "score_indicator",
]
