"""Golden outputs: every report of the seeds, the real sets and a generated set gives byte for byte
the JSON it gave when the golden files were written.

A refactoring must not change a single output; a deliberate change of behaviour rewrites the files
with `pytest tests/test_golden.py --update-golden` (slow sets included) and the diff shows, cell by
cell, what it changed. The generated inputs are stored (`golden/inputs/`) rather than regenerated,
so a change of the generator does not move them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.paths import REPO_ROOT, SHARED_DIR
from xxgk.inference.pipeline import Pipeline
from xxgk.runners.inputs import find_inputs, plan_jobs

GOLDEN = REPO_ROOT / "tests" / "golden"
REAL = SHARED_DIR / "data" / "real"
SETS: dict[str, Path] = {
    "generated": GOLDEN / "inputs" / "generated",
    "seeds": SHARED_DIR / "data" / "seeds",
    "real-html": REAL / "html",
    "real-text": REAL / "text",
    "real-pdf": REAL / "pdf",
    "real-scan": REAL / "scan",
    "real-scan_hard": REAL / "scan_hard",
}
SLOW = {"real-scan", "real-scan_hard"}
"""Scanned sets go through OCR: seconds a page."""


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in SETS])
def test_outputs_unchanged(name: str, pipeline: Pipeline, request: pytest.FixtureRequest) -> None:
    folder = SETS[name]
    if not folder.is_dir():
        pytest.skip(f"{folder} not found (the shared folder is not beside the repository)")
    expected_dir = GOLDEN / "expected" / name
    update = request.config.getoption("--update-golden")
    changed = []
    for job in plan_jobs(find_inputs([folder])):
        outcome = pipeline.extract(job.path, doc_id=job.doc_id)
        assert outcome.report is not None, (job.path, outcome.errors)
        text = outcome.report.to_json() + "\n"
        expected = expected_dir / f"{job.doc_id}.json"
        if update:
            expected.parent.mkdir(parents=True, exist_ok=True)
            expected.write_text(text, encoding="utf-8")
        elif not expected.exists() or expected.read_text(encoding="utf-8") != text:
            changed.append(job.doc_id)
    assert not changed, f"{name}: outputs differ from tests/golden/expected/{name}: {', '.join(changed)}"
