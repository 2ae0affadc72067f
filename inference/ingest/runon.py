"""Run-on lines: a crawler's text of a page whose table cells were joined without separators.

Some crawlers write a whole article as one line, every text node glued to the next:
`规章000行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293…`. Nothing marks a
cell boundary, so this module puts them back where the template's own wordings say they are:

1. The line is cut into sentences (`。` and friends end prose; table cells never do).
2. A run of digits is a table value only when the text right before it ends with a wording the
   edition configs know (a row label, a column header), and no unit or date follows it
   (`2645条`, `2021年` stay prose). A list number glued to the end of a value run (`00000002.其他…`)
   belongs to the next label.
3. A sentence holding values is cut into label pieces by the configs' wordings (longest first)
   and value runs; a label piece starts a physical row and the values after it join that row. A
   sentence without values stays whole: prose that names the tables (`…收到和处理政府信息公开申请情况…`)
   never becomes a table.

The digits of one value run keep their concatenation (`640020470`): where one cell ends and the next
begins is the reconciler's question, answered only where the arithmetic allows one cut.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from xxgk.options import TextOptions
from xxgk.templates import Edition

_SENTENCE_END = "。！？!?；;"
_VALUE_RUN = re.compile(r"\d+(?:[.,]\d+)*(?:[ \u3000]+\d+(?:[.,]\d+)*)*")
_UNIT_AFTER = tuple("年月日号条件项次个人份家批期篇期%％元万亿余多天小时分秒类部处名")
_LIST_NUMBER_AFTER = re.compile(r"^[.．、]\s*[^\d\s]")
_LIST_NUMBER = re.compile(r"(\d{1,2})[.．、]")
_NUMBERING = re.compile(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d))+")
_DROP = str.maketrans("", "", " \t\u3000“”\"'‘’「」『』《》:：,，。.;；、()（）")


@dataclass(frozen=True)
class Piece:
    """A piece of a run-on line: its text, its offsets in the line, and whether it is a value run."""

    text: str
    start: int
    end: int
    value: bool
    row_start: bool
    """The piece opens a new physical row (labels and prose do; values join the row before)."""


def _norm_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


@lru_cache(maxsize=4)
def _wordings(editions: tuple[Edition, ...], min_wording: int
              ) -> tuple[frozenset[str], frozenset[str], dict[str, tuple[str, ...]], frozenset[str]]:
    """(cores of labels that end right before values, the same with their numbering for matching
    damaged text, wordings by first character for cutting, row labels with and without their
    numbering), of the editions given (cached per set of edition objects: `load_editions` returns
    the same ones)."""
    value_labels: set[str] = set()
    numbered: set[str] = set()
    rows: set[str] = set()
    all_wordings: set[str] = set()
    for ed in editions:
        for s in ed.spec.sections:
            all_wordings.update(_compact(w) for w in s.wordings)
        for t in ed.spec.tables:
            all_wordings.update(_compact(w) for w in (*t.headers, *t.row_groups, *t.col_groups))
            for g in t.groups:
                if g.label:
                    all_wordings.add(_compact(g.label))
                for f in (*g.rows, *g.cols):
                    for w in f.wordings:
                        all_wordings.add(_compact(w))
                        value_labels.add(_core(w))
                        numbered.add(_compact(w).translate(_DROP))
                rows.update(form for f in g.rows for w in f.wordings
                            for form in (_core(w), _compact(w).translate(_DROP)))
    by_first: dict[str, list[str]] = {}
    for w in all_wordings:
        body = _NUMBERING.sub("", w, count=1) if _NUMBERING.match(w) else w
        if len(body) >= min_wording:
            by_first.setdefault(body[0], []).append(body)
    ordered = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_first.items()}
    cores = frozenset(c for c in value_labels if len(c) >= min_wording)
    return cores, cores | frozenset(numbered), ordered, frozenset(r for r in rows if len(r) >= min_wording)


@lru_cache(maxsize=4)
def _list_numbers(editions: tuple[Edition, ...]) -> dict[str, frozenset[str]]:
    """The list numbers (`2` of `2.没有现成信息需要另行制作`) each wording body is printed with."""
    out: dict[str, set[str]] = {}
    for ed in editions:
        for t in ed.spec.tables:
            for g in t.groups:
                for f in g.rows:
                    for w in f.wordings:
                        compact = _compact(w)
                        m = _NUMBERING.match(compact)
                        if m and (numbers := _LIST_NUMBER.findall(m.group())):
                            out.setdefault(compact[m.end():], set()).add(numbers[-1])
    return {body: frozenset(n) for body, n in out.items()}


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _core(text: str) -> str:
    return _NUMBERING.sub("", _compact(text)).translate(_DROP)


class RunOnSplitter:
    """Cuts run-on lines into label, prose and value pieces with the configured wordings."""

    def __init__(self, editions: dict[str, Edition], text: TextOptions):
        self._value_labels, near_labels, self._by_first, rows = _wordings(tuple(editions.values()), text.min_wording)
        self._near_labels = tuple((c, b) for c in near_labels if (b := _edit_budget(len(c))))
        """Wordings that may be matched with damage, each with the edits it allows."""
        self._rows = rows
        self._near_rows = tuple((c, b) for c in rows if (b := _edit_budget(len(c))))
        """Row labels that may be matched with damage (`row_distance`), each with the edits it allows."""
        self._runs: dict[str, list[tuple[int, int]]] = {}
        """`value_runs` per line: a dump's lines are asked about several times (shape, cutting, damage)."""
        self._spelled: dict[str, int | None] = {}
        self._list_numbers = _list_numbers(tuple(editions.values()))
        """List numbers per wording body: a run-on line that lost the point after one (`00000002没有…`)."""
        self._min_glued = text.min_glued_values
        self._min_wording = text.min_wording
        self._max_core = max((len(c) for c in self._value_labels), default=0)

    def _ends_with_label(self, before: str) -> bool:
        """Whether the text ends with a row label or column header, spelled exactly or, for longer
        wordings (with their numbering: `（一）矛以公开`), with a few characters misread, dropped or
        doubled (OCR'd or garbled copies)."""
        tail = "".join(_norm_char(c) for c in before[-(self._max_core * 2 + 8):]).translate(_DROP)
        if any(tail.endswith(c) for c in self._value_labels if len(c) <= len(tail)):
            return True
        return any(_ends_near(tail, c, budget) for c, budget in self._near_labels if len(c) - budget <= len(tail))

    def row_distance(self, text: str) -> int | None:
        """Edits between the whole text and the nearest row label (numbering included or not): 0
        when spelled exactly, None beyond the edits `_ends_with_label` allows."""
        if text not in self._spelled:
            body = "".join(_norm_char(c) for c in text).translate(_DROP)
            near = (end_distance(body, c, budget) for c, budget in self._near_rows
                    if abs(len(c) - len(body)) <= budget)
            self._spelled[text] = 0 if _core(text) in self._rows else min(
                (d for d in near if d is not None), default=None)
        return self._spelled[text]

    def value_runs(self, line: str) -> list[tuple[int, int]]:
        """(start, end) of the digit runs in the line that are table values."""
        if line not in self._runs:
            self._runs[line] = self._find_value_runs(line)
        return self._runs[line]

    def _find_value_runs(self, line: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for m in _VALUE_RUN.finditer(line):
            start, end = m.start(), m.end()
            if start > 0 and line[start - 1].isascii() and line[start - 1].isalnum():
                continue  # part of a word or a link
            after = line[end:].lstrip(" \u3000")
            if _LIST_NUMBER_AFTER.match(line[end:]):
                end -= 1  # `00000002.其他…`: the 2 numbers the next label
                while end > start and not line[end - 1].isdigit():
                    end -= 1
                if end <= start:
                    continue
            elif after.startswith(_UNIT_AFTER):
                continue
            else:
                end -= self._lost_list_number(line, start, end)
            if self._ends_with_label(line[:start].rstrip(" \u3000")):
                out.append((start, end))
        return out

    def _lost_list_number(self, line: str, start: int, end: int) -> int:
        """Digits at the end of the run [start, end) that are the list number of the wording right
        after it, its point lost (`00000002没有现成信息…` for 0000000 and `2.没有…`); 0 if none. Only a
        wording printed with that number takes it: `规章3行政规范性文件` keeps its 3."""
        first = _norm_char(line[end]) if end < len(line) else ""
        for word in self._by_first.get(first, ()):
            numbers = self._list_numbers.get(word, frozenset())
            if numbers and _match_len(line, end, word):
                return next((len(n) for n in sorted(numbers, key=len, reverse=True)
                             if line[start:end].endswith(n) and end - len(n) > start), 0)
        return 0

    def is_run_on(self, line: str, *, in_run_on_dump: bool = False) -> bool:
        """A line that holds a table whose values are glued to their labels: `min_glued_values` runs
        of them, or one in a dump whose other lines are run-on already (a table of one data line,
        table 4, on a line of its own)."""
        glued = [(s, e) for s, e in self.value_runs(line) if s > 0 and not line[s - 1].isspace()]
        return len(glued) >= (1 if in_run_on_dump else self._min_glued)

    def split(self, line: str) -> list[Piece]:
        pieces: list[Piece] = []
        for s_start, s_end in _sentences(line):
            runs = self.value_runs(line[s_start:s_end])
            if not runs:
                pieces.extend(self._prose(line, s_start, s_end))
                continue
            pos = s_start
            for r_start, r_end in runs:
                pieces.extend(self._labels(line, pos, s_start + r_start))
                pieces.append(Piece(line[s_start + r_start: s_start + r_end].strip(), s_start + r_start,
                                    s_start + r_end, value=True, row_start=False))
                pos = s_start + r_end
            pieces.extend(self._labels(line, pos, s_end))
        return [p for p in pieces if p.text]

    def _prose(self, line: str, start: int, end: int) -> list[Piece]:
        """A sentence without values: whole, but a section heading that starts it is cut off."""
        text = line[start:end]
        lead = len(text) - len(text.lstrip(" \u3000"))
        numbering = _NUMBERING.match(text, lead)
        if numbering:
            body_at = numbering.end()
            word = self._wording_at(text, body_at)
            if word:
                cut = body_at + word
                return [_piece(line, start + lead, start + cut), _piece(line, start + cut, end)]
        return [_piece(line, start, end)]

    def _labels(self, line: str, start: int, end: int) -> list[Piece]:
        """Text between value runs, cut where configured wordings begin (numbering kept with them)."""
        out: list[Piece] = []
        free = start
        i = start
        while i < end:
            numbering = _NUMBERING.match(line, i, end)
            body_at = numbering.end() if numbering else i
            word = self._wording_at(line[:end], body_at)
            if word:
                lead = line[free:i].strip(" \u3000")
                if free < i and not (lead.isdigit() and len(lead) <= 2):  # a list number that lost its point
                    out.append(_piece(line, free, i))
                    free = i
                out.append(_piece(line, free, body_at + word))
                i = free = body_at + word
                continue
            i += 1
        if free < end:
            rest = line[free:end]
            if out and (not any(ch.isalnum() for ch in rest) or len(rest.strip()) < self._min_wording):
                # what no wording is as short (`1.属于国家秘密密`: a character doubled) or punctuation a wording did
                # not spell (`3.危及三安全一稳定”`, a quote lost) ends the label before it
                out[-1] = _piece(line, out[-1].start, end)
            else:
                out.append(_piece(line, free, end))
        return out

    def _wording_at(self, text: str, at: int) -> int:
        """Length in `text` of the longest configured wording starting at `at` (0 if none)."""
        if at >= len(text):
            return 0
        first = _norm_char(text[at])
        for word in self._by_first.get(first, ()):
            matched = _match_len(text, at, word)
            if matched:
                return matched
        return 0


def _edit_budget(length: int) -> int:
    """Characters a wording this long may have damaged and still be recognised: none below 5
    (short wordings such as 规章 would match by chance), then one per five characters."""
    return 0 if length < 5 else length // 5


def _ends_near(tail: str, word: str, budget: int) -> bool:
    """Whether some suffix of `tail` is within `budget` edits (substitution, deletion, insertion)
    of `word`."""
    return end_distance(tail, word, budget) is not None


def end_distance(tail: str, word: str, budget: int) -> int | None:
    """The fewest edits between `word` and a suffix of `tail`, None when more than `budget`: an edit
    distance computed from the end, stopped as soon as it must exceed the budget."""
    window = tail[-(len(word) + budget):]
    if len(set(word) - set(window)) > budget:
        return None
    w, t = word[::-1], window[::-1]
    previous = list(range(len(t) + 1))
    for i, ch in enumerate(w, 1):
        current = [i] + [0] * len(t)
        for j, tc in enumerate(t, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != tc))
        if min(current) > budget:
            return None
        previous = current
    best = min(previous)
    return best if best <= budget else None


def _match_len(text: str, at: int, word: str) -> int:
    """Characters of `text` from `at` that spell `word` (spaces in the text skipped), else 0."""
    i, k = at, 0
    while k < len(word) and i < len(text):
        ch = text[i]
        if ch in " \u3000":
            i += 1
            continue
        if _norm_char(ch) != word[k]:
            return 0
        i += 1
        k += 1
    return i - at if k == len(word) else 0


def _piece(line: str, start: int, end: int) -> Piece:
    raw = line[start:end]
    lead = len(raw) - len(raw.lstrip(" \u3000"))
    text = raw.strip(" \u3000")
    return Piece(text, start + lead, start + lead + len(text), value=False, row_start=True)


def _sentences(line: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(line):
        if ch in _SENTENCE_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(line):
        out.append((start, len(line)))
    return out
