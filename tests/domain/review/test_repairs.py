"""Rules on values the reader repaired or could not read: excel-serial, ocr-repaired, reader-warning."""

from __future__ import annotations

import datetime as dt

from jixiao.domain.forms.model import FormKind, FormWarning
from jixiao.domain.review import Severity
from jixiao.domain.targets.model import TargetKind, TargetValue

from .factories import EQ, GE, at, findings, form, good_form, ind, messages, q, qual


def test_it_flags_a_date_written_as_an_excel_serial() -> None:
    document = form(ind("项目财政资金到位时间", q("= 44,561", EQ, 44561), "时效指标"))

    assert messages(document, "excel-serial") == [
        "指标“项目财政资金到位时间”的指标值“= 44,561”"
        "疑为Excel日期序列号（44561对应2021年12月31日），应填写日期"
    ]
    assert messages(document, "missing-unit") == []


def test_it_flags_a_serial_the_reader_already_turned_into_a_date() -> None:
    target = TargetValue(
        raw="44561",
        kind=TargetKind.QUALITATIVE,
        date=dt.date(2021, 12, 31),
        warnings=("Excel date serial 44561 read as 2021-12-31",),
    )
    document = form(ind("工作计划按时完成", target, "时效指标"))

    assert len(messages(document, "excel-serial")) == 1
    assert messages(document, "ocr-repaired") == []


def test_it_flags_an_actual_value_written_as_a_serial() -> None:
    document = form(
        ind("项目完成时间", qual("2021年12月31日前"), "时效指标", actual="44561"),
        kind=FormKind.SELF_EVALUATION,
    )

    assert messages(document, "excel-serial") == [
        "指标“项目完成时间”的实际完成值“44561”疑为Excel日期序列号（对应2021年12月31日），应填写日期"
    ]


def test_it_accepts_a_large_count_where_no_date_is_meant() -> None:
    document = form(ind("网站巡查数量", q("≥44561", GE, 44561)))

    assert messages(document, "excel-serial") == []


def test_it_surfaces_every_repair_of_a_target() -> None:
    target = q("≥90%", GE, 90, "%", warnings=("'2≥90%': leading '2' read as '≥' (OCR damage): ≥90%",))
    document = form(ind("互联网重大突发事件应急处置率", target, "质量指标", location=at(3)))

    [finding] = findings(document, "ocr-repaired")

    assert finding.message == (
        "指标“互联网重大突发事件应急处置率”的指标值“≥90%”："
        "'2≥90%': leading '2' read as '≥' (OCR damage): ≥90%"
    )
    assert finding.location == at(3)
    assert finding.severity is Severity.WARNING


def test_it_surfaces_every_reader_warning() -> None:
    document = form(
        warnings=[FormWarning("第5行无法识别为指标行", at(5)), FormWarning("金额单位未注明，按元读取")]
    )

    found = findings(document, "reader-warning")

    assert [(f.message, f.location, f.severity) for f in found] == [
        ("金额单位未注明，按元读取", None, Severity.INFO),
        ("第5行无法识别为指标行", at(5), Severity.INFO),
    ]


def test_the_repair_rules_stay_quiet_on_a_sound_form() -> None:
    document = good_form()

    for rule in ("excel-serial", "ocr-repaired", "reader-warning"):
        assert messages(document, rule) == []
