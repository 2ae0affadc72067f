"""Chinese sentences and the quantities in them, for the prose checks (`xxgk.inference.prose`).

jieba cuts the words, then three rules of spaCy's blank Chinese pipeline are applied as spaCy
applies them: its sentencizer (a sentence ends after a run of end marks, at the next token that is
not punctuation), its `LIKE_NUM` for Chinese, and a quantity matcher (a number token followed by a
unit token, or one token that is both) whose overlapping matches are resolved as
`spacy.util.filter_spans` does (longest first, then leftmost). spaCy itself is not imported: it
takes seconds to load for these three rules, which would be most of a text report's run time.
tests/inference/test_zh_text.py checks that the words, sentences and quantities equal spaCy's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

_SINGLE_NUM_WORDS = frozenset((
    "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
    "十七", "十八", "十九", "廿", "卅", "卌", "皕", "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖", "拾",
    "拾壹", "拾贰", "拾叁", "拾肆", "拾伍", "拾陆", "拾柒", "拾捌", "拾玖",
))
_COUNT = "一|二|三|四|五|六|七|八|九|壹|贰|叁|肆|伍|陆|柒|捌|玖"
_BASE = "十|百|千|万|亿|兆|拾|佰|仟"
_NUM_WORD = re.compile(f"^(({_COUNT}){{1}}({_BASE}){{1}})+({_COUNT})?$")


def like_num(text: str) -> bool:
    """spaCy's `LIKE_NUM` for Chinese (spacy/lang/zh/lex_attrs.py)."""
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    text = text.replace(",", "").replace(".", "").replace("，", "").replace("。", "")
    if text.isdigit():
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        if num.isdigit() and denom.isdigit():
            return True
    return text in _SINGLE_NUM_WORDS or bool(_NUM_WORD.match(text))


def is_punct(text: str) -> bool:
    """spaCy's `IS_PUNCT`: every character in a Unicode punctuation category."""
    return all(unicodedata.category(ch).startswith("P") for ch in text)


@dataclass(frozen=True)
class Span:
    """Tokens [start, end) of a document, with their character offsets."""

    doc: Doc
    start: int
    end: int

    @property
    def start_char(self) -> int:
        return self.doc.offsets[self.start]

    @property
    def end_char(self) -> int:
        return self.doc.offsets[self.end]

    @property
    def text(self) -> str:
        return self.doc.text[self.start_char:self.end_char]


@dataclass
class Doc:
    """A text cut into words; `offsets[i]` is where word i starts (and `offsets[-1]` the text's end)."""

    text: str
    words: list[str]
    offsets: list[int] = field(init=False)
    sents: list[Span] = field(default_factory=list)
    quantities: list[Span] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.offsets = [0]
        for word in self.words:
            self.offsets.append(self.offsets[-1] + len(word))


class QuantityReader:
    """Cuts texts into sentences and marks their quantities (number + unit, `3件`, `三件`, `12.5万元`)."""

    def __init__(self, units: Sequence[str], sentence_end: Sequence[str], numeral: str):
        """`numeral`: a regular expression for one number token (Arabic or Chinese numerals)."""
        self.units = frozenset(units)
        self.sentence_end = frozenset(sentence_end)
        unit_alt = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
        self._numeral = re.compile(rf"^{numeral}$")
        self._with_unit = re.compile(rf"^{numeral}(?:{unit_alt})$")

    @cached_property
    def _jieba(self):
        """jieba over its default dictionary, read as the texts need it (`xxgk.inference.zh_dict`)."""
        from xxgk.inference.zh_dict import tokenizer

        return tokenizer()

    def words(self, text: str) -> list[str]:
        return [w for w in self._jieba.cut(text, cut_all=False) if w]

    def pipe(self, texts: Iterable[str]) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __call__(self, text: str) -> Doc:
        """`text` must hold no whitespace (the prose normalises it away), so words tile it exactly."""
        doc = Doc(text, self.words(text))
        doc.sents = [Span(doc, s, e) for s, e in self._sentences(doc.words)]
        doc.quantities = self._quantities(doc)
        return doc

    def _sentences(self, words: list[str]) -> list[tuple[int, int]]:
        if not words:
            return []
        starts = [0]
        seen_end = False
        for i, word in enumerate(words):
            ends = word in self.sentence_end
            if seen_end and not ends and not is_punct(word):
                starts.append(i)
                seen_end = False
            elif ends:
                seen_end = True
        return list(zip(starts, [*starts[1:], len(words)], strict=True))

    def _quantities(self, doc: Doc) -> list[Span]:
        words = doc.words
        found = []
        for i, word in enumerate(words):
            if i + 1 < len(words) and words[i + 1] in self.units and (like_num(word) or self._numeral.search(word)):
                found.append(Span(doc, i, i + 2))
            if self._with_unit.search(word):
                found.append(Span(doc, i, i + 1))
        return _filter_spans(found)


def _filter_spans(spans: list[Span]) -> list[Span]:
    """Overlaps resolved as `spacy.util.filter_spans`: the longest first, of equals the leftmost."""
    taken: set[int] = set()
    kept = []
    for span in sorted(spans, key=lambda s: (s.end - s.start, -s.start), reverse=True):
        if span.start not in taken and span.end - 1 not in taken:
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)
