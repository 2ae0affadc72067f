"""Generated reports as scans: the born-digital PDF rasterised, degraded and stored as images, with every label's box.

A scan is made in the order paper goes through an office: the PDF is printed (rasterised with
pypdfium2 at the scan's dpi) and the print ages (ink bleed, and augraphy's ink and paper effects:
mottled or streaky toner, paper texture, drum dirt, a bad photocopy); the sheet lies on the glass a
little askew or is photographed at an angle on a desk; it is fed sideways or upside down (a whole
quarter turn of the stored image); and the scanner or camera adds its own faults (uneven light,
blur, low contrast, sensor noise, JPEG compression). Three levels, `mild`, `medium` and `heavy`,
set how hard each stage bites; `heavy` is a bad photocopy of a photocopy whose numbers a person
still reads. Offices add their own marks, each switched on in the spec (`xxgk.training.synth.office`):
a seal stamped over the table, a copier's grey print, toner streaks and dark frame, a fax's black
and white, a fold, a shaken or dim phone photo.

The pages are then stored the way agencies publish scans: an image-only PDF (one JPEG per page,
no text layer, each page as large as the image at the scan's dpi), a multi-page TIFF (LZW for grey,
JPEG for colour), or a single PNG or JPEG of one page (the page with most table values; its gold
keeps only the cells printed on it). A page takes 0.3 s (mild) to 0.65 s (heavy, photo) of one
core at 200 dpi.

The truth does not change with scanning: the gold is the source document's (cut to the pages
kept), and every `LabelBox` of the renderer is carried through the same geometry into the frame of
the page image *as stored*, before any correction (see `RenderedScan`). Everything random comes
from the given rng: augraphy draws from the global `random` and `numpy.random` generators, which
are seeded per page and restored afterwards, so one seed gives the same images, byte for byte.
"""

from __future__ import annotations

import io
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from xxgk.inference.layout import RENDER_DPI
from xxgk.training.synth import office
from xxgk.training.synth.render_pdf import LabelBox, RenderedPdf

Level = Literal["mild", "medium", "heavy"]
LEVELS: tuple[Level, ...] = ("mild", "medium", "heavy")
Container = Literal["pdf", "tiff", "png", "jpeg"]
SUFFIXES: dict[Container, str] = {"pdf": ".pdf", "tiff": ".tif", "png": ".png", "jpeg": ".jpg"}
SINGLE_PAGE: frozenset[Container] = frozenset({"png", "jpeg"})
Matrix = np.ndarray
"""A 3x3 homography on pixel coordinates with edges at integers: (0, 0) is the top-left corner
of the top-left pixel, (w, h) the bottom-right corner of the image."""


@dataclass(frozen=True)
class ScanSpec:
    """How one document is scanned and stored."""

    level: Level = "medium"
    dpi: int = RENDER_DPI
    """Resolution the pages are rasterised at (150 for a low-resolution scan)."""
    rotation: Literal[0, 90, 180, 270] = 0
    """Clockwise quarter turns of the stored image: at 90 the page's top is at the image's right
    edge. Turn the image counter-clockwise by this much to read it."""
    skew_deg: float = 0.0
    """Counter-clockwise tilt of the page as seen (OpenCV's sign), applied before `rotation`.
    Deskewing the upright page means rotating it by -skew_deg."""
    photo: bool = False
    """A phone photo of each page on a desk: perspective, uneven light, colour, a background."""
    color: bool = False
    """A colour scan on tinted paper (RGB pages) rather than greyscale."""
    seal: bool = False
    """A red (or blue) official seal stamped over the table (colour pages)."""
    copier: bool = False
    """A photocopy of a photocopy: grey print, toner streaks, the sheet in a dark copier frame."""
    fax: bool = False
    """Sent by fax: black and white, with dropped and smeared scan lines (usually at 150 dpi)."""
    fold: bool = False
    """Folded for an envelope: a crease with its shadow across the sheet."""
    motion: bool = False
    """The camera moved: motion blur (photos)."""
    low_light: bool = False
    """A dim room: a dark, noisy capture (photos)."""
    container: Container = "pdf"
    pages: tuple[int, ...] | None = None
    """1-based source pages kept, in order; None keeps all (single-image containers: the page with
    most table values)."""


