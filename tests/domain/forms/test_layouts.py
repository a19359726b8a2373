"""Forms in the layouts real offices publish (one cell per line, pipe tables, space-separated rows, several
projects in one table, traditional characters with OCR damage), with content written for these tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.domain.forms import FormReadError, read_forms
from jixiao.domain.forms.model import FormKind, Horizon
from jixiao.domain.targets.model import Operator, TargetKind


@pytest.fixture
def layouts(fixtures_dir: Path) -> Path:
    return fixtures_dir / "layouts"


def test_it_rebuilds_rows_of_a_page_with_one_cell_per_line(layouts):
    (form,) = read_forms(layouts / "onecell-target.txt")
    assert form.year == 2024
    assert form.project.name == "网络安全宣传周活动经费"
    assert (form.project.department, form.project.unit) == (
        "某市委网络安全和信息化委员会办公室",
        "某市互联网信息中心",
    )
    assert form.project.period == "202401-202412"
    assert (form.funds_medium_term.total, form.funds_annual.total) == (Decimal("800000"), Decimal("200000"))
    assert form.funds_annual.other is None
    assert form.goal_medium_term == "连续三年办好网络安全宣传周"
    assert form.goal_annual == "办好2024年网络安全宣传周,覆盖全市中小学"
    rows = [(i.horizon, i.level2, i.name, i.target.raw) for i in form.indicators]
    assert rows == [
        (Horizon.MEDIUM_TERM, "数量指标", "宣传活动场次", "≥30场"),
        (Horizon.ANNUAL, "数量指标", "宣传活动场次", "≥10场"),
        (Horizon.ANNUAL, "质量指标", "活动方案审核通过率", "100%"),
        (Horizon.MEDIUM_TERM, "社会效益指标", "网民安全意识", "持续提升"),
        (Horizon.ANNUAL, "社会效益指标", "网民安全意识", "持续提升"),
        (Horizon.ANNUAL, "服务对象满意度指标", "参与群众满意度", "≥90%"),
    ]


def test_it_reads_a_self_evaluation_table_with_its_budget_block_and_scores(layouts):
    (form,) = read_forms(layouts / "pipe-selfeval.txt")
    assert form.kind is FormKind.SELF_EVALUATION
    assert (form.project.code, form.project.name) == ("51000099R000000000123", "网络安全监测服务")
    block = form.budget_execution
    assert block is not None
    assert (block.initial_budget, block.adjusted_budget, block.executed) == (
        Decimal("500000"),
        Decimal("480000"),
        Decimal("432000"),
    )
    assert (block.rate, block.weight, block.recorded_score) == (
        Decimal("90.00"),
        Decimal("10"),
        Decimal("9.00"),
    )
    assert form.goal_annual_achieved == "监测重点网站126家,通报风险43起"
    late = form.indicators[2]
    assert (late.name, late.target.operator, late.target.value, late.target.unit) == (
        "重点事件处置时限",
        Operator.LE,
        Decimal("6"),
        "小时",
    )
    assert (late.actual, late.weight, late.recorded_score) == ("7.5", Decimal("10"), Decimal("7.5"))
    assert late.deviation_reason == "一起事件因夜间联系不上网站负责人超时"
    assert [i.recorded_score for i in form.indicators] == [
        Decimal(30),
        Decimal(20),
        Decimal("7.5"),
        Decimal(30),
    ]


def test_it_reads_space_separated_rows_and_an_excel_date_serial(layouts):
    (form,) = read_forms(layouts / "space-target.txt")
    assert form.year == 2022
    assert (form.project.unit_code, form.project.unit) == ("512001", "某县委网络安全和信息化委员会办公室")
    assert (form.funds_annual.total, form.funds_annual.fiscal, form.funds_annual.other) == (
        Decimal("120000"),
        Decimal("120000"),
        Decimal("0"),
    )
    by_name = {i.name: i for i in form.indicators}
    assert by_name["检查重点单位数"].target.value == Decimal("25")
    assert by_name["检查重点单位数"].weight == Decimal("10")
    serial = by_name["检查完成时间"].target
    assert serial.date == dt.date(2022, 11, 30)
    assert any("44895" in w or "44,895" in w for w in serial.warnings)
    assert by_name["检查总成本"].target.value == Decimal("120000")


def test_it_splits_a_table_of_several_projects_into_one_form_each(layouts):
    first, second = read_forms(layouts / "pipe-multiproject.txt")
    assert (first.project.name, first.project.unit_code, first.funds_annual.total) == (
        "网络安全监测平台运维",
        "301001",
        Decimal("1000000.00"),
    )
    assert [i.name for i in first.indicators] == ["监测网站数量", "平台可用率", "使用单位满意度"]
    assert first.indicators[1].target.value == Decimal("99.5")
    assert second.project.name == "网络文明宣传活动"
    assert second.project.unit == "某区委网络安全和信息化委员会办公室"
    assert second.goal_annual == "开展网络文明主题宣传活动"
    cost = second.indicators[1]
    assert (cost.level2, cost.target.operator, cost.target.value, cost.target.unit) == (
        "成本指标",
        Operator.LE,
        Decimal("20000"),
        "元",
    )


def test_it_reads_traditional_characters_and_says_where_it_repaired_ocr_damage(layouts):
    (form,) = read_forms(layouts / "tab-traditional-ocr.txt")
    assert form.project.name == "网络安全应急处置经费"
    assert (form.funds_medium_term.total, form.funds_annual.total) == (Decimal("600000"), Decimal("200000"))
    assert any("繁体字已转为简体读取" in w.message for w in form.warnings)
    deadline = [i for i in form.indicators if i.name == "处置重点网络安全应急事件时限"]
    assert [(i.target.operator, i.target.value) for i in deadline] == [(Operator.LE, Decimal(6))] * 2
    assert all(i.target.warnings for i in deadline)
    satisfaction = [i for i in form.indicators if i.level2 == "服务对象满意度指标"]
    assert [(i.target.operator, i.target.value, i.target.unit) for i in satisfaction] == [
        (Operator.GE, Decimal(95), "%")
    ] * 2
    assert all(i.target.warnings for i in satisfaction)


def test_it_keeps_qualitative_and_not_applicable_targets_apart(seeds_dir):
    forms = read_forms(seeds_dir / "000_be243faf42b34df7.txt")
    kinds = {i.target.raw: i.target.kind for f in forms for i in f.indicators}
    assert kinds["7×24小时全年"] is TargetKind.QUALITATIVE
    assert kinds["不适用"] is TargetKind.NOT_APPLICABLE
    assert kinds["≥4万家"] is TargetKind.QUANTITATIVE


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        ("随便写的一段话，没有任何表格。\n".encode(), "文件中找不到绩效表"),
        (bytes(range(256)) * 64, "文件格式无法识别"),
    ],
)
def test_it_gives_one_clear_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad-form.txt"
    path.write_bytes(content)
    with pytest.raises(FormReadError) as info:
        read_forms(path)
    assert "bad-form.txt" in str(info.value)
    assert message in str(info.value)


def test_an_indicator_named_like_a_level_label_keeps_its_name(tmp_path):
    text = "\n".join(
        [
            "项目支出绩效目标申报表",
            "(2024年度)",
            "项目名称\t网络安全培训经费",
            "绩效指标\t一级指标\t二级指标\t三级指标\t指标值",
            "\t满意度指标\t服务对象满意度指标\t服务对象满意度\t≥90%",
            "\t产出指标\t数量指标\t培训人次\t≥100人次",
        ]
    )
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    (form,) = read_forms(path)
    assert [(i.level2, i.name, i.target.raw) for i in form.indicators] == [
        ("服务对象满意度指标", "服务对象满意度", "≥90%"),
        ("数量指标", "培训人次", "≥100人次"),
    ]


def test_it_reads_a_monitoring_table_whose_header_wraps_over_lines(layouts):
    (form,) = read_forms(layouts / "pipe-monitor.txt")
    assert form.kind is FormKind.MONITORING
    assert form.project.name == "网络安全监测平台运维"
    block = form.budget_execution
    assert block is not None
    assert (block.initial_budget, block.executed) == (Decimal("1200000"), Decimal("525000"))
    rows = [(i.level1, i.level2, i.target.raw, i.actual, i.likelihood) for i in form.indicators]
    assert rows == [
        ("产出指标", "数量指标", "监测重点网站不少于120家", "已监测126家", "确定能"),
        ("产出指标", "时效指标", "重点事件6小时内处置", "1起超时", "有可能"),
    ]
