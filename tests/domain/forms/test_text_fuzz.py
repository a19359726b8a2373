"""Whatever text arrives, the text reader and the assembler answer with forms or one FormReadError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.forms import FormReadError, read_forms

WORDS = [
    "项目名称",
    "实施单位",
    "项目资金 (万元)",
    "中期资金总额:",
    "年度资金总额:",
    "其中:财政拨款",
    "其他资金",
    "总体目标",
    "中期目标",
    "年度目标",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "产出指标",
    "数量指标",
    "成本指标",
    "满意度指标",
    "≥9次",
    "≤6小时",
    "100%",
    "不适用",
    "较高",
    "450",
    "15000万元",
    "资金支出计划（%）",
    "25.00%",
    "项目支出绩效目标申报表",
    "(2023年度)",
    "合计",
    "年初预算",
    "总额",
    "|",
    "\t",
]
cells = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
separators = st.sampled_from(["\t", " | ", " ", "\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.lists(cells, max_size=9), max_size=40))
    sep = draw(separators)
    return "\n".join(sep.join(row) for row in rows)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents())
def test_any_text_gives_forms_or_one_clear_error(tmp_path_factory, text):
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.txt"
    path.write_text(text, encoding="utf-8")
    error: str | None = None
    forms = []
    try:
        forms = read_forms(path)
    except FormReadError as exc:
        error = str(exc)
    if error is not None:
        assert "fuzz.txt" in error
    else:
        assert forms
        assert all(indicator.target.raw is not None for form in forms for indicator in form.indicators)