@dataclass
class RenderedScan:
    """A scanned report: its page images and, for every label the renderer drew, its box.

    Frame of `boxes`: pixels of the page image as stored (`pages[b.page - 1]`, after rotation,
    skew or perspective, before any correction), origin top-left, x right, y down, at the scan's
    `dpi`, not RENDER_DPI: a 150-dpi page rasterised again at RENDER_DPI (from the image-only PDF,
    whose page is the image's size at `dpi`) is RENDER_DPI / dpi times larger. The box is the
    axis-aligned hull of the renderer's box carried through the page's geometry, so on a skewed
    or photographed page it is slightly larger than the text. `b.page` counts the stored pages
    from 1; it is the source page only when all pages are kept, see `source_pages`.
    `transforms[i]` maps the renderer's frame (pixels at RENDER_DPI of source page
    `source_pages[i]`) to stored page i + 1, so any other point can be carried the same way.
    Pages are uint8 arrays, H x W for greyscale, H x W x 3 (RGB) for colour and photos, as written
    into the container (the PDF, JPEG and colour TIFF containers compress them again as JPEG);
    `corpus.write_set` drops them once the file is written.
    """

    pages: list[np.ndarray]
    boxes: list[LabelBox]
    transforms: list[Matrix]
    source_pages: list[int]
    spec: ScanSpec
    source: RenderedPdf
    seconds_per_page: float = 0.0
    """Mean time taken to degrade and transform one page (rasterising excluded)."""

    @property
    def dpi(self) -> int:
        return self.spec.dpi

    @property
    def rotation(self) -> int:
        return self.spec.rotation

    @property
    def skew_deg(self) -> float:
        return self.spec.skew_deg

    @property
    def degradation(self) -> Level:
        return self.spec.level


# ---------------------------------------------------------------- degradation recipes
@dataclass(frozen=True)
class _Capture:
    """What the scanner or camera adds, drawn per page from these ranges."""

    blur: tuple[float, float]
    """Gaussian sigma in pixels at 200 dpi (scaled with dpi)."""
    noise: tuple[float, float]
    """Sensor noise, standard deviation in grey levels."""
    ink: tuple[int, int]
    """Where black ends up once the contrast is squeezed."""
    paper: tuple[int, int]
    """Where white ends up."""
    jpeg: tuple[int, int]
    """JPEG quality of the scanner's output."""
    shadow: float
    """Chance of a dark band along one edge (a book spine, a lid left open)."""
    light: tuple[float, float]
    """Depth of the smooth lighting gradient across the page (0: even)."""


_CAPTURE: dict[Level, _Capture] = {
    "mild": _Capture(blur=(0.3, 0.6), noise=(1.5, 3.0), ink=(0, 25), paper=(238, 252), jpeg=(80, 92),
                     shadow=0.0, light=(0.0, 0.05)),
    "medium": _Capture(blur=(0.6, 0.9), noise=(3.0, 6.0), ink=(25, 55), paper=(218, 240), jpeg=(55, 75),
                       shadow=0.25, light=(0.04, 0.10)),
    "heavy": _Capture(blur=(0.9, 1.2), noise=(6.0, 9.0), ink=(55, 85), paper=(190, 215), jpeg=(30, 45),
                      shadow=0.5, light=(0.08, 0.16)),
}
_PHOTO = _Capture(blur=(0.8, 1.1), noise=(4.0, 7.0), ink=(30, 60), paper=(200, 230), jpeg=(70, 85),
                  shadow=0.0, light=(0.25, 0.4))


def _bleed(img: np.ndarray, rng: np.random.Generator, size: int, strength: tuple[float, float]) -> np.ndarray:
    """Ink soaking into the paper: strokes thickened by a minimum filter, blended in and softened
    (augraphy's InkBleed does the same at ten times the cost)."""
    spread = cv2.erode(img, np.ones((size, size), np.uint8))
    s = rng.uniform(*strength)
    return cv2.GaussianBlur(cv2.addWeighted(img, 1 - s, spread, s, 0), (3, 3), 0)


def _faint(effect: Callable, alpha: float) -> Callable[[np.ndarray], np.ndarray]:
    """An augraphy effect at `alpha` strength: its smudges are lighter, so the text under them reads."""
    def apply(img: np.ndarray) -> np.ndarray:
        out = effect(img)
        out = out[0] if isinstance(out, tuple) else out
        if out is None:
            return img
        out = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
        return cv2.addWeighted(img, 1 - alpha, out, alpha, 0)

    return apply


