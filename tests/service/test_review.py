"""The review page: built from a hand-made report and document (boxes, tables, every kind of
highlight), and, where Debian's chromium is installed, rendered headless against a real server."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.service.helpers import ServerProc, make_token, submit, wait_done
from xxgk.contract import CellOut, CheckOut, Meta, Report
from xxgk.document import Document, Page, Segment
from xxgk.options import load_options
from xxgk.runners.jobs.records import JobRecord
from xxgk.service.review import cell_flags, failed_check_cells, render_review
from xxgk.templates import load_editions

REVIEW_BELOW = load_options().review.below


def _job(kind: str = "pdf") -> JobRecord:
    return JobRecord(id="f" * 32, token_id=1, sha256="a" * 64, kind=kind, size=10, pages=1, filename="r.pdf",
                     doc_id="r", status="done", stage="finished", attempts=1, claimed_by=None, lease_until=None,
                     heartbeat_at=None, created_at=time.time(), started_at=None, finished_at=None,
                     outcome="partial_success")


def _report_and_doc() -> tuple[Report, Document]:
    edition = load_editions()["2019"]
    cells = {}
    for i, key in enumerate(edition.cell_keys):
        cells[key] = CellOut(value=i, status="read", confidence=0.99, page=1,
                             bbox=[100.0, 100.0 + 10 * i, 150.0, 108.0 + 10 * i], text=str(i))
    cells["t3.granted.total"] = CellOut(value=3, status="inferred", confidence=0.85, rule="t3.row_total")
    cells["t3.other.total"] = CellOut(value=None, status="missing")
    cells["t3.partial.total"] = CellOut(value=20, status="corrected", confidence=0.95, page=1,
                                        bbox=[1.0, 2.0, 3.0, 4.0], text="2 0")
    cells["t2.rules.new_made"] = CellOut(value=7, status="read", confidence=0.5, page=1, bbox=[1.0, 1.0, 9.0, 9.0])
    checks = [CheckOut(rule="t3.balance", column="natural_person", ok=False, detail="3+1 != 5+0"),
              CheckOut(rule="t3.balance", column="commercial", ok=True, detail="ok")]
    report = Report(doc_id="r", meta=Meta(edition="2019", input_kind="pdf", agency="某局", year=2020), cells=cells,
                    checks=checks, warnings=["t3 truncated <after> row"])
    doc = Document(doc_id="r", source="r.pdf", input_kind="pdf", pages=[Page(number=1, width=1654, height=2339)],
                   segments=[Segment(id=0, text="本年新收政府信息公开申请数量", page=1, bbox=(10, 10, 90, 20), row=0,
                                     source="pdf_text", label="row:t3.new_received", label_score=0.99)])
    return report, doc


def test_review_flags_every_kind_of_cell_to_look_at() -> None:
    report, _ = _report_and_doc()
    failed = failed_check_cells(report, load_editions()["2019"])
    assert "t3.new_received.natural_person" in failed and "t3.new_received.commercial" not in failed
    assert cell_flags(report.cells["t3.granted.total"], "t3.granted.total", failed, REVIEW_BELOW) == ["inferred", "low"]
    assert cell_flags(report.cells["t3.other.total"], "t3.other.total", failed, REVIEW_BELOW) == ["missing"]
    assert cell_flags(report.cells["t3.partial.total"], "t3.partial.total", failed, REVIEW_BELOW) == ["corrected"]
    assert cell_flags(report.cells["t2.rules.new_made"], "t2.rules.new_made", failed, REVIEW_BELOW) == ["low"]
    assert cell_flags(report.cells["t2.rules.new_published"], "t2.rules.new_published", failed, REVIEW_BELOW) == []


def test_review_page_has_images_boxes_tables_and_highlights() -> None:
    report, doc = _report_and_doc()
    html = render_review(_job(), report, doc, load_editions()["2019"], REVIEW_BELOW)
    assert 'src="pages/1.png"' in html and 'viewBox="0 0 1654.0 2339.0"' in html
    assert '<g id="box-t2.rules.new_published"><rect class="cell" x="100.0" y="110.0"' in html
    assert '<rect class="lbl"' in html and "row:t3.new_received" in html
    assert '<td data-key="t3.granted.total" class="inferred low"' in html
    assert '<td data-key="t3.other.total" class="missing"' in html
    assert '<td data-key="t3.partial.total" class="corrected"' in html
    assert '<td data-key="t3.new_received.natural_person" class="check"' in html
    assert "t3.balance[natural_person]" in html and "t3.balance[commercial]" not in html
    assert "t3 truncated &lt;after&gt; row" in html  # escaped
    assert html.count("<table class=grid") == sum(len(t.groups) for t in load_editions()["2019"].spec.tables)


def test_review_page_of_a_failed_job_shows_its_errors() -> None:
    from xxgk.runners.jobs.records import JobError

    job = _job().model_copy(update={"status": "failed", "outcome": "failure",
                                    "errors": [JobError(stage="edition", category="unknown_edition",
                                                        message="r.pdf: no template <table>")]})
    html = render_review(job, None, None, None, REVIEW_BELOW)
    assert "unknown_edition" in html and "no template &lt;table&gt;" in html and "No report." in html


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/install-system-deps.sh)")
def test_review_page_renders_in_headless_chromium(tmp_path: Path, reports: dict[str, Path]) -> None:
    server = ServerProc(tmp_path / "data", workers=1)
    try:
        token = make_token(server.data_dir, "alice")
        job = wait_done(server.url, token, submit(server.url, token, reports["pdf"]).json()["id"])
        assert job["status"] == "done"
        shot = tmp_path / "review.png"
        url = f"{server.url}/v1/reports/{job['id']}/review?token={token}"
        proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                               f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1800",
                               "--virtual-time-budget=10000", f"--screenshot={shot}", url],
                              capture_output=True, text=True, timeout=120)
        assert shot.is_file(), proc.stderr[-2000:]
        with Image.open(shot) as im:
            assert im.size == (1400, 1800)
            rgb = im.convert("RGB")
            left = rgb.crop((20, 150, 760, 1750))
            colours = left.getcolors(maxcolors=1 << 20) or []
            # the page image (black text on white) and the green/orange/red boxes over it
            assert len(colours) > 20
            greenish = sum(n for n, (r, g, b) in colours if g > r + 40 and g > b + 20)
            assert greenish > 100
    finally:
        server.stop()
