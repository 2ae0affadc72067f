"""A minus the recogniser dropped is found again in the cell's ink: small and grey on a poor copy,
but wider than tall, at the number's middle height and close before it; a mark as wide as tall
there (a minus a camera blurred, or a speck) only puts the number in doubt."""

from __future__ import annotations

import numpy as np
import pytest

from xxgk.inference.ingest.scan import _Ink, _leading_mark
from xxgk.inference.layout.rules import binarize
from xxgk.options import load_options

SCAN = load_options().scan

CELL = (0.0, 0.0, 160.0, 60.0)
NUMBER = (60.0, 10.0, 100.0, 50.0)  # where the detector found the digits


def _cell(extra: tuple[int, int, int, int, int] | None) -> _Ink:
    """A cell with `16` printed in it and one more mark (x, y, w, h, grey level)."""
    gray = np.full((60, 160), 225, np.uint8)
    gray[18:42, 68:72] = 40  # a `1`
    gray[18:42, 78:92] = 40  # a `6`, as a ring
    gray[22:38, 82:88] = 225
    if extra is not None:
        x, y, w, h, level = extra
        gray[y:y + h, x:x + w] = level
    return _Ink.of(gray, binarize(gray), SCAN.dark)


@pytest.mark.parametrize(("extra", "found"), [
    ((58, 29, 7, 3, 90), "minus"),  # a short grey minus, as a blurred copy prints it
    ((54, 29, 12, 3, 40), "minus"),  # a clean minus
    (None, None),                    # no sign at all
    ((58, 39, 8, 3, 90), None),      # an underline: at the bottom of the digits
    ((59, 28, 4, 4, 90), "blot"),    # a round blot: a minus a camera blurred, or a speck
    ((58, 29, 7, 3, 205), None),     # a paler smudge than print
    ((20, 29, 7, 3, 40), None),      # a mark far from the number
])
def test_leading_minus_is_told_from_other_marks(extra, found):
    assert _leading_mark(_cell(extra), NUMBER, CELL) == found
