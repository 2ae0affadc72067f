"""The assembler and row readings: which value segments are the cells of which template row."""

import pytest

from tests.inference.helpers import doc_from_rows, values
from xxgk.inference.assemble import Assembler
from xxgk.inference.report import read_table
from xxgk.options import load_options
from xxgk.templates import load_editions

OPTIONS = load_options()


@pytest.fixture(scope="module")
def ed2019():
    return load_editions()["2019"]


def cells(ed, rows):
    table = read_table(ed, Assembler(ed, OPTIONS.reading)(doc_from_rows(rows)), options=OPTIONS)
    return {k: s.text for k, s in table.slots.items()}, table.warnings


def test_assemble_row_label_takes_values_of_its_line(ed2019):
    got, _ = cells(ed2019, [[("规章", "row:t2.rules"), *values("1", "2", "3")]])
    assert [got[f"t2.rules.{c}"] for c in ("new_made", "new_published", "total_published")] == ["1", "2", "3"]


def test_assemble_values_on_following_value_lines(ed2019):
    rows = [[("一、本年新收政府信息公开申请数量", "row:t3.new_received")]] + [values(v) for v in "1234567"]
    got, _ = cells(ed2019, rows)
    assert got["t3.new_received.natural_person"] == "1" and got["t3.new_received.total"] == "7"


def test_assemble_leading_empty_cell_belongs_to_the_next_row(ed2019):
    """A short row followed by a row starting with the empty merged cell of its group (seed 002)."""
    rows = [
        [("三、本年度办理结果", "row_group"), ("（一）予以公开", "row:t3.granted"), *values(*"000000")],
        [("", "value"), ("（二）部分公开", "row:t3.partial"), *values(*"000000")],
    ]
    got, warnings = cells(ed2019, rows)
    assert "t3.granted.total" not in got
    assert got["t3.partial.natural_person"] == "0"
    assert any("granted: only 6 of 7" in w for w in warnings)


def test_assemble_padding_after_spanning_label_is_dropped_by_arithmetic(ed2019):
    rows = [[("一、本年新收政府信息公开申请数量", "row:t3.new_received"),
             *values("", "", "26", "0", "0", "0", "0", "0", "26")]]
    got, _ = cells(ed2019, rows)
    assert got["t3.new_received.natural_person"] == "26" and got["t3.new_received.total"] == "26"


def test_assemble_merged_pair_is_split_when_the_row_needs_it(ed2019):
    rows = [[("（七）总计", "row:t3.total"), *values("25", "0", "0", "0", "57 0", "82", "")]]
    got, _ = cells(ed2019, rows)
    assert [got[f"t3.total.{c}"] for c in ("legal_service", "other_org", "total")] == ["57", "0", "82"]


def test_assemble_merged_cell_in_a_full_row_stays_one_cell(ed2019):
    """`0 0` in the last column of a complete row is one cell with debris (seed 003)."""
    rows = [[("1.信访举报投诉类申请", "row:t3.rejected_petition"), *values("0", "0", "0", "0", "0", "0", "0 0", "")]]
    got, _ = cells(ed2019, rows)
    assert got["t3.rejected_petition.total"] == "0 0"


def test_assemble_single_row_table_without_heading(ed2019):
    """Table 4's data line after a truncated table 3 with garbled headers (seeds 001, 002)."""
    rows = [
        [("3.补正后申请内容仍不明确", "row:t3.unavailable_unclear"), *values(*"0000000")],
        [("持", "O"), ("正", "O")],
        [*values(*["0"] * 10), *values("", "", "", ""), ("错误！未指定文件名。", "value")],
    ]
    got, warnings = cells(ed2019, rows)
    assert got["t4.review.upheld"] == "0" and got["t4.suit_after_review.total"] == "错误！未指定文件名。"
    assert "t3 truncated after row unavailable_unclear" in warnings


def test_assemble_single_row_labels_are_headers_unless_values_follow(ed2019):
    rows = [
        [("四、政府信息公开行政复议、行政诉讼情况", "sec:t4")],
        [("行政复议", "row:t4.review"), ("行政诉讼", "row_group")],
        [*values("1", "0", "0", "0", "1", "", "", "", "", "", "2", "0", "0", "0", "2")],
    ]
    got, _ = cells(ed2019, rows)
    assert got["t4.review.upheld"] == "1" and got["t4.suit_after_review.total"] == "2"


def test_assemble_wrapped_label_tail_continues_its_row(ed2019):
    rows = [
        [("（三）1.属于国", "row:t3.denied_state_secret"), *values("1", "", "", "", "", "", "1")],
        [("不予公开", "row_group"), ("家秘密", "row:t3.denied_state_secret"), *values(*[""] * 7)],
        [("2.其他法律行政法规禁止公开", "row:t3.denied_law_prohibited"), *values(*[""] * 7)],
    ]
    got, warnings = cells(ed2019, rows)
    assert got["t3.denied_state_secret.total"] == "1"
    assert got["t3.denied_law_prohibited.natural_person"] == ""
    assert not any("twice" in w for w in warnings)


