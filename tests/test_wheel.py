"""The package as a user installs it: a wheel, in a fresh virtual environment, far from the repository.

The wheel is built from the checkout and installed with `pip` the way a user would; `xxgk extract`
then runs from an empty folder, so nothing can be found through the repository or the working
directory. First the core install (no extras: no PyTorch, OpenCV, OCR or spaCy) reads a text dump,
a web page and a born-digital PDF with the shipped model; then the `scan` extra is added and a scan
is read. Every output must equal the golden output of the editable install (`tests/golden/expected`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import REPO_ROOT, SHARED_DIR

pytestmark = pytest.mark.slow

EXPECTED = REPO_ROOT / "tests" / "golden" / "expected"
CORE_INPUTS = {
    "seeds": SHARED_DIR / "data" / "seeds" / "000_f10ed42b5432f0d6.txt",
    "real-html": SHARED_DIR / "data" / "real" / "html" / "pingtan_2019.html",
    "real-pdf": SHARED_DIR / "data" / "real" / "pdf" / "hzq_2024.pdf",
    "generated": REPO_ROOT / "tests" / "golden" / "inputs" / "generated" / "gen13_0000.html",
}
SCAN_INPUT = ("real-scan", SHARED_DIR / "data" / "real" / "scan" / "pt_hyj_2024.pdf")


def _run(cmd: list[str | Path], cwd: Path, timeout: float = 1800) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _extract_and_compare(venv: Path, work: Path, inputs: dict[str, Path]) -> None:
    out = work / "out"
    _run([venv / "bin" / "xxgk", "extract", *inputs.values(), "--out", out, "--format", "json"], cwd=work)
    for name, path in inputs.items():
        produced = (out / f"{path.stem}.json").read_text(encoding="utf-8")
        assert produced == (EXPECTED / name / f"{path.stem}.json").read_text(encoding="utf-8"), path.name


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, REPO_ROOT], cwd=dist)
    (built,) = dist.glob("xxgk-*.whl")
    return built


def test_wheel_installs_and_extracts_like_the_checkout(wheel: Path, tmp_path: Path) -> None:
    if not all(p.exists() for p in [*CORE_INPUTS.values(), SCAN_INPUT[1]]):
        pytest.skip("the shared folder is not beside the repository")
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    _run([sys.executable, "-m", "venv", venv], cwd=work)
    python = venv / "bin" / "python"
    pip = [python, "-m", "pip", "install", "--quiet"]
    _run([*pip, wheel], cwd=work)
    _run([python, "-c", "import xxgk, pathlib, sys; "
          "sys.exit(pathlib.Path(xxgk.__file__).is_relative_to(sys.argv[1]))", REPO_ROOT], cwd=work)
    _run([python, "-c", "import importlib.util as u, sys; "
          "sys.exit(any(u.find_spec(m) for m in ('torch', 'cv2', 'rapidocr', 'spacy', 'ray', 'fastapi')))"], cwd=work)
    _extract_and_compare(venv, work, CORE_INPUTS)

    _run([*pip, f"{wheel}[scan]"], cwd=work)
    _extract_and_compare(venv, work, dict([SCAN_INPUT]))
