"""Readings of rows a dump damaged: collapsed runs, glued digits, a number split in two."""

from xxgk.document import Segment
from xxgk.inference.damaged_rows import Token, cuts, damaged_readings, expansions, joins, split_and_damaged
from xxgk.inference.row_options import row_options, unconfirmed_joins
from xxgk.options import load_options
from xxgk.templates import load_editions

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


def test_cuts_keep_a_thousands_separator_inside_its_number():
    readings = {r.texts for r in cuts(toks("681,275936"), 3)}
    assert ("68", "1,275", "936") in readings
    assert not any(t.startswith(",") or t.endswith(",") for r in readings for t in r)
    assert ("681", "275936") not in {r.texts for r in cuts(toks("681,275936"), 2)}
    assert {r.texts for r in cuts(toks("2,29475700", "003,051"), 7)} >= {("2,294", "757", "0", "0", "0", "0", "3,051")}


def test_cuts_read_dashes_minus_signs_and_an_amount_at_the_end():
    assert {r.texts for r in cuts(toks("—0219"), 3)} == {("—", "0", "219")}
    assert {r.texts for r in cuts(toks("1", "-41"), 3)} == {("1", "-", "41"), ("1", "-4", "1")}
    assert {r.texts for r in cuts(toks("07.2"), 2)} == {("0", "7.2")}
    assert {r.texts for r in cuts(toks("0159604元"), 2)} == {("0", "159604元")}
    assert list(cuts(toks("1.5"), 2)) == []  # a fraction is never cut


def test_a_restored_reading_never_puts_a_negative_or_a_fraction_in_a_count():
    edition = load_editions()["2019"]
    reading = load_options().reading
    glued = frozenset({"glued_cells"})
    keys = tuple(k for k in edition.cell_keys if k.startswith("t2.penalty."))
    texts = {tuple(s.text for s in o.slots) for o in row_options(_segments("20", "-60"), keys, edition.units, [],
                                                                  glued, reading=reading)}
    assert texts == {("20", "-", "60"), ("20", "-6", "0")}  # never 2, 0, -60: the last column counts
    keys = tuple(k for k in edition.cell_keys if k.startswith("t2.procurement."))
    texts = {tuple(s.text for s in o.slots) for o in row_options(_segments("07.2"), keys, edition.units, [],
                                                                  glued, reading=reading)}
    assert texts == {("0", "7.2")}


def test_a_number_in_two_pieces_inside_a_damaged_row():
    glued = frozenset({"glued_cells"})
    readings = {r.texts for r in split_and_damaged(toks("4719", "00006", "6"), 7, glued, limit=LIMIT)}
    assert ("47", "19", "0", "0", "0", "0", "66") in readings
    assert all(r.derivation == "joined" for r in split_and_damaged(toks("4719", "00006", "6"), 7, glued, limit=LIMIT))
    assert split_and_damaged(toks("0", "5"), 3, glued, limit=LIMIT) == []  # `05` is no number


def _segments(*texts: str) -> list[Segment]:
    return [Segment(id=i, text=t, page=1, row=0, source="text", bbox=(100.0 * i, 0.0, 100.0 * i + 90, 9.0))
            for i, t in enumerate(texts)]


def _t3_row(name: str):
    edition = load_editions()["2021"]
    keys = tuple(k for k in edition.cell_keys if k.startswith(f"t3.{name}."))
    equations = [eq for eq in edition.equations if {*eq.lhs, *eq.rhs} <= set(keys)]
    return keys, edition.units, equations


def test_a_split_number_is_offered_only_where_no_plain_reading_keeps_the_row():
    keys, units, equations = _t3_row("denied_third_party")
    glued = frozenset({"glued_cells"})
    options = row_options(_segments("4719 00006 6"), keys, units, equations, glued, reading=load_options().reading)
    texts = {tuple(s.text for s in o.slots) for o in options}
    assert ("47", "19", "0", "0", "0", "0", "66") in texts
    options = row_options(_segments("640020470"), keys, units, equations, glued, reading=load_options().reading)
    assert all(s.derivation == "cut" for o in options for s in o.slots)


def test_a_damaged_row_nothing_restores_is_left_missing_not_read_in_order():
    keys, units, equations = _t3_row("new_received")
    options = row_options(_segments("110000"), keys, units, equations, frozenset({"glued_cells"}),
                          reading=load_options().reading)
    assert [o.unrestorable for o in options] == [True] and not options[0].slots


def test_numbers_read_as_one_cell_leaving_cells_empty_are_no_reading_of_a_row_printing_them_all():
    """`0 0 1` then four numbers: seven cells printed for seven columns. Reading `0 0 1` as one cell
    would leave two cells empty and shift the rest; a report whose own sums are wrong would let the
    table's arithmetic pick that reading and confirm the shifted numbers."""
    keys, units, equations = _t3_row("denied_law_prohibited")
    options = row_options(_segments("0 0 1", "0", "0", "0", "0"), keys, units, equations,
                          reading=load_options().reading)
    assert [tuple(s.text for s in o.slots) for o in options] == [("0", "0", "1", "0", "0", "0", "0")]


