"""The asset registry: bulk import all-or-nothing with located errors, idempotent by URL, export round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset, do_import_assets, do_update_asset
from jixiao.security.models import Asset, AssetSchedule, AssetState
from jixiao.security.registry import AssetImportError, export_assets, normalise_url

HEADER = [
    "名称",
    "类型",
    "主办单位",
    "网址",
    "其他网址",
    "分类",
    "重要程度",
    "联系人",
    "联系电话",
    "联系邮箱",
    "标签",
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row(n: int, owner: str = "EDU01", **overrides: str) -> list[str]:
    values = {
        "名称": f"学校网站{n}",
        "类型": "网站",
        "主办单位": owner,
        "网址": f"https://school{n}.edu.test/",
        "其他网址": f"school{n}.edu.test; http://old{n}.edu.test/",
        "分类": "教育",
        "重要程度": "重点" if n % 10 == 0 else "一般",
        "联系人": "张老师",
        "联系电话": "0557-1234567",
        "联系邮箱": f"admin{n}@edu.test",
        "标签": "学校, 门户",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def test_it_normalises_urls_to_one_identity() -> None:
    assert normalise_url("HTTPS://WWW.Gov.Test:443") == "https://www.gov.test/"
    assert normalise_url("www.gov.test/a#top") == "https://www.gov.test/a"
    assert normalise_url("http://127.0.0.1:8080/x?y=1") == "http://127.0.0.1:8080/x?y=1"
    with pytest.raises(ValueError, match="只能监测 http 和 https 网址"):
        normalise_url("ftp://files.gov.test/")


def test_it_imports_forty_thousand_rows_in_one_transaction(
    education: Unit, health: Unit, tmp_path: Path
) -> None:
    rows = [row(n, owner="EDU01" if n % 2 else "市卫健委") for n in range(40_000)]
    path = write_csv(tmp_path / "assets.csv", rows)

    result = do_import_assets(path, acting_user=SYSTEM, reason="年度资产台账")

    assert (result.created, result.updated, result.unchanged) == (40_000, 0, 0)
    assert Asset.objects.unrestricted().count() == 40_000
    assert Asset.objects.unrestricted().filter(owner=health).count() == 20_000
    assert AssetSchedule.objects.unrestricted().count() == 5 * 40_000  # one row per check group
    assert AssetState.objects.unrestricted().count() == 40_000
    assert AuditEvent.objects.unrestricted().filter(action="asset.created").count() == 40_000
    sample = Asset.objects.unrestricted().get(url="https://school10.edu.test/")
    assert sample.importance == "key"
    assert sample.schedule_class == "key"
    assert sample.extra_urls == ["school10.edu.test", "http://old10.edu.test/"]
    assert sample.tags == ["学校", "门户"]

    again = do_import_assets(path, acting_user=SYSTEM, reason="重复导入")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 40_000)
    assert Asset.objects.unrestricted().count() == 40_000


def test_a_reimport_updates_changed_rows_in_place_by_url(education: Unit, tmp_path: Path) -> None:
    do_import_assets(write_csv(tmp_path / "a.csv", [row(1), row(2)]), acting_user=SYSTEM, reason="first")
    first = Asset.objects.unrestricted().get(url="https://school1.edu.test/")

    changed = row(1, 联系人="李老师", 网址="HTTPS://SCHOOL1.EDU.TEST")
    result = do_import_assets(
        write_csv(tmp_path / "b.csv", [changed, row(2)]), acting_user=SYSTEM, reason="fix"
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    first.refresh_from_db()
    assert first.contact_name == "李老师"
    event = AuditEvent.objects.unrestricted().get(action="asset.updated")
    assert event.object_id == first.pk
    assert event.changes == {"contact_name": ["张老师", "李老师"]}


def test_one_bad_row_stores_nothing_and_every_error_says_where(education: Unit, tmp_path: Path) -> None:
    rows = [row(n) for n in range(50)]
    rows[3] = row(3, 网址="ftp://x.edu.test/")
    rows[7] = row(7, 主办单位="不存在的单位")
    rows[9] = row(9, 网址="https://school1.edu.test/")
    rows[11] = row(11, 重要程度="很重要", 联系邮箱="not-an-email")
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(AssetImportError) as caught:
        do_import_assets(path, acting_user=SYSTEM, reason="bad file")

    found = {(e.row, e.column, e.message) for e in caught.value.errors}
    assert (5, "D（网址）", "只能监测 http 和 https 网址，不能监测 ftp:") in found
    assert (9, "C（主办单位）", "没有单位“不存在的单位”") in found
    assert (11, "D（网址）", "https://school1.edu.test/ 已在第 3 行登记") in found
    # The importance error names the labels a person writes, not the internal codes.
    assert (13, "G（重要程度）", "“很重要”不是可填写的重要程度（重点、一般）") in found
    assert any(r == 13 and c == "J（联系邮箱）" for r, c, _ in found)
    assert all(e.file == str(path) for e in caught.value.errors)
    assert Asset.objects.unrestricted().count() == 0
    assert not AuditEvent.objects.unrestricted().filter(action__startswith="asset").exists()


def test_it_reads_xlsx_sheets_and_names_the_sheet_of_an_error(education: Unit, tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "教育"
    first.append(HEADER)
    first.append([*row(1)[:8], 5571234567, "a@edu.test", ""])  # a phone typed as a number
    second = book.create_sheet("其他")
    second.append(HEADER)
    second.append(row(2, 主办单位=""))
    path = tmp_path / "assets.xlsx"
    book.save(path)

    with pytest.raises(AssetImportError) as caught:
        do_import_assets(path, acting_user=SYSTEM, reason="xlsx")
    [error] = caught.value.errors
    assert (error.sheet, error.row, error.column) == ("其他", 2, "C（主办单位）")

    second.delete_rows(2)
    book.save(path)
    do_import_assets(path, acting_user=SYSTEM, reason="xlsx")
    assert Asset.objects.unrestricted().get().contact_phone == "5571234567"


def test_a_header_without_the_url_column_is_refused(education: Unit, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["a", "EDU01"]], header=["名称", "主办单位"])
    with pytest.raises(AssetImportError, match="表头缺少网址"):
        do_import_assets(path, acting_user=SYSTEM, reason="x")


def test_a_person_may_import_only_into_units_they_can_change(
    education: Unit, health: Unit, education_editor: User, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [row(1), row(2, owner="HLT01")])
    with pytest.raises(PermissionDenied, match="第 3 行"):
        do_import_assets(path, acting_user=education_editor, reason="x")
    assert Asset.objects.unrestricted().count() == 0

    do_import_assets(write_csv(tmp_path / "b.csv", [row(1)]), acting_user=education_editor, reason="x")
    assert Asset.objects.unrestricted().get().owner == education


def test_an_export_imports_back_unchanged(education: Unit, health: Unit, tmp_path: Path) -> None:
    rows = [row(n, owner="EDU01" if n % 2 else "HLT01") for n in range(20)]
    do_import_assets(write_csv(tmp_path / "in.csv", rows), acting_user=SYSTEM, reason="x")
    Asset.objects.unrestricted().filter(url="https://school3.edu.test/").update(active=False)

    for name in ("out.csv", "out.xlsx"):
        assert export_assets(tmp_path / name, acting_user=SYSTEM) == 20
        result = do_import_assets(tmp_path / name, acting_user=SYSTEM, reason="round trip")
        assert (result.created, result.updated, result.unchanged) == (0, 0, 20)


def test_assets_are_scoped_to_the_owner_units_subtree(
    education: Unit, school: Unit, health: Unit, education_editor: User, health_editor: User, outsider: User
) -> None:
    mine = do_create_asset("教育局网站", "https://edu.test/", owner=education, acting_user=SYSTEM, reason="x")
    below = do_create_asset("一中网站", "https://school.test/", owner=school, acting_user=SYSTEM, reason="x")
    other = do_create_asset(
        "卫健委网站", "https://health.test/", owner=health, acting_user=SYSTEM, reason="x"
    )

    assert set(Asset.objects.restrict(education_editor, "view")) == {mine, below}
    assert set(Asset.objects.restrict(health_editor, "change")) == {other}
    assert not Asset.objects.restrict(outsider, "view").exists()
    with pytest.raises(PermissionDenied):
        do_update_asset(other, name="改名", acting_user=education_editor, reason="x")
    do_update_asset(below, name="第一中学网站", acting_user=education_editor, reason="改名")
    assert (
        AuditEvent.objects.unrestricted().filter(action="asset.updated", object_id=below.pk).get().reason
        == "改名"
    )


def test_the_management_command_imports_and_exports(education: Unit, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(1), row(2)])
    call_command("assets", "import", str(path), "--reason", "命令行")
    assert Asset.objects.unrestricted().count() == 2
    assert AuditEvent.objects.unrestricted().get(action="assets.imported").reason == "命令行"

    call_command("assets", "export", str(tmp_path / "out.xlsx"))
    assert (tmp_path / "out.xlsx").stat().st_size > 0

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("assets", "import", str(write_csv(tmp_path / "b.csv", [row(3, 网址="")])))
    assert Asset.objects.unrestricted().count() == 2


def test_a_hostile_or_foreign_file_is_refused_by_the_forms_reader_with_its_place(
    education: Unit, tmp_path: Path
) -> None:
    huge = write_csv(tmp_path / "huge.csv", [row(1, 分类="教" * 100_001)])
    truncated = tmp_path / "cut.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    book.save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:400])  # an upload cut short
    document = tmp_path / "notes.pdf"
    document.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    with pytest.raises(AssetImportError) as caught:
        do_import_assets([huge, truncated, document], acting_user=SYSTEM, reason="x")

    by_file = {e.file: e for e in caught.value.errors}
    assert set(by_file) == {str(huge), str(truncated), str(document)}
    assert (by_file[str(huge)].row, by_file[str(huge)].column) == (2, "F")
    assert "100,000" in by_file[str(huge)].message
    assert by_file[str(document)].message == "资产登记表须为 .xlsx、.xls 或 .csv 文件"
    assert str(truncated) in str(caught.value)
    assert Asset.objects.unrestricted().count() == 0


def test_a_bad_kind_names_the_labels_a_person_writes(education: Unit, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "k.csv", [row(1, 类型="website-x")])
    with pytest.raises(AssetImportError) as caught:
        do_import_assets(path, acting_user=SYSTEM, reason="x")
    [error] = caught.value.errors
    assert (
        str(error)
        == f"{path}，第 2 行，B（类型） 列：“website-x”不是可填写的类型（网站、信息系统、平台账号）"
    )
    assert "website" not in error.message.replace("website-x", "")
