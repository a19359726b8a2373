"""The two seed forms, read end to end through the command line, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.cli import main

SEED_000 = "000_be243faf42b34df7.txt"
SEED_004 = "004_3a0e3774f820140f.txt"


def parse_json(
    seeds_dir: Path, name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(seeds_dir)
    assert main(["parse", "--json", name]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", [SEED_000, SEED_004])
def test_it_reproduces_every_field_of_the_seed(name, seeds_dir, fixtures_dir, capsys, monkeypatch):
    expected = json.loads((fixtures_dir / "seeds" / f"{Path(name).stem}.expected.json").read_text("utf-8"))
    assert parse_json(seeds_dir, name, capsys, monkeypatch) == expected


# The security project of seed 000, typed by hand from the form: (一级, 二级, 三级, 中期指标值, 年度指标值).
SECURITY_PROJECT = [
    ("产出指标", "数量指标", "全市网络资产监测", "≥200家", "≥150家"),
    ("产出指标", "数量指标", "通报网络安全风险和事件", "≥300起", "≥70起"),
    ("产出指标", "数量指标", "发布安全预警", "≥15次", "≥5次"),
    ("产出指标", "数量指标", "监测涉个人信息保护互联网应用数量", "≥18次", "≥6次"),
    ("产出指标", "数量指标", "开展网络安全专项检查", "≥6次", "≥2次"),
    ("产出指标", "数量指标", "网络安全月报", "≥1次/月", "≥1次/月"),
    ("产出指标", "数量指标", "培训人次", "≥90人次", "≥30人次"),
    (
        "产出指标",
        "质量指标",
        "经费支出合规性",
        "严格执行相关财经法规、制度等规定",
        "严格执行相关财经法规、制度等规定",
    ),
    ("产出指标", "时效指标", "处置重点网络安全应急事件时限", "≤6小时", "≤6小时"),
    ("产出指标", "成本指标", "培训成本", "严格执行培训费相关规定", "严格执行培训费相关规定"),
    ("效益指标", "经济效益指标", "不适用", "不适用", "不适用"),
    ("效益指标", "社会效益指标", "网络安全知识宣传覆盖面", "持续提升", "持续提升"),
    ("效益指标", "生态效益指标", None, "不适用", "不适用"),
    ("效益指标", "可持续影响指标", "对网民的网络安全防护意识的影响程度", "持续提升", "持续提升"),
    ("满意度指标", "服务对象满意度指标", "培训学员满意率", "满意率95%以上", "满意率95%以上"),
]


def test_it_reads_the_security_project_row_by_row(seeds_dir, capsys, monkeypatch):
    form = parse_json(seeds_dir, SEED_000, capsys, monkeypatch)["forms"][1]
    assert form["project"]["name"] == "网络安全和信息化工作经费"
    assert form["funds"]["medium_term"] == {"total": "900000.00", "fiscal": "900000.00", "other": None}
    assert form["funds"]["annual"] == {"total": "300000.00", "fiscal": "300000.00", "other": None}
    for horizon, column in (("medium_term", 3), ("annual", 4)):
        rows = [
            (i["level1"], i["level2"], i["name"], i["target"]["raw"])
            for i in form["indicators"]
            if i["horizon"] == horizon
        ]
        assert rows == [(r[0], r[1], r[2], r[column]) for r in SECURITY_PROJECT]


def test_it_types_the_targets_of_the_security_project(seeds_dir, capsys, monkeypatch):
    form = parse_json(seeds_dir, SEED_000, capsys, monkeypatch)["forms"][1]
    annual = {i["name"]: i["target"] for i in form["indicators"] if i["horizon"] == "annual"}
    assert (annual["通报网络安全风险和事件"]["operator"], annual["通报网络安全风险和事件"]["value"]) == (
        ">=",
        "70",
    )
    assert annual["网络安全月报"]["unit"] == "次/月"
    assert (
        annual["处置重点网络安全应急事件时限"]["operator"],
        annual["处置重点网络安全应急事件时限"]["unit"],
    ) == (
        "<=",
        "小时",
    )
    assert (annual["培训学员满意率"]["operator"], annual["培训学员满意率"]["value"]) == (">=", "95")
    assert annual["经费支出合规性"]["kind"] == "qualitative"
    assert annual["不适用"]["kind"] == "not_applicable"


def test_it_reads_forty_thousand_accounts_as_a_number(seeds_dir, capsys, monkeypatch):
    form = parse_json(seeds_dir, SEED_000, capsys, monkeypatch)["forms"][0]
    target = next(i["target"] for i in form["indicators"] if i["name"] == "管理属地网站、微信公众号、微博号")
    assert (target["operator"], target["value"], target["unit"], target["raw_unit"]) == (
        ">=",
        "40000",
        "家",
        "万家",
    )


def test_it_finds_three_projects_in_seed_000_with_both_horizons(seeds_dir, capsys, monkeypatch):
    forms = parse_json(seeds_dir, SEED_000, capsys, monkeypatch)["forms"]
    assert [f["project"]["name"] for f in forms] == [
        "网络内容建设工作经费及网络综合治理",
        "网络安全和信息化工作经费",
        "网络媒体协会运行经费",
    ]
    assert [f["year"] for f in forms] == [2023, 2023, 2023]
    counts = [
        (
            sum(i["horizon"] == "medium_term" for i in f["indicators"]),
            sum(i["horizon"] == "annual" for i in f["indicators"]),
        )
        for f in forms
    ]
    assert counts == [(22, 22), (15, 15), (11, 11)]
    assert forms[2]["funds"]["annual"]["total"] == "50000.00"


def test_it_reads_the_department_part_and_the_project_of_seed_004(seeds_dir, capsys, monkeypatch):
    dept, project = parse_json(seeds_dir, SEED_004, capsys, monkeypatch)["forms"]
    assert dept["kind"] == "department_wide"
    assert dept["indicators"] == []
    assert len(dept["department"]["sub_goals"]) == 3
    assert len(dept["department"]["measures"]) == 6
    assert dept["goals"]["annual"].startswith("顺平网信战线坚持")
    assert project["kind"] == "target"
    assert project["project"]["code"] == "13063621HBMFX90HG2OQ7"
    assert project["project"]["unit_code"] == "224001"
    assert project["funds"]["annual"] == {"total": "112500.00", "fiscal": "112500.00", "other": "0.00"}
    assert [(u["item"], u["amount"]) for u in project["fund_uses"]] == [
        ("宣传材料费", "55000.00"),
        ("印制网评学习资料、网评典型案例等资料", "150000000.00"),
        ("网信办公经费", "32500.00"),
        ("网络安全调研", "10000.00"),
    ]
    assert [(s["label"], s["cumulative_percent"]) for s in project["spending_plan"]] == [
        ("3月底", "25"),
        ("6月底", "50"),
        ("10月底", "75"),
        ("12月底", "100"),
    ]
    targets = [(i["level2"], i["target"]["raw"], i["target"]["operator"]) for i in project["indicators"]]
    assert targets[0] == ("数量指标", "9次", "=")
    assert targets[3] == ("成本指标", "≥9000元", ">=")
    assert project["indicators"][2]["description"] == "各项网宣任务及时处置"
    assert {i["basis"] for i in project["indicators"]} == {"网络信息办公经费实施计划"}


def test_it_says_when_a_form_has_no_year(seeds_dir, capsys, monkeypatch):
    project = parse_json(seeds_dir, SEED_004, capsys, monkeypatch)["forms"][1]
    assert project["year"] is None
    assert any(w["message"] == "未找到年度" for w in project["warnings"])
