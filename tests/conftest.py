"""Shared test fixtures: where the seed forms are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed seed, so that a run is repeatable; locally they explore anew each time
# (JIXIAO_HYPOTHESIS=long explores ten times as far).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=1000, deadline=None)
if os.environ.get("JIXIAO_HYPOTHESIS"):
    settings.load_profile(os.environ["JIXIAO_HYPOTHESIS"])
elif os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared reference folder: ``JIXIAO_SHARED`` or ``../shared`` beside the repository."""
    configured = os.environ.get("JIXIAO_SHARED")
    path = Path(configured) if configured else ROOT.parent / "shared"
    if not (path / "seeds").is_dir():
        pytest.fail(f"the seed forms are missing: expected {path / 'seeds'} (set JIXIAO_SHARED)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return shared_dir() / "seeds"


@pytest.fixture
def fixtures_dir() -> Path:
    return ROOT / "tests" / "fixtures"
