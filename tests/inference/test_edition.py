from tests.inference.helpers import doc_from_rows, values
from xxgk.inference.edition import detect_edition
from xxgk.options import load_options
from xxgk.templates import load_editions

EDITIONS = load_editions()
READING = load_options().reading


def test_edition_from_exclusive_labels_not_year():
    doc = doc_from_rows([[("本年新制作数量", "col:t2.new_made")], [("规章", "row:t2.rules"), *values("0", "0", "0")],
                         [("（六）其他处理", "row:t3.other"), *values(*"0000000")],
                         [("一、本年新收", "row:t3.new_received"), *values(*"0000000")],
                         [("（七）总计", "row:t3.total"), *values(*"0000000")],
                         [("四、结转下年度继续办理", "row:t3.carried_forward"), *values(*"0000000")],
                         [("规范性文件", "row:t2.normative_docs"), ("行政许可", "row:t2.licensing"),
                          ("行政处罚", "row:t2.penalty")]])
    guess = detect_edition(doc, EDITIONS, year=2021, reading=READING)
    assert guess.edition is not None and guess.edition.id == "2019" and guess.warning is None


def test_edition_2021_labels():
    doc = doc_from_rows([[("本年制发件数", "col:t2.issued")], [("3.其他", "row:t3.other_misc")],
                         *[[(f"r{i}", lab)] for i, lab in enumerate(
                             sorted(k for k in EDITIONS["2021"].label_keys if k.startswith("row:t3.")))]])
    assert detect_edition(doc, EDITIONS, year=2019, reading=READING).edition.id == "2021"


def test_edition_tie_falls_back_to_year_with_warning():
    rows = [[(f"r{i}", lab), *values("0")] for i, lab in enumerate(
        ["row:t3.new_received", "row:t3.carried_over", "row:t3.granted", "row:t3.partial", "row:t3.total",
         "row:t3.carried_forward", "row:t2.rules", "row:t2.licensing"])]
    guess = detect_edition(doc_from_rows(rows), EDITIONS, year=2022, reading=READING)
    assert guess.edition.id == "2021" and "2022" in guess.warning


def test_edition_unknown_tables_and_no_tables():
    unknown = doc_from_rows([[("主动公开政府信息数", "O"), *values("12", "3", "4", "5", "6")]] * 4)
    guess = detect_edition(unknown, EDITIONS, year=2015, reading=READING)
    assert guess.edition is None and guess.error.startswith("unknown edition")
    prose = doc_from_rows([[("本年度无其他需要报告的事项。", "O")]])
    assert detect_edition(prose, EDITIONS, None, reading=READING).error == "no report tables found in the document"
