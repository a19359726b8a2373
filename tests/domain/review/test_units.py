"""Rules on units: unit-mismatch, count-unit, missing-unit."""

from __future__ import annotations

from .factories import EQ, GE, LE, form, good_form, ind, messages, q


def test_it_flags_a_rate_measured_in_days() -> None:
    document = form(ind("各项网宣任务完成及时率（%）", q("≤2天", LE, 2, "天"), "时效指标"))

    assert messages(document, "unit-mismatch") == [
        "指标“各项网宣任务完成及时率（%）”是比率，但指标值“≤2天”的单位为“天”；比率应以%计，"
        "若要限定时限，宜设为时效指标（如“完成时限≤2天”）"
    ]


def test_it_accepts_a_rate_in_percent() -> None:
    document = form(ind("各项网宣任务完成及时率（%）", q("≥95%", GE, 95, "%"), "时效指标"))

    assert messages(document, "unit-mismatch") == []


def test_it_treats_a_percent_marker_in_the_name_as_a_rate() -> None:
    document = form(ind("任务按时完成（%）", q("≥5次", GE, 5, "次")))

    assert len(messages(document, "unit-mismatch")) == 1


def test_it_flags_a_rate_measured_in_money() -> None:
    document = form(ind("资金到位率", q("≥10万元", GE, 100000, "元", raw_unit="万元"), "质量指标"))

    assert messages(document, "unit-mismatch") == [
        "指标“资金到位率”是比率，但指标值“≥10万元”是金额（元）；比率应以%计"
    ]


def test_it_flags_money_measured_in_percent() -> None:
    document = form(ind("宣传材料费用", q("≥90%", GE, 90, "%")))

    assert messages(document, "unit-mismatch") == [
        "指标“宣传材料费用”是金额，但指标值“≥90%”以%计；金额应以元或万元计"
    ]


def test_it_flags_a_count_measured_in_percent() -> None:
    document = form(ind("培训人数", q("≥90%", GE, 90, "%")))

    assert len(messages(document, "unit-mismatch")) == 1


def test_it_accepts_a_cost_saving_in_percent() -> None:
    document = form(ind("办公成本降低", q("≥5%", GE, 5, "%"), "经济效益指标", "效益指标"))

    assert messages(document, "unit-mismatch") == []


def test_it_accepts_money_tracked_as_a_share_of_its_plan() -> None:
    document = form(ind("预算资金支出进度", q("≥95%", GE, 95, "%"), "时效指标"))

    assert messages(document, "unit-mismatch") == []


def test_it_does_not_take_leading_the_way_for_a_rate() -> None:
    document = form(ind("率先建成网络安全示范单位", q("≥1个", GE, 1, "个")))

    assert messages(document, "unit-mismatch") == []


def test_it_does_not_take_a_frequency_for_a_rate() -> None:
    document = form(ind("网络安全月报发布频率", q("≥1次/月", GE, 1, "次/月")))

    assert messages(document, "unit-mismatch") == []


def test_it_accepts_satisfaction_scored_in_points() -> None:
    document = form(ind("群众满意度", q("≥90分", GE, 90, "分"), "服务对象满意度指标", "满意度指标"))

    assert messages(document, "unit-mismatch") == []


def test_it_flags_an_app_count_measured_in_times() -> None:
    document = form(ind("监测涉个人信息保护互联网应用数量", q("≥18次", GE, 18, "次")))

    assert messages(document, "count-unit") == [
        "指标“监测涉个人信息保护互联网应用数量”计的是对象的数量，但指标值“≥18次”以“次”计；应以家、个、款等对象单位计"
    ]


def test_it_flags_a_member_count_measured_in_times() -> None:
    document = form(ind("全市网络媒体会员数", q("≥100次", GE, 100, "次")))

    assert len(messages(document, "count-unit")) == 1


def test_it_accepts_an_event_count_measured_in_times() -> None:
    document = form(
        ind("开展宣传活动数量", q("≥6次", GE, 6, "次")),
        ind("监测数量", q("≥6次", GE, 6, "次")),
        ind("大型互联网普法宣传活动举办次数", q("9次", EQ, 9, "次")),
    )

    assert messages(document, "count-unit") == []


def test_it_flags_a_number_of_times_measured_in_companies() -> None:
    document = form(ind("开展执法检查次数", q("≥6家", GE, 6, "家")))

    assert messages(document, "count-unit") == [
        "指标“开展执法检查次数”计的是次数，但指标值“≥6家”以“家”计；次数应以“次”计"
    ]


def test_it_accepts_an_object_count_measured_in_companies() -> None:
    document = form(ind("监测涉个人信息保护互联网应用数量", q("≥10个", GE, 10, "个")))

    assert messages(document, "count-unit") == []


def test_it_flags_a_number_without_a_unit() -> None:
    document = form(ind("出差人数", q("=8", EQ, 8)))

    assert messages(document, "missing-unit") == ["指标“出差人数”的指标值“=8”有数值但没有计量单位"]


def test_it_accepts_a_bare_number_when_the_name_carries_the_unit() -> None:
    document = form(ind("出差人数（人）", q("=8", EQ, 8)), ind("任务完成率(%)", q("≥95", GE, 95)))

    assert messages(document, "missing-unit") == []


def test_the_unit_rules_pass_a_sound_form() -> None:
    document = good_form()

    assert messages(document, "unit-mismatch") + messages(document, "count-unit") == []
    assert messages(document, "missing-unit") == []
