"""`xxgk crosscheck` over extracted seed reports plus edited copies forming one agency's series."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from xxgk.cli.main import main

CIXI = "004_03aa3c703994b485"


@pytest.fixture(scope="module")
def extracted(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds through the pipeline (string matching, fast), then 慈溪 2019 and 2021 made from
    its 2020 report: 2019 carries 1 forward as 2020 says; 2021 claims 2 carried over, 2020 said 0."""
    from xxgk.inference.labeling.rules import RuleLabeler
    from xxgk.inference.pipeline import Pipeline
    from xxgk.templates import load_editions

    out = tmp_path_factory.mktemp("extracted")
    editions = load_editions()
    pipeline = Pipeline(labeler=RuleLabeler(editions), editions=editions)
    for path in sorted(seeds_dir.glob("*.txt")):
        report = pipeline.extract(path).report
        assert report is not None
        (out / f"{report.doc_id}.json").write_text(report.to_json(), encoding="utf-8")
    base = json.loads((out / f"{CIXI}.json").read_text(encoding="utf-8"))
    for year, over, forward in ((2019, 0, 1), (2021, 2, 0)):
        copy = json.loads(json.dumps(base))
        copy["doc_id"], copy["meta"]["year"] = f"cixi_{year}", year
        for col in ("natural_person", "total"):
            copy["cells"][f"t3.carried_over.{col}"]["value"] = over
            copy["cells"][f"t3.carried_forward.{col}"]["value"] = forward
        (out / f"cixi_{year}.json").write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    return out


def test_cli_crosscheck_series_findings_and_chart(extracted: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["crosscheck", str(extracted), "--out", str(tmp_path / "cc")])
    assert result.exit_code == 0, result.output
    assert "7 reports, 4 agencies" in result.output
    cc = tmp_path / "cc"
    with (cc / "crosscheck_findings.csv").open(encoding="utf-8-sig") as fh:
        findings = list(csv.DictReader(fh))
    links = {(f["year"], f["cell"]): f["ok"] for f in findings if f["rule"] == "cross.carry_forward"}
    assert links[("2019", "t3.carried_forward.total")] == "True"
    assert links[("2020", "t3.carried_forward.total")] == "False"
    assert any(f["rule"] == "cross.unplaced" and f["doc_id"].startswith("003_") for f in findings)
    charts = list((cc / "charts").glob("*.png"))
    assert len(charts) == 1 and "慈溪市退役军人事务局" in charts[0].name
    assert (cc / "crosscheck.xlsx").exists() and (cc / "crosscheck_reports.csv").exists()


def test_cli_crosscheck_bad_json_exits_1_but_checks_the_rest(extracted: Path, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.json").write_text((extracted / f"{CIXI}.json").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "x.json").write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(main, ["crosscheck", str(folder), "--out", str(tmp_path / "cc"), "--no-charts"])
    assert result.exit_code == 1
    assert "x.json: not an extracted report" in result.output and "1 reports" in result.output


def test_cli_crosscheck_no_reports_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["crosscheck", str(tmp_path), "--out", str(tmp_path / "cc")])
    assert result.exit_code == 2 and "no extracted reports" in result.output
