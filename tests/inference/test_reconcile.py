"""The rule layer: choose among readings, infer single missing cells, check every identity."""

import pytest

from inference.numbers import parse
from inference.reconcile import FLAGGED_CONFIDENCE, Alternative, reconcile
from xxgk.templates import load_editions


@pytest.fixture(scope="module")
def ed():
    return load_editions()["2019"]


def zeros(ed, **texts):
    """One group per template row, every cell 0 unless given (key with dots as __, None = absent)."""
    given = {key.replace("__", "."): text for key, text in texts.items()}
    groups = []
    for row in ed.rows:
        readings = {}
        for k in row.cell_keys:
            text = given.get(k, "0")
            if text is not None:
                readings[k] = (parse(text, ed.units[k]), 0.99)
        groups.append([Alternative(readings)])
    return groups


def test_reconcile_all_consistent(ed):
    r = reconcile(ed, zeros(ed))
    assert all(c.ok for c in r.checks)
    assert len(r.checks) == len(ed.equations)
    assert all(c.status == "read" for c in r.cells.values())


def test_reconcile_infers_a_single_missing_cell(ed):
    r = reconcile(ed, zeros(ed, t3__granted__natural_person="3", t3__granted__total=None,
                              t3__total__natural_person="3", t3__total__total="3", t3__new_received__natural_person="3",
                              t3__new_received__total="3"))
    cell = r.cells["t3.granted.total"]
    assert (cell.value, cell.status) == (3, "inferred")
    assert cell.rule in {"t3.row_total", "t3.outcomes_sum"}
    assert all(c.ok for c in r.checks)


def test_reconcile_never_infers_over_not_applicable(ed):
    r = reconcile(ed, zeros(ed, t4__review__total="—"))
    cell = r.cells["t4.review.total"]
    assert cell.value is None and cell.status == "read"
    check = next(c for c in r.checks if c.rule == "t4.row_total" and c.scope_key == "review")
    assert check.ok is None and "missing" in check.detail


def test_reconcile_split_digits_resolved_by_arithmetic(ed):
    base = dict(t3__new_received__natural_person="20", t3__new_received__total="20",
                t3__granted__natural_person="20", t3__granted__total="20",
                t3__total__natural_person="20", t3__total__total="20")
    r = reconcile(ed, zeros(ed, **base))
    assert r.cells["t3.granted.total"].status == "read"
    spaced = reconcile(ed, zeros(ed, **{**base, "t3__granted__natural_person": "2 0"}))
    cell = spaced.cells["t3.granted.natural_person"]
    assert cell.value == 20 and cell.status == "read" and cell.confidence < 0.99
    merged = reconcile(ed, zeros(ed, **{**base, "t3__granted__total": "2 0"}))
    assert merged.cells["t3.granted.total"].value == 20


def test_reconcile_choice_other_than_first_reading_is_corrected(ed):
    base = dict(t3__new_received__natural_person="2", t3__new_received__total="2",
                t3__granted__natural_person="2", t3__total__natural_person="2", t3__total__total="2")
    r = reconcile(ed, zeros(ed, **base, t3__granted__total="2 0"))  # 20 first, but the sums need 2
    cell = r.cells["t3.granted.total"]
    assert (cell.value, cell.status) == (2, "corrected")
    assert "t3.row_total" in (cell.rule or "")
    assert all(c.ok for c in r.checks)


def test_reconcile_broken_report_arithmetic_is_kept_and_flagged(ed):
    r = reconcile(ed, zeros(ed, t4__review__upheld="1"))
    cell = r.cells["t4.review.upheld"]
    assert (cell.value, cell.status) == (1, "read")
    assert cell.confidence <= FLAGGED_CONFIDENCE
    failed = [c for c in r.checks if c.ok is False]
    assert [(c.rule, c.scope_key) for c in failed] == [("t4.row_total", "review")]
    assert "1+0+0+0" in failed[0].detail
