"""Helpers of the security pages' tests: people of the demo, a probe of a registered asset through the pipeline,
a site on loopback whose problems can be switched on and off (``tests/security/security_helpers.py``)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))

from security_helpers import CountingServer

from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.models import Asset
from jixiao.security.pipeline import probe_assets
from jixiao.security.store import Probed, record_probe_results
from jixiao.web.demo import OFFICES

__all__ = ["CountingServer", "client_of", "office", "probe_full", "register"]


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def office(key: str) -> Unit:
    demo = next(o for o in OFFICES if o.key == key)
    found = (
        Unit.objects.unrestricted().filter(code=demo.code).first() if demo.code else None
    ) or Unit.objects.unrestricted().get(name=demo.office)
    return found


def register(unit: Unit, url: str, name: str = "测试业务系统", importance: str = "key") -> Asset:
    return do_create_asset(
        name,
        url,
        owner=unit,
        importance=importance,
        internal=True,
        contact_email="it@unit.test",
        acting_user=SYSTEM,
        reason="测试准备",
    )


def probe_full(asset: Asset) -> None:
    """One full check of the asset through the pipeline (real requests to its loopback site)."""
    asset = Asset.objects.unrestricted().select_related("state").get(pk=asset.pk)
    [result] = asyncio.run(probe_assets([asset], "full"))
    record_probe_results([Probed(asset, result, group="full")], run_started=timezone.now())
