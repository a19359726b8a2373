"""The recheck of published tables: each convention a locality may have used is named when it reproduces the
recorded figure exactly. Every table here is hand-built so that its recorded score follows one convention.
"""

from __future__ import annotations

import json
from decimal import Decimal

from jixiao.domain.forms import read_forms
from jixiao.domain.scoring.selfeval import recheck, recheck_to_dict

from .tables import table

# A consistent base: 产出 50 (30 + 20), 满意度 10 (needs 效益 30 too), budget 10 → 100 in all.
BASE = [
    ("产出指标", "监测网站数", "≥120家", "126家", "30", "30"),
    ("产出指标", "通报风险数", "≥40起", "40起", "20", "20"),
    ("效益指标", "覆盖面", "持续提升", "达成", "30", "30"),
    ("满意度指标", "满意度", "≥90%", "95%", "10", "10"),
]


def with_row(row, *, total=None, budget=("100000", "100000", "10", "10")):
    rows = [r for r in BASE if r[1] != row[1]] + [row]
    return table(rows, total=total, budget=budget)


def test_a_consistent_table_has_no_discrepancy():
    check = recheck(table(BASE, total="100"))
    assert check.discrepancies == []
    assert (check.computed_total, check.grade) == (Decimal("100.00"), "优")


def test_it_names_weight_times_actual_as_a_fraction():
    # ≥90% met with 93 %: the rule gives 10; the table wrote 10 × 0.93 = 9.3.
    check = recheck(with_row(("满意度指标", "满意度", "≥90%", "93", "10", "9.3")))
    (diff,) = check.discrepancies
    assert (diff.indicator, diff.computed, diff.recorded, diff.cause) == (
        "满意度",
        Decimal("10.00"),
        Decimal("9.3"),
        "fraction-of-weight",
    )
    assert "完成率93%" in diff.message


def test_it_names_the_30_times_0_93_example():
    rows = [("满意度指标", "满意度", "≥90%", "93%", "30", "27.9")]
    (diff,) = recheck(table(rows)).discrepancies
    assert diff.cause == "fraction-of-weight"


def test_it_names_full_marks_given_regardless_of_the_shortfall():
    # 36 ÷ 40 × 20 = 18; the table wrote 20.
    (diff,) = recheck(with_row(("产出指标", "通报风险数", "≥40起", "36起", "20", "20"))).discrepancies
    assert (diff.computed, diff.cause) == (Decimal("18.00"), "full-marks")


def test_it_names_the_other_reverse_method():
    # ≤6小时 with 7.5: linear (1 − 1.5 ÷ 6) × 10 = 7.5; the table used ratio 6 ÷ 7.5 × 10 = 8.
    rows = [*BASE[:1], ("产出指标", "处置时限", "≤6小时", "7.5", "20", "16")]
    # ratio for weight 20: 6 ÷ 7.5 × 20 = 16; linear: 0.75 × 20 = 15
    (diff,) = recheck(table([*rows, *BASE[2:]])).discrepancies
    assert (diff.computed, diff.recorded, diff.cause) == (Decimal("15.00"), Decimal("16"), "reverse-method")
    assert "比例法" in diff.message


def test_it_names_rounding_up_instead_of_half_up():
    # 2 ÷ 3 × 20 = 13.333… → 13.33 half-up; rounding up gives 13.34.
    (diff,) = recheck(with_row(("产出指标", "通报风险数", "≥3起", "2起", "20", "13.34"))).discrepancies
    assert (diff.computed, diff.cause) == (Decimal("13.33"), "rounding")
    assert "向上" in diff.message


def test_it_names_truncation():
    # 2 ÷ 3 × 20 = 13.333… → 13.33; a table that truncates to one decimal writes 13.3.
    (diff,) = recheck(with_row(("产出指标", "通报风险数", "≥3起", "2起", "20", "13.3"))).discrepancies
    assert diff.cause == "rounding"
    assert "一位小数" in diff.message


