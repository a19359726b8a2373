"""`jixiao import`: the seed files stored through the command line, all or nothing, idempotent."""

from __future__ import annotations

from jixiao.cli import main
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.performance.actions.targets import do_approve_targets, do_submit_targets
from jixiao.performance.models import Indicator, Project


def test_it_imports_the_seed_files_and_a_second_run_changes_nothing(root: Unit, seeds_dir, capsys) -> None:
    files = [str(p) for p in sorted(seeds_dir.glob("*.txt"))]
    assert main(["import", *files, "--reason", "2023 targets"]) == 0
    assert "5 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert Project.objects.unrestricted().count() == 5
    assert Indicator.objects.unrestricted().count() == 103
    security = Project.objects.unrestricted().get(name="网络安全和信息化工作经费")
    assert security.unit.name == "中共宿州市委网络安全和信息化委员会办公室"
    target = security.indicators.get(name="通报网络安全风险和事件", horizon="annual")
    assert (target.target_operator, target.target_value, target.target_unit) == (">=", 70, "起")

    assert main(["import", *files]) == 0
    assert "0 created, 0 updated, 5 unchanged" in capsys.readouterr().out
    assert Indicator.objects.unrestricted().count() == 103


def test_one_unreadable_file_stops_the_whole_import(root: Unit, seeds_dir, tmp_path, capsys) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a word file")
    status = main(["import", str(seeds_dir / "004_3a0e3774f820140f.txt"), str(broken)])
    assert status == 2
    err = capsys.readouterr().err
    assert "broken.docx" in err
    assert "nothing imported" in err
    assert Project.objects.unrestricted().count() == 0


def test_an_unknown_user_is_refused(root: Unit, seeds_dir, capsys) -> None:
    assert main(["import", str(seeds_dir / "004_3a0e3774f820140f.txt"), "--user", "nobody"]) == 2
    assert "no user named 'nobody'" in capsys.readouterr().err
    assert Project.objects.unrestricted().count() == 0


def test_a_changed_form_over_approved_targets_proposes_an_adjustment_and_says_so(
    root: Unit, seeds_dir, tmp_path, capsys
) -> None:
    seed = seeds_dir / "000_be243faf42b34df7.txt"
    assert main(["import", str(seed)]) == 0
    project = Project.objects.unrestricted().get(name="网络安全和信息化工作经费")
    do_submit_targets(project, acting_user=SYSTEM)
    do_approve_targets(project, acting_user=SYSTEM)
    changed = tmp_path / seed.name
    changed.write_text(seed.read_text(encoding="utf-8").replace("≥150家", "≥160家"), encoding="utf-8")
    capsys.readouterr()

    assert main(["import", str(changed)]) == 0
    out = capsys.readouterr().out
    assert "网络安全和信息化工作经费：目标已送审或已审核，未直接修改；已提出目标调整 #" in out
    assert "（1 项变化），待审核" in out
    assets = project.indicators.get(name="全市网络资产监测", horizon="annual")
    assert assets.target_value == 150  # the approved target stays as it was

    assert main(["import", str(changed)]) == 0
    assert "同样的调整已提出或已被退回，未再提出" in capsys.readouterr().out


def test_a_unit_name_one_character_off_is_matched_with_a_note_not_created(
    root: Unit, seeds_dir, tmp_path, capsys
) -> None:
    seed = seeds_dir / "000_be243faf42b34df7.txt"
    assert main(["import", str(seed)]) == 0
    units = Unit.objects.unrestricted().count()
    text = seed.read_text(encoding="utf-8")
    assert "中共宿州市委网络安全和信息化委员会办公室" in text
    changed = tmp_path / "000_other_year.txt"
    changed.write_text(
        text.replace(
            "中共宿州市委网络安全和信息化委员会办公室", "中共宿州市委网络安全和信息化委员办公室"
        ).replace("2023", "2024"),
        encoding="utf-8",
    )
    capsys.readouterr()

    assert main(["import", str(changed)]) == 0
    out = capsys.readouterr().out
    assert "按已有单位“中共宿州市委网络安全和信息化委员会办公室”导入" in out
    assert "请确认" in out
    assert Unit.objects.unrestricted().count() == units
    assert Project.objects.unrestricted().filter(year=2024, unit__name__startswith="中共宿州市委").exists()
