"""Fixtures shared across test modules: where the read-only shared material lives.

`shared/` sits beside the repository (seed reports with gold JSON, the scorer); tests that need it
skip with a reason instead of failing on a checkout without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.paths import SHARED_DIR


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR}")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    """The seed reports (`<doc_id>.txt`) and their gold files (`<doc_id>.gold.json`)."""
    seeds = shared_dir / "data" / "seeds"
    if not any(seeds.glob("*.gold.json")):
        pytest.skip(f"no seed reports in {seeds}")
    return seeds


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/expected from the current code (after a deliberate change).")