def test_assemble_numbers_on_a_tail_two_rows_share_go_to_the_row_it_wraps(ed2019):
    """Each label wraps, its numbers centred beside the second line; that tail (`公开申请数量`)
    ends both rows' labels, and the second row's tail is read as the first row."""
    rows = [
        [("一、本年新收政府信息", "row:t3.new_received")],
        [("公开申请数量", "row:t3.new_received"), *values("1", "0", "0", "0", "0", "5", "6")],
        [("二、上年结转政府信息", "row:t3.carried_over")],
        [("公开申请数量", "row:t3.new_received"), *values(*"0000000")],
        [("（一）予以公开", "row:t3.granted"), *values("1", "0", "0", "0", "0", "5", "6")],
    ]
    got, warnings = cells(ed2019, rows)
    assert got["t3.new_received.natural_person"] == "1" and got["t3.carried_over.natural_person"] == "0"
    assert not any("twice" in w for w in warnings)
    numbered = [*rows[:3], [("1.公开申请数量", "row:t3.new_received"), *values(*"0000000")], rows[4]]
    assert "t3.carried_over.natural_person" not in cells(ed2019, numbered)[0]  # a numbered line starts a row
    short = [*rows[:2], [("二、上年结转政府信息公开申请数", "row:t3.carried_over")],
             [("量", "row:t3.denied_state_secret"), *values(*"0000000")], rows[4]]
    assert cells(ed2019, short)[0]["t3.carried_over.natural_person"] == "0"  # one character finishing the label
    other = [*short[:3], [("密", "row:t3.denied_state_secret"), *values(*"0000000")], rows[4]]
    assert "t3.carried_over.natural_person" not in cells(ed2019, other)[0]


