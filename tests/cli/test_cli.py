"""`xxgk extract` end to end: the seeds score perfectly, bad files fail alone, exit codes hold."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from xxgk import __version__
from xxgk.cli.main import main
from xxgk.inference.pipeline import Pipeline

XXGK = Path(sys.executable).parent / "xxgk"


def _copy_seeds(seeds_dir: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for src in seeds_dir.glob("*.txt"):
        shutil.copy(src, dest / src.name)
    return dest


@pytest.fixture(scope="module")
def seed_run(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The installed console script on copies of the seeds, all formats, as a real subprocess."""
    if not XXGK.exists():
        pytest.skip(f"console script not installed at {XXGK} (pip install -e .)")
    tmp = tmp_path_factory.mktemp("seed_run")
    inputs, out = _copy_seeds(seeds_dir, tmp / "in"), tmp / "out"
    proc = subprocess.run([str(XXGK), "extract", str(inputs), "--out", str(out), "--format", "json,csv,xlsx"],
                          capture_output=True, text=True, timeout=300)
    return proc, out


def test_cli_extract_seeds_scores_perfectly(seed_run, seeds_dir: Path, shared_dir: Path) -> None:
    proc, out = seed_run
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.glob("*.json"))) == len(list(seeds_dir.glob("*.gold.json"))) == 5
    assert (out / "reports.csv").is_file() and (out / "reports.xlsx").is_file()
    score = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), str(seeds_dir), str(out),
                            "--json"], capture_output=True, text=True, check=True, timeout=60)
    summary = json.loads(score.stdout)["summary"]
    assert summary["cell_accuracy"] == 100.0
    assert summary["false_reads"] == 0
    assert summary["missing_docs"] == 0


def test_cli_extract_ends_with_one_summary_line_and_no_bar_off_tty(seed_run) -> None:
    proc, _ = seed_run
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("5 reports: ") and "0 failed" in lines[0] and "s/report" in lines[0]
    assert "\r" not in proc.stderr


def test_cli_extract_bad_files_fail_alone(seeds_dir: Path, tmp_path: Path) -> None:
    inputs = _copy_seeds(seeds_dir, tmp_path / "in")
    bad = {
        "empty.txt": b"",
        "x.pdf": random.Random(0).randbytes(4096),
        "prose.txt": "本机关认真贯彻落实《政府信息公开条例》，政府信息公开工作取得了较好成效。".encode(),
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    with zipfile.ZipFile(tmp_path / "report.docx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    named = [str(tmp_path / n) for n in (*bad, "report.docx")]
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["extract", str(inputs), *named, "--out", str(out), "-f", "json,csv"])

    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(named)
    for path in named:
        assert sum(line.startswith(f"error: {path}: ") for line in errors) == 1, errors
    assert "Traceback" not in result.stderr
    assert len(list(out.glob("*.json"))) == 5
    assert "9 reports: " in result.stderr and "4 failed" in result.stderr
    assert len((out / "reports.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 5


def _boom_on_003(original):
    def extract(self: Pipeline, path: Path, doc_id: str | None = None):
        if path.name.startswith("003"):
            raise RuntimeError("boom\nsecond line")
        return original(self, path, doc_id)

    return extract


def test_cli_extract_internal_error_is_one_line(seeds_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Pipeline, "extract", _boom_on_003(Pipeline.extract))
    inputs, out = _copy_seeds(seeds_dir, tmp_path / "in"), tmp_path / "out"

    result = CliRunner().invoke(main, ["extract", str(inputs), "--out", str(out)])

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    broken = inputs / "003_d954dc0dac9f162f.txt"
    assert errors == [f"error: {broken}: internal error: RuntimeError: boom second line"]
    assert "Traceback" not in result.stderr
    assert len(list(out.glob("*.json"))) == 4


def test_cli_extract_debug_shows_traceback(seeds_dir: Path, tmp_path: Path) -> None:
    inputs, out = _copy_seeds(seeds_dir, tmp_path / "in"), tmp_path / "out"
    script = (
        "import sys; from pathlib import Path; from xxgk.inference.pipeline import Pipeline; "
        "orig = Pipeline.extract\n"
        "def boom(self, path, doc_id=None):\n"
        "    if path.name.startswith('003'): raise RuntimeError('boom')\n"
        "    return orig(self, path, doc_id)\n"
        "Pipeline.extract = boom\n"
        "from xxgk.cli.main import main; main()"
    )
    proc = subprocess.run([sys.executable, "-c", script, "extract", str(inputs), "-o", str(out), "--debug"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "RuntimeError: boom" in proc.stderr


def test_cli_extract_duplicate_stems_get_distinct_doc_ids(seeds_dir: Path, tmp_path: Path) -> None:
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    for folder in ("a", "b", ".hidden"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(seed, tmp_path / "in" / folder / seed.name)
    (tmp_path / "in" / "a" / "notes.json").write_text("{}")
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["extract", str(tmp_path / "in"), "-o", str(out)])

    assert result.exit_code == 0, result.output
    ids = sorted(p.stem for p in out.glob("*.json"))
    assert ids == [seed.stem, f"{seed.stem}-2"]
    assert all(json.loads((out / f"{i}.json").read_text(encoding="utf-8"))["doc_id"] == i for i in ids)


@pytest.mark.parametrize("args", [["--format", "json,docx"], ["--format", ""]])
def test_cli_extract_bad_format_is_usage_error(args: list[str], seeds_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(seeds_dir), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert "format" in result.stderr


def test_cli_extract_no_inputs_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "readme.docx").write_bytes(b"PK\x03\x04")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no report files found" in result.stderr


def test_cli_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
