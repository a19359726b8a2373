"""The asset registry's pages (plain fields, import with a preview and per-row errors in Chinese, the
administrator's internal flag), the board's filters, the security 待办, and the templates' hygiene."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import jixiao.security
from jixiao.security.actions.advisories import do_create_warning, do_publish_warning
from jixiao.security.models import Asset, Notice
from jixiao.web.inbox import items_for
from org_tree import member
from security_web.helpers import client_of, office

pytestmark = pytest.mark.django_db


def test_an_asset_is_registered_with_one_address_per_line_and_tags_as_words(world: Any) -> None:
    suzhou = office("suzhou")
    staff = client_of("suzhou_security")
    form = staff.get("/security/assets/new/").content.decode()
    assert "内网资产" not in form  # only an administrator marks an asset internal
    response = staff.post(
        "/security/assets/new/",
        {
            "name": "市政务服务网",
            "kind": "website",
            "owner": suzhou.pk,
            "url": "https://zwfw.example.gov.cn/",
            "extra_urls": "https://m.zwfw.example.gov.cn/\n\nhttp://zwfw.example.gov.cn/",
            "tags": "政务网站、重点 便民",
            "importance": "key",
            "schedule_class": "key",
            "contact_name": "张工",
            "contact_email": "zhang@example.gov.cn",
            "active": "on",
            "internal": "on",  # ignored: the field is not offered to this person
            "reason": "新上线网站",
        },
    )
    assert response.status_code == 302
    asset = Asset.objects.unrestricted().get(name="市政务服务网")
    assert asset.extra_urls == ["https://m.zwfw.example.gov.cn/", "http://zwfw.example.gov.cn/"]
    assert asset.tags == ["政务网站", "重点", "便民"]
    assert asset.internal is False
    page = staff.get(f"/security/assets/{asset.pk}/").content.decode()
    assert "https://m.zwfw.example.gov.cn/\nhttp://zwfw.example.gov.cn/" in page  # one per line, no JSON
    assert "[&quot;" not in page
    listed = staff.get("/security/assets/?tag=便民").content.decode()
    assert "市政务服务网" in listed
    assert "市政务服务网" not in staff.get("/security/assets/?tag=不存在的标签").content.decode()
    assert "内网资产" in client_of("admin").get("/security/assets/new/").content.decode()
    # A bad address is refused where it is, in Chinese, and nothing is stored.
    response = staff.post(
        "/security/assets/new/",
        {
            "name": "坏网址",
            "kind": "website",
            "owner": suzhou.pk,
            "url": "ftp://x",
            "importance": "key",
            "schedule_class": "key",
            "reason": "测试",
        },
    )
    assert response.status_code == 422
    assert not Asset.objects.unrestricted().filter(name="坏网址").exists()
    # A foreign unit cannot be chosen as the owner.
    shunping = office("shunping")
    response = staff.post(
        "/security/assets/new/",
        {
            "name": "越权",
            "kind": "website",
            "owner": shunping.pk,
            "url": "https://x.example.cn/",
            "importance": "key",
            "schedule_class": "key",
            "reason": "测试",
        },
    )
    assert response.status_code == 422
    assert not Asset.objects.unrestricted().filter(name="越权").exists()


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    text = (
        "\n".join(",".join(r) for r in [["名称", "类型", "主办单位", "网址", "联系人", "标签"], *rows]) + "\n"
    )
    return SimpleUploadedFile("资产登记表.csv", text.encode("utf-8"), content_type="text/csv")


def test_an_import_is_previewed_with_errors_per_row_in_chinese_before_anything_is_stored(world: Any) -> None:
    suzhou = office("suzhou")
    staff = client_of("suzhou_security")
    before = Asset.objects.unrestricted().count()
    response = staff.post(
        "/security/assets/import/",
        {
            "file": _csv(
                [
                    ["市教育网", "网站", suzhou.name, "https://edu.example.cn/", "李工", "教育"],
                    ["市卫健网", "网页", suzhou.name, "https://hw.example.cn/", "王工", ""],
                    ["市文旅网", "网站", "不存在的单位", "https://wl.example.cn/", "", ""],
                ]
            ),
            "reason": "年度登记",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "资产登记表.csv" in page
    assert "第 3 行" in page
    assert "第 4 行" in page
    assert "网站、信息系统、平台账号" in page  # the labels a person may write, not the codes
    assert "website" not in page
    assert "/tmp/" not in page
    assert Asset.objects.unrestricted().count() == before

    response = staff.post(
        "/security/assets/import/",
        {
            "file": _csv(
                [
                    ["市教育网", "网站", suzhou.name, "https://edu.example.cn/", "李工", "教育、重点"],
                    ["市卫健网", "信息系统", suzhou.name, "https://hw.example.cn/", "王工", ""],
                ]
            ),
            "reason": "年度登记",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "尚未保存" in page
    assert "市教育网" in page
    assert Asset.objects.unrestricted().count() == before  # a preview stores nothing
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    assert (
        client_of("suzhou_officer")
        .post("/security/assets/import/", {"confirm": "1", "token": token.group(1)})
        .status_code
        == 409
    )  # another person's upload is not theirs to confirm
    response = staff.post("/security/assets/import/", {"confirm": "1", "token": token.group(1)})
    assert response.status_code == 200
    assert "新增 2 个" in response.content.decode()
    assert Asset.objects.unrestricted().get(name="市教育网").tags == ["教育", "重点"]
    assert client_of("auditor").get("/security/assets/import/").status_code == 403


def test_the_board_filters_by_unit_tag_and_state_and_polls_its_partial(world: Any) -> None:
    staff = client_of("suzhou_security")
    page = staff.get("/security/").content.decode()
    assert 'hx-trigger="every 15s"' in page
    assert 'hx-get="/security/board/live/' in page
    live = staff.get("/security/board/live/").content.decode()
    assert "<html" not in live  # the partial only
    assert "旧版网站" in live  # the demo's site that is down
    down = staff.get("/security/board/live/?state=down").content.decode()
    assert "旧版网站" in down
    assert "门户网站" not in down
    assert "旧版网站" not in staff.get("/security/board/live/?state=up").content.decode()
    assert "门户网站" in staff.get("/security/board/live/?tag=政务网站").content.decode()
    assert "业务系统" not in staff.get("/security/board/live/?tag=政务网站").content.decode()
    shunping = office("shunping")
    assert "顺平" not in staff.get(f"/security/board/live/?unit={shunping.pk}").content.decode()


def test_the_inbox_lists_notices_to_answer_warnings_to_confirm_and_incidents_to_handle(world: Any) -> None:
    from django.contrib.auth.models import User

    suzhou = office("suzhou")
    officer = User.objects.get(username="suzhou_officer")
    items = items_for(officer)
    works = {(i.what, i.subject) for i in items}
    notice = Notice.objects.unrestricted().get(unit=suzhou, status="sent")
    assert ("反馈通报整改情况", notice.title) in works
    assert any(i.what == "处置安全事件" for i in items)
    assert any(i.what == "确认阅读安全预警" for i in items)
    assert all(i.url.startswith("/security/") for i in items if "安全" in i.what or "通报" in i.what)
    foreign = {i.subject for i in items_for(User.objects.get(username="shunping_officer"))}
    assert notice.title not in foreign
    # After the unit answers, the office has a re-check to do.
    client_of("suzhou_officer").post(f"/security/notices/{notice.pk}/answer/", {"text": "已整改"})
    staff = User.objects.get(username="suzhou_security")
    assert any(i.what == "复核通报整改" and i.subject == notice.title for i in items_for(staff))
    # A warning confirmed read leaves the inbox.
    reader = member("suzhou_reader", suzhou, "viewer")
    warning = do_create_warning(suzhou, "预警", "正文", recipients=[suzhou], acting_user=staff, reason="测试")
    do_publish_warning(warning, acting_user=staff, reason="测试")
    assert any(i.subject == "预警" for i in items_for(reader))
    client_of("suzhou_reader").post(f"/security/warnings/{warning.pk}/confirm/", {"unit": suzhou.pk})
    assert not any(i.subject == "预警" for i in items_for(reader))


def test_the_security_templates_have_no_inline_script_or_handler() -> None:
    folder = Path(jixiao.security.__file__).parent / "templates"
    for template in folder.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) is None, template
        assert re.search(r"\son[a-z]+=", text) is None, template
        assert "hx-on" not in text, template
