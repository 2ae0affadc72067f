"""A text or HTML report loads only what its path uses, and `xxgk bench` times it from a cold start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import REPO_ROOT
from xxgk.runners.bench import BenchResult, cold_start

EXAMPLES = REPO_ROOT / "examples"
TEXT = EXAMPLES / "004_03aa3c703994b485.txt"
HTML = EXAMPLES / "generated_2019_report.html"
NOT_ON_THE_TEXT_PATH = {
    "torch", "transformers", "safetensors", "onnx", "spacy", "thinc", "ray", "matplotlib", "reportlab",
    "sklearn", "scipy", "numba", "skimage", "augraphy", "fastapi", "uvicorn", "sqlalchemy", "multipart",
    "cv2", "rapidocr", "openpyxl", "label_studio_sdk", "pandas", "pdfplumber", "pypdfium2",
}
"""Libraries of other input kinds (PDF, scans), other outputs (XLSX), training and the service."""


def test_text_and_html_reports_load_none_of_the_other_features_libraries(tmp_path: Path) -> None:
    script = ("import json, sys\nfrom xxgk.cli.main import main\n"
              "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    run = subprocess.run([sys.executable, "-c", script, "extract", str(TEXT), str(HTML), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, check=True)
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert {"onnxruntime", "jieba", "lxml"} <= loaded
    assert loaded & NOT_ON_THE_TEXT_PATH == set()


def test_cold_start_times_a_fresh_extract_process(tmp_path: Path) -> None:
    run = cold_start(TEXT, "text", tmp_path, runs=1)
    assert run.ok and run.seconds > 0 and 50 < run.peak_rss_mb < 2000
    assert (tmp_path / f"{TEXT.stem}.json").is_file()
    lines = BenchResult(cold=[run]).lines()
    assert lines[0].startswith("cold start:") and lines[1].split()[0] == "text"
