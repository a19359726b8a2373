"""Rules on the indicator set: annual-vs-medium, horizon-missing-indicator, all-qualitative-outputs,
no-quantitative, duplicate-indicator."""

from __future__ import annotations

from jixiao.domain.forms.model import Horizon

from .factories import GE, LE, form, good_form, ind, messages, na, q, qual

M, A = Horizon.MEDIUM_TERM, Horizon.ANNUAL


def test_it_flags_an_annual_count_above_the_medium_term_one() -> None:
    document = form(
        ind("开展执法督查", q("≥2次", GE, 2, "次"), horizon=M),
        ind("开展执法督查", q("≥6次", GE, 6, "次"), horizon=A),
    )

    assert messages(document, "annual-vs-medium") == [
        "指标“开展执法督查”的年度指标值“≥6次”大于中期指标值“≥2次”；累计数量的年度目标不应超过中期目标"
    ]


def test_it_accepts_an_annual_count_equal_to_the_medium_term_one() -> None:
    document = form(
        ind("管理属地网站、微信公众号、微博号", q("≥4万家", GE, 40000, "家", raw_unit="万家"), horizon=M),
        ind("管理属地网站、微信公众号、微博号", q("≥4万家", GE, 40000, "家", raw_unit="万家"), horizon=A),
    )

    assert messages(document, "annual-vs-medium") == []


def test_it_does_not_compare_rates_or_bounds() -> None:
    document = form(
        ind("网络安全月报", q("≥1次/月", GE, 1, "次/月"), horizon=M),
        ind("网络安全月报", q("≥2次/月", GE, 2, "次/月"), horizon=A),
        ind("处置时限", q("≤6小时", LE, 6, "小时"), "时效指标", horizon=M),
        ind("处置时限", q("≤12小时", LE, 12, "小时"), "时效指标", horizon=A),
    )

    assert messages(document, "annual-vs-medium") == []


def test_it_notes_an_indicator_missing_from_the_other_horizon() -> None:
    document = form(
        ind("开展执法督查", q("≥6次", GE, 6, "次"), horizon=M),
        ind("发布安全预警", q("≥15次", GE, 15, "次"), horizon=M),
        ind("开展执法督查", q("≥2次", GE, 2, "次"), horizon=A),
        ind("开展 普法宣传", q("≥2次", GE, 2, "次"), horizon=A),
    )

    assert messages(document, "horizon-missing-indicator") == [
        "中期指标“发布安全预警”在年度指标中没有同名指标",
        "年度指标“开展 普法宣传”在中期指标中没有同名指标",
    ]


def test_it_matches_names_across_horizons_ignoring_spaces() -> None:
    document = form(
        ind("开展 执法督查", q("≥6次", GE, 6, "次"), horizon=M),
        ind("开展执法督查", q("≥2次", GE, 2, "次"), horizon=A),
    )

    assert messages(document, "horizon-missing-indicator") == []


def test_it_flags_a_horizon_whose_outputs_are_all_qualitative() -> None:
    document = form(
        ind("开展网络生态治理工作", qual("全年"), "时效指标"),
        ind("经费支出合规性", qual("严格执行相关财经法规、制度等规定"), "质量指标"),
        ind("培训学员满意度", q("≥95%", GE, 95, "%"), "服务对象满意度指标", "满意度指标"),
    )

    assert messages(document, "all-qualitative-outputs") == [
        "年度产出指标（2项）全部为定性表述，应设置可衡量的定量指标"
    ]
    assert messages(document, "no-quantitative") == []


def test_it_knows_outputs_by_their_second_level_alone() -> None:
    document = form(
        ind("开展网络生态治理工作", qual("全年"), "时效指标", None),
        ind("网络满意度", q("≥90%", GE, 90, "%"), "服务对象满意度指标", None),
    )

    assert len(messages(document, "all-qualitative-outputs")) == 1


def test_it_accepts_outputs_with_one_number() -> None:
    document = form(
        ind("开展网络生态治理工作", qual("全年"), "时效指标"),
        ind("开展普法宣传", q("≥2次", GE, 2, "次")),
    )

    assert messages(document, "all-qualitative-outputs") == []


def test_it_flags_a_form_without_any_number_once() -> None:
    document = form(
        ind("开展网络生态治理工作", qual("全年"), "时效指标"),
        ind("经济效益", na(), "经济效益指标", "效益指标"),
        ind("网上正能量覆盖范围", qual("持续扩大"), "社会效益指标", "效益指标"),
    )

    assert messages(document, "no-quantitative") == ["全部2项指标都没有定量目标，绩效无法衡量"]
    assert messages(document, "all-qualitative-outputs") == []


def test_it_flags_an_indicator_repeated_in_one_horizon() -> None:
    document = form(
        ind("开展普法宣传", q("≥2次", GE, 2, "次")),
        ind("开展普法宣传", q("≥3次", GE, 3, "次")),
        ind("开展普法宣传", q("≥6次", GE, 6, "次"), horizon=M),
    )

    assert messages(document, "duplicate-indicator") == ["年度指标“开展普法宣传”重复出现"]


def test_the_horizon_rules_pass_a_sound_form() -> None:
    document = good_form()

    for rule in (
        "annual-vs-medium",
        "horizon-missing-indicator",
        "all-qualitative-outputs",
        "no-quantitative",
        "duplicate-indicator",
    ):
        assert messages(document, rule) == []
