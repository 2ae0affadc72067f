"""Generated scans: the same images for a seed, label boxes carried onto the stored pages, the
source's gold, levels that damage more and more, and containers other tools can open."""

from __future__ import annotations

import io
import json
import random
from dataclasses import replace

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from xxgk.templates import load_editions
from xxgk.training.synth import scan as scanning
from xxgk.training.synth.corpus import GeneratedDoc, generate_doc, write_set
from xxgk.training.synth.render_pdf import RenderedPdf
from xxgk.training.synth.scan import LEVELS, SET_CASES, RenderedScan, ScanSpec, encode, scan_pdf, set_spec, table_page

EDITIONS = load_editions()
DPI = 60  # small pages keep the tests fast; the geometry does not care


@pytest.fixture(scope="module")
def pdf_doc() -> GeneratedDoc:
    return generate_doc(random.Random(3), EDITIONS, "s3", "pdf", edition_id="2019")


@pytest.fixture(scope="module")
def rendered(pdf_doc) -> RenderedPdf:
    assert isinstance(pdf_doc.provenance, RenderedPdf)
    return pdf_doc.provenance


def _scan(rendered: RenderedPdf, seed: int = 1, **spec) -> RenderedScan:
    spec = {"level": "mild", "dpi": DPI, "pages": (table_page(rendered.boxes),), **spec}
    return scan_pdf(rendered, ScanSpec(**spec), random.Random(seed))


def _clean(pdf: bytes, page: int, dpi: int) -> np.ndarray:
    return pdfium.PdfDocument(pdf)[page - 1].render(scale=dpi / 72, grayscale=True).to_numpy()


def test_scan_same_seed_same_bytes(rendered):
    a, b = (_scan(rendered, level="heavy", skew_deg=1.5) for _ in range(2))
    assert all(np.array_equal(x, y) for x, y in zip(a.pages, b.pages, strict=True))
    assert encode(a) == encode(b)
    assert a.boxes == b.boxes
    other = _scan(rendered, seed=2, level="heavy", skew_deg=1.5)
    assert not np.array_equal(a.pages[0], other.pages[0])


@pytest.mark.parametrize("geometry", [{}, {"skew_deg": 2.5}, {"skew_deg": -3.0}, {"rotation": 90},
                                      {"rotation": 180}, {"rotation": 270, "skew_deg": 1.0},
                                      {"photo": True}, {"color": True, "rotation": 90},
                                      {"copier": True, "skew_deg": 2.5}, {"seal": True, "fold": True},
                                      {"photo": True, "low_light": True}],
                         ids=["straight", "skew", "skew-neg", "rot90", "rot180", "rot270-skew", "photo", "color-rot90",
                              "copier-skew", "seal-fold", "photo-dim"])
def test_scan_boxes_on_the_stored_page(rendered, geometry):
    scan = _scan(rendered, **geometry)
    page = scan.pages[0]
    h, w = page.shape[:2]
    source = [b for b in rendered.boxes if b.page == scan.source_pages[0]]
    assert len(scan.boxes) == len(source)
    grey = page if page.ndim == 2 else page.mean(axis=2)
    ink = np.median(grey) - min(60, 0.35 * np.median(grey))  # a dim photo has less contrast
    for b, src in zip(scan.boxes, source, strict=True):
        x0, y0, x1, y1 = b.bbox
        assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h, b
        assert (b.page, b.label, b.text, b.key) == (1, src.label, src.text, src.key)
        if b.key and b.text.strip():  # a printed value: its box holds ink
            crop = grey[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1))]
            assert crop.min() < ink, b


def test_scan_quarter_turns_swap_dimensions(rendered):
    upright = _scan(rendered).pages[0].shape
    assert _scan(rendered, rotation=90).pages[0].shape == upright[::-1]
    assert _scan(rendered, rotation=270).pages[0].shape == upright[::-1]
    assert _scan(rendered, rotation=180).pages[0].shape == upright
    assert _scan(rendered, skew_deg=2.0).pages[0].shape == upright


