"""Chinese first, English available (issue 9): the 中文/English switch of every page turns the interface into
English while the data (project names, units, people) stays as written; the English catalog is complete."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from web_helpers import World, user

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOG.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]")


def switched(client: Client, language: str, page: str) -> str:
    """Choose the language with the switch's form, as a person does, and answer the page it returns to."""
    response = client.post("/i18n/setlang/", {"language": language, "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    landed = client.get(page)
    assert landed.status_code == 200
    return landed.content.decode()


def layout_labels(html: str) -> str:
    """The words of the base layout (title and top bar) without the reader's own name, unit and the switch back."""
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    header = re.search(r"<header class=\"topbar\">(.*?)</header>", html, re.S)
    assert title
    assert header
    bar = re.sub(r'<div class="whoami.*?</div>', " ", header.group(1), flags=re.S)
    bar = re.sub(r'<button[^>]*name="language"[^>]*>[^<]*</button>', " ", bar)
    bar = re.sub(r"<[^>]+>", " ", bar)
    suffix = title.group(1).rsplit("·", 1)[-1]
    return f"{suffix} {bar}"


@pytest.mark.django_db
def test_the_switch_turns_home_projects_and_a_project_into_english_and_back(world: World) -> None:
    client = Client()
    client.force_login(user("suzhou_officer"))
    project = world.suzhou_project

    home = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in home
    assert "首页" in home
    assert ">English</button>" in home

    home = switched(client, "en", "/")
    assert '<html lang="en">' in home
    for label in ("Home", "To-do", "Reports", "Log out", "Performance management", "Project lights by unit"):
        assert label in home, label
    assert 'lang="zh-Hans">中文</button>' in home
    assert "Officer" in home  # the reader's role
    assert "中共宿州市委网络安全和信息化委员会办公室" in home  # the unit's name is data: it stays as written
    assert not CJK.findall(layout_labels(home)), layout_labels(home)

    listing = client.get("/projects/").content.decode()
    assert '<html lang="en">' in listing
    for label in ("Export to Excel", "Performance target declaration form", "Search"):
        assert label in listing, label
    assert project.name in listing  # project names stay Chinese
    assert not CJK.findall(layout_labels(listing)), layout_labels(listing)

    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert '<html lang="en">' in page
    for label in ("On this page", "Funds", "Annual indicators", "History", "Budget execution rate"):
        assert label in page, label
    assert project.name in page
    assert not CJK.findall(layout_labels(page)), layout_labels(page)
    assert "首页" not in page
    assert "退出" not in page

    back = switched(client, "zh-hans", f"/projects/{project.pk}/")
    assert '<html lang="zh-Hans">' in back
    for label in ("首页", "退出", "本页目录", "年度指标"):
        assert label in back, label
    assert "On this page" not in back
    assert "Log out" not in back
    assert ">English</button>" in back


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def read_catalog(path: Path) -> list[Entry]:
    """A tiny .po reader: the entries with their flags, msgid, msgid_plural and every msgstr."""
    entries: list[Entry] = []
    current = Entry()
    target: str | None = None

    def close() -> None:
        nonlocal current
        if current.line:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            current.line = current.line or number
            target, text = match.group(1), _unquote(match.group(2))
            if target == "msgid":
                current.msgid = text
            elif target == "msgid_plural":
                current.msgid_plural = text
            else:
                current.msgstrs.append(text)
        elif line.startswith('"') and target:
            text = _unquote(line)
            if target == "msgid":
                current.msgid += text
            elif target == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text
            else:
                current.msgstrs[-1] += text
    close()
    return entries


def messages() -> list[Entry]:
    return [entry for entry in read_catalog(CATALOG) if entry.msgid]


def test_every_message_of_the_catalog_is_translated_and_none_is_fuzzy() -> None:
    entries = read_catalog(CATALOG)
    assert len(messages()) > 1000
    assert not [e.line for e in entries if "fuzzy" in e.flags]
    header = entries[0]
    assert header.msgid == ""
    assert "Language: en" in header.msgstrs[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstrs[0]
    untranslated = [e.msgid for e in messages() if not e.msgstrs or not all(s.strip() for s in e.msgstrs)]
    assert not untranslated
    plurals = [e for e in messages() if e.msgid_plural is not None]
    assert plurals
    assert all(len(e.msgstrs) == 2 for e in plurals)
    still_chinese = [e.msgid for e in messages() for s in e.msgstrs if CJK.search(s) and not _quotes_input(s)]
    assert not still_chinese


def _quotes_input(msgstr: str) -> bool:
    """Examples of what people type (12.5万, ≥4万家, the Chinese column headers of a register file) stay Chinese."""
    return bool(re.search(r"e\.g\.|Header row:", msgstr))


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    wrong = [
        (e.msgid, s)
        for e in messages()
        for s in e.msgstrs
        if sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
    ]
    assert not wrong


def test_the_committed_compiled_catalog_matches_the_po_file() -> None:
    with COMPILED.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in messages():
        if entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstrs[0], entry.msgid
        else:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstrs[0], entry.msgid
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstrs[1], entry.msgid


def test_a_browser_set_to_english_still_gets_chinese_until_english_is_chosen(
    db: None, client: Client
) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="zh-Hans">' in page
    assert "登录" in page
