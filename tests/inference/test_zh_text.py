"""The prose's sentences and quantities equal those of the spaCy pipeline they replace (a blank
Chinese spaCy with the jieba segmenter, a sentencizer and a quantity Matcher), on the shipped
examples' lines and on random strings of digits, numerals, units and punctuation."""

from __future__ import annotations

import random
import re

import pytest

from tests.helpers.paths import REPO_ROOT
from xxgk.inference.ingest import ingest
from xxgk.inference.prose.nlp import SENTENCE_END, nlp_for
from xxgk.inference.prose.quantities import CN_NUMBER, normalize
from xxgk.inference.prose.reader import default_reader
from xxgk.inference.zh_text import Doc, Span, _filter_spans, like_num

ALPHABET = [*"0123456789.,，。；;!?！？、一二两三四五六七八九十百千万件元个项次人申请收到年度·-—%（）()《》“”：:/+~±",
            "件", "万元", "元", "个", "十一", "拾贰", "壹佰"]


def _spacy_reference(units: tuple[str, ...]):
    """The pipeline as prose.py built it before (spaCy 3.8)."""
    spacy = pytest.importorskip("spacy")
    pytest.importorskip("jieba")
    from spacy.matcher import Matcher
    from spacy.util import filter_spans

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_END})
    matcher = Matcher(nlp.vocab)
    unit_alt = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    numeral = rf"(?:\d+(?:\.\d+)?|[{CN_NUMBER}]+)"
    matcher.add("QUANTITY", [
        [{"LIKE_NUM": True}, {"TEXT": {"IN": list(units)}}],
        [{"TEXT": {"REGEX": rf"^{numeral}$"}}, {"TEXT": {"IN": list(units)}}],
        [{"TEXT": {"REGEX": rf"^{numeral}(?:{unit_alt})$"}}],
    ])

    def read(text: str):
        doc = nlp(text)
        return ([t.text for t in doc], [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents],
                [(q.start, q.end, q.text) for q in filter_spans(matcher(doc, as_spans=True))])
    return read


def _texts() -> list[str]:
    texts = set()
    for path in sorted(p for p in (REPO_ROOT / "examples").iterdir() if p.suffix in (".txt", ".html")):
        for segment in ingest(path).segments:
            texts.add(normalize(segment.text))
    rng = random.Random(5)
    texts |= {"".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(3000)}
    return sorted(t for t in texts if t)


def test_words_sentences_and_quantities_equal_spacys() -> None:
    units = default_reader().config.quantities.units
    reference, ours = _spacy_reference(units), nlp_for(units)
    for text in _texts():
        doc = ours(text)
        got = (doc.words, [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents],
               [(q.start, q.end, q.text) for q in doc.quantities])
        assert got == reference(text), text


def test_like_num_reads_chinese_and_arabic_numerals() -> None:
    assert all(map(like_num, ["3", "12.5", "1,000", "+7", "3/4", "十一", "三百", "二十三", "拾贰"]))
    assert not any(map(like_num, ["件", "3件", "两", "1/2/3", "三百件"]))


def test_overlapping_quantities_keep_the_longest_then_the_leftmost() -> None:
    doc = Doc("abcd", ["a", "b", "c", "d"])
    spans = [Span(doc, 0, 1), Span(doc, 1, 3), Span(doc, 2, 4), Span(doc, 3, 4)]
    assert [(s.start, s.end) for s in _filter_spans(spans)] == [(0, 1), (1, 3), (3, 4)]