def test_scan_rotation_is_clockwise(rendered):
    """At 90 the page's top edge is at the image's right: the title row sits right of the rest."""
    scan = _scan(rendered, rotation=90, pages=(1,))
    title = next(b for b in scan.boxes if b.label == "title")
    others = [b for b in scan.boxes if b.label != "title"]
    assert title.bbox[0] > np.median([b.bbox[0] for b in others])


def test_scan_levels_damage_more_and_more(rendered):
    page = table_page(rendered.boxes)
    clean = _clean(rendered.pdf, page, 100).astype(np.float64)
    psnr = {}
    for level in LEVELS:
        img = _scan(rendered, level=level, dpi=100).pages[0].astype(np.float64)
        psnr[level] = 10 * np.log10(255**2 / ((img - clean) ** 2).mean())
    assert psnr["mild"] > psnr["medium"] + 3 > psnr["heavy"] + 6, psnr


def test_scan_gold_is_the_source_gold(pdf_doc):
    scan_doc = generate_doc(random.Random(3), EDITIONS, "s3", "scan", edition_id="2019",
                            scan=ScanSpec("medium", dpi=DPI, rotation=180))
    assert scan_doc.gold["cells"] == pdf_doc.gold["cells"]
    assert scan_doc.gold["meta"] == pdf_doc.gold["meta"]
    assert scan_doc.filename == "s3.pdf"
    assert any(n.startswith("scan: medium") and "rotated 180" in n for n in scan_doc.gold["notes"])


def test_scan_single_image_keeps_its_page_cells(pdf_doc):
    doc = generate_doc(random.Random(3), EDITIONS, "s3", "scan", edition_id="2019",
                       scan=ScanSpec("mild", dpi=DPI, container="png"))
    assert isinstance(doc.provenance, RenderedScan)
    (kept,) = doc.provenance.source_pages
    elsewhere = {b.key for b in doc.provenance.source.boxes if b.key and b.page != kept}
    assert elsewhere and any(b.key for b in doc.provenance.boxes)
    for key, value in doc.gold["cells"].items():
        assert value == (None if key in elsewhere else pdf_doc.gold["cells"][key]), key
    assert doc.gold["meta"]["edition"] == "2019" and doc.filename == "s3.png"


def test_scan_containers_open(rendered):
    scan = _scan(rendered, pages=None, container="tiff")
    n = len(scan.pages)
    assert n > 1
    with Image.open(io.BytesIO(encode(scan))) as tif:
        assert tif.n_frames == n and tif.size == scan.pages[0].shape[::-1]
    pdf = pdfium.PdfDocument(encode(_with_container(scan, "pdf")))
    assert len(pdf) == n
    assert all(pdf[i].get_textpage().get_text_range() == "" for i in range(n))
    for container, fmt in (("png", "PNG"), ("jpeg", "JPEG")):
        one = _scan(rendered, container=container, color=True)
        with Image.open(io.BytesIO(encode(one))) as im:
            assert im.format == fmt and im.mode == "RGB" and im.size == one.pages[0].shape[1::-1]
    with pytest.raises(ValueError):
        encode(_with_container(scan, "png"))


def _with_container(scan: RenderedScan, container: scanning.Container) -> RenderedScan:
    return replace(scan, spec=replace(scan.spec, container=container))


def test_scan_write_set_writes_scans_and_gold(tmp_path, monkeypatch):
    def small(rng, level=None):
        return ScanSpec(level or "mild", dpi=50, container="tiff")

    monkeypatch.setattr(scanning, "sample_spec", small)
    docs = write_set(tmp_path, 2, seed=5, kinds=("scan",), scan_levels=("heavy", "mild"))
    assert [d.filename for d in docs] == ["gen5_0000.tif", "gen5_0001.tif"]
    for doc, level in zip(docs, ("heavy", "mild"), strict=True):
        gold = json.loads((tmp_path / f"{doc.doc_id}.gold.json").read_text(encoding="utf-8"))
        assert gold["source"] == doc.filename and f"scan: {level}, 50 dpi, tiff" in gold["notes"]
        assert (tmp_path / doc.filename).stat().st_size > 0


