"""Layout classes read by type and order, each with forms of our own (never the text of a real form): a
self-evaluation run together with the weight before the target (OCR of a document preview), a quoted CSV whose
rows ran together, a yes/no answer glued to its indicator, and the scored rows of a PDF text flow. Each reads
what is certain and leaves the rest empty with a warning naming the line, never a different number."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import FormDocument, FormReadError, Indicator

HEAD = (
    "2023年度项目支出绩效自评表项目名称社区书屋运营自评得分91一级指标二级指标三级指标分值指标值全年实际值得分"
    "未完成原因分析及改进措施"
)


def _read(tmp_path: Path, text: str, name: str = "form.txt") -> list[FormDocument]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_forms(path)


def _by_name(forms: list[FormDocument]) -> dict[str, Indicator]:
    return {i.name or "": i for f in forms for i in f.indicators}


def _warnings(forms: list[FormDocument]) -> list[str]:
    return [w.message for f in forms for w in f.warnings]


def test_it_reads_a_run_together_self_evaluation_whose_weight_comes_before_the_target(tmp_path: Path) -> None:
    text = (
        f"{HEAD}项目决策(10分)目标合理性5一目标清晰、可以衡量5依据充分性5一符合发展规划4\n"
        "产出指标数量指标(20分)新增藏书201200册1200册IO质量指标(15分)图书上架准确率1598%98%14"
        "指标2:成本指标(15分)运营成本1530万元30万元15\n"
        "效益指标社会效益指标(10分)阅读氛围10明显改善明显改善9\n"
    )
    forms = _read(tmp_path, text)
    found = _by_name(forms)
    books = found["新增藏书"]
    assert (books.weight, books.target.value, books.actual, books.recorded_score) == (
        Decimal(20),
        Decimal(1200),
        "1200册",
        Decimal(10),
    )
    rate = found["图书上架准确率"]
    assert (rate.weight, rate.target.value, rate.recorded_score) == (Decimal(15), Decimal(98), Decimal(14))
    cost = found["运营成本"]
    assert (cost.weight, cost.target.value, cost.recorded_score) == (
        Decimal(15),
        Decimal(300_000),
        Decimal(15),
    )
    aim = found["目标合理性"]
    assert aim.target.value is None
    assert aim.actual == "目标清晰、可以衡量"
    assert (aim.weight, aim.recorded_score) == (Decimal(5), Decimal(5))
    assert found["阅读氛围"].actual == "明显改善"
    assert (found["阅读氛围"].weight, found["阅读氛围"].recorded_score) == (Decimal(10), Decimal(9))
    assert not any(name.startswith(("指标", "项目决策")) for name in found)
    ocr = [w for f in forms for w in f.warnings if "“IO”读作10" in w.message]
    assert ocr
    assert ocr[0].location is not None
    assert ocr[0].location.line == 2


def test_it_leaves_a_run_that_splits_two_ways_empty_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    # 415万元14万元4 is weight 4, target 15万元 or weight 41, target 5万元: the actual differs from both, and no
    # section points decide. Nothing of the row may be read.
    text = f"{HEAD}\n产出指标成本指标培训费用415万元14万元4\n"
    forms = _read(tmp_path, text)
    found = _by_name(forms)
    fee = found.get("培训费用")
    assert fee is None or (fee.weight, fee.target.value) == (None, None)
    located = [w for f in forms for w in f.warnings if "不止一种拆分" in w.message]
    assert located
    assert located[0].location is not None
    assert located[0].location.line == 2


def test_the_section_points_decide_a_run_that_splits_two_ways(tmp_path: Path) -> None:
    text = f"{HEAD}\n产出指标成本指标(4分)培训费用415万元14万元4\n"
    forms = _read(tmp_path, text)
    fee = _by_name(forms)["培训费用"]
    assert (fee.weight, fee.target.value, fee.actual) == (Decimal(4), Decimal(150_000), "14万元")
    assert any("分值合计" in m for m in _warnings(forms))


NAMES = ("图书借阅人次", "读者满意度", "开放时长", "活动场次", "志愿者人数", "设备完好率", "宣传覆盖面")
UNITS = ("人次", "%", "小时", "场", "人", "万元", "")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.integers(min_value=1, max_value=30),
            st.sampled_from(("", "≥", "≤")),
            st.integers(min_value=1, max_value=3000),
            st.sampled_from(UNITS),
            st.sampled_from(("same", "other", "none")),
            st.integers(min_value=0, max_value=3),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda row: row[0],
    ),
    points=st.booleans(),
)
def test_it_never_reads_a_different_number_from_a_weight_first_run(
    rows: list[tuple[str, int, str, int, str, str, int]], points: bool
) -> None:
    import tempfile

    body = "产出指标数量指标" + (f"({sum(r[1] for r in rows)}分)" if points else "")
    for name, weight, op, value, unit, actual, less in rows:
        done = {"same": f"{value}{unit}", "other": f"{value + 7}{unit}", "none": ""}[actual]
        body += f"{name}{weight}{op}{value}{unit}{done}{max(weight - less, 0)}"
    with tempfile.TemporaryDirectory() as folder:
        try:
            found = _by_name(_read(Path(folder), f"{HEAD}\n{body}\n"))
        except FormReadError:  # a refusal is allowed, never a different number
            found = {}
    for name, weight, _op, value, unit, actual, less in rows:
        ours = found.get(name)
        if ours is None:
            continue
        scale = 10_000 if unit == "万元" else 1
        assert ours.weight in (None, Decimal(weight)), (name, ours.weight, body)
        assert ours.recorded_score in (None, Decimal(max(weight - less, 0))), (
            name,
            ours.recorded_score,
            body,
        )
        assert ours.target.value in (None, Decimal(value * scale)), (name, ours.target.value, body)
        if ours.actual is not None:
            want = {"same": value, "other": value + 7}.get(actual)
            assert want is not None, (name, ours.actual, body)
            assert ours.actual.startswith(str(want)), (name, ours.actual, body)
    assert set(found) <= set(NAMES), (set(found) - set(NAMES), body)


def test_it_reads_a_quoted_csv_whose_rows_ran_together(tmp_path: Path) -> None:
    text = (
        "2024年度部门整体支出考评表\n,,\n"
        ', "类别","考核内容","考核指标","指标说明","年度工作目标","评分标准","权数","考评得分" '
        '"预算管理(40分)","预算编制","预算编制准确率","预算编制准确率=执行数/预算数*100%,用以反映编制质量.",'
        '"0.95","按完成比例计算得分,满分为止.","20","18", ,"资金使用","资金支付及时率","支付及时率=按时支付'
        '笔数/应付笔数,用以反映支付进度.\n","1","按完成比例计算得分.","10", ,,\n'
        '"结余资金占比","结余资金/预算数,用以反映结余控制.","较低",,"10",,\n'
        '"绩效管理(60分)","绩效目标","目标完整率","用以反映目标填报情况.","1","按比例计分.","5","7"\n'
    )
    forms = _read(tmp_path, text)
    found = _by_name(forms)
    assert set(found) == {"预算编制准确率", "资金支付及时率", "结余资金占比", "目标完整率"}
    first = found["预算编制准确率"]
    assert (first.target.value, first.weight, first.recorded_score) == (
        Decimal("0.95"),
        Decimal(20),
        Decimal(18),
    )
    assert (found["资金支付及时率"].target.value, found["资金支付及时率"].weight) == (Decimal(1), Decimal(10))
    assert found["结余资金占比"].target.value is None
    assert found["结余资金占比"].target.raw == "较低"
    assert found["结余资金占比"].weight == Decimal(10)
    # 7 points scored of a weight of 5 cannot be a score: left out, with the line named.
    assert found["目标完整率"].recorded_score is None
    above = [w for f in forms for w in f.warnings if "大于权数" in w.message]
    assert above
    assert above[0].location is not None
    assert above[0].location.line == 6


def test_it_reads_a_yes_no_answer_glued_to_its_indicator(tmp_path: Path) -> None:
    text = (
        "项目绩效自评表项目名称社区书屋运营一级指标二级指标三级指标年初目标值实际完成值未完成原因"
        "产出指标质量指标图书完好率98%99%达成预期指标时效指标是否按时开放是达成预期指标说明无"
    )
    found = _by_name(_read(tmp_path, text))
    assert found["是否按时开放"].target.raw == "是"
    assert found["是否按时开放"].target.value is None
    assert found["图书完好率"].target.value == 98


def test_it_reads_the_scored_rows_of_a_pdf_text_flow(tmp_path: Path) -> None:
    lines = [
        "社区书屋运营项目绩效自评表 填报日期:2024 年 1 月 8 日",
        "项目名称 社区书屋运营 自评总分: 90",
        "项目权重 评价内容 分值 自评分 复核分 评价标准",
        "项目决策 5 分 立项程序 3 3 有立项文件计 3 分,没有不得分。",
        "目标设置 2 1 目标明确计 1 分; 目标量化计 1 分。",
        "组织保障 项目管理 10 分 4 4 有专人负责计 4 分。",
        "一级 二级 指标名称 年初指 年终完 自评",
        "指标 指标 (三级指标) 标值 成值 分",
    ]
    forms = _read(tmp_path, "\n".join(lines) + "\n")
    found = _by_name(forms)
    assert (found["立项程序"].weight, found["立项程序"].recorded_score) == (Decimal(3), Decimal(3))
    assert (found["目标设置"].weight, found["目标设置"].recorded_score) == (Decimal(2), Decimal(1))
    assert (found["组织保障"].weight, found["组织保障"].recorded_score) == (Decimal(4), Decimal(4))
    assert "项目决策" not in found
    assert "项目管理" not in found
    assert found["立项程序"].location is not None
    assert found["立项程序"].location.line == 4
