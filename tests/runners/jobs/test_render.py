"""Page image renders in child processes: the pixel cap, the time and memory limits, the failure memory."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from xxgk.runners.jobs.render import PageRenderer, RenderFailed, pdf_scale, render_to_png


def _pdf(path: Path, size: tuple[float, float]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=size)
    pdf.drawString(20, 20, "page")
    pdf.showPage()
    pdf.save()
    return path


def test_render_scale_is_200_dpi_up_to_the_pixel_cap() -> None:
    assert pdf_scale(595, 842) == pytest.approx(200 / 72)
    scale = pdf_scale(7200, 7200)
    assert (7200 * scale) ** 2 == pytest.approx(25_000_000)


def test_render_big_image_is_scaled_to_the_cap(tmp_path: Path) -> None:
    blob = tmp_path / "scan.png"
    Image.new("1", (9000, 6000), 1).save(blob)
    assert render_to_png(blob, "image", 1, tmp_path / "out.png", max_pixels=4_000_000)
    with Image.open(tmp_path / "out.png") as im:
        assert im.width * im.height <= 4_000_000 and abs(im.width / im.height - 1.5) < 0.01
    assert not render_to_png(blob, "image", 2, tmp_path / "none.png")


def _renderer(tmp_path: Path, **limits: float) -> PageRenderer:
    return PageRenderer(**{"processes": 1, "timeout": 60.0, "memory_mb": 1024, "tmp_dir": tmp_path, **limits})


def test_render_in_a_child_process_writes_the_page_atomically(tmp_path: Path) -> None:
    blob = _pdf(tmp_path / "a4.pdf", (595, 842))
    dest = tmp_path / "pages" / "1.png"
    assert asyncio.run(_renderer(tmp_path).render(blob, "pdf", 1, dest))
    with Image.open(dest) as im:
        assert abs(im.width - 1653) <= 2
    assert not asyncio.run(_renderer(tmp_path).render(blob, "pdf", 2, tmp_path / "pages" / "2.png"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a4.pdf", "pages"]  # no temporary file left


def test_render_past_its_time_is_killed_and_not_tried_again(tmp_path: Path) -> None:
    blob = _pdf(tmp_path / "poster.pdf", (7200, 7200))
    dest = tmp_path / "pages" / "1.png"
    with pytest.raises(RenderFailed, match=r"took longer than 0\.05 s"):
        asyncio.run(_renderer(tmp_path, timeout=0.05).render(blob, "pdf", 1, dest))
    assert not dest.exists()
    with pytest.raises(RenderFailed, match="took longer"):  # remembered, not rendered again
        asyncio.run(_renderer(tmp_path).render(blob, "pdf", 1, dest))


def test_render_over_its_memory_limit_fails_cleanly(tmp_path: Path) -> None:
    blob = _pdf(tmp_path / "poster.pdf", (7200, 7200))
    with pytest.raises(RenderFailed, match=r"memory limit|could not be rendered"):
        asyncio.run(_renderer(tmp_path, memory_mb=150).render(blob, "pdf", 1, tmp_path / "pages" / "1.png"))


def test_render_png_of_a_small_image_keeps_its_size(tmp_path: Path) -> None:
    blob = tmp_path / "s.jpg"
    Image.new("RGB", (800, 600), "white").save(blob)
    out = tmp_path / "s.png"
    assert render_to_png(blob, "image", 1, out)
    with Image.open(io.BytesIO(out.read_bytes())) as im:
        assert im.size == (800, 600) and im.mode == "RGB"