def _one_of(rng: np.random.Generator, p: float, effects: list[Callable]) -> Callable[[np.ndarray], np.ndarray]:
    """With chance p, one of the effects (augraphy's OneOf passes arguments plain functions lack)."""
    def apply(img: np.ndarray) -> np.ndarray:
        return effects[int(rng.integers(len(effects)))](img) if rng.random() < p else img

    return apply


def _paper_effects(level: Level, rng: np.random.Generator) -> list[Callable[[np.ndarray], np.ndarray]]:
    """The print's ageing at a level: augraphy's effects (seeded through `_seeded`) and a cheap
    ink bleed; all on greyscale, about 0.1 s (mild) to 0.5 s (heavy) a page at 200 dpi."""
    import augraphy as A

    if level == "mild":
        return [A.InkMottling(ink_mottling_alpha_range=(0.1, 0.2), p=0.5), A.SubtleNoise(subtle_range=6, p=1)]
    if level == "medium":
        return [
            lambda img: _bleed(img, rng, 2, (0.3, 0.5)) if rng.random() < 0.7 else img,
            A.LowInkRandomLines(count_range=(3, 8), use_consistent_lines=False, p=0.5),
            A.NoiseTexturize(sigma_range=(3, 6), turbulence_range=(2, 4), p=1),
            _faint(A.DirtyDrum(line_width_range=(1, 3), line_concentration=0.05, noise_intensity=0.3, p=0.3), 0.4),
        ]
    return [
        lambda img: _bleed(img, rng, 3, (0.4, 0.6)),
        A.LowInkPeriodicLines(count_range=(2, 4), period_range=(20, 40), use_consistent_lines=True, p=0.6),
        A.NoiseTexturize(sigma_range=(5, 10), turbulence_range=(3, 5), p=1),
        _one_of(rng, 0.8, [
            A.BadPhotoCopy(noise_type=1, noise_value=(120, 200), noise_sparsity=(0.3, 0.6),
                           noise_concentration=(0.05, 0.2), blur_noise=0, wave_pattern=0, edge_effect=0, p=1),
            _faint(A.DirtyDrum(line_width_range=(2, 4), line_concentration=0.1, noise_intensity=0.5, p=1), 0.5),
        ]),
    ]


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed the global generators augraphy draws from; put them back afterwards."""
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed % 2**32)
    cv2.setRNGSeed(seed % 2**31)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def _age(img: np.ndarray, spec: ScanSpec, seed: int, seal_at: tuple[float, float] | None) -> np.ndarray:
    """The greyscale print aged at the spec's level (and copied, for a copier's spec); tinted paper
    (BGR) for colour scans, photos and sealed pages, the seal stamped at `seal_at` (page pixels)."""
    rng = np.random.default_rng([seed, 1])
    with _seeded(seed):
        for effect in _paper_effects(spec.level, rng):
            out = effect(img)
            if out is not None:
                img = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    img = np.ascontiguousarray(img, dtype=np.uint8)
    if spec.copier:
        img = office.photocopy(img, rng, spec.dpi)
    if not (spec.color or spec.photo or spec.seal):
        return img
    img = _tint(img, rng)
    if spec.seal and seal_at is not None:
        img = office.stamp_seal(img, seal_at, round(rng.uniform(0.75, 0.9) * spec.dpi), rng)
    return img


def _tint(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Greyscale print on tinted paper (BGR): yellowish paper, blue-black ink."""
    paper = (rng.uniform(200, 235), rng.uniform(225, 245), rng.uniform(235, 255))  # BGR, yellowish
    ink = (rng.uniform(20, 60), rng.uniform(10, 35), rng.uniform(0, 30))  # blue-black
    lut = np.stack([np.linspace(i, p, 256) for i, p in zip(ink, paper, strict=True)], axis=-1)
    return cv2.LUT(cv2.merge([img, img, img]), lut.round().astype(np.uint8)[None])


# ---------------------------------------------------------------- geometry
def _translate(dx: float, dy: float) -> Matrix:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], dtype=np.float64)


def _to_index(m: Matrix) -> Matrix:
    """The homography in OpenCV's frame, where pixel centres are at integers."""
    return _translate(-0.5, -0.5) @ m @ _translate(0.5, 0.5)


