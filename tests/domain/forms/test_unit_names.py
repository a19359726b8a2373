"""Unit names that differ from a known unit only in ways a person would not count as a different unit are
matched, with a reason to confirm; anything further apart, or close to several units, is not."""

from __future__ import annotations

from jixiao.domain.forms.units import closest_unit, unit_key

KNOWN = ["示例市委网络安全和信息化委员会办公室", "示例县网信办", "示例县文化和旅游局", "示例县教育局"]


def test_it_matches_the_same_name_exactly() -> None:
    result = closest_unit("示例县教育局", KNOWN)
    assert (result.match, result.exact) == ("示例县教育局", True)


def test_it_matches_a_name_with_one_character_left_out_and_says_which() -> None:
    result = closest_unit("示例市委网络安全和信息化委员办公室", KNOWN)
    assert result.match == "示例市委网络安全和信息化委员会办公室"
    assert not result.exact
    assert "少了“会”" in result.reason


def test_it_matches_a_name_with_one_character_changed() -> None:
    result = closest_unit("示例县文化和旅游厅", KNOWN)
    assert result.match == "示例县文化和旅游局"
    assert "“厅”对应“局”" in result.reason


def test_it_matches_a_benji_suffix_and_traditional_characters() -> None:
    suffixed = closest_unit("示例县教育局(本级)", KNOWN)
    assert suffixed.match == "示例县教育局"
    assert "本级" in suffixed.reason
    traditional = closest_unit("示例縣教育局", KNOWN)
    assert traditional.match == "示例县教育局"
    assert "繁体" in traditional.reason


def test_it_does_not_match_short_names_or_names_two_characters_apart() -> None:
    assert closest_unit("示例县财政局", KNOWN).match is None  # 教育 → 财政: two characters
    assert closest_unit("网信", ["网安"]).match is None


def test_it_lists_the_candidates_when_several_units_are_equally_close() -> None:
    result = closest_unit("示例县教育厅", [*KNOWN, "示例县教育所"])
    assert result.match is None
    assert set(result.candidates) == {"示例县教育局", "示例县教育所"}


def test_it_keys_names_without_spaces_script_or_suffix() -> None:
    assert unit_key(" 示例 縣 教育局（本級） ") == "示例县教育局"
