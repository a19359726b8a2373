"""Fixtures of the security pages' tests: the demo world (``load_demo`` with its security records) and the
people who use the pages. The demo's sites stand on 127.0.0.x; tests send traffic to loopback only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from web_helpers import FAST_HASHERS, World, build_world


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    """The test sites stand on 127.0.0.1: the suite denies a documentation range instead of loopback."""
    settings.JIXIAO_SECURITY_DENY_NETWORKS = ["198.51.100.0/24"]
    settings.JIXIAO_SECURITY_BOARD_SECONDS = 0  # the board's snapshot follows every change at once


@pytest.fixture
def world(db: None, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds_dir: Path) -> World:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(seeds_dir, monkeypatch)
