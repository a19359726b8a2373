"""The engine on typed rows: the adapter from a read form, costs scored as reverse indicators, a reviewer's
adjustment as an input (total, grade and explanation from one place), and the budget row's source."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.domain.forms.model import BudgetExecution, FormDocument, FormKind, Horizon, Indicator, ProjectInfo
from jixiao.domain.scoring import ScoringConfig, evaluate
from jixiao.domain.scoring.engine import (
    Adjustment,
    BudgetRow,
    IndicatorRow,
    is_cost_indicator,
    rows_from_form,
    score_indicator,
    score_rows,
)
from jixiao.domain.targets.grammar import parse_target


def row(target: str, actual: Decimal | None, weight: str, **facts: object) -> IndicatorRow:
    return IndicatorRow(target=parse_target(target), actual=actual, weight=Decimal(weight), **facts)  # type: ignore[arg-type]


def test_it_scores_a_cost_written_with_ge_as_a_reverse_indicator_and_names_the_contradiction() -> None:
    cost = row(
        "≥9000元",
        Decimal(9360),
        "12.5",
        name="平均每月的费用",
        level1="产出指标",
        level2="成本指标",
        cost=True,
    )

    score = score_rows([cost], None).indicators[0].score

    assert score.method == "reverse-linear"
    assert score.value == Decimal("12.00")  # (1 − 360 ÷ 9000) × 12.5, not full marks for spending more
    assert score.explanation.startswith(
        "成本指标按反向指标计分：指标值写作“≥9000元”，与成本指标应设上限（≤）相矛盾，按不超过9000元计分；"
        "实际值9360元>目标值9000元"
    )
    assert score.inputs["direction"] == "reverse (cost)"


def test_a_cost_within_its_bound_scores_full_marks_whatever_the_operator() -> None:
    for written in ("≥9000元", "=9000元", "≤9000元"):
        score = score_indicator(parse_target(written), Decimal(8000), Decimal(10), cost=True)
        assert (score.value, score.method) == (Decimal(10), "reverse-linear")
        assert "实际值8000元≤目标值9000元，得满分10分" in score.explanation
    assert (
        "相矛盾"
        not in score_indicator(parse_target("=9000元"), Decimal(8000), Decimal(10), cost=True).explanation
    )


def test_it_knows_a_cost_indicator_by_its_level_or_by_a_cost_name_in_money() -> None:
    assert is_cost_indicator("产出指标", "成本指标", "平均每月的费用", "元")
    assert is_cost_indicator("成本指标", "经济成本指标", "人均培训费", "元")
    assert is_cost_indicator(None, None, "办公经费", "元")
    assert not is_cost_indicator(None, None, "办公经费", "%")
    assert not is_cost_indicator("产出指标", "数量指标", "培训次数", "次")
    assert not is_cost_indicator("产出指标", "成本指标", "成本节约率", "%")


def test_the_form_adapter_reads_the_cells_into_typed_rows() -> None:
    form = FormDocument(
        source="t.txt",
        kind=FormKind.SELF_EVALUATION,
        project=ProjectInfo(name="项目"),
        indicators=[
            Indicator(
                Horizon.ANNUAL, "产出指标", "数量指标", "覆盖企业", parse_target("≥4万家"), actual="4.2万家"
            ),
            Indicator(
                Horizon.ANNUAL,
                "产出指标",
                "成本指标",
                "平均每月的费用",
                parse_target("≥9000元"),
                actual="9360",
            ),
            Indicator(
                Horizon.ANNUAL, "产出指标", "时效指标", "处置时限", parse_target("≤6小时"), actual="3家"
            ),
            Indicator(Horizon.MEDIUM_TERM, "产出指标", "数量指标", "覆盖企业", parse_target("≥10万家")),
        ],
        budget_execution=BudgetExecution(
            adjusted_budget=Decimal(100), executed=Decimal(90), weight=Decimal(10)
        ),
    )

    rows, budget = rows_from_form(form)

    assert [(r.name, r.actual, r.cost, r.actual_text) for r in rows] == [
        ("覆盖企业", Decimal(42000), False, "4.2万家"),
        ("平均每月的费用", Decimal(9360), True, "9360"),
        ("处置时限", None, False, "3家"),
    ]
    assert rows[2].actual_problem == "实际完成值单位“家”与目标值单位“小时”不可比较，无法计分"
    assert budget == BudgetRow(Decimal(100), Decimal(90), Decimal(10))


def test_a_lowered_score_counts_in_the_total_and_the_grade_and_is_explained_truly() -> None:
    over = row("≥3次", Decimal(4), "3.34", adjustment=Adjustment(Decimal("3.01"), "目标值偏低", "张审核"))
    other = row("≥10家", Decimal(10), "86.66")
    budget = BudgetRow(Decimal(100), Decimal(100), Decimal(10))

    evaluation = score_rows([over, other], budget, config=ScoringConfig())

    score = evaluation.indicators[0].score
    assert (score.value, score.rule_value) == (Decimal("3.01"), Decimal("3.34"))
    assert evaluation.total == Decimal("99.67")
    assert evaluation.grade == "优"
    assert score.explanation.startswith("实际值4次≥目标值3次，得满分3.34分；实际值达到目标值的130%及以上")
    assert "审核调整：由张审核将得分由3.34分调整为3.01分，原因：目标值偏低" in score.explanation
    assert "<目标值" not in score.explanation
    assert score.inputs["rule_score"] == "3.34"
    assert score.needs_deviation_reason


def test_an_adjustment_that_no_longer_applies_is_left_out_with_a_warning() -> None:
    short = row("≥10次", Decimal(5), "10", adjustment=Adjustment(Decimal(4), "偏低", "张审核"))

    evaluation = score_rows([short], None)

    assert evaluation.indicators[0].score.value == Decimal(5)
    assert evaluation.indicators[0].score.adjustment is None
    assert (
        "“≥10次”的审核调整得分4分已不适用（只有超额完成的指标可调低得分，且须低于按规则的得分），未采用"
        in (evaluation.warnings)
    )


def test_the_budget_row_says_where_its_figures_come_from() -> None:
    evaluation = score_rows(
        [], BudgetRow(Decimal(112500), Decimal(112500), Decimal(10), source="取自导入表格")
    )

    assert evaluation.budget.rate == Decimal(100)
    assert evaluation.budget.explanation.endswith("得分=min(执行率,100%)×10=10分；取自导入表格")


def test_evaluate_is_the_form_adapter_then_the_rows() -> None:
    form = FormDocument(
        source="t.txt",
        kind=FormKind.SELF_EVALUATION,
        project=ProjectInfo(name="项目"),
        indicators=[
            Indicator(Horizon.ANNUAL, "产出指标", "数量指标", "次数", parse_target("≥9次"), actual="9次")
        ],
        budget_execution=BudgetExecution(adjusted_budget=Decimal(100), executed=Decimal(50)),
    )
    rows, budget = rows_from_form(form)

    by_form, by_rows = evaluate(form), score_rows(rows, budget, project="项目")

    assert (by_form.total, by_form.grade, by_form.warnings) == (
        by_rows.total,
        by_rows.grade,
        by_rows.warnings,
    )
    assert by_form.project == "项目"


def test_the_score_command_names_a_cost_written_the_wrong_way_round(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (fixtures_dir / "layouts" / "pipe-selfeval.txt").read_text(encoding="utf-8")
    costly = text.replace(
        "产出指标 |\n时效指标 |\n重点事件处置时限 |\n≤ |\n6 |\n小时 |\n7.5 |",
        "产出指标 |\n成本指标 |\n平均每月的费用 |\n≥ |\n9000 |\n元 |\n9360 |",
    )
    assert costly != text
    table = tmp_path / "costly.txt"
    table.write_text(costly, encoding="utf-8")

    status = main(["score", str(table)])

    out = capsys.readouterr().out
    assert "  平均每月的费用: 9.60 (recorded 7.50) reverse-linear\n" in out
    assert (
        "    ~ 成本指标按反向指标计分：指标值写作“≥9000元”，与成本指标应设上限（≤）相矛盾，按不超过9000元计分\n"
        in out
    )
    assert status == 1
