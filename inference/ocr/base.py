"""What every OCR engine gives and takes: boxes, quads, the engine protocol, and the text clean-up
every engine applies, kept apart from the engine registry (`xxgk.inference.ocr`) so engines import
it without importing the registry that constructs them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
"""Corners clockwise from the top-left, pixels of the image given, origin top-left."""


@dataclass(frozen=True)
class OcrBox:
    text: str
    quad: Quad
    score: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return (min(xs), min(ys), max(xs), max(ys))


class OcrEngine(Protocol):
    name: str

    def __call__(self, image: np.ndarray) -> list[OcrBox]:
        """Every text line of the image, read (greyscale or BGR uint8)."""
        ...

    def detect(self, image: np.ndarray) -> list[Quad]:
        """Text-line quadrilaterals of the image, top to bottom."""
        ...

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """(text, score) of each line image, text cleaned by `clean_text`; ("", 0) for nothing read."""
        ...

    def upside_down(self, crops: Sequence[np.ndarray]) -> float:
        """Share (0-1, weighted by confidence) of the line images that read upside down."""
        ...


# Letters a recogniser confuses with digits, only ever replaced inside a token that is otherwise a number.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                                   "i": "1", "!": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8",
                                   "g": "9", "q": "9"})
_NUMBER_LIKE = re.compile(r"^[-+]?[0-9OoDQlI|i!ZzSsBgq]*[0-9][0-9OoDQlI|i!ZzSsBgq.,]*%?$")
_ROUND = frozenset("OoDQ")
"""A token of only these is a zero: nothing else in a report's table is a lone round letter."""
_SPECKS = ".,'`·:;"


def clean_text(text: str) -> str:
    """NFKC, trimmed, and digit look-alike letters inside numeric tokens turned into digits.

    A token is repaired only when it already holds a digit and every other character is a digit
    look-alike (`1O` -> `10`, `2l` -> `21`, `O.5` -> `0.5`), or when it is one round letter (`o`,
    `O`: a zero). A lone `l`, `I` or `|` is left alone: it is as likely a cell's border left in the
    crop as a `1`, and the rule layer flags an unreadable cell rather than reading a value. Specks
    read as `.` or `,` at a number's ends are dropped (`0.` -> `0`, `,0` -> `0`).
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return text
    out = []
    for tok in text.split(" "):
        core = tok.strip(_SPECKS)
        if core and any(ch.isdigit() for ch in core) and _NUMBER_LIKE.match(core):
            tok = core.translate(_DIGIT_LOOKALIKES)
        elif core and all(ch in _ROUND for ch in core) and len(core) <= 3:
            tok = "0" * len(core) if len(core) == 1 else tok
        out.append(tok)
    return " ".join(t for t in out if t)
