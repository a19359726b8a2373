"""Fixtures of the web tests: the demo world (``load_demo`` on the seed forms) with fast password hashing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_helpers import FAST_HASHERS, World, build_world


@pytest.fixture
def world(db: None, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds_dir: Path) -> World:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(seeds_dir, monkeypatch)
