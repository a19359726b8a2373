"""The http→https redirection of an https asset is asked once a day (by the full check), not on every check."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from jixiao.domain.probes import ProbeResult, Redirection, Timings
from jixiao.domain.probes.model import Hop
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.choices import CheckGroupChoices
from jixiao.security.models import Asset
from jixiao.security.pipeline import options_for
from jixiao.security.scheduling import GROUP_CHECKS
from jixiao.security.store import Probed, record_probe_results

TLS = CheckGroupChoices.TLS


def _store(asset: Asset, redirection: Redirection | None) -> None:
    result = ProbeResult(
        url=asset.url,
        ok=True,
        status=200,
        timings=Timings(total=1.0),
        tls=None,
        headers=None,
        content=None,
        findings=(),
        redirection=redirection,
    )
    record_probe_results(
        [Probed(asset, result, checks=GROUP_CHECKS[TLS], group=TLS, finished=timezone.now())],
        run_started=timezone.now(),
    )


def _asset(unit: Unit) -> Asset:
    made = do_create_asset(
        "门户网站", "https://www.edu.example/", owner=unit, acting_user=SYSTEM, reason="test"
    )
    return Asset.objects.unrestricted().select_related("state").get(pk=made.pk)


def _seen(minutes_ago: float) -> Redirection:
    return Redirection(
        checked=True,
        hops=(Hop(url="http://www.edu.example/", status=301, location="https://www.edu.example/"),),
        final_url="https://www.edu.example/",
        observed_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_a_fresh_redirection_is_stored_and_given_to_the_next_frequent_check(education: Unit) -> None:
    asset = _asset(education)
    assert options_for(asset, TLS).redirection is None
    seen = _seen(minutes_ago=5)
    _store(asset, seen)
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    assert options_for(asset, TLS).redirection == seen
    assert options_for(asset, CheckGroupChoices.CONTENT).redirection == seen


def test_a_full_check_always_asks_the_site_again(education: Unit) -> None:
    # A notice re-check runs the full group: a site that fixed its redirect must be seen fixed.
    asset = _asset(education)
    _store(asset, _seen(minutes_ago=5))
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    assert options_for(asset, CheckGroupChoices.FULL).redirection is None


def test_an_old_redirection_is_asked_again(education: Unit) -> None:
    asset = _asset(education)
    _store(asset, _seen(minutes_ago=25 * 60))
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    assert options_for(asset, TLS).redirection is None
    with override_settings(JIXIAO_SECURITY_REDIRECTION_SECONDS=26 * 3600):
        assert options_for(asset, TLS).redirection is not None
    with override_settings(JIXIAO_SECURITY_REDIRECTION_SECONDS=3600):
        assert options_for(asset, TLS).redirection is None


def test_a_result_without_a_checked_redirection_keeps_the_stored_one(education: Unit) -> None:
    asset = _asset(education)
    seen = _seen(minutes_ago=5)
    _store(asset, seen)
    _store(asset, None)
    _store(asset, Redirection(checked=False))
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    assert options_for(asset, TLS).redirection == seen
