"""Image ingest plumbing (formats, frames, resolution, bad input), with a stand-in OCR engine."""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers.ocr import NullEngine, install_engine, missing_engine
from xxgk.errors import ExtractionError
from xxgk.inference.ingest import ingest
from xxgk.inference.ingest.image import frame_dpi, ingest_image
from xxgk.inference.ingest.pdf import ingest_pdf
from xxgk.options import load_options
from xxgk.settings import Settings

OPTIONS = load_options()
"""The shipped pipeline options."""


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    install_engine(monkeypatch, lambda **_: NullEngine())
    return Settings(work_dir=tmp_path / "work")


def _page(w: int = 1240, h: int = 1754) -> Image.Image:
    """A page-sized image with a little ink (not blank), e.g. A4 at 150 dpi."""
    img = np.full((h, w), 240, np.uint8)
    img[h // 3: h // 3 + 4, w // 8: w - w // 8] = 20
    img[h // 2: h // 2 + 30, w // 4: w // 4 + 300] = 30
    return Image.fromarray(img)


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", ".png"), ("JPEG", ".jpg"), ("BMP", ".bmp"), ("WEBP", ".webp")])
def test_image_formats_become_one_page_in_the_200_dpi_frame(tmp_path, settings, fmt, suffix):
    path = tmp_path / f"page{suffix}"
    _page().save(path, fmt, dpi=(150, 150))
    doc = ingest_image(path, doc_id="p", settings=settings, options=OPTIONS)
    assert doc.input_kind == "image" and len(doc.pages) == 1
    page = doc.pages[0]
    assert (page.width, page.height) == (1653.0, 2339.0)  # 150 dpi upscaled to 200
    assert page.image and Path(page.image).is_file() and Path(page.image).is_relative_to(settings.work_dir)
    assert Image.open(page.image).size == (1653, 2339)


def test_image_multipage_tiff_one_page_per_frame(tmp_path, settings):
    path = tmp_path / "scan.tif"
    frames = [_page(1654, 2339), _page(1654, 2339), _page(1654, 2339)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200), compression="tiff_lzw")
    doc = ingest_image(path, doc_id="t", settings=settings, options=OPTIONS)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert len({p.image for p in doc.pages}) == 3


def test_image_page_limit(tmp_path, settings):
    path = tmp_path / "long.tif"
    frames = [_page(827, 1170) for _ in range(4)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))
    doc = ingest_image(path, doc_id="l", settings=settings.model_copy(update={"ocr_max_pages": 2}),
                       options=OPTIONS)
    assert len(doc.pages) == 2 and any("pages 3-4 were not read" in w for w in doc.warnings)


def test_image_blank_page_warns(tmp_path, settings):
    path = tmp_path / "blank.png"
    Image.new("L", (1654, 2339), 250).save(path)
    doc = ingest_image(path, doc_id="b", settings=settings, options=OPTIONS)
    assert len(doc.pages) == 1 and not doc.segments
    assert any("page 1 is blank" in w for w in doc.warnings)


@pytest.mark.parametrize(("size", "tag", "dpi"), [
    ((1654, 2339), (200, 200), 200), ((1240, 1754), (150, 150), 150), ((2480, 3508), (300, 300), 300),
    ((1240, 1754), None, 150.0), ((1240, 1754), (72, 72), 150.0),  # a 72-dpi tag on a page image is wrong
])
def test_image_resolution_from_tag_or_page_size(size, tag, dpi):
    assert frame_dpi(size, tag) == pytest.approx(dpi, rel=0.01)


def test_image_corrupt_and_truncated_are_refused(tmp_path, settings):
    path = tmp_path / "broken.png"
    buf = tmp_path / "ok.png"
    _page().save(buf, "PNG")
    path.write_bytes(buf.read_bytes()[:3000])  # cut off mid-stream
    with pytest.raises(ExtractionError) as err:
        ingest_image(path, doc_id="x", settings=settings, options=OPTIONS)
    assert err.value.error.category == "corrupt" and "damaged" in err.value.error.message
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50)
    with pytest.raises(ExtractionError) as err:
        ingest(junk)
    assert err.value.error.category == "corrupt"


def _png_header(w: int, h: int) -> bytes:
    """A PNG that claims a size: signature, header chunk, an empty data chunk, end."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("w", "h"), [(12000, 9000), (30000, 30000)])
def test_image_huge_is_refused_before_decoding(tmp_path, settings, w, h):
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header(w, h))
    with pytest.raises(ExtractionError) as err:
        ingest_image(path, doc_id="h", settings=settings, options=OPTIONS)
    assert err.value.error.category == "too_large"


def test_image_tiff_with_a_huge_later_page_is_refused_before_any_ocr(tmp_path, monkeypatch):
    """Every frame's size is checked from its header before the first page is read."""
    calls: list[int] = []

    class Counting(NullEngine):
        def detect(self, *args, **kwargs):
            calls.append(1)
            return super().detect(*args, **kwargs)

    install_engine(monkeypatch, lambda **_: Counting())
    path = tmp_path / "pages.tif"
    small, huge = _page().convert("1"), Image.new("1", (11000, 10000), 1)
    small.save(path, save_all=True, append_images=[small, huge], compression="group4")
    with pytest.raises(ExtractionError) as err:
        ingest_image(path, doc_id="t", settings=Settings(work_dir=tmp_path / "work"), options=OPTIONS)
    assert err.value.error.category == "too_large" and "page 3 is 11000 x 10000" in err.value.error.message
    assert not calls


def test_image_without_ocr_needs_ocr(tmp_path, monkeypatch):
    install_engine(monkeypatch, missing_engine)
    path = tmp_path / "page.png"
    _page().save(path)
    with pytest.raises(ExtractionError) as err:
        ingest(path)
    assert err.value.error.category == "needs_ocr" and "pip install" in err.value.error.message


def _image_pdf(path: Path, n: int) -> None:
    pages = [_page(827, 1170) for _ in range(n)]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=100.0)


def test_image_only_pdf_of_100_pages_in_bounded_memory(tmp_path, settings):
    path = tmp_path / "long.pdf"
    _image_pdf(path, 100)
    tracemalloc.start()
    try:
        doc = ingest_pdf(path, doc_id="long", settings=settings, options=OPTIONS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert doc.input_kind == "scanned_pdf" and len(doc.pages) == 100
    assert all(p.image for p in doc.pages)
    assert peak < 80 * 2**20  # a few page images (4 MB each at 200 dpi), never all of them


def test_image_only_pdf_page_limit(tmp_path, settings):
    path = tmp_path / "five.pdf"
    _image_pdf(path, 5)
    doc = ingest_pdf(path, doc_id="five", settings=settings.model_copy(update={"ocr_max_pages": 3}),
                     options=OPTIONS)
    assert sum(1 for p in doc.pages if p.image) == 3
    assert any("pages 4, 5 " in w and "limit of 3" in w for w in doc.warnings)
