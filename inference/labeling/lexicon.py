"""Fuzzy matching of segment text against every wording the edition configs know.

Used by the string-matching labeler and as a feature of the classifier. Matching ignores spaces,
bracket and quote width and list numbering (`（三）`, `1.`, `二、`), and accepts the damage that
dumps do to labels: truncation (`3. 补正后`), the tail of a label wrapped onto the next line
(`家秘密`), extra words (`规章 (市政府令)`), and OCR-like character errors (by sequence ratio).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from xxgk.templates import Edition

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、)](?!\d))")
_DROP = str.maketrans("", "", " \t\u3000“”\"'‘’「」『』《》:：,，。.;；、")


def normalize(text: str) -> str:
    """NFKC and no spaces: the form labels are compared in."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def split_numbering(text: str) -> tuple[tuple[str, ...], str]:
    """`(三)1.属于国家秘密` -> (('(三)', '1.'), '属于国家秘密')."""
    t = normalize(text)
    numbering: list[str] = []
    while (m := _NUMBERING.match(t)) is not None:
        numbering.append(m.group())
        t = t[m.end():]
    return tuple(numbering), t


def core(text: str) -> str:
    return split_numbering(text)[1].translate(_DROP)


@dataclass(frozen=True)
class Entry:
    label: str
    table: str | None
    core: str
    numbering: str | None
    """The last numbering of the wording (`1.` of `（三）1.属于国家秘密`), used as a tie-breaker."""


@dataclass(frozen=True)
class Match:
    label: str
    table: str | None
    score: float


def _entry(label: str, table: str | None, wording: str) -> Entry:
    numbering, _ = split_numbering(wording)
    return Entry(label, table, core(wording), numbering[-1] if numbering else None)


class Lexicon:
    """All wordings of all editions, each tied to the label it signals."""

    def __init__(self, editions: dict[str, Edition]):
        entries: dict[tuple[str, str | None, str], Entry] = {}

        def add(label: str, table: str | None, wording: str) -> None:
            e = _entry(label, table, wording)
            if e.core:
                entries.setdefault((e.label, e.table, e.core), e)

        for ed in editions.values():
            for s in ed.spec.sections:
                for w in s.wordings:
                    add(f"sec:{s.id}", s.id if s.id.startswith("t") else None, w)
            for t in ed.spec.tables:
                for w in t.headers:
                    add("header", t.id, w)
                for w in t.row_groups:
                    add("row_group", t.id, w)
                for w in t.col_groups:
                    add("header", t.id, w)
                for g in t.groups:
                    if g.label:
                        add("header", t.id, g.label)
                    for r in g.rows:
                        for w in r.wordings:
                            add(f"row:{t.id}.{r.key}", t.id, w)
                    for c in g.cols:
                        for w in c.wordings:
                            add(f"col:{t.id}.{c.key}", t.id, w)
        self.entries = tuple(entries.values())
        self._chars = [frozenset(e.core) for e in self.entries]

    def match(self, text: str, table: str | None = None) -> Match | None:
        """Best label for the text, or None; `table` breaks ties between tables (`总计`)."""
        return _match_cached(self, text, table)

    def candidates(self, text: str) -> list[Match]:
        numbering, body = split_numbering(text)
        body = body.translate(_DROP)
        if not body or len(body) > 80:
            return []
        number = numbering[-1] if numbering else None
        chars = frozenset(body)
        out = []
        for entry, entry_chars in zip(self.entries, self._chars, strict=True):
            if not chars & entry_chars:
                continue
            score = _similarity(body, entry.core)
            if score <= 0.0:
                continue
            if number and entry.numbering:
                score += 0.05 if number == entry.numbering else -0.15
            elif len(entry.core) <= 2 and number != entry.numbering:
                score -= 0.3
            if entry.label.startswith("sec:"):
                score = score if (numbering or score >= 0.95) else 0.0
            out.append(Match(entry.label, entry.table, round(score, 4)))
        out.sort(key=lambda m: -m.score)
        return out


def _similarity(body: str, target: str) -> float:
    if body == target:
        return 1.0
    n, m = len(body), len(target)
    if n >= 2 and target.startswith(body):
        return (0.7 if n >= 3 else 0.6) + 0.3 * n / m
    if m >= 3 and body.startswith(target) and m / n >= 0.34:
        return 0.8 + 0.15 * m / n
    if n >= 3 and target.endswith(body):
        return 0.65 + 0.3 * n / m
    if n > 2 * m + 6 or m > 3 * n + 6:
        return 0.0
    matcher = SequenceMatcher(None, body, target, autojunk=False)
    if matcher.quick_ratio() < 0.6:
        return 0.0
    return 0.95 * matcher.ratio()


THRESHOLD = 0.72


CONTEXT_BONUS = 0.1
"""Preference for labels of the table being read: `本年新` in table 3 is a row, not table 2's column."""


@lru_cache(maxsize=20000)
def _match_cached(lexicon: Lexicon, text: str, table: str | None) -> Match | None:
    cands = lexicon.candidates(text)
    if table is not None:
        cands = sorted((Match(c.label, c.table, c.score + CONTEXT_BONUS) if c.table == table else c
                        for c in cands), key=lambda m: -m.score)
    if not cands or cands[0].score < THRESHOLD:
        return None
    return cands[0]
