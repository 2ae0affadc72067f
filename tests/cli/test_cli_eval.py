"""`xxgk eval`: every labelled set scored by the shared scorer, one summary row and one
reliability row per set."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from xxgk.cli.main import main


def test_eval_scores_seeds_and_a_generated_crawler_set(shared_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "--shared", str(shared_dir), "--out", str(tmp_path),
                                       "--only", "seeds,gen-crawler", "--generated", "4"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    seeds = next(line for line in lines if line.startswith("seeds "))
    header = next(line for line in lines if line.startswith("set ")).split()
    row = dict(zip(header, seeds.split(), strict=True))
    assert row["cell_accuracy"] == "100.0" and row["silent_errors"] == "0"
    crawler = dict(zip(header, next(line for line in lines if line.startswith("gen-crawler ")).split(), strict=True))
    assert crawler["docs"] == "4" and crawler["failed_files"] == "0"
    assert crawler["silent_errors"] == "0"
    assert any(line.startswith("confidence bins") for line in lines)
    assert (tmp_path / "generated" / "gen-crawler").is_dir() and any((tmp_path / "seeds").glob("*.json"))


def test_eval_without_labelled_sets_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "--shared", str(tmp_path), "--generated", "0"])
    assert result.exit_code == 2
    assert "no labelled sets" in result.output
