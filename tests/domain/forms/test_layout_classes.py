"""Layout classes real forms come in, each with a small form of our own: the readers recover the indicators, or
leave a cell empty with a warning naming the place, and never put a different number in its stead."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import FormDocument, Indicator


def _read(tmp_path: Path, text: str, name: str = "form.txt") -> list[FormDocument]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_forms(path)


def _by_name(forms: list[FormDocument]) -> dict[str, Indicator]:
    return {i.name or "": i for f in forms for i in f.indicators}


def test_it_reads_run_together_text_with_traditional_characters_and_inline_pinyin(tmp_path: Path) -> None:
    text = (
        "2022年度項(xiàng)目績效自評表項目名稱社區(qū)書屋運營一級指標二級指標三級指標年初目標值實際完成值"
        "未完成原因產(chǎn)出指標數(shù)量指標圖書借閱人次≥5000人次6100人次達成預期指標"
        "質量指標圖書完好率98%99%達成預期指標時效指標開放及時率不低于95%達成預期指標"
        "滿意度指標讀者滿意度≥90%93%說明無"
    )
    forms = _read(tmp_path, text)
    found = _by_name(forms)
    assert found["图书借阅人次"].target.value == 5000
    assert found["图书借阅人次"].actual == "6100人次"
    assert found["图书完好率"].target.value == 98
    assert found["开放及时率"].target.value == 95
    assert found["开放及时率"].actual is None
    assert found["读者满意度"].actual == "93%"
    warnings = " ".join(w.message for w in forms[0].warnings)
    assert "拼音" in warnings
    assert "连排" in warnings


def test_it_leaves_digits_run_together_empty_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    text = (
        "项目绩效自评表\n一级指标二级指标三级指标年度指标值全年完成值\n"
        "产出指标数量指标培训班次1212\n质量指标合格率100%100%\n"
    )
    forms = _read(tmp_path, text)
    found = _by_name(forms)
    assert found["合格率"].target.value == 100
    assert "培训班次" not in found or found["培训班次"].target.value is None
    messages = [w for w in forms[0].warnings if "连在一起" in w.message]
    assert messages
    assert messages[0].location is not None
    assert messages[0].location.line == 3


def test_it_reads_targets_written_as_sentences(tmp_path: Path) -> None:
    text = (
        "关于社区书屋项目绩效目标的公示\n一、产出指标\n设1条数量指标:新增藏书(≥**册)≥1200册;"
        "设1条质量\n指标:图书上架准确率≥98%;时效指标:完成及时率=100%。\n"
        "二、效益指标\n社会效益指标:居民阅读习惯养成。满意度指标,读者满意度≥90%。\n"
    )
    forms = _read(tmp_path, text)
    found = _by_name(forms)
    assert found["新增藏书"].target.value == 1200
    assert found["图书上架准确率"].target.value == 98
    assert found["完成及时率"].target.value == 100
    assert found["读者满意度"].target.value == 90
    assert found["居民阅读习惯养成"].target.value is None
    assert any("占位符" in w.message for w in forms[0].warnings)


def test_it_aligns_one_cell_per_line_tables_by_type_when_merged_cells_are_left_out(tmp_path: Path) -> None:
    cells = [
        "项目名称", "社区书屋运营", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标",
        "图书借阅人次", "≥5000人次", "新增藏书", "≥1200册", "效益指标", "社会效益", "指标",
        "居民参与活动人数", "≥300人", "指标1:", "\u00a0", "满意度指标", "服务对象满意度指标", "读者满意度",
        "≥90%", "填报人:",
    ]  # fmt: skip
    forms = _read(tmp_path, "\n\n".join(cells) + "\n")
    found = _by_name(forms)
    assert found["图书借阅人次"].target.value == 5000
    assert found["新增藏书"].target.value == 1200
    assert found["居民参与活动人数"].target.value == 300
    assert found["居民参与活动人数"].level2 == "社会效益指标"
    assert found["读者满意度"].target.value == 90
    assert set(found) == {"图书借阅人次", "新增藏书", "居民参与活动人数", "读者满意度"}
    assert any("合并" in w.message for w in forms[0].warnings)


def test_it_keeps_values_in_their_columns_when_the_operator_column_is_empty(tmp_path: Path) -> None:
    text = (
        "绩效目标表\n项目名称: 社区书屋运营\n"
        "一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重(%)\n"
        "产出指标 数量指标 图书借阅人次 5000 人次 20\n"
        "产出指标 质量指标 图书完好率 ≥ 98 % 30\n"
        "效益指标 社会效益指标 居民阅读氛围 定性 良好\n40\n"
    )
    found = _by_name(_read(tmp_path, text))
    assert (found["图书借阅人次"].target.value, found["图书借阅人次"].weight) == (5000, 20)
    assert (found["图书完好率"].target.value, found["图书完好率"].weight) == (98, 30)
    assert found["居民阅读氛围"].weight == Decimal(40)
    assert found["居民阅读氛围"].target.value is None


def test_it_takes_an_achieved_phrase_as_the_actual_not_the_target(tmp_path: Path) -> None:
    cells = [
        "项目支出绩效自评表 |", "项目名称 |", "社区书屋运营 |", "年度绩效指标完成情况 |", "一级指标 |",
        "二级指标 |", "三级指标 |", "年度指标值 |", "实际完成值 |", "分值 |", "得分 |", "产出指标 |",
        "数量指标 |", "指标1:全年开放不少于300天 |", "|", "达成预期指标 |", "20 |", "18 |", "|",
    ]  # fmt: skip
    found = _by_name(_read(tmp_path, "\n".join(cells) + "\n"))
    row = found["全年开放不少于300天"]
    assert (row.actual, row.weight, row.recorded_score) == ("达成预期指标", 20, 18)
    assert row.target.value is None


def test_it_names_the_cell_of_a_target_with_a_letter_in_its_number(tmp_path: Path) -> None:
    text = "项目支出绩效目标表\n项目名称\t社区书屋\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t成本指标\t运营成本\t≤45O万元\n"
    forms = _read(tmp_path, text)
    assert _by_name(forms)["运营成本"].target.value is None
    letter = [w for w in forms[0].warnings if "字母" in w.message]
    assert letter
    assert letter[0].location is not None
    assert (letter[0].location.line, letter[0].location.column) == (4, 4)


def test_it_takes_a_lone_hundred_under_the_weight_column_of_the_total_row_for_the_weights_total(
    tmp_path: Path,
) -> None:
    text = (
        "项目支出绩效自评表(2024年度)\n项目名称\t社区书屋\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t图书借阅人次\t≥5000人次\t6100人次\t60\t60\n"
        "满意度指标\t服务对象满意度指标\t读者满意度\t≥90%\t93%\t40\t40\n"
        "总分\t\t\t\t\t100\t\n"
    )
    (form,) = _read(tmp_path, text)
    assert form.recorded_total is None
    scored = _read(tmp_path, text.replace("总分\t\t\t\t\t100\t\n", "总分\t\t\t\t\t100\t98\n"), "scored.txt")
    assert scored[0].recorded_total == 98


def test_it_reads_the_fiscal_row_when_the_total_row_is_all_zeros_and_says_so(tmp_path: Path) -> None:
    text = (
        "项目支出绩效自评表(2024年度)\n项目名称\t社区书屋\n"
        "项目资金(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "年度资金总额\t0\t0\t0\t10\t0%\t10\n"
        "其中:财政拨款\t120\t120\t108\t-\t-\t-\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t图书借阅人次\t≥5000人次\t6100人次\t90\t90\n"
    )
    (form,) = _read(tmp_path, text)
    block = form.budget_execution
    assert block is not None
    assert (block.adjusted_budget, block.executed, block.rate, block.weight) == (
        Decimal(1200000),
        Decimal(1080000),
        Decimal("90.00"),
        Decimal(10),
    )
    assert any("全为0" in w.message for w in form.warnings)


def test_it_reads_header_fields_written_inline_before_run_together_indicators(tmp_path: Path) -> None:
    text = (
        "2023年度项目支出绩效自评表项目名称社区书屋运营主管部门示例区文化和旅游局实施单位示例区图书馆"
        "一级指标二级指标三级指标年度指标值全年完成值产出指标数量指标图书借阅人次≥5000人次6100人次说明无"
    )
    (form,) = _read(tmp_path, text)
    assert (form.year, form.project.name, form.project.department, form.project.unit) == (
        2023,
        "社区书屋运营",
        "示例区文化和旅游局",
        "示例区图书馆",
    )
    assert _by_name([form])["图书借阅人次"].target.value == 5000


def test_it_reads_formula_cells_without_a_value_from_their_text_and_says_so(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["项目支出绩效目标表"],
        ["项目名称", "社区书屋"],
        ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
        ["产出指标", "数量指标", "开展活动次数", "=8个", 10],
        ["产出指标", "数量指标", "新增藏书", "≥1200册", "=SUM(E4:E4)"],
    ):
        sheet.append(row)
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    (form,) = read_forms(path)
    found = _by_name([form])
    assert (found["开展活动次数"].target.value, found["开展活动次数"].target.unit) == (8, "个")
    assert found["新增藏书"].weight is None
    notes = {str(w.location): w.message for w in form.warnings if "公式" in w.message}
    assert "按公式文字读取" in notes["formulas.xlsx, sheet Sheet, row 4, cell D4"]
    assert "未读取" in notes["formulas.xlsx, sheet Sheet, row 5, cell E5"]


def test_it_says_which_lines_held_no_readable_indicator(tmp_path: Path) -> None:
    (form,) = _read(tmp_path, "项目支出绩效目标表\n项目名称\t社区书屋\n实施单位\t示例街道办事处\n")
    assert form.indicators == []
    assert any(w.message == "第1–3行没有找到可以读取的指标" for w in form.warnings)
