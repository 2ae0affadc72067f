"""One PNG per agency: its application counts across the years, broken carry-forward links marked.

matplotlib is imported on first use with the Agg backend (no display), and the configured CJK font
(WenQuanYi Zen Hei from Debian's fonts-wqy-zenhei) draws the Chinese labels; without that font the
chart is still drawn, with a warning, and its Chinese labels may show as boxes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from xxgk.analysis.crosscheck import ChartSpec, Finding, Series

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff（）()-]+")


@lru_cache(maxsize=4)
def _font(path: str | None):
    from matplotlib import font_manager

    if path and Path(path).exists():
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path)
    log.warning("CJK font %s not found: Chinese labels of the charts may not render", path)
    return None


def chart_name(index: int, agency: str) -> str:
    """`003_某某县民政局.png`: numbered (names can collide once cleaned) and safe on every file system."""
    return f"{index:03d}_{_UNSAFE.sub('_', agency)[:60]}.png"


def draw_series(series: Series, findings: Sequence[Finding], spec: ChartSpec, path: Path) -> Path:
    """Each configured cell as a line over the agency's years; a red band between years whose
    carry-forward check failed, and a red ring on values flagged as implausible jumps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _font(spec.font)
    years = series.years
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=100)
    try:
        for s in spec.series:
            ys = [series.by_year[y].cells[s.cell].value if s.cell in series.by_year[y].cells else None
                  for y in years]
            xs = [y for y, v in zip(years, ys, strict=True) if v is not None]
            vs = [v for v in ys if v is not None]
            if vs:
                ax.plot(xs, vs, marker="o", label=s.label)
        broken = sorted({(f.year, f.next_year) for f in findings
                         if f.rule == "cross.carry_forward" and f.ok is False
                         and f.year is not None and f.next_year is not None})
        for a, b in broken:
            ax.axvspan(a, b, color="red", alpha=0.1, lw=0)
        for f in findings:
            if f.rule == "cross.jump" and f.ok is False and f.next_year is not None and f.next_value is not None:
                ax.scatter([f.next_year], [f.next_value], s=160, facecolors="none", edgecolors="red", zorder=3)
        title = series.agency + ("（结转不一致：" + "，".join(f"{a}→{b}" for a, b in broken) + "）" if broken else "")
        ax.set_title(title, fontproperties=font, fontsize=11)
        ax.set_xlabel("年度", fontproperties=font)
        ax.set_ylabel("件数", fontproperties=font)
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years])
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(prop=font, fontsize=9, loc="best")
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
