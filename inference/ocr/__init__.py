"""OCR engines behind one small interface: page image in, text boxes out.

The scan ingester needs three things of an engine, so the interface has three calls:

- `detect(image)`: text-line quadrilaterals of a page (used first, before any text is read, to
  find the page's orientation and skew);
- `recognize(crops)`: the text and confidence of line images cut from the corrected page (table
  cells are cut at their borders, so a line never reads into its neighbour);
- `upside_down(crops)`: how many of a sample of line images read upside down (0 vs 180 degrees).

`__call__(image)` does detect + recognize on a whole image, for callers that want plain boxes.
Engines live in `ENGINES`, a plain dict from name to constructor; heavy libraries are imported
inside the constructors, so importing this package costs nothing.

Every engine returns text NFKC-normalised (full-width digits and letters to ASCII), and tokens
that are a number misread with a letter (`1O` for `10`, `l5` for `15`) repaired by `clean_text`,
so the number reader downstream sees what a person sees.
"""

from __future__ import annotations

from collections.abc import Callable

from xxgk.inference.ocr.base import OcrBox, OcrEngine, Point, Quad, clean_text

__all__ = ["ENGINES", "OcrBox", "OcrEngine", "Point", "Quad", "clean_text", "get_engine"]


def _rapidocr(**options: object) -> OcrEngine:
    from xxgk.inference.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine(**options)  # type: ignore[arg-type]


ENGINES: dict[str, Callable[..., OcrEngine]] = {"rapidocr": _rapidocr}
"""Engine constructors by name (`Settings.ocr_engine`)."""

_cache: dict[tuple, OcrEngine] = {}


def get_engine(name: str = "rapidocr", **options: object) -> OcrEngine:
    """The named engine with these options, built once per process (model loading takes seconds)."""
    key = (name, tuple(sorted(options.items())))
    if key not in _cache:
        try:
            make = ENGINES[name]
        except KeyError:
            raise ValueError(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}") from None
        _cache[key] = make(**options)
    return _cache[key]
