"""Page geometry shared by every input kind that has a real layout (born-digital PDFs, scans).

All boxes the pipeline keeps are pixels of the page image it renders (or would render) at
`RENDER_DPI`, origin top-left, so a cell found in a PDF's text layer, an OCR box on a scan and a box
drawn on a review page are in the same units. Change the resolution here and nowhere else.
"""

from __future__ import annotations

RENDER_DPI = 200
"""Resolution of rendered page images; every bbox and page size is in pixels at this resolution."""

PX_PER_PT = RENDER_DPI / 72
"""PDF points (1/72 inch) to pixels at `RENDER_DPI`."""

MAX_PAGE_PIXELS = 25_000_000
"""A page image larger than this in the 200-dpi frame (bigger than A2) is made no bigger than this: scans
are scaled down to it before OCR, and review pages get page images no bigger (`xxgk.runners.jobs.render`)."""