def test_it_names_a_budget_row_exported_as_zeros():
    check = recheck(table(BASE, budget=("0", "0", "10", "0")))
    (diff,) = check.discrepancies
    assert (diff.indicator, diff.computed, diff.recorded, diff.cause) == (
        "预算执行率",
        None,
        Decimal("0"),
        "budget-zeros",
    )


def test_it_names_weights_that_do_not_add_up_to_100_when_the_total_was_scaled():
    # Weights 10 + 30 + 20 + 30 = 90. Recorded rows add up to 10 + 30 + 18 + 30 = 88;
    # the table scaled its total to 100: 88 × 100 ÷ 90 = 97.78.
    rows = [
        ("产出指标", "监测网站数", "≥120家", "126家", "30", "30"),
        ("产出指标", "通报风险数", "≥40起", "36起", "20", "18"),
        ("效益指标", "覆盖面", "持续提升", "达成", "30", "30"),
    ]
    check = recheck(table(rows, total="97.78"))
    (diff,) = check.discrepancies
    assert (diff.indicator, diff.computed, diff.recorded, diff.cause) == (
        "总分",
        Decimal("88.00"),
        Decimal("97.78"),
        "weights-not-100",
    )
    assert "预算执行率与各指标分值合计90分，不等于100分" in check.warnings


def test_it_names_a_missing_actual():
    (diff,) = recheck(with_row(("产出指标", "通报风险数", "≥40起", None, "20", "20"))).discrepancies
    assert (diff.computed, diff.recorded, diff.cause) == (None, Decimal("20"), "missing-actual")


def test_it_names_an_arithmetic_error_in_the_total():
    check = recheck(table(BASE, total="99"))
    (diff,) = check.discrepancies
    assert (diff.indicator, diff.computed, diff.recorded, diff.cause) == (
        "总分",
        Decimal("100"),
        Decimal("99"),
        "total-arithmetic",
    )


def test_a_total_that_follows_wrong_rows_points_at_the_rows():
    check = recheck(with_row(("产出指标", "通报风险数", "≥40起", "36起", "20", "20"), total="100"))
    assert check.causes() == {"通报风险数": "full-marks", "总分": "row-differences"}


def test_a_difference_nothing_reproduces_is_unexplained():
    (diff,) = recheck(with_row(("产出指标", "通报风险数", "≥40起", "36起", "20", "11"))).discrepancies
    assert diff.cause == "unexplained"
    assert "按规则应得18分" in diff.message


def test_it_gives_the_command_line_json_shape(fixtures_dir):
    (form,) = read_forms(fixtures_dir / "layouts" / "pipe-selfeval.txt")
    form.recorded_total = Decimal("96.50")
    data = recheck_to_dict(recheck(form))
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "project": "网络安全监测服务",
        "computed_total": "96.50",
        "recorded_total": "96.50",
        "grade": "优",
        "budget": {"rate": "90.00", "score": "9.00", "recorded_score": "9.00"},
        "indicators": [
            {"name": "监测重点网站数量", "score": "30.00", "recorded_score": "30.00", "method": "positive"},
            {"name": "通报网络安全风险", "score": "20.00", "recorded_score": "20.00", "method": "positive"},
            {
                "name": "重点事件处置时限",
                "score": "7.50",
                "recorded_score": "7.50",
                "method": "reverse-linear",
            },
            {"name": "被监测单位满意度", "score": "30.00", "recorded_score": "30.00", "method": "positive"},
        ],
        "discrepancies": [],
    }


def test_its_json_lists_each_discrepancy_with_two_place_scores():
    data = recheck_to_dict(recheck(with_row(("产出指标", "通报风险数", "≥40起", "36起", "20", "20"))))
    assert data["discrepancies"][0] | {"message": ""} == {
        "indicator": "通报风险数",
        "computed": "18.00",
        "recorded": "20.00",
        "cause": "full-marks",
        "message": "",
    }
    assert data["recorded_total"] is None
    assert data["computed_total"] == "98.00"
