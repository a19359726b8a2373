"""Consecutive content checks of an unchanged site: the stored baseline lets the second skip the parse."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from jixiao.domain.probes import ProbeResult
from jixiao.domain.probes import engine as engine_module
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.choices import CheckGroupChoices
from jixiao.security.models import Asset, AssetState, Finding
from jixiao.security.pipeline import probe_assets
from jixiao.security.scheduling import GROUP_CHECKS
from jixiao.security.store import Probed, record_probe_results

PAGE = """<html><head><title>教育局</title></head><body><h1>教育局门户</h1><p>招生工作通知</p>
<div style="display:none"><a href="http://www.amdc-casino.test/x">澳门赌场 开户</a></div>
</body></html>""".encode()
CONTENT = CheckGroupChoices.CONTENT


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = engine_module.analyse

    def counting(body: bytes, content_type: str | None, page_url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(page_url)
        return real(body, content_type, page_url, *args, **kwargs)

    monkeypatch.setattr(engine_module, "analyse", counting)
    return seen


def content_check(asset_pk: int) -> ProbeResult:
    """One content check as a worker runs it: state loaded with the asset, a new engine, results stored."""
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset_pk)
    started = timezone.now()
    (result,) = asyncio.run(probe_assets([asset], CONTENT))
    record_probe_results(
        [Probed(asset, result, checks=GROUP_CHECKS[CONTENT], group=CONTENT, finished=timezone.now())],
        run_started=started,
    )
    return result


def test_a_second_check_of_an_unchanged_site_reuses_the_stored_analysis(
    education: Unit, site: str, parses: list[str]
) -> None:
    asset = do_create_asset("教育局门户网站", site, owner=education, acting_user=SYSTEM, reason="test")
    first = content_check(asset.pk)
    assert first.content is not None
    assert not first.content.reused
    state = AssetState.objects.unrestricted().get(asset=asset)
    assert state.baseline_raw_hash == first.content.raw_hash
    assert state.baseline_analysis is not None
    assert state.baseline_analysis["hidden_links"][0]["href"] == "http://www.amdc-casino.test/x"

    second = content_check(asset.pk)
    assert second.content is not None
    assert second.content.reused
    assert second.content.similarity == 1.0
    assert len(parses) == 1
    hidden = Finding.objects.unrestricted().get(asset=asset, check_name="hidden_link")
    assert hidden.seen_count == 2
    keyword = Finding.objects.unrestricted().get(asset=asset, check_name="content.keyword")
    assert keyword.seen_count == 2
    assert not Finding.objects.unrestricted().filter(asset=asset, check_name="content.change").exists()


def test_a_stored_analysis_that_cannot_be_read_means_a_full_parse(
    education: Unit, site: str, parses: list[str]
) -> None:
    asset = do_create_asset("教育局门户网站", site, owner=education, acting_user=SYSTEM, reason="test")
    content_check(asset.pk)
    AssetState.objects.unrestricted().filter(asset=asset).update(baseline_analysis={"rules": "x"})
    second = content_check(asset.pk)
    assert second.content is not None
    assert not second.content.reused
    assert len(parses) == 2
    assert Finding.objects.unrestricted().get(asset=asset, check_name="hidden_link").seen_count == 2
