"""Confinement in the monitor: a registered name that leads to loopback or a private range is refused
unless an administrator marked the asset internal, and a refusal is a finding, not an outage."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.timezone import now
from security_helpers import CountingServer

from jixiao.orgs.actions import do_grant_membership
from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.choices import RoleChoices
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset, do_update_asset
from jixiao.security.choices import CheckGroupChoices
from jixiao.security.models import Asset, Finding
from jixiao.security.pipeline import options_for, probe_assets
from jixiao.security.store import Probed, record_probe_results


@pytest.fixture
def default_deny(settings: Any) -> None:
    settings.JIXIAO_SECURITY_DENY_NETWORKS = []  # empty: the built-in list (loopback, private ranges…)


def register(owner: Unit, url: str, **fields: Any) -> Asset:
    return do_create_asset("县政府门户", url, owner=owner, acting_user=SYSTEM, reason="测试", **fields)


def test_a_public_asset_on_loopback_is_refused_without_a_request(
    education: Unit, counting: CountingServer, default_deny: None
) -> None:
    asset = register(education, f"http://127.0.0.1:{counting.port}/")
    options = options_for(asset, CheckGroupChoices.AVAILABILITY)
    assert "127.0.0.0/8" in options.deny_networks
    (result,) = asyncio.run(probe_assets([asset], CheckGroupChoices.AVAILABILITY))
    assert [f.check for f in result.findings] == ["confinement.denied_address"]
    assert counting.hits == {}


def test_an_internal_asset_is_probed(education: Unit, counting: CountingServer, default_deny: None) -> None:
    asset = register(education, f"http://127.0.0.1:{counting.port}/", internal=True)
    assert options_for(asset, CheckGroupChoices.AVAILABILITY).deny_networks == ()
    (result,) = asyncio.run(probe_assets([asset], CheckGroupChoices.AVAILABILITY))
    assert result.ok
    assert counting.hits.get("/", 0) >= 1


def test_a_refusal_is_a_finding_and_never_counts_as_an_outage(
    education: Unit, counting: CountingServer, default_deny: None
) -> None:
    asset = register(education, f"http://127.0.0.1:{counting.port}/")
    for _ in range(4):
        asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
        (result,) = asyncio.run(probe_assets([asset], CheckGroupChoices.AVAILABILITY))
        record_probe_results([Probed(asset, result, group=CheckGroupChoices.AVAILABILITY)], run_started=now())
    asset.state.refresh_from_db()
    assert (asset.state.failing, asset.state.failures) == (False, 0)
    assert list(Finding.objects.unrestricted().filter(asset=asset).values_list("check_name", flat=True)) == [
        "confinement.denied_address"
    ]


def test_only_an_administrator_marks_an_asset_internal(education: Unit, counting: CountingServer) -> None:
    editor = User.objects.create_user("edu_editor")
    do_grant_membership(editor, education, RoleChoices.EDITOR, acting_user=SYSTEM, reason="测试")
    with pytest.raises(PermissionDenied, match="内网标记"):
        do_create_asset(
            "内网系统",
            f"http://127.0.0.1:{counting.port}/",
            owner=education,
            internal=True,
            acting_user=editor,
            reason="x",
        )
    asset = register(education, f"http://127.0.0.1:{counting.port}/")
    with pytest.raises(PermissionDenied, match="内网标记"):
        do_update_asset(asset, internal=True, acting_user=editor, reason="x")
    admin = User.objects.create_user("edu_admin")
    do_grant_membership(admin, education, RoleChoices.ADMIN, acting_user=SYSTEM, reason="测试")
    assert do_update_asset(asset, internal=True, acting_user=admin, reason="机房内网系统").internal
