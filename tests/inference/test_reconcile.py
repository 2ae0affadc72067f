"""The rule layer: choose among readings, infer single missing cells, check every identity."""

from dataclasses import replace

import pytest

from xxgk.inference.numbers import parse
from xxgk.inference.reconcile import Alternative
from xxgk.inference.reconcile import reconcile as reconcile_with
from xxgk.options import load_options
from xxgk.templates import load_editions

OPTIONS = load_options()
CONFIRMED_CONFIDENCE = OPTIONS.confidence.confirmed
FLAGGED_CONFIDENCE = OPTIONS.confidence.flagged
UNCHECKED_CONFIDENCE = OPTIONS.confidence.unchecked
UNDECIDED_CONFIDENCE = OPTIONS.confidence.undecided


def reconcile(ed, groups):
    return reconcile_with(ed, groups, options=OPTIONS)


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
    assert cell.value == 20 and cell.status == "read" and cell.confidence >= 0.9  # the identities pin it
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


def _doubt(groups, ed, confidence: float, *keys: str):
    """The groups with the given cells read at a lower confidence (an OCR score, a label's doubt)."""
    out = []
    for group in groups:
        out.append([Alternative({k: (r, confidence if k in keys else c) for k, (r, c) in alt.readings.items()})
                    for alt in group])
    return out


def test_reconcile_doubtful_cell_pinned_by_a_holding_identity_is_confirmed(ed):
    given = dict(t3__new_received__natural_person="5", t3__new_received__total="5", t3__granted__natural_person="5",
                 t3__granted__total="5", t3__total__natural_person="5", t3__total__total="5")
    r = reconcile(ed, _doubt(zeros(ed, **given), ed, 0.4, "t3.granted.natural_person", "t3.granted.total"))
    # both doubtful cells of the row: its own identity cannot pin either, each column's can
    for key in ("t3.granted.natural_person", "t3.granted.total"):
        assert r.cells[key].confidence == CONFIRMED_CONFIDENCE
    assert r.cells["t2.rules.new_made"].confidence == 0.99  # no identity: the reading's own confidence


def test_reconcile_two_doubtful_cells_of_one_identity_stay_doubtful(ed):
    """Table 4 has only row identities: `3 + 0 == 3` would also hold as `8 + 0 == 8`."""
    groups = _doubt(zeros(ed, t4__review__upheld="3", t4__review__total="3"), ed, 0.5,
                    "t4.review.upheld", "t4.review.total")
    r = reconcile(ed, groups)
    assert r.cells["t4.review.upheld"].confidence == 0.5 and r.cells["t4.review.total"].confidence == 0.5
    assert r.cells["t4.review.other"].confidence == CONFIRMED_CONFIDENCE


def test_reconcile_cells_left_unchecked_by_missing_neighbours_are_doubted(ed):
    r = reconcile(ed, zeros(ed, t4__review__upheld="7", t4__review__total=None, t4__review__pending=None))
    cell = r.cells["t4.review.upheld"]
    assert (cell.value, cell.status) == (7, "read") and cell.confidence == UNCHECKED_CONFIDENCE
    na = reconcile(ed, zeros(ed, t4__review__upheld="7", t4__review__total="—"))
    assert na.cells["t4.review.upheld"].confidence == 0.99  # not applicable is no sign of a misread


def test_reconcile_row_read_twice_is_confirmed_where_the_table_pins_it(ed):
    """Two occurrences of a row, both fitting the row's own total: the columns tell them apart."""
    given = dict(t3__new_received__natural_person="4", t3__new_received__total="4", t3__granted__natural_person="4",
                 t3__granted__total="4", t3__total__natural_person="4", t3__total__total="4")
    groups = zeros(ed, **given)
    row = next(i for i, g in enumerate(groups) if "t3.granted.total" in g[0].readings)
    other = {k: (parse("3" if k.endswith((".natural_person", ".total")) else "0", ed.units[k]), 0.99)
             for k in groups[row][0].readings}
    groups[row] = [groups[row][0], Alternative(other)]
    r = reconcile(ed, groups)
    assert r.cells["t3.granted.natural_person"].value == 4
    assert r.cells["t3.granted.natural_person"].confidence == CONFIRMED_CONFIDENCE
    t2 = zeros(ed)
    rules = next(i for i, g in enumerate(t2) if "t2.rules.new_made" in g[0].readings)
    t2[rules] = [t2[rules][0], Alternative({k: (parse("1", ed.units[k]), 0.99) for k in t2[rules][0].readings})]
    assert reconcile(ed, t2).cells["t2.rules.new_made"].confidence == UNDECIDED_CONFIDENCE  # nothing can tell


def test_reconcile_one_misread_cell_is_the_only_one_flagged(ed):
    """`3` read for 8 breaks its row and its column; every other cell of them is pinned by another
    identity that holds, so the review goes to the one cell nothing vouches for."""
    r = reconcile(ed, zeros(ed, t3__new_received__natural_person="8", t3__new_received__total="8",
                              t3__granted__natural_person="8", t3__granted__total="8",
                              t3__total__natural_person="3", t3__total__total="8"))
    flagged = {k for k, c in r.cells.items() if c.confidence < 0.9}
    assert flagged == {"t3.total.natural_person"}
    assert r.cells["t3.total.natural_person"].confidence == FLAGGED_CONFIDENCE


def _recognised(groups, unsure: str | None = None):
    """The groups as read by OCR off a page image, the recogniser unsure (0.9) of cell `unsure`."""
    return [[replace(alt, recognised=frozenset(alt.readings),
                     readings={k: (r, 0.9 if k == unsure else c) for k, (r, c) in alt.readings.items()})
             for alt in g] for g in groups]