def _skew_matrix(w: int, h: int, deg: float) -> Matrix:
    """Counter-clockwise turn (as seen) about the page centre, same canvas."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    rot = np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]], dtype=np.float64)
    return _translate(w / 2, h / 2) @ rot @ _translate(-w / 2, -h / 2)


def _quarter_turn(w: int, h: int, rotation: int) -> Matrix:
    """Clockwise turn of a w x h image by `rotation` degrees, as np.rot90 does it."""
    if rotation == 90:
        return np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    if rotation == 180:
        return np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], dtype=np.float64)
    if rotation == 270:
        return np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], dtype=np.float64)
    return np.eye(3)


def _photo_geometry(w: int, h: int, rng: np.random.Generator) -> tuple[Matrix, int, int]:
    """The page as a phone sees it on a desk: a larger frame, the far edge shorter, corners jittered."""
    cw, ch = round(w * 1.14), round(h * 1.10)
    ox, oy = (cw - w) / 2, (ch - h) / 2
    tilt = rng.uniform(0.03, 0.07) * w  # the top edge is further away: shorter
    jitter = rng.uniform(-0.012, 0.012, size=(4, 2)) * (w, h)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    if rng.random() < 0.5:
        far = np.array([[tilt, 0], [-tilt, 0], [0, 0], [0, 0]])
    else:  # the left edge is further away
        far = np.array([[0, tilt * 0.6], [0, 0], [0, 0], [0, -tilt * 0.6]])
    dst = src + np.array([ox, oy]) + far + jitter
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32)).astype(np.float64)
    return m, cw, ch


def _warp(img: np.ndarray, m: Matrix, size: tuple[int, int], fill: int | tuple[int, ...]) -> np.ndarray:
    return cv2.warpPerspective(img, _to_index(m), size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=fill)


def _desk(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A dull desk top: one colour, blotchy at low frequency."""
    h, w = shape[:2]
    base = rng.uniform(50, 150) * np.array([rng.uniform(0.6, 0.9), rng.uniform(0.8, 0.95), 1.0])  # BGR: grey to brown
    small = base + rng.normal(0, 12, size=(12, 9, 1))
    return cv2.resize(np.clip(small, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


def _place(img: np.ndarray, spec: ScanSpec, rng: np.random.Generator) -> tuple[np.ndarray, Matrix]:
    """The page on the glass (skew) or on a desk (photo), then turned a quarter as stored."""
    h, w = img.shape[:2]
    m = np.eye(3)
    if spec.photo:
        m, cw, ch = _photo_geometry(w, h, rng)
        mask = _warp(np.full((h, w), 255, np.uint8), m, (cw, ch), 0)
        page = _warp(img, m, (cw, ch), (255, 255, 255))
        alpha = mask.astype(np.float32) / 255
        img = cv2.blendLinear(page, _desk(page.shape, rng), alpha, 1 - alpha)
    elif spec.copier:  # the sheet on a larger glass: a dark frame around it, a wedge where it lies askew
        m = office.copier_frame(w, h, rng) @ _skew_matrix(w, h, spec.skew_deg)
        dark = int(rng.integers(35, 100))
        img = _warp(img, m, (w, h), (dark,) * 3 if img.ndim == 3 else dark)
    elif spec.skew_deg:
        m = _skew_matrix(w, h, spec.skew_deg)
        img = _warp(img, m, (w, h), (255, 255, 255) if img.ndim == 3 else 255)
    h, w = img.shape[:2]
    turn = _quarter_turn(w, h, spec.rotation)
    img = np.ascontiguousarray(np.rot90(img, k=(-spec.rotation // 90) % 4))
    return img, turn @ m


# ---------------------------------------------------------------- capture
def _lighting(h: int, w: int, depth: float, shadow: bool, rng: np.random.Generator) -> np.ndarray:
    """A smooth multiplicative light field: a gradient from a random side, a soft spot, maybe an edge shadow."""
    gh, gw = 48, 36
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / gw - 0.5) * math.cos(angle) + (yy / gh - 0.5) * math.sin(angle)
    cy, cx = rng.uniform(0, gh), rng.uniform(0, gw)
    spot = np.exp(-(((yy - cy) / gh) ** 2 + ((xx - cx) / gw) ** 2) / 0.15)
    field = 1 - depth * (0.5 + ramp) * (1 - 0.5 * spot)
    if shadow:
        side = rng.integers(4)
        width = rng.uniform(0.02, 0.06)
        dist = [xx / gw, 1 - xx / gw, yy / gh, 1 - yy / gh][side]
        field *= 1 - rng.uniform(0.35, 0.6) * np.exp(-dist / width)
    return cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)


def _capture(img: np.ndarray, spec: ScanSpec, rng: np.random.Generator) -> np.ndarray:
    c = _PHOTO if spec.photo else _CAPTURE[spec.level]
    h, w = img.shape[:2]
    channels = 1 if img.ndim == 2 else img.shape[2]
    squeeze = np.linspace(rng.uniform(*c.ink), rng.uniform(*c.paper), 256).round().astype(np.uint8)
    out = cv2.LUT(img, squeeze).astype(np.float32)
    field = _lighting(h, w, rng.uniform(*c.light), rng.random() < c.shadow, rng)
    if spec.fold:
        field *= office.fold((h, w), rng)
    if spec.low_light:
        field *= np.float32(rng.uniform(0.45, 0.6))
    cv2.multiply(out, cv2.merge([field] * channels), dst=out)
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(*c.blur) * spec.dpi / RENDER_DPI)
    if spec.motion:
        out = office.motion_blur(out, rng, spec.dpi)
    grain = rng.uniform(*c.noise) * (1.6 if spec.low_light else 1.0)
    noise = rng.standard_normal(size=(h, w), dtype=np.float32) * np.float32(grain)
    cv2.add(out, cv2.merge([noise] * channels), dst=out)
    out = np.clip(out, 0, 255, out=out).astype(np.uint8)
    if spec.fax:  # black and white, stored losslessly as a fax is
        return office.fax(out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY), rng)
    quality = int(rng.integers(c.jpeg[0], c.jpeg[1] + 1))
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


# ---------------------------------------------------------------- boxes
def transform_box(bbox: tuple[float, float, float, float], m: Matrix, w: int, h: int) -> tuple[float, ...]:
    """The axis-aligned hull of a box carried through `m`, clipped to a w x h image."""
    x0, y0, x1, y1 = bbox
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64) @ m.T
    xs, ys = pts[:, 0] / pts[:, 2], pts[:, 1] / pts[:, 2]
    return (round(float(np.clip(xs.min(), 0, w)), 2), round(float(np.clip(ys.min(), 0, h)), 2),
            round(float(np.clip(xs.max(), 0, w)), 2), round(float(np.clip(ys.max(), 0, h)), 2))


