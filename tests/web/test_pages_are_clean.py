"""Every page works under the strict content policy: no inline script, no inline style, only the app's own
assets; the vendored files are the ones VENDOR.md lists."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

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


def test_the_web_layer_reads_only_through_scoped_querysets(world: World, settings: Any) -> None:
    """Sign-in, the top bar, the reports list, the filters and the evidence download say restrict() for
    every unit-scoped read (the monitoring and scoring reads behind home and the project page are the
    performance core's, not the web layer's)."""
    settings.JIXIAO_STRICT_SCOPES = True
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "suzhou_head", "password": "jixiao-demo"}).status_code
        == 302
    )
    assert client.get("/reports/", {"q": "经费"}).status_code == 200
    assert client.get(f"/evidence/{world.suzhou_evidence.pk}/").status_code == 200
    assert client.get(f"/evidence/{world.shunping_evidence.pk}/").status_code == 404
    assert client.get(f"/projects/{world.shunping_project.pk}/").status_code == 404
