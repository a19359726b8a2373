"""Scheduling and workers: due rows claimed in batches under a lease, one task per batch, no asset checked
twice by concurrent workers (two threads on PostgreSQL), and the monitor over the demo sites."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from security_helpers import CountingServer

from jixiao.orgs.actors import SYSTEM
from jixiao.orgs.models import Unit
from jixiao.security.actions.assets import do_create_asset
from jixiao.security.demo import DemoServers, DemoSite, register_demo_assets
from jixiao.security.models import Asset, AssetSchedule, CheckRun, Finding
from jixiao.security.pipeline import run_claimed_batch
from jixiao.security.scheduling import claim_batch, enqueue_due, interval, lease_length


@pytest.fixture(scope="module")
def demo_sites() -> Iterator[list[DemoSite]]:
    servers = DemoServers(base_port=0)
    try:
        yield servers.start()
    finally:
        servers.stop()


def _only_availability_due(now: dt.datetime) -> None:
    AssetSchedule.objects.unrestricted().exclude(group="availability").update(
        next_due=now + dt.timedelta(days=1)
    )


def test_it_claims_due_rows_in_batches_and_enqueues_one_task_per_batch(education: Unit) -> None:
    for n in range(5):
        do_create_asset(
            f"站点{n}", f"https://s{n}.gov.test/", owner=education, acting_user=SYSTEM, reason="x"
        )
    now = timezone.now() + dt.timedelta(seconds=1)

    claims = enqueue_due(now, batch_size=2)

    assert all(1 <= len(c.schedule_ids) <= 2 for c in claims)
    for claim in claims:  # a batch is of one check group
        groups = (
            AssetSchedule.objects.unrestricted()
            .filter(pk__in=claim.schedule_ids)
            .values_list("group", flat=True)
        )
        assert set(groups) == {claim.group}
    claimed = [pk for c in claims for pk in c.schedule_ids]
    assert len(claimed) == len(set(claimed)) == AssetSchedule.objects.unrestricted().count() == 25
    tasks = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(tasks) == len(claims)
    assert all(t.task_path == "jixiao.security.tasks.probe_batch" for t in tasks)
    assert tasks[0].args_kwargs["args"] == [list(claims[0].schedule_ids), claims[0].group, claims[0].token]

    assert enqueue_due(now, batch_size=2) == []  # every row is leased
    later = enqueue_due(now + lease_length() + dt.timedelta(seconds=1), batch_size=50)
    assert sum(len(c.schedule_ids) for c in later) == 25  # a lease that ran out frees its rows


def test_an_inactive_asset_is_never_claimed(education: Unit) -> None:
    asset = do_create_asset(
        "停用网站", "https://off.gov.test/", owner=education, acting_user=SYSTEM, reason="x"
    )
    Asset.objects.unrestricted().filter(pk=asset.pk).update(active=False)
    assert claim_batch(timezone.now() + dt.timedelta(minutes=1)) is None


def test_a_finished_batch_moves_next_due_by_its_class_and_group(
    education: Unit, counting: CountingServer
) -> None:
    key = do_create_asset(
        "重点网站", counting.url("/key"), owner=education, importance="key", acting_user=SYSTEM, reason="x"
    )
    now = timezone.now() + dt.timedelta(seconds=1)
    _only_availability_due(now)
    claim = claim_batch(now)
    assert claim is not None

    summary = run_claimed_batch(list(claim.schedule_ids), claim.group, claim.token)

    assert summary["assets"] == 1
    row = AssetSchedule.objects.unrestricted().get(asset=key, group="availability")
    assert row.claimed_until is None
    assert row.last_run_at is not None
    assert (
        row.next_due
        == row.last_run_at + interval("key", "availability")
        == row.last_run_at + dt.timedelta(minutes=1)
    )
    assert counting.hits == {"/key": 1}
    assert CheckRun.objects.unrestricted().get(asset=key).group == "availability"


def _work(
    now: dt.datetime, done: list[int], errors: list[BaseException], start: threading.Barrier | None
) -> None:
    try:
        if start is not None:
            start.wait(timeout=10)
        while True:
            claim = claim_batch(now, batch_size=5)
            if claim is None:
                return
            done.extend(claim.asset_ids)
            run_claimed_batch(list(claim.schedule_ids), claim.group, claim.token)
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)
    finally:
        if start is not None:
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_workers_sharing_a_run_never_check_an_asset_twice(education: Unit, counting: CountingServer) -> None:
    assets = [
        do_create_asset(f"站点{n}", counting.url(f"/a{n}"), owner=education, acting_user=SYSTEM, reason="x")
        for n in range(40)
    ]
    now = timezone.now() + dt.timedelta(seconds=1)
    _only_availability_due(now)
    done: list[list[int]] = []
    errors: list[BaseException] = []

    if connection.vendor == "postgresql":
        # Two workers with their own connections, released at the same instant, racing for the same rows.
        start = threading.Barrier(2)
        done = [[], []]
        threads = [threading.Thread(target=_work, args=(now, d, errors, start)) for d in done]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert all(done), "both workers should have taken a share of the run"
    else:
        # SQLite serialises writers: the embedded deployment runs one worker, and it covers everything.
        done = [[]]
        _work(now, done[0], errors, None)
        assert not errors, errors

    taken = [pk for share in done for pk in share]
    assert sorted(taken) == sorted(a.pk for a in assets)
    assert counting.hits == {f"/a{n}": 1 for n in range(40)}
    assert CheckRun.objects.unrestricted().count() == 40
    assert (
        not AssetSchedule.objects.unrestricted()
        .filter(group="availability", claimed_until__isnull=False)
        .exists()
    )


@pytest.mark.django_db(transaction=True)
def test_the_monitor_checks_the_demo_sites_once_each_and_finds_their_problems(
    education: Unit, demo_sites: list[DemoSite]
) -> None:
    assets = {
        site.key: asset for site, asset in zip(demo_sites, register_demo_assets(demo_sites), strict=True)
    }

    call_command("monitor", "--once", "--workers", "2")

    assert (
        CheckRun.objects.unrestricted().count() == 6 * 5
    )  # every asset, every check group (tls_full included), once
    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0

    def checks(key: str) -> set[str]:
        return set(
            Finding.objects.unrestricted().filter(asset=assets[key]).values_list("check_name", flat=True)
        )

    assert "hidden_link" in checks("hidden_link")
    assert "exposure" in checks("git")
    assert "tls.expiry" in checks("expired")
    assert "headers.content-security-policy" in checks("headers")
    assert not any(c.startswith(("exposure", "hidden", "tls", "content")) for c in checks("healthy"))
    assert "headers.content-security-policy" not in checks("healthy")
    # Four failures in a row (one per check group) confirm the outage: the third opened it.
    assert checks("down") == {"availability.connect"}
    state = Asset.objects.unrestricted().get(pk=assets["down"].pk).state
    assert (state.failing, state.failures) == (True, 4)


def test_demo_sites_registers_the_sites_as_assets_of_the_demo_unit(office: Unit) -> None:
    call_command("demo_sites", "--base-port", "0", "--seconds", "0")
    call_command("demo_sites", "--base-port", "0", "--seconds", "0")  # ports differ: six more, none twice

    assets = list(Asset.objects.unrestricted().select_related("owner"))
    assert len(assets) == 12
    assert {a.owner for a in assets} == {office}  # load_demo's 网信 office when there is one
    assert all(
        a.tags == ["演示"] and a.url.startswith(("http://127.0.0.1:", "https://127.0.0.1:")) for a in assets
    )
