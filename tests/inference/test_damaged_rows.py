"""Readings of rows a dump damaged: collapsed runs, glued digits, a number split in two."""

from xxgk.inference.damaged_rows import Token, cuts, damaged_readings, expansions, joins
from xxgk.options import load_options

LIMIT = load_options().reading.max_readings


def toks(*texts: str) -> list[Token]:
    return [Token(t, i) for i, t in enumerate(texts)]


def test_expansions_cover_every_run_length_and_nothing_else():
    readings = {r.texts for r in expansions(toks("4", "0", "4"), 7)}
    assert ("4", "0", "0", "0", "0", "0", "4") in readings
    assert ("4", "4", "0", "0", "0", "0", "4") in readings
    assert len(readings) == 15  # C(6, 2) compositions of 7 into 3 runs
    assert all(len(t) == 7 for t in readings)
    assert {r.derivation for r in expansions(toks("0"), 3)} == {"expanded"}
    assert [r.texts for r in expansions(toks("0"), 3)] == [("0", "0", "0")]


def test_cuts_never_start_a_number_with_zero():
    readings = {r.texts for r in cuts(toks("640020470"), 7)}
    assert ("64", "0", "0", "2", "0", "4", "70") in readings
    assert not any(len(t) > 1 and t.startswith("0") for r in readings for t in r)
    assert {r.texts for r in cuts(toks("000"), 3)} == {("0", "0", "0")}
    assert list(cuts(toks("000"), 2)) == []  # `00` is no number


def test_cuts_spread_over_several_runs_keep_their_sources():
    readings = list(cuts(toks("500000", "5"), 7))
    assert [r.texts for r in readings] == [("5", "0", "0", "0", "0", "0", "5")]
    assert readings[0].sources == (0, 0, 0, 0, 0, 0, 1)


def test_joins_only_for_one_cell_too_many():
    assert {r.texts for r in joins(toks("1", "62", "3"), 2)} == {("162", "3"), ("1", "623")}
    assert list(joins(toks("1", "62"), 2)) == []
    assert [r.texts for r in joins(toks("0", "5", "3"), 2)] == [("0", "53")]  # never `05`


def test_damage_decides_which_readings_exist():
    assert damaged_readings(toks("4", "0", "4"), 7, frozenset(), limit=LIMIT) == []
    assert len(damaged_readings(toks("4", "0", "4"), 7, frozenset({"collapsed_runs"}), limit=LIMIT)) == 15
    glued = damaged_readings(toks("640020470"), 7, frozenset({"glued_cells"}), limit=LIMIT)
    assert glued and all(r.derivation == "cut" for r in glued)
    assert damaged_readings(toks("0" * 30), 15, frozenset({"collapsed_runs"}), limit=LIMIT) is not None
