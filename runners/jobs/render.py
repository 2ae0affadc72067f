"""Page images for review pages, made in a short-lived child process, never in the server.

A client's PDF can declare a page of any size, and PDFium renders it at whatever scale it is asked
for: a 1.4 KB file with a 7200 x 7200 pt page is a 20000 x 20000 image at 200 dpi. So:

- pixels are capped: a page is rendered at 200 dpi, or smaller when that would pass
  `MAX_PAGE_PIXELS` (the cap the pipeline's scans use); the review page's boxes are drawn in the
  200-dpi frame and scale with the image, so a smaller image still lines up;
- each render runs in its own process (`python -m xxgk.runners.jobs.render`) with an address-space limit
  (`render_memory_mb`) and a wall-clock limit (`render_timeout_seconds`; killed past it), so a
  hostile page can neither bloat nor stall the server, and PDFium (not thread-safe) needs no lock;
- at most `render_processes` renders run at once; a request that finds them all busy for the
  length of a render is answered 503 with `Retry-After` instead of queueing without bound;
- a page that failed is not tried again for `RETRY_FAILED_SECONDS` (a marker beside the cache).

The child writes the PNG to a temporary file; the server moves it to the page cache.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from xxgk.inference.layout import MAX_PAGE_PIXELS, RENDER_DPI

RETRY_FAILED_SECONDS = 3600.0
NO_SUCH_PAGE = 3
"""Exit status of the child when the file has no such page."""


class RenderBusy(Exception):
    """Every render slot stayed busy while this request waited."""


class RenderFailed(Exception):
    """The page could not be rendered within the limits; the message says why."""


def pdf_scale(width_pt: float, height_pt: float, max_pixels: int = MAX_PAGE_PIXELS) -> float:
    """PDFium's scale for a page: 200 dpi, or less so the image stays within `max_pixels`."""
    scale = RENDER_DPI / 72
    pixels = width_pt * height_pt * scale * scale
    return scale if pixels <= max_pixels else math.sqrt(max_pixels / (width_pt * height_pt))


def render_to_png(blob: Path, kind: str, number: int, out: Path, max_pixels: int = MAX_PAGE_PIXELS) -> bool:
    """Page `number` (1-based) of a PDF or image as a PNG at `out`; False when there is no such page.
    Runs in the child process."""
    from PIL import Image

    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(blob)
        try:
            if not 1 <= number <= len(pdf):
                return False
            page = pdf[number - 1]
            width, height = page.get_size()
            image = page.render(scale=pdf_scale(width, height, max_pixels)).to_pil()
            page.close()
        finally:
            pdf.close()
    else:
        image = Image.open(blob)
        if number > getattr(image, "n_frames", 1):
            return False
        image.seek(number - 1)
        if image.width * image.height > max_pixels:
            ratio = math.sqrt(max_pixels / (image.width * image.height))
            size = (max(1, int(image.width * ratio)), max(1, int(image.height * ratio)))
            image.draft(None, size)  # a JPEG decodes at a reduced size; other formats ignore it
            gray = image.mode in ("1", "L", "LA", "I", "I;16", "F")
            image = image.convert("L" if gray else "RGB").resize(size, Image.Resampling.BOX)
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    image.save(out, format="PNG")
    return True


class PageRenderer:
    """Runs renders in child processes: at most `processes` at once, each bounded in memory and time.

    Asynchronous on purpose: a request waiting for a slot or a child holds no server thread, so slow
    renders cannot starve the other endpoints of the thread pool.
    """

    def __init__(self, *, processes: int, timeout: float, memory_mb: int, tmp_dir: Path):
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.tmp_dir = tmp_dir
        self.max_waiting = 8 * processes
        self._slots = asyncio.Semaphore(processes)
        self._waiting = 0

    async def render(self, blob: Path, kind: str, number: int, dest: Path) -> bool:
        """Render page `number` to `dest` (atomically); False when the file has no such page.

        Raises `RenderBusy` when no slot frees up within one render's time (or too many requests already
        wait), `RenderFailed` when the render fails or passes its limits (remembered: the page is not tried
        again for a while).
        """
        marker = dest.with_suffix(".failed")
        if marker.is_file() and time.time() - marker.stat().st_mtime < RETRY_FAILED_SECONDS:
            raise RenderFailed(marker.read_text(encoding="utf-8"))
        if self._waiting >= self.max_waiting:
            raise RenderBusy("too many page images are being rendered; try again shortly")
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except TimeoutError:
            raise RenderBusy("all page renderers stayed busy; try again shortly") from None
        finally:
            self._waiting -= 1
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, suffix=".png")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if await self._run(blob, kind, number, tmp) == NO_SUCH_PAGE:
                return False
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
            return True
        except RenderFailed as exc:
            dest.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(exc), encoding="utf-8")
            raise
        finally:
            self._slots.release()
            tmp.unlink(missing_ok=True)

    async def _run(self, blob: Path, kind: str, number: int, out: Path) -> int:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "xxgk.runners.jobs.render", str(blob), kind, str(number), str(out),
            "--memory-mb", str(self.memory_mb), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            _, err = await asyncio.wait_for(proc.communicate(), self.timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise RenderFailed(f"page {number} took longer than {self.timeout:g} s to render") from None
        if proc.returncode in (0, NO_SUCH_PAGE):
            return proc.returncode
        lines = err.decode("utf-8", "replace").strip().splitlines()
        if any("MemoryError" in line for line in lines[-3:]):
            reason = f"over the {self.memory_mb} MB memory limit for rendering"
        elif proc.returncode < 0:
            reason = f"the renderer stopped (signal {-proc.returncode})"
        else:
            reason = lines[-1][:300] if lines else f"exit status {proc.returncode}"
        raise RenderFailed(f"page {number} could not be rendered: {reason}")


def main(argv: list[str] | None = None) -> int:
    """The child: `python -m xxgk.runners.jobs.render BLOB KIND NUMBER OUT --memory-mb N`."""
    import resource

    parser = argparse.ArgumentParser(prog="xxgk.runners.jobs.render")
    parser.add_argument("blob", type=Path)
    parser.add_argument("kind", choices=("pdf", "image"))
    parser.add_argument("number", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)
    limit = args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return 0 if render_to_png(args.blob, args.kind, args.number, args.out) else NO_SUCH_PAGE


if __name__ == "__main__":
    sys.exit(main())