def _seal_centre(boxes: list[LabelBox], page: int, spec: ScanSpec, rng: np.random.Generator,
                 ) -> tuple[float, float] | None:
    """Where a seal goes on a source page (pixels at the scan's dpi): over one of its table values,
    a little off centre; None for a page without values."""
    values = [b for b in boxes if b.page == page and b.key]
    if not spec.seal or not values:
        return None
    box = values[int(rng.integers(len(values)))].bbox
    k = spec.dpi / RENDER_DPI
    return ((box[0] + box[2]) / 2 * k + rng.uniform(-0.3, 0.3) * spec.dpi,
            (box[1] + box[3]) / 2 * k + rng.uniform(-0.3, 0.3) * spec.dpi)


def table_page(boxes: list[LabelBox]) -> int:
    """The source page with most table values: the one a single-image scan keeps."""
    counts = Counter(b.page for b in boxes if b.key)
    return max(sorted(counts), key=lambda p: counts[p]) if counts else 1


# ---------------------------------------------------------------- the scan
def scan_pdf(rendered: RenderedPdf, spec: ScanSpec, rng: random.Random) -> RenderedScan:
    """The rendered PDF scanned as `spec` says, with its label boxes carried into the stored pages."""
    import time

    import augraphy  # noqa: F401  (imported here, outside the timing: it takes seconds once)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(rendered.pdf)
    try:
        pages = spec.pages or (
            (table_page(rendered.boxes),) if spec.container in SINGLE_PAGE else tuple(range(1, len(pdf) + 1)))
        images, transforms, boxes = [], [], []
        spent = 0.0
        for i, src_page in enumerate(pages, 1):
            seed = rng.getrandbits(32)
            img = np.array(pdf[src_page - 1].render(scale=spec.dpi / 72, grayscale=True).to_numpy(), copy=True)
            start = time.perf_counter()
            np_rng = np.random.default_rng(seed)
            img = _age(img, spec, seed, _seal_centre(rendered.boxes, src_page, spec, np.random.default_rng([seed, 2])))
            img, m = _place(img, spec, np_rng)
            img = _capture(img, spec, np_rng)
            spent += time.perf_counter() - start
            if img.ndim == 3:
                img = np.ascontiguousarray(img[..., ::-1])  # RGB
            m = m @ np.diag([spec.dpi / RENDER_DPI, spec.dpi / RENDER_DPI, 1.0])
            h, w = img.shape[:2]
            boxes += [replace(b, page=i, bbox=transform_box(b.bbox, m, w, h))
                      for b in rendered.boxes if b.page == src_page]
            images.append(img)
            transforms.append(m)
    finally:
        pdf.close()
    return RenderedScan(images, boxes, transforms, list(pages), spec, rendered, spent / max(len(pages), 1))


