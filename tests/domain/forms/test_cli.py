"""The command line as a person uses it: exit statuses, JSON shapes, errors that name the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.cli import main

SEED_004 = "004_3a0e3774f820140f.txt"


def test_lint_finds_the_defects_of_seed_004_and_exits_1(seeds_dir, capsys, monkeypatch):
    monkeypatch.chdir(seeds_dir)
    assert main(["lint", "--json", SEED_004]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    errors = {(f["rule"], f["indicator"]) for f in findings if f["severity"] == "error"}
    assert errors == {
        ("fund-uses-sum", None),
        ("unit-mismatch", "各项网宣任务完成及时率(%)"),
        ("cost-operator", "平均每月的费用"),
    }
    fund = next(f for f in findings if f["rule"] == "fund-uses-sum")
    assert "15000万元" in fund["message"]
    assert "15000元" in fund["message"]
    assert fund["location"] == f"{SEED_004}, line 46"
    assert set(findings[0]) == {"rule", "severity", "form", "project", "indicator", "message", "location"}


def test_lint_finds_the_app_count_measured_in_times_in_seed_000(seeds_dir, capsys, monkeypatch):
    monkeypatch.chdir(seeds_dir)
    assert main(["lint", "--json", "000_be243faf42b34df7.txt"]) == 0  # warnings only
    findings = json.loads(capsys.readouterr().out)["findings"]
    count_unit = [f for f in findings if f["rule"] == "count-unit"]
    assert [(f["indicator"], f["project"]) for f in count_unit] == [
        ("监测涉个人信息保护互联网应用数量", "网络安全和信息化工作经费")
    ] * 2


def test_lint_prints_one_line_per_finding_for_people(seeds_dir, capsys, monkeypatch):
    monkeypatch.chdir(seeds_dir)
    main(["lint", SEED_004])
    out = capsys.readouterr()
    assert f"{SEED_004}，第95行: error: cost-operator: [平均每月的费用]" in out.out
    assert "3 error" in out.err


def test_parse_reports_an_unreadable_file_and_still_prints_the_others(seeds_dir, tmp_path, capsys):
    broken = tmp_path / "truncated.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    status = main(["parse", "--json", str(seeds_dir / SEED_004), str(broken)])
    assert status == 2
    out = capsys.readouterr()
    payload = json.loads(out.out)
    assert len(payload["forms"]) == 2
    assert payload["errors"][0]["file"] == str(broken)
    assert "truncated.xlsx" in out.err


def test_parse_prints_a_readable_summary_without_json(seeds_dir, capsys):
    assert main(["parse", str(seeds_dir / SEED_004)]) == 0
    out = capsys.readouterr().out
    assert "网络信息办公专项经费" in out
    assert "13063621HBMFX90HG2OQ7" in out


def test_parse_prints_warnings_with_the_place_in_chinese(seeds_dir, capsys, monkeypatch):
    monkeypatch.chdir(seeds_dir)
    assert main(["parse", SEED_004]) == 0
    out = capsys.readouterr().out
    assert f"提示：{SEED_004}，第2行：未找到年度" in out
    assert "绩效目标表" in out
    assert ", line " not in out
    assert "warning" not in out


def test_the_console_script_is_installed(seeds_dir):
    exe = Path(sys.executable).with_name("jixiao")
    result = subprocess.run(
        [str(exe), "parse", "--json", str(seeds_dir / SEED_004)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["forms"][1]["project"]["code"] == "13063621HBMFX90HG2OQ7"


def test_a_missing_file_is_a_clear_error(capsys):
    assert main(["parse", "no-such-form.docx"]) == 2
    assert "no-such-form.docx：找不到这个文件" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["parse", "lint"])
def test_it_needs_a_file(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command])
    assert info.value.code == 2


def test_rules_lists_every_review_rule_with_its_severity(capsys):
    assert main(["rules", "--json"]) == 0
    rules = {r["id"]: r["severity"] for r in json.loads(capsys.readouterr().out)["rules"]}
    assert rules["fund-uses-sum"] == "error"
    assert rules["count-unit"] == "warning"
    assert len(rules) >= 20


def test_it_says_a_target_table_is_not_a_self_evaluation_instead_of_scoring_zeros(tmp_path, capsys):
    path = tmp_path / "target.txt"
    path.write_text(
        "2024年度项目支出绩效目标表\n项目名称\t社区书屋运营\n一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t图书借阅人次\t≥5000人次\n",
        encoding="utf-8",
    )
    assert main(["score", str(path)]) == 2
    captured = capsys.readouterr()
    assert "不是绩效自评表" in captured.err
    assert "绩效目标表" in captured.err
    assert "computed" not in captured.out


def test_it_prints_what_a_form_says_as_text_even_when_it_looks_like_console_markup(tmp_path, capsys):
    path = tmp_path / "markup.txt"
    path.write_text(
        "项目支出绩效目标表\n项目名称\t[/red]书屋[bold]\n一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t[/]借阅人次\t≥5000人次[link=x]\n",
        encoding="utf-8",
    )
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[/red]书屋[bold]" in out
    assert "[/]借阅人次" in out
