"""The model registry: checkpoint folders under `models/`, one per version, and the default one.

`models/CURRENT` names the version the pipeline uses unless told otherwise; every output records
the version it came from (`meta.model_version`), so results stay traceable across retraining.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from xxgk.settings import Settings, get_settings

CURRENT = "CURRENT"


def current_version(settings: Settings | None = None) -> str | None:
    pointer = (settings or get_settings()).models_dir / CURRENT
    return pointer.read_text(encoding="utf-8").strip() or None if pointer.exists() else None


def resolve(version: str | None = None, settings: Settings | None = None) -> Path | None:
    """The checkpoint folder of a version name or path; the current version when none is given."""
    settings = settings or get_settings()
    name = version or settings.model or current_version(settings)
    if not name:
        return None
    path = Path(name)
    candidate = path if path.is_dir() else settings.models_dir / name
    if not (candidate / "config.json").exists():
        raise FileNotFoundError(f"no model checkpoint at {candidate} (known versions: {', '.join(versions(settings))})")
    return candidate


def versions(settings: Settings | None = None) -> list[str]:
    root = (settings or get_settings()).models_dir
    return sorted(p.name for p in root.iterdir() if (p / "config.json").exists()) if root.exists() else []


def register(checkpoint: Path, version: str, *, make_current: bool, settings: Settings | None = None) -> Path:
    """Copy a trained checkpoint into the registry under `version`, optionally as the default."""
    settings = settings or get_settings()
    target = settings.models_dir / version
    if checkpoint.resolve() != target.resolve():
        if target.exists():
            raise FileExistsError(f"model version {version} is already registered at {target}")
        shutil.copytree(checkpoint, target)
    if make_current:
        (settings.models_dir / CURRENT).write_text(version + "\n", encoding="utf-8")
    return target
