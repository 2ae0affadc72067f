"""Where the checkout and the shared material lie, for tests only: the package itself never asks."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = REPO_ROOT.parent / "shared"