# ---------------------------------------------------------------- containers
def encode(scan: RenderedScan) -> bytes:
    """The pages in the spec's container: image-only PDF (JPEG pages), multi-page TIFF, PNG or JPEG."""
    ims = [Image.fromarray(p) for p in scan.pages]
    dpi = scan.spec.dpi
    buf = io.BytesIO()
    container = scan.spec.container
    if container == "pdf":
        ims[0].save(buf, "PDF", save_all=True, append_images=ims[1:], resolution=float(dpi), quality=85,
                    title=None, creationDate=None, modDate=None, producer="scanner")
    elif container == "tiff":
        colour = ims[0].mode == "RGB"  # colour pages as JPEG inside the TIFF, as scanners do; grey lossless
        ims[0].save(buf, "TIFF", save_all=True, append_images=ims[1:], dpi=(dpi, dpi),
                    compression="jpeg" if colour else "tiff_lzw", **({"quality": 85} if colour else {}))
    else:
        if len(ims) != 1:
            raise ValueError(f"a {container} holds one page, not {len(ims)}")
        if container == "png":
            ims[0].save(buf, "PNG", dpi=(dpi, dpi), optimize=False)
        else:
            ims[0].save(buf, "JPEG", dpi=(dpi, dpi), quality=88)
    return buf.getvalue()


def notes(scan: RenderedScan) -> list[str]:
    """Gold notes that say how the document was scanned."""
    s = scan.spec
    parts = [f"scan: {s.level}", f"{s.dpi} dpi", s.container]
    if s.photo:
        parts.append("photo at an angle")
    if s.color:
        parts.append("colour")
    parts += [name for name, on in (("seal", s.seal), ("photocopy", s.copier), ("fax", s.fax), ("folded", s.fold),
                                    ("motion blur", s.motion), ("low light", s.low_light)) if on]
    if s.rotation:
        parts.append(f"rotated {s.rotation} cw")
    if s.skew_deg:
        parts.append(f"skew {s.skew_deg:+.2f}°")
    if scan.source_pages != list(range(1, len(scan.source_pages) + 1)) or s.container in SINGLE_PAGE:
        parts.append("source pages " + ",".join(map(str, scan.source_pages)))
    return [", ".join(parts)]


def cut_gold(gold: dict, scan: RenderedScan) -> dict:
    """The gold of the pages kept: cells printed elsewhere become null (not in the source), and so
    do agency and year unless the first page (title) is kept."""
    kept = set(scan.source_pages)
    elsewhere = {b.key for b in scan.source.boxes if b.key and b.page not in kept}
    cells = {k: (None if k in elsewhere else v) for k, v in gold["cells"].items()}
    meta = dict(gold["meta"])
    if 1 not in kept:
        meta["agency"] = meta["year"] = None
    return {**gold, "meta": meta, "cells": cells}


def sample_spec(rng: random.Random, level: Level | None = None) -> ScanSpec:
    """A scan as they come: mostly a greyscale PDF at 200 dpi, nearly straight; sometimes otherwise."""
    level = level or rng.choice(LEVELS)
    r = rng.random()
    container: Container = "pdf" if r < 0.7 else "tiff" if r < 0.85 else "png" if r < 0.93 else "jpeg"
    skew = rng.uniform(0.5, 3.0) if rng.random() < 0.4 else rng.uniform(0.0, 0.3)
    spec = ScanSpec(
        level=level,
        dpi=150 if rng.random() < 0.2 else RENDER_DPI,
        rotation=rng.choice([0] * 17 + [90, 180, 270]),
        skew_deg=round(skew * rng.choice([-1, 1]), 2),
        photo=level != "heavy" and rng.random() < 0.05,
        color=rng.random() < 0.2,
        container=container,
    )
    return _office_marks(spec, rng)


