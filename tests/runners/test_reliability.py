"""The reliability table: confidence bins against accuracy, flags where the gold's arithmetic holds."""

import json
from pathlib import Path

from xxgk.options import load_options
from xxgk.runners.evaluation.reliability import BINS, consistent, reliability
from xxgk.templates import load_editions

REVIEW_BELOW = load_options().review.below


def _write(folder: Path, name: str, data: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_reliability_bins_cells_by_confidence_and_counts_silent_errors(tmp_path):
    ed = load_editions()["2019"]
    gold_cells = dict.fromkeys(ed.cell_keys, 0)
    gold_cells["t2.rules.new_made"] = None  # blank in the source
    _write(tmp_path / "gold", "d.gold.json", {"doc_id": "d", "meta": {"edition": "2019"}, "cells": gold_cells})
    pred = {k: {"value": 0, "status": "read", "confidence": 1.0} for k in ed.cell_keys}
    pred["t2.rules.new_made"] = {"value": None, "status": "missing"}
    pred["t3.granted.total"] = {"value": 0, "status": "read", "confidence": 0.6}  # right, flagged
    pred["t3.partial.total"] = {"value": 5, "status": "read", "confidence": 0.95}  # wrong, silent
    pred["t3.total.total"] = {"value": 1, "status": "inferred", "confidence": 0.99}  # wrong, flagged
    _write(tmp_path / "pred", "d.json", {"cells": pred})

    table = reliability(tmp_path / "gold", tmp_path / "pred", load_editions(), REVIEW_BELOW)
    counts = {(b.low, b.high): (b.count, b.correct) for b in table.bins}
    assert [(b.low, b.high) for b in table.bins] == list(BINS)
    assert counts[(0.0, 0.5)] == (1, 1)  # the blank left missing is right
    assert counts[(0.5, 0.7)] == (1, 1)
    assert counts[(0.9, 0.99)] == (1, 0)
    assert counts[(0.99, 1.0)] == (len(ed.cell_keys) - 3, len(ed.cell_keys) - 4)
    assert (table.wrong, table.wrong_flagged, table.silent_errors) == (2, 1, 1)
    assert table.flagged == 3  # the missing blank, the 0.6 and the inferred cell
    assert table.clean_cells == 0  # two cells wrong: flags there are no false alarms
    assert any("silent 1" in line for line in table.lines())


def test_reliability_consistency_is_the_gold_arithmetic():
    ed = load_editions()["2019"]
    cells = dict.fromkeys(ed.cell_keys, 0)
    assert consistent(cells, ed)
    cells["t4.review.total"] = 3
    assert not consistent(cells, ed)
    cells["t4.review.upheld"] = None  # an identity the gold cannot evaluate is not a failure
    assert consistent(cells, ed)


def test_reliability_counts_false_alarms_in_documents_read_right(tmp_path):
    ed = load_editions()["2021"]
    _write(tmp_path / "gold", "d.gold.json",
           {"doc_id": "d", "meta": {"edition": "2021"}, "cells": dict.fromkeys(ed.cell_keys, 0)})
    pred = {k: {"value": 0, "status": "read", "confidence": 0.99} for k in ed.cell_keys}
    pred["t4.review.total"]["confidence"] = 0.7
    _write(tmp_path / "pred", "d.json", {"cells": pred})
    table = reliability(tmp_path / "gold", tmp_path / "pred", load_editions(), REVIEW_BELOW)
    assert (table.clean_cells, table.clean_flagged, table.silent_errors) == (len(ed.cell_keys), 1, 0)