def test_assemble_a_garbled_shared_tail_goes_to_the_row_it_wraps():
    """A dump broke a label at its comma, and the tail it shares with the row above came garbled
    (其 read 具): still the wrapped row's tail, its numbers that row's."""
    ed = load_editions()["2021"]
    rows = [
        [("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "row:t3.other_no_correction"),
         *values(*"0000000")],
        [("2.申请人逾期未按收费通知要求缴纳费用", "row:t3.other_unpaid_fee")],
        [("、行政机关不再处理具政府信息公开申请", "row:t3.other_no_correction"),
         *values("1", "0", "0", "0", "0", "0", "1")],
    ]
    got, warnings = cells(ed, rows)
    assert got["t3.other_unpaid_fee.natural_person"] == "1" and got["t3.other_no_correction.natural_person"] == "0"
    assert not any("twice" in w for w in warnings)


def test_assemble_repeated_row_keeps_the_first_reading(ed2019):
    rows = [[("规章", "row:t2.rules"), *values("1", "2", "3")], [("规章", "row:t2.rules"), *values("7", "8", "9")]]
    got, warnings = cells(ed2019, rows)
    assert got["t2.rules.new_made"] == "1"
    assert any("appears twice" in w for w in warnings)


def test_assemble_reports_missing_rows_and_tables(ed2019):
    rows = [[("规范性文件", "row:t2.normative_docs"), *values("1", "2", "3")]]
    _, warnings = cells(ed2019, rows)
    assert "t2 rows not found: rules" in warnings
    assert "t3 not found in the document" in warnings


def test_assemble_letter_spaced_number_is_not_split_over_blank_cells(ed2019):
    got, _ = cells(ed2019, [[("规范性文件", "row:t2.normative_docs"), *values("", "", "4 0")]])
    assert [got[f"t2.normative_docs.{c}"] for c in ("new_made", "new_published", "total_published")] == ["", "", "4 0"]


def test_assemble_table_arithmetic_chooses_between_row_readings(ed2019):
    """`23 0` after a spanning label's filler: the row total holds either way; the columns decide."""
    given = {"new_received": ("23", "0", "0", "0", "0", "0", "23"), "total": ("23", "0", "0", "0", "0", "0", "23"),
             "partial": ("", "23 0", "0", "0", "0", "0", "23")}
    rows = [[(r.row, f"row:t3.{r.row}"), *values(*given.get(r.row, "0000000"))]
            for r in ed2019.rows if r.table == "t3"]
    got, _ = cells(ed2019, rows)
    assert got["t3.partial.natural_person"] == "23" and got["t3.partial.commercial"] == "0"


def test_assemble_low_label_confidence_lowers_cell_confidence(ed2019):
    doc = doc_from_rows([[("规章", "row:t2.rules"), *values("1", "2", "3")]])
    doc.segments[0].label_score = 0.55
    table = read_table(ed2019, Assembler(ed2019, OPTIONS.reading)(doc), options=OPTIONS)
    cell = table.reconciled.cells["t2.rules.new_made"]
    assert cell.status == "read" and cell.confidence == pytest.approx(0.55)


@pytest.fixture(scope="module")
def ed2021():
    return load_editions()["2021"]


def _t3_with_merged_other(ed, label: str, other: tuple[str, ...], **rows_as_read: tuple[str, ...]):
    """A 2021 table 3 whose （六）其他处理 is printed as one row (the 2019 layout), labeled `label`;
    3 requests, granted and other outcomes as `other` leaves them."""
    granted = str(3 - int(other[0]))
    given = {"new_received": ("3", "0", "0", "0", "0", "0", "3"), "total": ("3", "0", "0", "0", "0", "0", "3"),
             "granted": (granted, "0", "0", "0", "0", "0", granted), **rows_as_read}
    parts = {"other_no_correction", "other_unpaid_fee", "other_misc"}
    rows = []
    for r in ed.rows:
        if r.table != "t3" or r.row in parts:
            continue
        if r.row == "total":
            rows.append([("（六）其他处理", label), *values(*other)])
        rows.append([(r.row, f"row:t3.{r.row}"), *values(*given.get(r.row, "0000000"))])
    return read_table(ed, Assembler(ed, OPTIONS.reading)(doc_from_rows(rows)), options=OPTIONS)


@pytest.mark.parametrize("label", ["row_group", "row:t3.other"])
def test_assemble_merged_row_of_older_layout_printing_zeros_makes_its_rows_zero(ed2021, label):
    table = _t3_with_merged_other(ed2021, label, ("1", "0", "0", "0", "0", "0", "1"))
    cells = table.reconciled.cells
    assert (cells["t3.other_misc.commercial"].value, cells["t3.other_misc.commercial"].status) == (0, "inferred")
    assert cells["t3.other_misc.natural_person"].status == "missing"
    assert any("natural_person=1" in w and "total=1" in w for w in table.warnings)
    assert not any("rows not found" in w for w in table.warnings)


def test_assemble_merged_row_all_zero_gives_every_sub_row_zero_and_checks_hold(ed2021):
    given = ("0",) * 7
    table = _t3_with_merged_other(ed2021, "row_group", given)
    cells = table.reconciled.cells
    for row in ("other_no_correction", "other_unpaid_fee", "other_misc"):
        assert {cells[f"t3.{row}.total"].status} == {"inferred"} and cells[f"t3.{row}.total"].value == 0
    assert all(c.ok for c in table.reconciled.checks if c.rule.startswith("t3"))
    assert not any("其他处理" in w for w in table.warnings)


def test_assemble_zeros_of_a_merged_row_vouch_for_the_cells_beside_them(ed2021):
    """A misread cell in an outcome row: the sub-rows' zeros, as sure as the printed 0, still pin
    the rest of the row through their columns, so only the misread cell is left to review."""
    table = _t3_with_merged_other(ed2021, "row_group", ("0",) * 7, partial=("0", "0", "0", "0", "0", "0", "1"))
    flagged = {k for k, c in table.reconciled.cells.items() if c.status == "read" and c.confidence < 0.9}
    assert flagged == {"t3.partial.total"}


@pytest.mark.parametrize(("zero", "flagged"), [("0", True), ("", False)])
def test_assemble_scanned_blank_is_doubted_where_the_document_prints_its_zeros(ed2019, zero, flagged):
    """Table 4 scanned: `3 _ _ _ 3` lost to faint ink reads blank and still adds up. Where the
    document writes its zeros, the two blanks are doubted and nothing pins them; where it leaves
    zeros blank, a blank is how zero is written."""
    line = ["1", zero, zero, zero, "1", zero, zero, zero, zero, zero, "", zero, zero, zero, ""]
    doc = doc_from_rows([[("四、政府信息公开行政复议、行政诉讼情况", "sec:t4")], values(*line)])
    for seg in doc.segments:
        seg.source = "ocr"
    cells = read_table(ed2019, Assembler(ed2019, OPTIONS.reading)(doc), options=OPTIONS).reconciled.cells
    for key in ("t4.suit_after_review.upheld", "t4.suit_after_review.total"):
        assert cells[key].value == 0 and (cells[key].confidence < 0.9) is flagged


def test_assemble_header_character_taken_for_a_value_opens_no_data_line(ed2019):
    """A text browser prints table 4's vertical headers one character per line; one of them labeled
    a value (`他`) must not open the data line, which the next header would close before its numbers."""
    rows = [
        [("四、政府信息公开行政复议、行政诉讼情况", "sec:t4")],
        [("其", "col:t4.other")],
        [("他", "value")],
        [("总", "col:t4.total")],
        *[values("0") for _ in range(15)],
    ]
    got, _ = cells(ed2019, rows)
    assert got["t4.review.upheld"] == "0" and got["t4.suit_after_review.total"] == "0"


def _t3_rows(ed, garbled: dict[str, str]):
    """Table 3 of `ed`, one physical row per template row (label then its values, the row's first
    column carrying the row's number), the labels of `garbled` rows replaced by unreadable text."""
    rows = [[("三、收到和处理政府信息公开申请情况", "sec:t3")]]
    for n, layout in enumerate(r for r in ed.rows if r.table == "t3"):
        first = str(n + 1)
        vals = [first, *["0"] * (len(layout.cell_keys) - 2), first]
        text = garbled.get(layout.row)
        label = (text, "header") if text else (layout.row, f"row:t3.{layout.row}")
        rows.append([label, *values(*vals)])
    return rows


def test_assemble_a_row_whose_label_was_not_read_is_placed_by_the_template_order(ed2019):
    """Between two recognised rows, the one template row found nowhere else takes the values."""
    got, warnings = cells(ed2019, _t3_rows(ed2019, {"partial": "（二）■■■■"}))
    order = [r.row for r in ed2019.rows if r.table == "t3"]
    number = str(order.index("partial") + 1)
    assert got["t3.partial.natural_person"] == number and got["t3.partial.total"] == number
    assert any("t3.partial: its label was not read" in w and "row order" in w for w in warnings)
    table = read_table(ed2019, Assembler(ed2019, OPTIONS.reading)(doc_from_rows(_t3_rows(ed2019, {"partial": "■"}))),
                       options=OPTIONS)
    cell = table.reconciled.cells["t3.partial.natural_person"]
    assert cell.status == "read" and cell.confidence <= OPTIONS.confidence.by_order < OPTIONS.review.below


def test_assemble_unread_labels_fewer_or_more_than_the_rows_left_stay_unplaced(ed2019):
    """Two unreadable rows where one template row is missing (the other printed nowhere: a row the
    report left out, or a line that is no row): nothing says which is which, nothing is placed."""
    rows = _t3_rows(ed2019, {"partial": "■"})
    rows.insert(4, [("■■", "header"), *values("9", "9", "9", "9", "9", "9", "9")])
    got, warnings = cells(ed2019, rows)
    assert "t3.partial.natural_person" not in got
    assert sum("not recognised" in w for w in warnings) == 2


def test_assemble_a_garbled_label_read_as_a_row_out_of_order_is_placed_by_order(ed2019):
    """`2.Xm 中政成鐵業止公升` read as a row far down the table, between two rows that follow each
    other: unlike that row's wording and out of order, it is the row its place leaves."""
    rows = _t3_rows(ed2019, {})
    order = [r.row for r in ed2019.rows if r.table == "t3"]
    n = order.index("partial") + 1
    rows[n] = [("（二）■分■■", f"row:t3.{order[-2]}"), *rows[n][1:]]
    got, warnings = cells(ed2019, rows)
    assert got["t3.partial.natural_person"] == str(n)
    assert got[f"t3.{order[-2]}.natural_person"] == str(len(order) - 1)  # its own row keeps its own line
    assert any(w.startswith("t3.partial: its label '（二）■分■■' was read as another row") for w in warnings)


def test_assemble_a_table_printed_twice_keeps_both_copies(ed2019):
    """A summary repeated: the second copy breaks the order, but its labels are spelled right."""
    rows = _t3_rows(ed2019, {})
    got_once, _ = cells(ed2019, rows)
    got, warnings = cells(ed2019, rows + rows[1:])
    assert got == got_once and not any("out of order" in w or "not recognised" in w for w in warnings)


def test_assemble_a_wrapped_label_whose_numbers_stand_on_an_unread_line_takes_them(ed2019):
    """`1.申请人无正当理由逾期` (no numbers) / an unreadable line holding the numbers / the label's tail:
    the row was recognised, but without values it is still open to the unplaced line."""
    rows = _t3_rows(ed2019, {})
    order = [r.row for r in ed2019.rows if r.table == "t3"]
    n = order.index("partial") + 1
    label, *vals = rows[n]
    rows[n:n + 1] = [[label], [("■■■■", "header"), *vals], [("（区分处理的）", label[1])]]
    got, warnings = cells(ed2019, rows)
    assert got["t3.partial.natural_person"] == str(n) and got["t3.partial.total"] == str(n)
    assert any(w.startswith("t3.partial: its label was not read") for w in warnings)
