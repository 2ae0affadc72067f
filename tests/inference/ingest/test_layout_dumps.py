"""Text that users' own tools write: paginated `pdftotext -layout` output, labels wrapped around
their numbers, tables drawn with box characters (`w3m -dump`), blank cells that left no trace."""

from __future__ import annotations

from xxgk.document import Segment
from xxgk.inference.assemble import RowRead
from xxgk.inference.columns import place_rows
from xxgk.inference.ingest.boxes import box_rows
from xxgk.inference.ingest.furniture import strip_furniture
from xxgk.inference.ingest.text import line_offsets, segment_text
from xxgk.inference.ingest.widths import char_width, display_width, dump_width
from xxgk.inference.ingest.wrapped import wrapped_rows
from xxgk.options import load_options

READING = load_options().reading
TEXT = load_options().text

PAGE_FOOT = "file:///reports/report.html{n}                         {n}/5"
PAGE_HEAD = "12/2/26, 10:36 AM              某某局2024年政府信息公开工作年度报告"


def test_running_heads_feet_and_page_numbers_are_blanked_in_place() -> None:
    bodies = ["一、总体情况\n本机关坚持公开为常态。", "  行政许可   2   0   1\n  行政处罚   0   0   0",
              "五、存在的主要问题\n无。"]
    pages = [f"{PAGE_HEAD}\n{body}\n{PAGE_FOOT.format(n=n)}\n" for n, body in enumerate(bodies, 1)]
    text = "\f".join(pages) + "\f"
    cleaned = strip_furniture(text, TEXT)
    assert len(cleaned) == len(text)  # offsets kept
    assert "10:36" not in cleaned and "file:///" not in cleaned
    assert "总体情况" in cleaned and "行政许可   2   0   1" in cleaned and "行政处罚" in cleaned


def test_a_line_of_numbers_recurring_at_page_edges_is_not_furniture() -> None:
    text = "甲\n0   0   0\f乙\n0   0   0\f"
    assert strip_furniture(text, TEXT).count("0   0   0") == 2


def test_text_without_pages_is_unchanged() -> None:
    assert strip_furniture("一\n二\n3/5", TEXT) == "一\n二\n3/5"


def test_label_wrapped_above_and_below_its_numbers_is_one_row() -> None:
    text = ("\n"
            "             1.申请人无正当理由逾期不补\n"
            "             正、行政机关不再处理其政府信      0    0     0\n"
            "             息公开申请\n"
            "\n"
            "  （六）\n"
            "  其他处        2.申请人逾期未按收费通知要求\n"
            "  理            缴纳费用、行政机关不再处理其 2      0     2\n"
            "\n")
    rows = [r for r in wrapped_rows(line_offsets(text), TEXT).values() if r]
    first = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert [p[0] for p in rows[0]] == [first, "0", "0", "0"]
    assert [p[0] for p in rows[1]] == ["（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其",
                                       "2", "0", "2"]


# `pdftotext -layout` lays a page on a grid of characters (a CJK character is one column) and prints
# a table's rows without blank lines between them; a group label's narrow column wraps beside them.
PDFTOTEXT_ROWS = """\
          1.本机关不掌握相关政
                           25     0     0     0   0   0   25
               府信息
     （四）
三、       2.没有现成信息需要另
     无法提                   9      0     0     0   0   0    9
本年             行制作
      供
度办
          3.补正后申请内容仍不
理结                         6      0     0     0   0   0    6
               明确
 果
          1.信访举报投诉类申请    7      0     0     0   0   0    7
"""


def test_rows_without_blank_lines_between_them_split_at_label_enumerators() -> None:
    lines = line_offsets(PDFTOTEXT_ROWS)
    rows = [[p[0] for p in r] for r in wrapped_rows(lines, TEXT, char_width).values() if r]
    values = ["0"] * 5
    assert any(r[-8:] == ["1.本机关不掌握相关政府信息", "25", *values, "25"] for r in rows)
    # the group label's fragments beside a row stay apart from its label (here: on its line of numbers)
    assert any(r[-8:] == ["2.没有现成信息需要另行制作", "9", *values, "9"] and "无法提" in "".join(r[:-8])
               for r in rows)
    assert any(r[-8:] == ["3.补正后申请内容仍不明确", "6", *values, "6"] for r in rows)
    assert not any("1.信访举报投诉类申请" in p for r in rows for p in r)  # one line: left to the line reading