def _office_marks(spec: ScanSpec, rng: random.Random) -> ScanSpec:
    """Now and then, what offices add (drawn after the rest, so the older draws stay as they were)."""
    marks = {"seal": rng.random() < 0.1, "fold": rng.random() < 0.1}
    if spec.photo:
        marks |= {"motion": rng.random() < 0.4, "low_light": rng.random() < 0.3}
    elif rng.random() < 0.15:
        marks["copier"] = True
    elif spec.dpi == 150 and rng.random() < 0.3:
        marks["fax"] = True
    return replace(spec, **marks)


# ---------------------------------------------------------------- the evaluation set
@dataclass(frozen=True)
class _Case:
    """One document's scan in the evaluation set, but for its level (drawn in turn) and skew's sign."""

    container: Container = "pdf"
    dpi: int = RENDER_DPI
    rotation: Literal[0, 90, 180, 270] = 0
    skew: tuple[float, float] = (0.0, 0.0)
    photo: bool = False
    color: bool = False
    seal: bool = False
    copier: bool = False
    fax: bool = False
    fold: bool = False
    motion: bool = False
    low_light: bool = False


_TINY, _SMALL, _LARGE = (0.1, 0.4), (0.5, 1.5), (1.5, 3.0)
SET_CASES: tuple[_Case, ...] = (
    _Case(), _Case(skew=_TINY), _Case(),
    _Case(dpi=150), _Case(dpi=150, skew=_SMALL), _Case(dpi=150),
    _Case(rotation=90), _Case(rotation=270), _Case(rotation=180),
    _Case(skew=_SMALL), _Case(skew=_LARGE), _Case(skew=_SMALL),
    _Case(photo=True), _Case("tiff"), _Case("tiff", rotation=180),
    _Case("tiff", dpi=150, skew=_SMALL), _Case("png"), _Case("jpeg"),
    _Case(color=True), _Case("tiff", skew=_SMALL, color=True), _Case(dpi=150, rotation=90),
    _Case(skew=_TINY), _Case(rotation=180, skew=_SMALL), _Case(),
    _Case("tiff", rotation=90), _Case("jpeg", photo=True), _Case(dpi=150, skew=_LARGE),
    _Case("png", rotation=90), _Case(skew=_LARGE, color=True), _Case(),
    _Case(seal=True), _Case(copier=True, skew=(2.0, 3.0)), _Case(dpi=150, fax=True),
    _Case("jpeg", photo=True, motion=True), _Case(photo=True, low_light=True), _Case(fold=True, skew=_SMALL),
    _Case("tiff", dpi=300, color=True), _Case("png", seal=True, copier=True, skew=_SMALL),
    _Case("tiff", dpi=150, fax=True, skew=_SMALL),
)
"""The scans of the evaluation set, in order; with levels drawn in turn (mild, medium, heavy) and
editions in turn, every level meets both editions and the geometric cases: 150 dpi (heavy at 150 too),
quarter turns both ways, upside down, skew up to 3°, photos at an angle (mild and medium), TIFF,
single-page PNG and JPEG, colour; then the marks of offices (`xxgk.training.synth.office`): a seal over
the table, a photocopy of a photocopy askew in its copier frame, 150-dpi faxes, a shaken and a dim
photo, a fold, a 300-dpi colour scan, a sealed photocopy."""


def set_spec(i: int, rng: random.Random, levels: tuple[Level, ...] = LEVELS) -> ScanSpec:
    """The i-th scan of the evaluation set; photos are at most `medium` (a camera adds its own damage)."""
    case = SET_CASES[i % len(SET_CASES)]
    level = levels[i % len(levels)]
    if case.photo and level == "heavy":
        level = "medium"
    skew = round(rng.uniform(*case.skew) * rng.choice([-1, 1]), 2) if case.skew[1] else 0.0
    return ScanSpec(level=level, dpi=case.dpi, rotation=case.rotation, skew_deg=skew, photo=case.photo,
                    color=case.color, container=case.container, seal=case.seal, copier=case.copier, fax=case.fax,
                    fold=case.fold, motion=case.motion, low_light=case.low_light)
