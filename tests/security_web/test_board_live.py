"""The live board's poll (``security.board``): what a poll costs in queries, that its kept rows never carry one
person's view to another, that the snapshot is shared through its published file and replaced off the
request path, and that the monitor publishes it."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.security import board
from jixiao.security.models import Asset, AssetState, Incident
from security_web.helpers import client_of, office

LIVE = "/security/board/live/"


@pytest.fixture(autouse=True)
def fresh_board() -> Any:
    board.reset()
    yield
    board.reset()


def asset_names(unit_key: str) -> set[str]:
    return set(Asset.objects.unrestricted().filter(owner=office(unit_key)).values_list("name", flat=True))


def row_names(html: str) -> set[str]:
    """The asset names of the board's rows (the links to an asset's page)."""
    return set(re.findall(r'<a href="/security/assets/\d+/">([^<]+)</a>', html))


def test_each_person_sees_only_their_units_rows_even_when_the_rows_are_kept(
    world: Any, settings: Any
) -> None:
    settings.JIXIAO_SECURITY_BOARD_SECONDS = 600  # one snapshot and the kept rows serve every poll below
    suzhou, shunping = asset_names("suzhou"), asset_names("shunping")
    assert suzhou
    assert shunping
    for _ in range(2):  # the second round answers from the kept rows
        mine = row_names(client_of("suzhou_security").get(LIVE).content.decode())
        theirs = row_names(client_of("shunping_security").get(LIVE).content.decode())
        assert mine
        assert mine <= suzhou
        assert theirs
        assert theirs <= shunping
    # the same filters, another person: never the first person's rows
    for query in ("?tag=政务网站", "?state=up", f"?unit={office('suzhou').pk}"):
        assert row_names(client_of("suzhou_security").get(LIVE + query).content.decode()) <= suzhou
        assert not row_names(client_of("shunping_security").get(LIVE + query).content.decode()) & suzhou


def test_a_foreign_unit_in_the_query_shows_nothing_of_it(world: Any) -> None:
    foreign = office("suzhou")
    html = client_of("shunping_security").get(f"{LIVE}?unit={foreign.pk}").content.decode()
    assert not row_names(html)
    assert "没有符合条件的网络资产。" in html
    for title in Incident.objects.unrestricted().filter(unit=foreign).values_list("title", flat=True):
        assert title not in html
    assert 'data-testid="total">0<' in html


def test_a_poll_is_a_few_queries_whatever_it_shows(world: Any, settings: Any) -> None:
    settings.JIXIAO_SECURITY_BOARD_SECONDS = 600
    staff = client_of("suzhou_security")
    staff.get(LIVE)  # the snapshot and the rows are ready
    with CaptureQueriesContext(connection) as kept:
        assert staff.get(LIVE).status_code == 200
    # session, user, the sign-in backend's role check, the person's grants, their units, the open incidents
    assert len(kept.captured_queries) <= 6, [q["sql"][:120] for q in kept.captured_queries]
    with CaptureQueriesContext(connection) as filtered:
        assert staff.get(f"{LIVE}?tag=政务网站&state=up").status_code == 200
    # and, the first time with these filters, the shown rows read again through restrict()
    assert len(filtered.captured_queries) <= 7, [q["sql"][:120] for q in filtered.captured_queries]


def test_the_rows_follow_a_change_of_the_data(world: Any) -> None:
    staff = client_of("suzhou_security")
    before = staff.get(LIVE).content.decode()
    asset = Asset.objects.unrestricted().filter(owner=office("suzhou"), name__in=row_names(before)).first()
    assert asset is not None
    Asset.objects.unrestricted().filter(pk=asset.pk).update(name="改名后的网站")
    AssetState.objects.unrestricted().filter(asset=asset).update(last_total_ms=4321)
    Asset.objects.unrestricted().get(pk=asset.pk).save()  # updated_at: the snapshot's version moves
    after = staff.get(LIVE).content.decode()
    assert "改名后的网站" in after
    assert "4,321 毫秒" in after


def test_the_snapshot_is_published_and_loaded_by_another_process(
    world: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.JIXIAO_SECURITY_BOARD_FILE = str(tmp_path / "board.pickle")
    assert board.refresh(at_most_every=0)  # the monitor's hook: built and published
    assert not board.refresh(at_most_every=0)  # nothing changed: not built again
    assert (tmp_path / "board.pickle").stat().st_mode & 0o077 == 0  # only the application's user reads it
    board.reset()  # another process: no snapshot of its own

    def no_build(version: Any) -> Any:
        raise AssertionError("the published snapshot should have been loaded")

    monkeypatch.setattr(board, "_build", no_build)
    shared = board.snapshot()
    assert shared.version == board._version()
    assert shared.groups
    html = client_of("suzhou_security").get(LIVE).content.decode()
    assert row_names(html)
    assert row_names(html) <= asset_names("suzhou")


def test_a_published_snapshot_of_other_data_is_not_used(
    world: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.JIXIAO_SECURITY_BOARD_FILE = str(tmp_path / "board.pickle")
    board.refresh(at_most_every=0)
    board.reset()
    Asset.objects.unrestricted().filter(owner=office("suzhou")).first().save()  # type: ignore[union-attr]
    built: list[Any] = []
    original = board._build
    monkeypatch.setattr(board, "_build", lambda version: built.append(version) or original(version))
    assert board.snapshot().version == board._version()
    assert built  # the published copy was of the data before the change


def test_an_out_of_date_snapshot_is_replaced_off_the_request(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.JIXIAO_SECURITY_BOARD_SECONDS = 5
    old = board.Snapshot(("old",), 0.0, {}, {})
    board._install(old)
    old.built -= 10  # older than the 5 s
    started, release = threading.Event(), threading.Event()
    new = board.Snapshot(("new",), 0.0, {}, {})

    def slow_load_or_build(version: Any) -> board.Snapshot:
        assert version == ("new",)
        started.set()
        release.wait(10)
        return new

    monkeypatch.setattr(board, "_version", lambda: ("new",))
    monkeypatch.setattr(board, "_load_or_build", slow_load_or_build)
    monkeypatch.setattr(board, "connection", type("NoConnection", (), {"close": lambda self: None})())
    assert board.snapshot() is old  # answered at once with the copy it has
    assert started.wait(10)
    assert board.snapshot() is old  # not asked again within 5 s, and no second thread
    release.set()
    for thread in threading.enumerate():
        if thread.name == "security-board":
            thread.join(10)
    assert board._current is new


def test_the_monitor_publishes_the_snapshot_on_its_tick(world: Any, settings: Any, tmp_path: Path) -> None:
    from jixiao.security.monitor import periodic_jobs

    settings.JIXIAO_SECURITY_BOARD_FILE = str(tmp_path / "board.pickle")
    assert periodic_jobs()["board_snapshot"](None) == {"rebuilt": 1}
    assert (tmp_path / "board.pickle").exists()
    assert board._published_version() == board._version()