def test_a_row_tail_is_no_longer_than_its_head() -> None:
    """A sub-table's title right under a table's last row is not the tail of that row's label."""
    text = ("规章                0                            0             53\n"
            "行政规范性文件      0                           0             2\n"
            "第二十条第（五）项\n")
    assert wrapped_rows(line_offsets(text), TEXT, display_width) == {}


def test_columns_are_counted_as_the_dump_counts_them() -> None:
    """pdftotext ends a column's numbers at one character count, a text browser at one terminal width."""
    labels = ["一、本年新收政府信息公开申请数量", "  （一）予以公开", "     1.属于国家秘密"]
    pdftotext = [label.ljust(40) + "95    0     95" for label in labels]
    assert dump_width(pdftotext, TEXT) is char_width
    browser = [label + " " * (40 - display_width(label)) + "95    0     95" for label in labels]
    assert dump_width(browser, TEXT) is display_width
    assert dump_width(["没有表格。"], TEXT) is display_width


def test_a_paragraph_ending_in_numbers_is_its_label_and_its_numbers() -> None:
    """lynx prints a row whose cells hold paragraphs over several paragraphs: the label's own line
    still carries the first numbers, which must not be read as part of the label."""
    text = "一、总体情况\n\n本机关坚持公开。\n\n部分公开 202 0 0\n\n0\n\n0 202\n\n4.保护第三方合法权益\n\n62\n"
    shape, segments, _ = segment_text(text, TEXT)
    assert shape == "blocks"
    texts = [s.text for s in segments]
    assert texts[texts.index("部分公开"):texts.index("部分公开") + 4] == ["部分公开", "202 0 0", "0", "0 202"]
    assert all(text[s.span[0]:s.span[1]] == s.text for s in segments)


def test_group_text_joined_to_a_label_by_one_space_is_cut_off() -> None:
    """pdftotext leaves one space between a narrow group column and the row labels beside it."""
    text = ("          4.保护第三方合法\n"
            "                      0    0    0    0    0    0    0\n"
            "      （三） 权益\n"
            "      不予公 5.属于三类内部事\n"
            "       开              0    0    0    0    0    0    0\n"
            "          务信息\n"
            "          6.属于四类过程性信息   0    0    0    0    0    0    0\n")
    rows = [[p[0] for p in r] for r in wrapped_rows(line_offsets(text), TEXT, char_width).values() if r]
    labels = [r[-8] for r in rows]
    assert labels == ["4.保护第三方合法权益", "5.属于三类内部事务信息"]
    assert rows[0][:-8] == ["（三）"] and rows[1][:-8] == ["不予公开"]


def test_words_in_a_rows_value_columns_are_the_cell_it_has_no_number_in() -> None:
    """A value cell's text wrapped over lines (Word's `错误！未找到引用源。`) sits above and below its
    row's numbers; it fills the one cell the row prints no number in, never read as a blank 0."""
    def row(label: str, values: list[str]) -> str:
        return "          " + label.ljust(20) + "".join(v.rjust(5) for v in values)

    text = "\n".join([row("6.属于四类过程性信息", ["0"] * 7), " " * 48 + "错误！",
                      row("7.属于行政执法案卷", ["0", "0", "0", "", "0", "0", "0"]), " " * 48 + "源。",
                      row("8.属于行政查询事项", ["0"] * 7)]) + "\n"
    rows = [[p[0] for p in r] for r in wrapped_rows(line_offsets(text), TEXT, char_width).values() if r]
    assert ["7.属于行政执法案卷", "0", "0", "0", "错误！源。", "0", "0", "0"] in rows
    assert all(r[0] == "7.属于行政执法案卷" or "错误！" not in "".join(r) for r in rows)


def test_a_double_spaced_space_laid_dump_is_read_as_lines() -> None:
    """pdftotext prints widely leaded pages with a blank line after every line: still a table of
    lines, its wrapped labels joined, not one cell per paragraph."""
    values = "".join(v.rjust(5) for v in ["2", "0", "0", "0", "0", "0", "2"])
    rows = [f"{label:<30}{values}" for label in ("（一）予以公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
                                                 "4.保护第三方合法权益", "5.属于三类内部事务信息")]
    rows[1:1] = ["（二）部分公开（区分处理的，只计这一情", " " * 30 + values, "形，不计其他情形）"]
    text = "三、收到和处理政府信息公开申请情况\n\n" + "\n\n".join(rows) + "\n"
    shape, segments, _ = segment_text(text, TEXT)
    assert shape == "lines"
    texts = [s.text for s in segments]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts


def test_an_empty_box_field_is_a_blank_cell_at_its_place() -> None:
    """w3m draws a blank cell as an empty field: the borders, not the count of numbers, place a row's
    numbers (a table printing zeros as blanks)."""
    text = ("┌──────┬────┬────┬────┐\n"
            "│规章  │    │453 │    │\n"
            "├──────┼────┼────┼────┤\n"
            "│许可  │  1 │    │  2 │\n"
            "└──────┴────┴────┴────┘\n")
    rows = [[p[0] for p in r] for r in box_rows(line_offsets(text), TEXT).values() if r and r[0][0] in ("规章", "许可")]
    assert rows == [["规章", "", "453", ""], ["许可", "1", "", "2"]]


def test_a_row_of_numbers_alone_keeps_its_leading_blank_fields() -> None:
    """Table 4's data line `│  │  │4 │4 │` under a full rule: its empty fields are blank cells before
    the numbers (a group cell spanning from above, under no rule, is not)."""
    text = ("┌────┬────┬────┬────┐\n"
            "│结果│结果│尚未│总计│\n"
            "├────┼────┼────┼────┤\n"
            "│    │    │4   │4   │\n"
            "└────┴────┴────┴────┘\n")
    assert [p[0] for p in box_rows(line_offsets(text), TEXT).get(text.index("│    │"), [])] == ["", "", "4", "4"]


def test_a_rule_right_above_the_bottom_border_is_a_row_of_blank_cells() -> None:
    """w3m draws a row whose cells are all empty with no line of its own."""
    text = ("┌────┬────┬────┐\n"
            "│结果│尚未│总计│\n"
            "├────┼────┼────┤\n"
            "└────┴────┴────┘\n")
    rule = text.index("├")
    assert [p[0] for p in box_rows(line_offsets(text), TEXT)[rule]] == ["", "", ""]


def test_a_heading_above_a_row_is_not_joined_to_its_label() -> None:
    text = "三、收到和处理政府信息公开申请情况\n  一、本年新收政府信息公开申请数量   1   0   1\n"
    assert wrapped_rows(line_offsets(text), TEXT) == {}


BOXED = """四、政府信息公开行政复议、行政诉讼情况
┌──────────┬────┬────┐
│（二）部分公开（区分处理│  1 │  3 │
│的，只计这一情形）      │    │    │
├──────────┼────┼────┤
│          │结果│总计│
│结果维持  ├────┼────┤
│          │  2 │  7 │
└──────────┴────┴────┘
"""


def test_box_drawn_rows_join_their_lines_per_field() -> None:
    rows = [[p[0] for p in r] for r in box_rows(line_offsets(BOXED), TEXT).values() if r]
    assert ["（二）部分公开（区分处理的，只计这一情形）", "1", "3"] in rows
    assert ["结果维持"] in rows  # text on a partial rule: a row of its own (a label spanning rows)
    assert ["2", "7"] in rows


def _seg(i: int, text: str, row: int, cols: tuple[int, int] | None, label: str = "value") -> Segment:
    return Segment(id=i, text=text, row=row, source="text", bbox=(0, 0, 1, 1), columns=cols, label=label)


def _row(name: str, row: int, values: list[tuple[str, int]]) -> RowRead:
    keys = tuple(f"t2.{name}.{c}" for c in ("issued", "repealed", "in_force"))
    label = _seg(100 + row, name, row, (2, 10), f"row:t2.{name}")
    return RowRead("t2", keys, label, [_seg(10 * row + i, t, row, (c, c + len(t))) for i, (t, c) in enumerate(values)])


