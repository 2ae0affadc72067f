"""Matching damaged label text to the template's wordings."""

import pytest

from xxgk.inference.labeling.lexicon import Lexicon, split_numbering
from xxgk.templates import load_editions


@pytest.fixture(scope="module")
def lex():
    return Lexicon(load_editions())


@pytest.mark.parametrize(("text", "table", "label"), [
    ("一、本年新收政府信息公开申请数量", None, "row:t3.new_received"),
    ("二、上年转结政府信息公开申请数量", None, "row:t3.carried_over"),
    ("(三) 1. 属于国", "t3", "row:t3.denied_state_secret"),
    ("家秘密", "t3", "row:t3.denied_state_secret"),
    ("3. 补正后", "t3", "row:t3.unavailable_unclear"),
    ("规章 (市政府令)", "t2", "row:t2.rules"),
    ("本年新", "t3", "row:t3.new_received"),
    ("本年新", "t2", "col:t2.new_made"),
    ("3.其他", "t3", "row:t3.other_misc"),
    ("其他", "t3", "col:t3.other_org"),
    ("总计", "t4", "col:t4.total"),
    ("（七）总计", "t3", "row:t3.total"),
    ("果维持", "t4", "col:t4.upheld"),
    ("属干国家秘蜜", "t3", "row:t3.denied_state_secret"),
    ("五、政府信息公开工作存在的主要问题及改进措施", None, "sec:problems"),
    ("六、需要说明的其他事项", None, "sec:other"),
])
def test_lexicon_matches_damaged_labels(lex, text, table, label):
    match = lex.match(text, table)
    assert match is not None and match.label == label


@pytest.mark.parametrize("text", ["主动公开情况", "其他对", "2020年，我局收到政府信息公开申请3件。", "政务公开"])
def test_lexicon_rejects_prose_and_ambiguous_fragments(lex, text):
    match = lex.match(text, None)
    assert match is None or match.label not in ("sec:t2", "col:t3.other_org")


def test_lexicon_split_numbering():
    assert split_numbering("（三）1.属于国家秘密") == (("(三)", "1."), "属于国家秘密")
    assert split_numbering("二、上年结转") == (("二、",), "上年结转")
    assert split_numbering("2020年") == ((), "2020年")
