"""Process-wide settings, read once from `XXGK_*` environment variables.

This is the only place the environment is read, so every knob is documented here and tests can
build a `Settings` explicitly instead of patching the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XXGK_", extra="ignore")

    templates_dir: Path = REPO_ROOT / "configs" / "templates"
    """Edition configs, one TOML file per template edition."""

    models_dir: Path = REPO_ROOT / "models"
    """Registered classifier checkpoints, one folder per model version, and `CURRENT` naming the default."""

    model: str | None = None
    """Model version (a folder of `models_dir`) or checkpoint path to label with; default: `CURRENT`."""

    labeler: Literal["auto", "model", "rules"] = "auto"
    """`auto` uses the classifier when a checkpoint is registered, else string matching (with a warning)."""

    threads: int = 2
    """CPU threads for the classifier."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
