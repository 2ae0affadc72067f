"""Amounts and their units: 元 or 万元 in the header, in the cell or on the next line, converted to
the template's 万元; an unmarked amount too large for 万元 is flagged, never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk.inference.pipeline import Pipeline

KEY = "t2.fees.amount_wan"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def _page(shared_dir: Path, tmp_path: Path, header: str, cell: str) -> Path:
    """A real web page (2024 edition) with its fee header and fee amount replaced."""
    html = (shared_dir / "data" / "real" / "html" / "pt_hyj_2024.html").read_text(encoding="utf-8")
    html = html.replace("本年收费金额（单位：万元）", header)
    row = html.index("行政事业性收费")
    zero = html.index(">0<", row)
    path = tmp_path / "page.html"
    path.write_text(html[:zero] + ">" + cell + "<" + html[zero + 3:], encoding="utf-8")
    return path


@pytest.mark.parametrize(("header", "cell", "value"), [
    ("本年收费金额（单位：万元）", "41994元", 4.1994),     # unit in the cell wins
    ("本年收费金额（元）", "41994", 4.1994),               # unit in the header
    ("本年收费金额", "41994<br>元", 4.1994),               # unit on the next line
    ("本年收费金额", "4.1994万元", 4.1994),
    ("本年收费金额（单位：万元）", "453754632.81元", 45375.463281),
])
def test_amounts_are_converted_to_wan_by_their_printed_unit(pipeline, shared_dir, tmp_path, header, cell, value):
    report = pipeline.extract(_page(shared_dir, tmp_path, header, cell)).report
    assert report is not None
    out = report.cells[KEY]
    assert out.value == pytest.approx(value) and out.status == "read"
    # a unit from the header alone scales by 10000 if the header lost its 万: flagged for review
    assert (out.confidence < 0.9) == (cell == "41994")


def test_an_unmarked_amount_too_large_for_wan_is_flagged(pipeline, shared_dir, tmp_path):
    report = pipeline.extract(_page(shared_dir, tmp_path, "本年收费金额", "41994")).report
    assert report is not None
    assert report.cells[KEY].value == 41994 and report.cells[KEY].confidence < 0.9
    assert any(w.startswith(KEY) and "implausibly large" in w for w in report.warnings)
