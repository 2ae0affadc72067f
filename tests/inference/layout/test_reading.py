"""Glyphs grouped into lines: rows beside a tall row-group label stay apart."""

from xxgk.inference.layout.reading import Glyph, group_lines


def _texts(lines: list[list[Glyph]]) -> list[list[str]]:
    return [[g.text for g in line] for line in lines]


def test_a_tall_label_beside_several_rows_does_not_chain_them_into_one_line():
    rows = [Glyph(label, 100, top, 300, top + 40) for label, top in (("3.危及", 0), ("4.保护", 50), ("5.属于", 100))]
    values = [Glyph("0", 400, top + 2, 420, top + 38) for top in (0, 50, 100)]
    group = Glyph("不予公开", 0, 0, 80, 140)  # printed one character per line beside the three rows
    chained = group_lines([group, *rows, *values])
    assert len(chained) == 1  # without a limit, the tall label's box takes all three rows in
    lines = _texts(group_lines([group, *rows, *values], tall=1.8))
    assert lines == [["3.危及", "0"], ["不予公开"], ["4.保护", "0"], ["5.属于", "0"]]
