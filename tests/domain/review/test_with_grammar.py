"""The reviewer on targets read by the real grammar, not hand-built: the seed defects are still found."""

from __future__ import annotations

import dataclasses

from jixiao.domain.forms.model import FormDocument
from jixiao.domain.review import review
from jixiao.domain.targets.grammar import parse_target

from .factories import form, ind, messages
from .seed_forms import seed_000_security, seed_004_project


def parsed(document: FormDocument) -> FormDocument:
    """The same form with every target re-read from its raw text by ``parse_target``."""
    document.indicators = [
        dataclasses.replace(i, target=parse_target(i.target.raw, indicator=i.name, level2=i.level2))
        for i in document.indicators
    ]
    return document


def read(name: str, raw: str, level2: str = "数量指标", level1: str = "产出指标") -> FormDocument:
    return form(ind(name, parse_target(raw, indicator=name, level2=level2), level2, level1))


def test_the_grammar_reads_seed_004_into_the_same_findings() -> None:
    assert review(parsed(seed_004_project())) == review(seed_004_project())


def test_the_grammar_reads_seed_000_into_the_same_findings() -> None:
    assert review(parsed(seed_000_security())) == review(seed_000_security())


def test_a_parsed_rate_in_days_is_a_unit_mismatch() -> None:
    assert len(messages(read("各项网宣任务完成及时率（%）", "≤2天", "时效指标"), "unit-mismatch")) == 1


def test_a_parsed_hundred_percent_word_is_flagged() -> None:
    document = read("培训学员满意度", "≥100百分比", "服务对象满意度指标", "满意度指标")

    assert {f.rule for f in review(document)} == {"percent-word", "satisfaction-100"}


def test_a_parsed_excel_serial_is_flagged_once() -> None:
    document = read("项目财政资金到位时间", "= 44,561", "时效指标")

    repairs = [(f.rule, f.message) for f in review(document) if f.rule in ("excel-serial", "ocr-repaired")]

    assert repairs == [
        (
            "excel-serial",
            "指标“项目财政资金到位时间”的指标值“= 44,561”"
            "疑为Excel日期序列号（44561对应2021年12月31日），应填写日期",
        )
    ]


def test_a_parsed_bare_number_has_no_unit() -> None:
    assert messages(read("培训场次", "=8"), "missing-unit") == [
        "指标“培训场次”的指标值“=8”有数值但没有计量单位"
    ]
