"""Every page works under the strict content policy: no inline script, no inline style, only the app's own
assets; the vendored files are the ones VENDOR.md lists."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.test import Client
from web_helpers import World, user

import jixiao.web

pytestmark = pytest.mark.django_db
STATIC = Path(jixiao.web.__file__).parent / "static"


def pages(world: World) -> list[str]:
    return ["/", "/projects/", f"/projects/{world.suzhou_project.pk}/", "/reports/", "/projects/?page=99"]


def test_no_page_has_inline_script_or_style_or_outside_assets(world: World) -> None:
    client = Client()
    html_pages = [client.get("/accounts/login/").content.decode()]
    client.force_login(user("suzhou_officer"))
    html_pages += [client.get(url).content.decode() for url in pages(world)]

    for html in html_pages:
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r'(src|href)="(https?:)?//', html)
        assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers


def test_the_vendored_files_match_their_listed_checksums() -> None:
    listing = (STATIC / "vendor" / "VENDOR.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| `([^`]+)` \| `([0-9a-f]{64})` \|", listing)
    assert len(rows) == 4
    for path, digest in rows:
        assert hashlib.sha256((STATIC / "vendor" / path).read_bytes()).hexdigest() == digest, path
