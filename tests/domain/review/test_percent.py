"""Percentages and satisfaction: satisfaction-100, satisfaction-range, percent-over-100, percent-word."""

from __future__ import annotations

from .factories import EQ, GE, GT, LE, form, good_form, ind, messages, q


def test_it_flags_satisfaction_of_100_percent() -> None:
    document = form(ind("培训学员满意度", q("100%", EQ, 100, "%"), "服务对象满意度指标", "满意度指标"))

    assert messages(document, "satisfaction-100") == [
        "满意度指标“培训学员满意度”的目标为“100%”；满意度定为100%无法实现，常见取值为≥85%至≥95%"
    ]


def test_it_flags_satisfaction_of_at_least_100_percent() -> None:
    document = form(ind("群众认可程度", q("≥100%", GE, 100, "%"), "服务对象满意度指标", "满意度指标"))

    assert len(messages(document, "satisfaction-100")) == 1


def test_it_accepts_satisfaction_of_95_percent() -> None:
    document = form(ind("培训学员满意度", q("≥95%", GE, 95, "%"), "服务对象满意度指标", "满意度指标"))

    assert messages(document, "satisfaction-100") == []
    assert messages(document, "satisfaction-range") == []


def test_it_does_not_take_another_rate_under_satisfaction_for_satisfaction() -> None:
    document = form(ind("群众投诉处理率", q("100%", EQ, 100, "%"), "服务对象满意度指标", "满意度指标"))

    assert messages(document, "satisfaction-100") == []


def test_it_notes_satisfaction_below_85_percent() -> None:
    document = form(ind("协会会员满意率", q("≥80%", GE, 80, "%"), "服务对象满意度指标", "满意度指标"))

    assert messages(document, "satisfaction-range") == [
        "满意度指标“协会会员满意率”的目标为“≥80%”，低于常见的85%"
    ]


def test_it_flags_a_percentage_over_100() -> None:
    document = form(ind("违法违规网站账号处置率", q("≥110%", GE, 110, "%"), "质量指标"))

    assert messages(document, "percent-over-100") == [
        "指标“违法违规网站账号处置率”的目标为“≥110%”，超过100%，无法达成"
    ]


def test_it_flags_more_than_100_percent() -> None:
    document = form(ind("覆盖率", q(">100%", GT, 100, "%"), "质量指标"))

    assert len(messages(document, "percent-over-100")) == 1


def test_it_accepts_100_percent_and_growth_over_100() -> None:
    document = form(
        ind("违法违规网站账号处置率", q("100%", EQ, 100, "%"), "质量指标"),
        ind("网民访问量增长率", q("≥120%", GE, 120, "%"), "社会效益指标", "效益指标"),
        ind("差错率", q("≤150%", LE, 150, "%"), "质量指标"),
    )

    assert messages(document, "percent-over-100") == []


def test_it_flags_the_word_percent_as_a_unit() -> None:
    document = form(ind("任务完成率", q("≥100百分比", GE, 100, "%", raw_unit="百分比"), "质量指标"))

    assert messages(document, "percent-word") == [
        "指标“任务完成率”的指标值“≥100百分比”的单位写作“百分比”，应写作“%”（如“≥100%”）"
    ]


def test_it_accepts_the_percent_sign() -> None:
    document = form(ind("任务完成率", q("≥100%", GE, 100, "%"), "质量指标"))

    assert messages(document, "percent-word") == []


def test_the_percent_rules_pass_a_sound_form() -> None:
    document = good_form()

    for rule in ("satisfaction-100", "satisfaction-range", "percent-over-100", "percent-word"):
        assert messages(document, rule) == []
