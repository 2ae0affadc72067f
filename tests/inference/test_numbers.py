import pytest

from xxgk.inference.numbers import looks_like_value, parse, split_cells


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("0", "count", 0),
    ("１２", "count", 12),
    ("1,234", "count", 1234),
    ("1，234", "count", 1234),
    ("3件", "count", 3),
    ("20.917万元", "wan", 20.917),
    ("280 万元", "wan", 280),
    ("251000元", "wan", 25.1),
    ("2.414", "wan", 2.414),
    ("-3", "signed", -3),
    ("－3", "signed", -3),
    ("无", "count", 0),
])
def test_numbers_parse_reads_values(text, unit, value):
    reading = parse(text, unit)
    assert reading.kind == "number"
    assert reading.value == value
    assert not reading.ambiguous


def test_numbers_parse_blank_is_zero_and_dashes_not_applicable():
    assert parse("", "count").kind == "blank" and parse("  ", "count").value == 0
    for dash in ("-", "/", "—", "——", "／"):
        reading = parse(dash, "count")
        assert reading.kind == "na" and reading.value is None


def test_numbers_parse_field_errors_and_words_are_illegible():
    for text in ("错误！未指定文件名。", "错误!未定义书签。", "Error! Reference source not found.", "见附件"):
        assert parse(text).kind == "illegible"
        assert parse(text).value is None


def test_numbers_negative_count_is_illegible_but_signed_is_read():
    assert parse("-5", "count").kind == "illegible"
    assert parse("-5", "signed").value == -5


def test_numbers_fraction_in_a_count_column_offers_the_integer():
    separator = parse("2.016", "count")
    assert separator.ambiguous and separator.value == 2.016  # as written, so a change is `corrected`
    assert min(separator.candidates, key=lambda c: c[1])[0] == 2016
    speck = parse("-1.6", "signed")
    assert min(speck.candidates, key=lambda c: c[1])[0] == -16
    assert not parse("2.016", "wan").ambiguous and parse("2.016", "wan").value == 2.016
    assert not parse("20.0", "count").ambiguous


def test_numbers_split_digits_offer_alternatives():
    reading = parse("2 0", "count")
    assert reading.ambiguous
    assert reading.value == 20  # letter-spaced digits read as one number first
    assert {v for v, _ in reading.candidates} == {20, 2, 0}
    merged = parse("23 0", "count")
    assert merged.value == 23 and {v for v, _ in merged.candidates} == {23, 0, 230}
    assert not parse("0 0", "count").ambiguous


def test_numbers_split_cells_and_value_shapes():
    assert split_cells("0 0 0") == ["0", "0", "0"]
    assert split_cells("4 933.71万元") == ["4", "933.71万元"]
    assert split_cells("规章 0") is None
    assert split_cells("12") is None
    assert looks_like_value("") and looks_like_value("—") and looks_like_value("0 0")
    assert not looks_like_value("1.属于国家秘密") and not looks_like_value("二、")
