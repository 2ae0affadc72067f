"""`xxgk.scoring` counts exactly as the official scorer (`shared/eval/score.py`) on real outputs.

Predictions come from the installed console script on the real text and PDF reports; the same
predictions are then damaged (wrong values, low confidences, reads where the gold has none, a
report dropped) so that every figure of the summary is exercised, not only a perfect score.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xxgk.contract import Report
from xxgk.options import load_options
from xxgk.scoring import flagged, same, score_dir, score_doc

XXGK = Path(sys.executable).parent / "xxgk"
SETS = ("text", "pdf")
BELOW = load_options().review.below
"""The shipped review threshold: the official scorer's 0.9."""


@pytest.fixture(scope="module")
def extracted(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`xxgk extract` of the real text and PDF reports, as a real subprocess."""
    if not XXGK.exists():
        pytest.skip(f"console script not installed at {XXGK} (pip install -e .)")
    real = shared_dir / "data" / "real"
    if not all(any((real / s).glob("*.gold.json")) for s in SETS):
        pytest.skip(f"no real reports of {SETS} in {real}")
    out = tmp_path_factory.mktemp("scoring") / "pred"
    subprocess.run([str(XXGK), "extract", *(str(real / s) for s in SETS), "--out", str(out)],
                   capture_output=True, text=True, timeout=300, check=False)
    return out


def shared_scorer(shared_dir: Path, gold: Path, pred: Path) -> dict:
    scorer = shared_dir / "eval" / "score.py"
    run = subprocess.run([sys.executable, str(scorer), str(gold), str(pred), "--json"],
                         capture_output=True, text=True, check=True, timeout=60)
    return json.loads(run.stdout)


def assert_agree(shared_dir: Path, gold: Path, pred: Path) -> dict:
    official = shared_scorer(shared_dir, gold, pred)
    ours = score_dir(gold, pred, BELOW)
    assert ours.summary() == official["summary"]
    assert set(ours.docs) == set(official["docs"])
    for doc_id, theirs in official["docs"].items():
        mine = ours.docs[doc_id]
        for name in ("scored", "correct", "nonzero", "nonzero_correct", "false_reads", "flagged",
                     "errors_flagged", "meta_ok", "exact"):
            assert getattr(mine, name) == theirs[name], (doc_id, name)
        assert [list(e) for e in mine.errors] == theirs["errors"], doc_id
    return official["summary"]


def _damage(gold_dir: Path, src: Path, dest: Path) -> None:
    """Copies of gold and predictions in `dest` (gold/, pred/) with every kind of mistake the scorer
    counts; some gold cells become null (the real gold has none) so that reads there are false reads."""
    (dest / "gold").mkdir(parents=True)
    (dest / "pred").mkdir()
    for i, gold_file in enumerate(sorted(gold_dir.glob("*.gold.json"))):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred = json.loads((src / f"{gold['doc_id']}.json").read_text(encoding="utf-8"))
        cells = pred["cells"]
        for j, key in enumerate(sorted(gold["cells"])):
            gv, cell = gold["cells"][key], cells[key]
            if j % 5 == 0:
                gold["cells"][key] = None  # read there: a false read; not read: not scored
                cell["status"] = "read" if j % 10 == 0 else "inferred"
            elif j % 7 == 0:
                cell.update(value=gv * 1.0005 + 1, status="read", confidence=0.95)  # silent unless tiny
            elif j % 11 == 0:
                cell.update(value=gv + 3, status="read", confidence=0.5)  # wrong but flagged
            elif j % 13 == 0:
                cell.pop("confidence", None)
            elif j % 17 == 0:
                del cells[key]
        if i == 0:
            pred["meta"]["agency"] = pred["meta"]["agency"][:2]
        (dest / "gold" / gold_file.name).write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        if i != 1:  # a report with no output
            (dest / "pred" / f"{gold['doc_id']}.json").write_text(json.dumps(pred, ensure_ascii=False),
                                                                  encoding="utf-8")


@pytest.mark.parametrize("kind", SETS)
def test_agrees_with_the_shared_scorer_on_real_outputs(extracted: Path, shared_dir: Path, kind: str) -> None:
    summary = assert_agree(shared_dir, shared_dir / "data" / "real" / kind, extracted)
    assert summary["missing_docs"] == 0


@pytest.mark.parametrize("kind", SETS)
def test_agrees_with_the_shared_scorer_on_damaged_outputs(extracted: Path, shared_dir: Path, tmp_path: Path,
                                                          kind: str) -> None:
    _damage(shared_dir / "data" / "real" / kind, extracted, tmp_path)
    summary = assert_agree(shared_dir, tmp_path / "gold", tmp_path / "pred")
    assert summary["missing_docs"] == 1 and summary["false_reads"] > 0 and summary["silent_errors"] > 0
    assert summary["meta_accuracy"] < 100


def test_a_report_scores_as_its_json(extracted: Path, shared_dir: Path) -> None:
    for gold_file in sorted((shared_dir / "data" / "real" / "text").glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (extracted / f"{gold['doc_id']}.json").read_text(encoding="utf-8")
        assert score_doc(gold, Report.from_json(text), BELOW) == score_doc(gold, json.loads(text), BELOW)


def test_same_and_flagged_follow_the_contract() -> None:
    assert same(1000, 1000.9) and not same(1000, 1001.1) and same(None, None) and not same(0, None)
    assert same(0, 0.0000001) and not same(0, 0.01)
    assert flagged(None, BELOW) and flagged({"status": "inferred", "confidence": 1.0}, BELOW)
    assert flagged({"status": "read", "confidence": 0.89}, BELOW)
    assert not flagged({"status": "read", "confidence": 0.9}, BELOW)
    assert not flagged({"status": "read"}, BELOW) and not flagged({"status": "read", "confidence": None}, BELOW)


def test_only_xxgk_eval_names_the_shared_scorer() -> None:
    """The package scores in-process; only `xxgk eval` runs a scorer file, the one `--shared` names."""
    root = Path(__file__).resolve().parents[2]
    named = {str(p.relative_to(root)): p.read_text(encoding="utf-8").count('"score.py"')
             for folder in ("xxgk", "inference", "training", "runners", "analysis", "service", "annotations", "cli")
             for p in (root / folder).rglob("*.py")}
    assert {p: n for p, n in named.items() if n} == {"cli/main.py": 1}