def test_a_collapsing_dump_keeps_the_reading_of_two_printed_numbers_as_one_cell():
    edition = load_editions()["2021"]
    keys = tuple(k for k in edition.cell_keys if k.startswith("t2.rules."))
    texts = {tuple(s.text for s in o.slots)
             for o in row_options(_segments("0", "5 5"), keys, edition.units, [], frozenset({"collapsed_runs"}),
                                  reading=load_options().reading)}
    assert ("0", "5", "5") in texts and ("0", "5 5") in texts  # 0,0,55 as the dump may have collapsed it


def test_a_letter_spaced_number_inside_a_collapsed_row_is_restored_where_its_identities_confirm_it():
    """`2 3 7` `0` `237`: read apart, the only expansion (2,3,7,0,0,0,237) breaks the row's total;
    read as 237 the run expands to 237,0,0,0,0,0,237, which keeps it."""
    keys, units, equations = _t3_row("unavailable_not_held")
    collapsed = frozenset({"collapsed_runs"})
    reading = load_options().reading
    options = row_options(_segments("2 3 7", "0", "237"), keys, units, equations, collapsed, reading=reading)
    assert ("2 3 7", "0", "0", "0", "0", "0", "237") in {tuple(s.text for s in o.slots) for o in options}


def test_a_row_printing_all_its_cells_with_one_spaced_out_is_offered_the_joined_reading_it_keeps():
    """`2 0 4 3 2 1 1` for seven columns: as printed the total (the seventh) breaks; with `1 1` one
    number and a run of zeros collapsed, 2,0,0,4,3,2,11 keeps it. A printed row that keeps its
    identities is offered nothing more."""
    keys, units, equations = _t3_row("denied_internal_affairs")
    collapsed = frozenset({"collapsed_runs"})
    reading = load_options().reading
    options = row_options(_segments("2", "0", "4", "3", "2", "1 1"), keys, units, equations, collapsed,
                          reading=reading)
    texts = {tuple(s.text for s in o.slots) for o in options}
    assert ("2", "0", "0", "4", "3", "2", "1 1") in texts and ("2", "0", "4", "3", "2", "1", "1") in texts
    kept = row_options(_segments("1", "0", "0", "0", "0", "1 2"), keys, units, equations, collapsed,
                       reading=reading)
    assert tuple(s.text for s in kept[0].slots) == ("1", "0", "0", "0", "0", "1", "2")
    assert all(s.derivation == "printed" for o in kept for s in o.slots)


def test_a_row_no_identity_checks_is_doubted_where_a_split_and_a_collapsed_run_also_read_it():
    """`0` `21` `28` in a dump that collapses runs: also 0,0,2128 (`2128` written in two text nodes,
    then the run of zeros collapsed). Table 2 has no arithmetic to choose: the printed reading is
    kept and doubted, the other named. A dump that collapses nothing prints a split number as one
    cell too many, so there the row is not doubted."""
    edition = load_editions()["2019"]
    keys = tuple(k for k in edition.cell_keys if k.startswith("t2.coercion."))
    reading = load_options().reading
    options = row_options(_segments("0", "21", "28"), keys, edition.units, [], frozenset({"collapsed_runs"}),
                          reading=reading)
    assert tuple(s.text for s in options[0].slots) == ("0", "21", "28")
    assert "0,0,2128" in options[0].unchecked
    plain = row_options(_segments("0", "21", "28"), keys, edition.units, [], frozenset(), reading=reading)
    assert not any(o.unchecked for o in plain)


def test_a_minus_never_joins_the_number_before_it():
    assert split_and_damaged(toks("22", "-5"), 1, frozenset(), limit=LIMIT) == []


def test_a_row_printing_a_number_more_than_its_cells_that_nothing_checks_names_its_joined_readings():
    """`2` `1` `55` `3 0` for the three cells of a table 2 row, which no identity checks: 21,55,30
    and 2,155,30 both read it, so no reading is taken (the cells stay missing, the readings named).
    Cells every reading agrees on are kept."""
    edition = load_editions()["2019"]
    keys = tuple(k for k in edition.cell_keys if k.startswith("t2.normative_docs."))
    reading = load_options().reading
    segments = _segments("2", "1", "55", "3 0")
    assert row_options(segments, keys, edition.units, [], frozenset(), reading=reading) == []
    assert unconfirmed_joins(segments, keys, edition.units, reading) == (("21,55,30", "2,155,30"), None)
    shown, agreed = unconfirmed_joins(_segments("0", "3", "5", "1"), keys, edition.units, reading)
    assert shown == ("0,35,1", "0,3,51")  # both read the first cell 0: kept, doubted, the others named
    assert agreed is not None and [s.text for s in agreed.slots] == ["0"] and agreed.unchecked == shown