def test_reconcile_unsure_recognised_cell_its_row_and_column_both_put_elsewhere_is_corrected(ed):
    """A seal's ring beside a 0 read as `10`: the row's total and the column's total both miss by
    10 at that cell. On a page image, where the recogniser was unsure of it, it is corrected (and
    flagged); read sure, it is as likely the report's own wrong number, and typed text prints what
    the report says: both kept, flagged."""
    texts = dict(t3__new_received__natural_person="8", t3__new_received__total="8",
                 t3__granted__natural_person="8", t3__granted__total="8",
                 t3__total__natural_person="8", t3__total__total="8", t3__partial__research="10")
    key = "t3.partial.research"
    r = reconcile(ed, _recognised(zeros(ed, **texts), unsure=key))
    cell = r.cells[key]
    assert (cell.value, cell.status, cell.reading.text) == (0, "corrected", "10")
    assert cell.confidence < 0.9 and all(c.ok for c in r.checks)
    assert any(w.startswith("t3.partial.research: read '10'") for w in r.warnings)
    for kept in (reconcile(ed, zeros(ed, **texts)), reconcile(ed, _recognised(zeros(ed, **texts)))):
        assert (kept.cells[key].value, kept.cells[key].status) == (10, "read")
        assert kept.cells[key].confidence <= FLAGGED_CONFIDENCE


def test_reconcile_recognised_cell_in_one_failing_identity_is_kept(ed):
    """One failing sum (t4's row totals cross no column) says a cell is wrong, not which: kept, flagged."""
    r = reconcile(ed, _recognised(zeros(ed, t4__review__upheld="1"), unsure="t4.review.upheld"))
    cell = r.cells["t4.review.upheld"]
    assert (cell.value, cell.status) == (1, "read") and cell.confidence <= FLAGGED_CONFIDENCE


def test_reconcile_blank_whose_ink_the_scan_lost_is_restored_by_its_only_identity(ed):
    """A t4 total read blank in a report that prints its zeros (confidence `lost_ink`), its parts
    adding up to 1: the scan lost its ink. Read with full confidence, a blank stays as read."""
    groups = _recognised(zeros(ed, t4__review__upheld="1", t4__review__total=""))
    lost = [[replace(alt, readings={k: (r, OPTIONS.confidence.lost_ink if k == "t4.review.total" else c)
                                    for k, (r, c) in alt.readings.items()}) for alt in g] for g in groups]
    cell = reconcile(ed, lost).cells["t4.review.total"]
    assert (cell.value, cell.status, cell.reading.text) == (1, "corrected", "")
    assert reconcile(ed, groups).cells["t4.review.total"].status == "read"


def test_reconcile_recognised_cells_sharing_a_failed_identity_are_kept(ed):
    """Two misreads in one row: each cell's column agrees with its row on no single value (the row
    misses by both), so neither is moved."""
    groups = _recognised(_recognised(zeros(ed, t3__partial__research="10", t3__partial__commercial="9"),
                                     unsure="t3.partial.research"), unsure="t3.partial.commercial")
    r = reconcile(ed, groups)
    assert r.cells["t3.partial.research"].value == 10 and r.cells["t3.partial.commercial"].value == 9
    assert not any(c.status == "corrected" for c in r.cells.values())


def test_reconcile_row_consistent_but_wrong_stays_flagged(ed):
    """A row read from the wrong line adds up on its own: its total pins nothing, and since any
    outcome row could be the wrong one, all of them in the broken columns are left to review."""
    r = reconcile(ed, zeros(ed, t3__new_received__natural_person="8", t3__new_received__total="8",
                              t3__granted__natural_person="5", t3__granted__total="5",
                              t3__total__natural_person="8", t3__total__total="8"))
    flagged = {k for k, c in r.cells.items() if c.confidence < 0.9}
    assert {"t3.granted.natural_person", "t3.granted.total", "t3.partial.natural_person"} <= flagged
    assert "t3.total.natural_person" not in flagged and "t3.granted.commercial" not in flagged


def test_reconcile_value_inferred_from_trusted_cells_vouches_for_others(ed):
    """The total row is lost and solved from the balance; the outcome row read in doubt is then
    pinned by the solved totals, which trusted cells alone determine."""
    given = dict(t3__new_received__natural_person="6", t3__new_received__total="6",
                 t3__other__natural_person="6", t3__other__total="6")
    given.update({f"t3__total__{c}": None for c in ("natural_person", "commercial", "research", "social_org",
                                                     "legal_service", "other_org", "total")})
    r = reconcile(ed, _doubt(zeros(ed, **given), ed, 0.5, *(f"t3.other.{c}" for c in ("natural_person", "total"))))
    assert (r.cells["t3.total.natural_person"].value, r.cells["t3.total.natural_person"].status) == (6, "inferred")
    assert r.cells["t3.other.natural_person"].confidence == CONFIRMED_CONFIDENCE


def test_reconcile_number_beside_a_cell_solved_from_its_only_identity_is_doubted(ed):
    """Table 4's total lost and solved from its row: the row then holds by construction, so the
    parts it was solved from are checked by nothing (a part read in the wrong column would pass)."""
    r = reconcile(ed, zeros(ed, t4__review__other="4", t4__review__total=None))
    assert (r.cells["t4.review.total"].value, r.cells["t4.review.total"].status) == (4, "inferred")
    assert r.cells["t4.review.other"].confidence == UNCHECKED_CONFIDENCE
    assert r.cells["t4.review.upheld"].confidence == 0.99  # a zero: a number lost there shows elsewhere