def test_blank_cells_of_a_space_laid_table_are_placed_by_position() -> None:
    """A row printing every cell shows where the columns are; a row printing one number is read
    at its column, its other cells blank (0), not as the first column."""
    full = _row("rules", 1, [("3", 24), ("1", 42), ("12", 60)])
    short = _row("normative_docs", 2, [("7", 61)])
    placed = place_rows([full, short], READING)
    assert [s.text for s in placed[1].row.segments] == ["", "", "7"]
    assert not placed[1].unplaced
    ends_early = place_rows([full, _row("normative_docs", 2, [("7", 24)])], READING)[1].row
    assert [s.text for s in ends_early.segments] == ["7"]  # blank or cut short: not read


def test_a_short_row_without_positions_to_learn_from_is_flagged() -> None:
    placed = place_rows([_row("rules", 1, [("3", 24), ("12", 60)])], READING)
    assert placed[0].unplaced


def test_a_short_row_read_one_cell_per_line_is_left_in_order() -> None:
    row = _row("rules", 1, [("3", 24)])
    row.segments.append(_seg(99, "12", 2, (0, 2)))
    assert not place_rows([row], READING)[0].unplaced


def test_a_label_alone_in_a_dump_leaving_blank_cells_empty_is_read_as_blanks_flagged() -> None:
    """pdftotext prints a row of blank cells as its label alone; where another row shows that the
    dump leaves blank cells empty, its cells are blanks (0), flagged since nothing confirms them."""
    short = _row("rules", 1, [("3", 24), ("12", 60)])
    alone = _row("normative_docs", 2, [])
    placed = place_rows([short, alone], READING)
    assert placed[1].blank and [s.text for s in placed[1].row.segments] == ["", "", ""]
    one_per_line = _row("rules", 1, [("3", 24)])  # one number a line: how such dumps print every row
    assert not place_rows([one_per_line, alone], READING)[1].blank


def test_an_amount_with_its_unit_after_a_label_is_a_value_of_its_own() -> None:
    """lynx joins a row's cells with one space: `行政事业性收费 66.964万元` is the label and the amount."""
    _, segments, _ = segment_text("第二十条第（八）项\n行政事业性收费 66.964万元\n", TEXT)
    assert [s.text for s in segments][-2:] == ["行政事业性收费", "66.964万元"]


def test_a_group_cell_joined_to_its_row_label_by_one_space_is_two_segments() -> None:
    """lynx prints adjacent cells one space apart: `三、本年度办理结果 （一）予以公开 2 0` holds the group
    cell, the row label and numbers."""
    _, segments, _ = segment_text("三、本年度办理结果 （一）予以公开 2 0\n（二）部分公开 1 1\n", TEXT)
    assert [s.text for s in segments] == ["三、本年度办理结果", "（一）予以公开", "2 0", "（二）部分公开", "1 1"]
    sentence = "我局主要做了以下工作：一是加强领导，二是完善制度，三是强化培训，四是严格审查 （一）健全机制，规范流程。"
    _, prose, _ = segment_text(f"{sentence}\n（二）部分公开 1 1\n", TEXT)
    assert prose[0].text == sentence  # a sentence is not cut


def test_a_text_browsers_row_of_numbers_joined_by_single_spaces_counts_every_number() -> None:
    """lynx joins a row's cells with one space (`0 0 46`): one segment, every cell printed, not a short
    row to place; `3 16` is short, and shows that the dump leaves blank cells empty."""
    full = _row("rules", 1, [("0 0 46", 8)])
    assert not place_rows([full], READING)[0].unplaced
    short = _row("rules", 1, [("3 16", 8)])
    alone = _row("normative_docs", 2, [])
    placed = place_rows([short, alone], READING)
    assert placed[0].unplaced and placed[1].blank


def test_columns_are_found_from_short_rows_when_no_row_prints_every_cell() -> None:
    """Rows each leaving a different cell blank: together their numbers fall into one cluster per
    column, which places each row's numbers; clusters fewer than the columns place nothing."""
    a = _row("rules", 1, [("3", 24), ("12", 60)])
    b = _row("normative_docs", 2, [("5", 24), ("41", 42)])
    placed = place_rows([a, b], READING)
    assert [s.text for s in placed[0].row.segments] == ["3", "", "12"]
    assert [s.text for s in placed[1].row.segments] == ["5", "41"]
    assert not placed[0].unplaced and not placed[1].unplaced
    c = _row("normative_docs", 2, [("5", 24), ("41", 60)])
    assert all(p.unplaced for p in place_rows([a, c], READING))
