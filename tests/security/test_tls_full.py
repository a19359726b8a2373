"""The weekly ``tls_full`` group: scheduled for every asset, scanned against a loopback TLS server, its
findings stored like any probe's, and the outage tracker left alone."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.actions.notices import do_create_notice, do_recheck_notice, do_send_notice
from jixiao.security.demo import expired_certificate
from jixiao.security.models import Asset, AssetSchedule, CheckRun, Finding
from jixiao.security.pipeline import run_claimed_batch
from jixiao.security.scheduling import claim_batch, interval


class OldTlsServer:
    """A TLS server on 127.0.0.1 that still accepts TLS 1.1 (and 1.2), answering nothing after the handshake."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory()
        cert, key = expired_certificate(Path(self._folder.name))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.set_ciphers("ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1_1
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.close()

        async def start() -> asyncio.Server:
            return await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)

        self._server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.port = int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self._folder.cleanup()


@pytest.fixture
def old_tls() -> Iterator[OldTlsServer]:
    server = OldTlsServer()
    yield server
    server.stop()


def _only_tls_full_due(now: dt.datetime) -> None:
    AssetSchedule.objects.unrestricted().exclude(group="tls_full").update(next_due=now + dt.timedelta(days=1))


def test_every_new_asset_gets_a_weekly_tls_full_schedule(education: Unit) -> None:
    asset = do_create_asset("网站", "https://a.gov.test/", owner=education, acting_user=SYSTEM, reason="x")
    assert AssetSchedule.objects.unrestricted().filter(asset=asset, group="tls_full").count() == 1
    for schedule_class in ("key", "ordinary", "low"):
        assert interval(schedule_class, "tls_full") == dt.timedelta(days=7)


def test_a_tls_full_batch_stores_protocol_and_cipher_findings_without_touching_the_outage_tracker(
    education: Unit, old_tls: OldTlsServer
) -> None:
    asset = do_create_asset(
        "旧协议网站", f"https://127.0.0.1:{old_tls.port}/", owner=education, acting_user=SYSTEM, reason="x"
    )
    plain = do_create_asset(
        "明文网站", "http://127.0.0.1:9/", owner=education, acting_user=SYSTEM, reason="x"
    )
    now = timezone.now() + dt.timedelta(seconds=1)
    _only_tls_full_due(now)
    claim = claim_batch(now)
    assert claim is not None
    assert claim.group == "tls_full"

    summary = run_claimed_batch(list(claim.schedule_ids), claim.group, claim.token)

    assert summary["assets"] == 2
    found = {
        (f.check_name, f.severity)
        for f in Finding.objects.unrestricted().filter(asset=asset)
        if f.check_name != "tls.profile"
    }
    assert found == {("tls.old_protocol", "high"), ("tls.weak_cipher", "medium"), ("tls.no_tls13", "low")}
    assert not Finding.objects.unrestricted().filter(asset=plain).exists()  # plain http: nothing to enumerate
    run = CheckRun.objects.unrestricted().get(asset=asset)
    assert (run.group, run.checks, run.summary["tls"]["protocol"]) == ("tls_full", ["tls"], "TLSv1.2")
    # The unreachable http asset was not counted as a failure: the scan fetched no page.
    assert Asset.objects.unrestricted().get(pk=plain.pk).state.failures == 0
    row = AssetSchedule.objects.unrestricted().get(asset=asset, group="tls_full")
    assert row.last_run_at is not None
    assert row.next_due == row.last_run_at + dt.timedelta(days=7)


def test_a_second_weekly_scan_sees_the_same_findings_again(education: Unit, old_tls: OldTlsServer) -> None:
    asset = do_create_asset(
        "旧协议网站", f"https://127.0.0.1:{old_tls.port}/", owner=education, acting_user=SYSTEM, reason="x"
    )
    for week in range(2):
        now = timezone.now() + dt.timedelta(days=8 * week, seconds=1)
        _only_tls_full_due(now)
        claim = claim_batch(now)
        assert claim is not None
        run_claimed_batch(list(claim.schedule_ids), claim.group, claim.token)

    old = Finding.objects.unrestricted().get(asset=asset, check_name="tls.old_protocol")
    assert old.seen_count == 2
    assert Finding.objects.unrestricted().filter(asset=asset).count() == len(
        {f.key for f in Finding.objects.unrestricted().filter(asset=asset)}
    )


def test_a_notice_about_an_old_protocol_is_re_checked_by_the_enumeration(
    education: Unit, old_tls: OldTlsServer, analyst: User
) -> None:
    asset = do_create_asset(
        "旧协议网站", f"https://127.0.0.1:{old_tls.port}/", owner=education, acting_user=SYSTEM, reason="x"
    )
    now = timezone.now() + dt.timedelta(seconds=1)
    _only_tls_full_due(now)
    claim = claim_batch(now)
    assert claim is not None
    run_claimed_batch(list(claim.schedule_ids), claim.group, claim.token)
    old = Finding.objects.unrestricted().get(asset=asset, check_name="tls.old_protocol")
    notice = do_create_notice(
        education, [old], deadline=now + dt.timedelta(days=7), acting_user=analyst, reason="月度巡检"
    )
    do_send_notice(notice, acting_user=analyst, reason="发出通报")

    # The full check alone cannot see which protocols a server accepts: the enumeration runs again.
    outcome = do_recheck_notice(notice, acting_user=analyst, reason="复核")
    assert outcome.still_present == [old.pk]
    old.refresh_from_db()
    assert (old.status, old.seen_count) == ("notified", 2)

    old_tls.stop()  # no handshake at all: the enumeration has no verdict, so neither has the re-check
    outcome = do_recheck_notice(notice, acting_user=analyst, reason="复核")
    assert outcome.unverifiable == [old.pk]
    assert not outcome.closed
