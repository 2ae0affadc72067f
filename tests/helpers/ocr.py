"""A stand-in OCR engine for tests that exercise the scan path's plumbing, not its models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

import xxgk.inference.ocr as ocr
from xxgk.inference.ocr import OcrBox, Quad


class NullEngine:
    """Finds no text anywhere: pages come out blank or empty, instantly."""

    name = "null"

    def __call__(self, image: np.ndarray) -> list[OcrBox]:
        return []

    def detect(self, image: np.ndarray) -> list[Quad]:
        return []

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]

    def upside_down(self, crops: Sequence[np.ndarray]) -> float:
        return 0.0


def install_engine(monkeypatch: pytest.MonkeyPatch, make) -> None:
    """Make `make` the configured engine (`rapidocr`) for this test, bypassing the engine cache."""
    monkeypatch.setattr(ocr, "_cache", {})
    monkeypatch.setitem(ocr.ENGINES, "rapidocr", make)


def missing_engine(**_options: object):
    raise ImportError("OCR of scanned reports needs rapidocr and onnxruntime: pip install rapidocr onnxruntime")
