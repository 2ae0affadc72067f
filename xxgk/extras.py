"""Optional features and the pip extra that installs each (pyproject.toml, [project.optional-dependencies]).

The core install extracts text, HTML and born-digital PDF reports. Everything else is an extra:
a feature checks for its modules before importing them, and a missing one is an error that names
the extra to install, not a bare `ModuleNotFoundError` from deep inside a library.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec


@dataclass(frozen=True)
class Extra:
    modules: tuple[str, ...]
    """Top-level modules the feature imports (checked without importing them)."""
    no_deps: str = ""
    """The group of packages installed after it with `pip install --no-deps` (their own dependencies
    would replace packages of the OCR stack; see pyproject.toml)."""


EXTRAS: dict[str, Extra] = {
    "scan": Extra(("cv2", "rapidocr")),
    "service": Extra(("fastapi", "uvicorn", "sqlalchemy", "multipart")),
    "ray": Extra(("ray",)),
    "train": Extra(("torch", "transformers", "onnx", "safetensors", "reportlab")),
    "charts": Extra(("matplotlib",)),
    "annotate": Extra(("label_studio_sdk", "httpx"), no_deps="annotate-sdk"),
    "scan-synth": Extra(("augraphy", "skimage", "sklearn", "scipy", "numba"), no_deps="scan-synth-augraphy"),
}


class MissingExtra(ImportError):
    """A feature's package is not installed; the message says which extra installs it."""

    def __init__(self, extra: str, feature: str, module: str):
        group = EXTRAS[extra].no_deps
        step = f", then pip install --no-deps {_requirements(group)}" if group else ""
        super().__init__(f"{feature} needs the `{extra}` extra ({module} is not installed): "
                         f"pip install 'xxgk[{extra}]'{step}", name=module)
        self.extra = extra


def _requirements(group: str) -> str:
    """The pinned packages of a group of pyproject.toml, as the installed package's metadata lists them."""
    try:
        listed = metadata.requires("xxgk") or []
    except metadata.PackageNotFoundError:
        listed = []
    marker = f'extra == "{group}"'
    found = [f"'{r.split(';')[0].strip()}'" for r in listed if r.endswith(marker)]
    return " ".join(found) or f"the `{group}` group of xxgk's pyproject.toml"


def missing(extra: str) -> str | None:
    """The first module of `extra` that is not installed, or None."""
    return next((m for m in EXTRAS[extra].modules if find_spec(m) is None), None)


def require(extra: str, feature: str) -> None:
    """Raise `MissingExtra` when `feature` (a command, a backend, an input kind) cannot run here."""
    module = missing(extra)
    if module is not None:
        raise MissingExtra(extra, feature, module)
