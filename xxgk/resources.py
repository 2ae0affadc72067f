"""The data that ships inside the package: configs and the classifier checkpoints.

Found through `importlib.resources`, so an installed wheel, an editable install and a checkout read
the same files, and nothing depends on where the repository (if any) lies.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def configs_dir() -> Path:
    """The shipped `configs/` folder (template editions, wordings, training recipes)."""
    return Path(str(files("xxgk.configs")))


def config_path(*parts: str) -> Path:
    """One shipped config file or folder, e.g. `config_path("train", "finetune.toml")`."""
    return configs_dir().joinpath(*parts)


def models_dir() -> Path:
    """The shipped model registry (`models/`: one folder per version and `CURRENT`)."""
    return Path(str(files("xxgk.models")))
