"""Scoring benchmark: ``score_indicator`` over a realistic mix of indicators, against a bare Decimal loop.

    python bench/bench_score.py [--count 200000] [--runs 5] [--seed 0]

The indicators are made up once, before the clock starts (targets parsed with ``parse_target``, as the engine
receives them): about half ``≥`` counts in 家/次/人次 (some actuals in 万家 or in 分钟 against 小时), ``=``
percentages, ``≤`` time limits and costs, qualitative rows with a grade and a proposed score, a few not
applicable. The baseline is ``min(actual / target, 1) × weight`` in plain Decimal over the same numbers, in the
same process and the same run. Each side is timed ``--runs`` times; the median is reported. The goal is
200,000 indicators in ≤ 1 s. Results go to ``bench/out/score.json``.

A third side, ``score_rows``, scores the same indicators as the engine receives them from a stored project:
typed rows (actuals already in the target's unit, costs marked), ten to an evaluation with a budget row, with
the total, the grade and the warnings of each evaluation.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from _common import OUT, log, machine, table, write_json
from jixiao.domain.scoring import QualitativeGrade, ScoringConfig, score_indicator
from jixiao.domain.scoring.engine import BudgetRow, IndicatorRow, actual_in_target_unit, score_rows
from jixiao.domain.targets.grammar import parse_target
from jixiao.domain.targets.model import TargetValue

GOAL_SECONDS = 1.0
GOAL_COUNT = 200_000

Item = tuple[TargetValue, TargetValue | Decimal | QualitativeGrade | None, Decimal, Decimal | None]


def make_items(count: int, seed: int) -> tuple[list[Item], list[tuple[Decimal, Decimal, Decimal]]]:
    """``count`` indicators for the engine, and the same numbers as (target, actual, weight) for the baseline."""
    rng = random.Random(seed)
    items: list[Item] = []
    plain: list[tuple[Decimal, Decimal, Decimal]] = []
    grades = list(QualitativeGrade)
    proposed_share = {
        QualitativeGrade.ACHIEVED: Decimal("0.9"),
        QualitativeGrade.PARTLY: Decimal("0.7"),
        QualitativeGrade.NOT_ACHIEVED: Decimal("0.3"),
    }
    for _ in range(count):
        weight = Decimal(rng.choice((2, 4, 5, 6, 8, 10, 15, 20, 30)))
        roll = rng.random()
        actual: TargetValue | Decimal | QualitativeGrade | None
        proposed: Decimal | None = None
        if roll < 0.45:  # ≥ counts: the bulk of 数量指标
            unit = rng.choice(("家", "次", "人次", "起", "场"))
            goal = rng.randint(2, 300)
            target = parse_target(f"≥{goal}{unit}")
            done = Decimal(rng.randint(goal // 2, goal * 3 // 2 + 1))
            if unit == "家" and rng.random() < 0.2:
                actual = parse_target(f"{done / 10000}万家")
            elif rng.random() < 0.5:
                actual = parse_target(f"{done}{unit}")
            else:
                actual = done
        elif roll < 0.60:  # = / ≥ percentages: 质量指标 and 满意度
            goal = rng.choice((85, 90, 95, 100))
            target = parse_target(f"{'≥' if goal < 100 else ''}{goal}%")
            done = Decimal(rng.randint(goal - 10, 100))
            actual = parse_target(f"{done}%") if rng.random() < 0.5 else done
        elif roll < 0.75:  # ≤ time limits and costs: 时效 and 成本
            if rng.random() < 0.6:
                goal = rng.choice((2, 4, 6, 24, 48))
                target = parse_target(f"≤{goal}小时")
                minutes = rng.randint(goal * 30, goal * 90)
                done = Decimal(minutes) / 60
                actual = parse_target(f"{minutes}分钟") if rng.random() < 0.3 else done
            else:
                goal = rng.randint(5, 200)
                target = parse_target(f"≤{goal}万元")
                done = Decimal(rng.randint(goal * 8000, goal * 12000))
                actual = done
                goal *= 10000
        elif roll < 0.97:  # qualitative with a grade and, often, a proposed score
            target = parse_target(
                rng.choice(("较高", "显著提升", "持续提升", "严格执行相关财经法规、制度等规定"))
            )
            grade = rng.choice(grades)
            actual = grade
            if rng.random() < 0.6:
                proposed = (weight * proposed_share[grade]).quantize(Decimal("0.01"))
            goal, done = 1, Decimal(1)
        else:  # not applicable
            target = parse_target("不适用")
            actual = None
            goal, done = 1, Decimal(1)
        items.append((target, actual, weight, proposed))
        plain.append((Decimal(goal), done, weight))
    return items, plain


def run_engine(items: Sequence[Item], config: ScoringConfig) -> int:
    scored = 0
    for target, actual, weight, proposed in items:
        if score_indicator(target, actual, weight, config=config, grade_score=proposed).value is not None:
            scored += 1
    return scored


ROWS_PER_EVALUATION = 10
_LEVEL1 = {"家": "产出指标", "%": "满意度指标", "小时": "产出指标", "万元": "产出指标"}


def make_rows(items: Sequence[Item]) -> list[list[IndicatorRow]]:
    """The items as typed rows, ten to an evaluation (what ``build_self_evaluation`` hands the engine)."""
    rows: list[IndicatorRow] = []
    for target, actual, weight, proposed in items:
        typed: Decimal | QualitativeGrade | None
        if isinstance(actual, TargetValue):
            converted = actual_in_target_unit(actual, target)
            typed = None if isinstance(converted, str) else converted
        else:
            typed = actual
        cost = target.unit == "元"
        rows.append(
            IndicatorRow(
                target=target,
                actual=typed,
                weight=weight,
                level1="效益指标" if target.unit is None else _LEVEL1.get(target.unit or "", "产出指标"),
                level2="成本指标" if cost else None,
                cost=cost,
                proposed_score=proposed,
            )
        )
    return [rows[i : i + ROWS_PER_EVALUATION] for i in range(0, len(rows), ROWS_PER_EVALUATION)]


def run_rows(evaluations: Sequence[list[IndicatorRow]], config: ScoringConfig) -> int:
    budget = BudgetRow(Decimal(100000), Decimal(96000))
    scored = 0
    for rows in evaluations:
        for result in score_rows(rows, budget, config=config).indicators:
            if result.score.value is not None:
                scored += 1
    return scored


def run_baseline(plain: Sequence[tuple[Decimal, Decimal, Decimal]]) -> int:
    one = Decimal(1)
    scored = 0
    for target, actual, weight in plain:
        share = actual / target
        if (min(share, one) * weight) >= 0:
            scored += 1
    return scored


def clock(fn: Callable[[], int]) -> tuple[float, int]:
    gc.collect()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(*, count: int, runs: int, seed: int) -> dict[str, Any]:
    log(f"making {count} indicators (seed {seed})")
    items, plain = make_items(count, seed)
    config = ScoringConfig()
    # Warm-up outside the clock: first-call caches, the allocator.
    run_engine(items[:5000], config)
    run_baseline(plain[:5000])
    seconds: dict[str, list[float]] = {"baseline": [], "score_indicator": [], "score_rows": []}
    scored = 0
    # The sides alternate run by run, so a burst of other work on the machine hits both alike.
    for run_index in range(runs):
        log(f"  run {run_index + 1}/{runs}")
        elapsed, _ = clock(lambda: run_baseline(plain))
        seconds["baseline"].append(elapsed)
        elapsed, scored = clock(lambda: run_engine(items, config))
        seconds["score_indicator"].append(elapsed)
    # Whole evaluations afterwards: their rows are made only now, so that the objects they hold do not weigh
    # on the collector while score_indicator is timed (the first two sides run as they always have).
    evaluations = make_rows(items)
    run_rows(evaluations[:500], config)
    for run_index in range(runs):
        log(f"  rows run {run_index + 1}/{runs}")
        clock(lambda: run_baseline(plain))  # the same rhythm of work as above; not recorded twice
        elapsed, _ = clock(lambda: run_rows(evaluations, config))
        seconds["score_rows"].append(elapsed)
    sides = {
        side: {
            "seconds": values,
            "median": statistics.median(values),
            "per_second": count / statistics.median(values),
        }
        for side, values in seconds.items()
    }
    ratio = sides["score_indicator"]["median"] / sides["baseline"]["median"]
    goal_seconds = GOAL_SECONDS * count / GOAL_COUNT
    return {
        "benchmark": "score",
        "machine": machine(),
        "count": count,
        "scored": scored,
        "runs": runs,
        "seed": seed,
        "sides": sides,
        "ratio": ratio,
        "goal": {
            "seconds_max": goal_seconds,
            "seconds": sides["score_indicator"]["median"],
            "met": sides["score_indicator"]["median"] <= goal_seconds,
        },
    }


def report(result: dict[str, Any]) -> str:
    baseline = result["sides"]["baseline"]["median"]
    rows = [
        [side, result["count"], figures["median"], figures["per_second"], figures["median"] / baseline]
        for side, figures in result["sides"].items()
    ]
    goal = result["goal"]
    verdict = "met" if goal["met"] else "MISSED"
    return "\n".join(
        [
            table(["score", "indicators", "median s", "indicators/s", "× baseline"], rows),
            "",
            f"{result['scored']} of {result['count']} scored (the rest not applicable), median of {result['runs']} runs",
            f"goal {result['count']} indicators ≤ {goal['seconds_max']:.2f} s: {goal['seconds']:.3f} s ({verdict})",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="score_indicator against a bare Decimal loop")
    parser.add_argument("--count", type=int, default=GOAL_COUNT, help="indicators (default 200000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=OUT / "score.json")
    args = parser.parse_args(argv)
    result = run(count=args.count, runs=args.runs, seed=args.seed)
    write_json(args.json, result)
    print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