def test_scan_set_covers_the_cases():
    rng = random.Random(0)
    specs = [set_spec(i, rng) for i in range(len(SET_CASES))]
    assert len(specs) >= 30
    assert {(s.level, i % 2) for i, s in enumerate(specs)} == {(lv, e) for lv in LEVELS for e in (0, 1)}
    assert {s.rotation for s in specs} == {0, 90, 180, 270}
    assert {s.container for s in specs} == {"pdf", "tiff", "png", "jpeg"}
    assert any(s.dpi == 150 and s.level == "heavy" for s in specs)
    assert any(abs(s.skew_deg) >= 2 for s in specs) and any(0.5 <= abs(s.skew_deg) < 2 for s in specs)
    assert sum(s.photo for s in specs) >= 1 and all(s.level != "heavy" for s in specs if s.photo)


def test_scan_office_marks_show(rendered):
    """Each office mark leaves what it should: red seal ink over the table, a copier's dark frame
    and full-length streaks, a fax's black and white, a fold's dark crease, a dim photo."""
    plain = _scan(rendered, level="mild", dpi=100)
    sealed = _scan(rendered, level="mild", dpi=100, seal=True).pages[0]
    assert sealed.ndim == 3
    rgb = sealed.astype(int)
    red = (rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2])) > 60
    assert red.sum() > 500
    ys, xs = np.nonzero(red)
    values = [b.bbox for b in plain.boxes if b.key]
    assert any(x0 <= xs.mean() + 120 and xs.mean() - 120 <= x1 and y0 <= ys.mean() + 120 and ys.mean() - 120 <= y1
               for x0, y0, x1, y1 in values)  # over the table

    copy = _scan(rendered, level="mild", dpi=100, copier=True, skew_deg=2.5).pages[0]
    paper = np.median(copy)
    edges = [copy[:, :3], copy[:, -3:], copy[:3, :], copy[-3:, :]]
    assert sum(np.median(e) < paper - 80 for e in edges) >= 2  # the dark frame shows
    straight = _scan(rendered, level="mild", dpi=100, copier=True).pages[0][40:-40, 40:-40]
    columns = np.median(straight, axis=0)
    assert (columns < np.median(columns) - 15).any()  # a streak runs down the whole sheet
    assert np.percentile(straight, 1) > 40  # and the black print went grey

    faxed = _scan(rendered, level="mild", dpi=100, fax=True).pages[0]
    assert faxed.ndim == 2 and set(np.unique(faxed)) <= {0, 255}

    folded = _scan(rendered, level="mild", dpi=100, fold=True).pages[0].astype(np.float64)
    rows, cols = np.median(folded, axis=1), np.median(folded, axis=0)
    assert min(rows.min(), cols.min()) < np.median(folded) - 20  # the crease

    photo = _scan(rendered, level="mild", dpi=100, photo=True).pages[0]
    dim = _scan(rendered, level="mild", dpi=100, photo=True, low_light=True).pages[0]
    assert dim.mean() < 0.75 * photo.mean()
    shaken = _scan(rendered, level="mild", dpi=100, photo=True, motion=True).pages[0]
    sharpness = [cv2.Laplacian(cv2.GaussianBlur(cv2.cvtColor(im, cv2.COLOR_RGB2GRAY), (0, 0), 1.5), cv2.CV_64F).var()
                 for im in (photo, shaken)]  # edges, not the sensor noise
    assert sharpness[1] < 0.9 * sharpness[0]


def test_scan_set_has_office_marks():
    rng = random.Random(0)
    specs = [set_spec(i, rng) for i in range(len(SET_CASES))]
    for mark in ("seal", "copier", "fax", "fold", "motion", "low_light"):
        assert any(getattr(s, mark) for s in specs), mark
    assert any(s.fax and s.dpi == 150 for s in specs) and any(s.dpi == 300 and s.color for s in specs)
    assert any(s.copier and abs(s.skew_deg) >= 2 for s in specs)
