"""`xxgk extract --backend ray` gives what the local backend gives: the same files, byte for byte, the
same error lines and summary counts, the same exit status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

XXGK = Path(sys.executable).parent / "xxgk"


def _extract(inputs: Path, out: Path, *backend: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(XXGK), "extract", str(inputs), "--out", str(out), "-f", "json,csv,xlsx", *backend],
                          capture_output=True, text=True, timeout=600)


def test_ray_backend_matches_the_local_backend(tmp_path: Path) -> None:
    if not XXGK.exists():
        pytest.skip(f"console script not installed at {XXGK}")
    pytest.importorskip("ray")
    from xxgk.training.synth.corpus import write_set

    inputs = tmp_path / "in"
    write_set(inputs, 2, seed=11, kinds=("text", "html"))
    for gold in inputs.glob("*.gold.json"):
        gold.unlink()
    (inputs / "empty.txt").write_bytes(b"")

    local = _extract(inputs, tmp_path / "local")
    ray = _extract(inputs, tmp_path / "ray", "--backend", "ray")

    assert local.returncode == ray.returncode == 1, ray.stderr
    names = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "ray").iterdir())
    assert len([n for n in names if n.endswith(".json")]) == 2
    for name in names:
        if name.endswith((".json", ".csv")):
            assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "ray" / name).read_bytes(), name
    error_lines = [line for line in ray.stderr.splitlines() if line.startswith("error: ")]
    assert error_lines == [line for line in local.stderr.splitlines() if line.startswith("error: ")]
    assert error_lines == [f"error: {inputs / 'empty.txt'}: the file is empty"]
    counts = [proc.stderr.splitlines()[-1].rsplit(";", 1)[0] for proc in (local, ray)]  # without the timing
    assert counts[0] == counts[1] and counts[0].startswith("3 reports: ") and counts[0].endswith("1 failed")
    assert len(ray.stderr.splitlines()) == 2, ray.stderr  # no Ray start-up chatter
    shutil.rmtree(tmp_path / "ray")
