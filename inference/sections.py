"""The report's six parts (一 to 六) and the prose in each, from any input kind.

Every report of the national template has six numbered parts: 一、总体情况, then the three table
parts (二 主动公开, 三 依申请, 四 复议诉讼), then 五 problems and 六 other matters. Their headings
vary (`五、政府信息公开工作存在的主要问题及改进措施`), lose their numeral, come garbled, sit on
one line with the first sentence, or are missing entirely (a table 4 printed without its heading).

Headings are found per physical row from two signals, and then chosen together:

- the labeler's `sec:<id>` label on a segment of the row, and
- the row's text against every heading wording of the edition configs
  (`configs/templates/*.toml`, `[[sections]]`), fuzzily, with its numeral (`五、`, `第五部分`):
  a numeral that agrees with the part's place is strong evidence, one that disagrees weak evidence
  against, and a parenthesised numeral (`（四）主动公开政府信息情况`) marks a sub-heading of a part,
  never a part.

The chosen headings are the best-scoring chain in document order and template order, so a
sub-heading that repeats a later part's wording inside the overview cannot pull the split back.
A table part with no heading starts at the first row of its table's labels.

`sections` of a report keeps the text of each part that has text, rows joined by newlines, lines
that a PDF or a text dump broke mid-sentence joined back: for overview, problems and other the
whole text; for the table parts t2, t3 and t4 only the prose around the tables (notes such as
`（备注：…）`, a paragraph before the table), never the cells, and the key is left out when a table
part has no prose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from xxgk.document import Document, Segment
from xxgk.inference.metadata import is_agency_line, is_date_line, is_title
from xxgk.templates import Edition, SectionLayout, load_editions

PREAMBLE = "preamble"
"""Where the prose before the first part sits (`SectionSplit.paragraphs`): no part of any edition."""

_NUMERALS = "一二三四五六七八九十"
_LEAD = re.compile(
    r"^(?:第(?P<ord>[一二三四五六七八九十])(?:部分|章|节|项)[、.．,，:：]?"
    r"|(?P<cn>[一二三四五六七八九十])\s*[、.．,，:：]"
    r"|(?P<ar>[1-9])\s*[、.．:：](?!\d)"
    r"|(?P<paren>[(（]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|[一二三四五六七八九十\d]{1,2}\s*[)）]))")
_DROP = str.maketrans("", "", " \t\u3000“”\"'‘’「」『』《》:：,，。.;；、()（）")
_TABLE_LABEL = ("row:", "col:")
_TABLE_STUFF = ("value", "header", "row_group")
_META = frozenset({"title", "meta.agency", "meta.date"})
_SENTENCE_END = tuple("。！？；：:!?;…”」』）)")
_ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[、是.．]|[(（][一二三四五六七八九十\d]+[)）]"
                          r"|\d{1,2}[.、．)）]|第[一二三四五六七八九十])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BREADCRUMB = re.compile(r"[>＞»]|当前位置|您的位置")

HEADING_MAX_CHARS = 40
"""A row longer than this is a heading only when a numbered heading opens it (`一、总体情况2020年，…`)."""
MIN_SCORE = 0.85
LABEL_WEIGHT = 0.9
"""Score of a heading seen only by the labeler (times its label score)."""
TABLE_START_SCORE = 0.5
"""Score of a table part's start inferred from its table's labels when its heading is missing."""
REFLOW_MIN_CHARS = 15
"""A line at least this long that does not end a sentence continues on the next line."""


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _core(text: str) -> str:
    return text.translate(_DROP)


@dataclass(frozen=True)
class Heading:
    section: str
    row: int
    """Index of the heading's row in `Document.rows()`."""
    text: str
    score: float
    source: Literal["text", "label", "table"]
    rest: str = ""
    """Body text that followed the heading on its own line."""


@dataclass
class SectionSplit:
    """The report cut at its headings: prose lines before the first part and in each part."""

    preamble: list[str] = field(default_factory=list)
    lines: dict[str, list[str]] = field(default_factory=dict)
    """Per section id, in template order, its prose lines."""
    headings: dict[str, Heading] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        """Section id to text, in template order, only parts with text."""
        return {sid: "\n".join(lines) for sid, lines in self.lines.items() if lines}

    def paragraphs(self) -> list[tuple[str, str]]:
        """(where, paragraph) over the preamble and every part, in document order."""
        out = [(PREAMBLE, p) for p in self.preamble]
        for sid, lines in self.lines.items():
            out.extend((sid, p) for p in lines)
        return out


@dataclass(frozen=True)
class Wordings:
    """Heading wordings per section id (cores, without numbering and punctuation), and the parts'
    layout they belong to, from the edition configs."""

    by_section: dict[str, tuple[str, ...]]
    layout: SectionLayout

    @classmethod
    def from_editions(cls, editions: Iterable[Edition]) -> Wordings:
        editions = list(editions)
        layout = SectionLayout.of(editions)
        found: dict[str, dict[str, None]] = {sid: {} for sid in layout.order}
        for ed in editions:
            for spec in ed.spec.sections:
                for w in spec.wordings:
                    _, body = _numbering(_norm(w))
                    if _core(body):
                        found[spec.id][_core(body)] = None
        return cls({sid: tuple(ws) for sid, ws in found.items()}, layout)


@lru_cache(maxsize=4)
def default_wordings() -> Wordings:
    return Wordings.from_editions(load_editions().values())


def _numbering(text: str) -> tuple[tuple[str, str] | None, str]:
    """(('cn'|'ar'|'ord'|'paren', numeral), rest) of a normalised line; None when unnumbered."""
    m = _LEAD.match(text)
    if m is None:
        return None, text
    kind = next(k for k in ("ord", "cn", "ar", "paren") if m.group(k))
    return (kind, m.group(kind)), text[m.end():]


def _index_of(numeral: str) -> int | None:
    """Place of a part named by its numeral, 0-based (`五` and `5` -> 4)."""
    if numeral.isdigit():
        return int(numeral) - 1
    return _NUMERALS.index(numeral) if numeral in _NUMERALS else None


def _similarity(body: str, wording: str) -> float:
    """How well a short line's core matches a heading wording's core (0 to 1)."""
    if not body:
        return 0.0
    if body == wording:
        return 1.0
    n, m = len(body), len(wording)
    if body.startswith(wording) and n <= m + 10:
        return 0.95
    if m >= 4 and wording in body and n <= m + 10:
        return 0.9
    if n >= 4 and wording.startswith(body):
        return 0.6 + 0.35 * n / m
    if n > 2 * m + 8:
        return 0.0
    matcher = SequenceMatcher(None, body, wording, autojunk=False)
    if matcher.quick_ratio() < 0.5:
        return 0.0
    return 0.95 * matcher.ratio()


def match_heading(text: str, wordings: Wordings | None = None) -> tuple[str, float, str] | None:
    """(section id, score, rest of the line) when the line reads as a part's heading, else None.

    The score adds the numeral's evidence to the wording's similarity: `五、` on a problems wording
    confirms it (+0.3), `三、` on it argues against it (-0.4); unnumbered lines must match their
    wording nearly exactly and be short, and parenthesised numbering is never a part heading.
    """
    wordings = wordings or default_wordings()
    t = _norm(text)
    numbering, body = _numbering(t)
    if numbering is not None and numbering[0] == "paren":
        return None
    if not _CJK.search(body):
        return None
    place = _index_of(numbering[1]) if numbering else None
    long_line = len(t) > HEADING_MAX_CHARS
    body_core = _core(body)
    best: tuple[str, float, str] | None = None
    for k, (sid, known) in enumerate(wordings.by_section.items()):
        for wording in known:
            rest = ""
            if long_line:
                # a long line is a heading only when a numbered heading opens it
                if place != k or not body_core.startswith(wording):
                    continue
                sim, rest = 0.95, _original_tail(text, _strip_after(body, wording))
            else:
                sim = _similarity(body_core, wording)
            if sim <= 0:
                continue
            if place is None:
                if sim < 0.9 or len(t) > 24:
                    continue
                score = sim
            elif place == k:
                if sim < 0.6:
                    continue
                score = sim + 0.3
            else:
                score = sim - 0.4
            if best is None or score > best[1]:
                best = (sid, round(score, 4), rest)
    if best is None or best[1] < MIN_SCORE:
        return None
    return best


def _strip_after(body: str, wording: str) -> str:
    """The text after a heading wording that opens a line (`总体情况2020年，…` -> `2020年，…`)."""
    i = j = 0
    while i < len(body) and j < len(wording):
        if body[i] == wording[j]:
            j += 1
        elif body[i].translate(_DROP):
            return body[i:]
        i += 1
    return body[i:].lstrip(":：、,，. ")


def _original_tail(text: str, tail: str) -> str:
    """The tail of a line as printed (`，` not NFKC's `,`) when normalising kept its length."""
    original = "".join(text.split())
    if tail and len(unicodedata.normalize("NFKC", original)) == len(original):
        return original[len(original) - len(tail):]
    return tail


def _row_text(row: Sequence[Segment]) -> str:
    return "".join(s.text.strip() for s in row if s.text.strip())


def _candidates(rows: list[list[Segment]], wordings: Wordings) -> list[Heading]:
    out: list[Heading] = []
    for r, row in enumerate(rows):
        texts = [s for s in row if s.text.strip()]
        if not texts or len(texts) > 3:
            continue
        text = _row_text(texts)
        labels = [s.label for s in texts]
        if any(lab and (lab.startswith(_TABLE_LABEL) or lab in _TABLE_STUFF) for lab in labels) and \
                not any(lab and lab.startswith("sec:") for lab in labels):
            continue
        found = match_heading(text, wordings)
        sec_labels = [(s.label[4:], s.label_score or 0.0) for s in texts if s.label and s.label.startswith("sec:")]
        numbering, _ = _numbering(_norm(text))
        label_ok = bool(sec_labels) and len(_norm(text)) <= HEADING_MAX_CHARS and \
            (numbering is None or numbering[0] != "paren")
        if found is not None:
            sid, score, rest = found
            if any(lab == sid for lab, _ in sec_labels):
                score += 0.2
            out.append(Heading(sid, r, text, round(score, 4), "text", rest))
        elif label_ok:
            sid, lscore = max(sec_labels, key=lambda x: x[1])
            if sid in wordings.by_section and LABEL_WEIGHT * lscore >= 0.6:
                out.append(Heading(sid, r, text, round(LABEL_WEIGHT * lscore, 4), "label"))
    return out


def _table_starts(rows: list[list[Segment]], tables: frozenset[str]) -> list[Heading]:
    """The first row carrying each table's row or column labels: where a headless table part starts."""
    seen: dict[str, Heading] = {}
    for r, row in enumerate(rows):
        for s in row:
            if s.label and s.label.startswith(_TABLE_LABEL) and (s.label_score or 0) >= 0.5:
                table = s.label.split(":", 1)[1].split(".")[0]
                if table in tables and table not in seen:
                    seen[table] = Heading(table, r, "", TABLE_START_SCORE, "table")
    return list(seen.values())


def choose_headings(candidates: list[Heading], order: Sequence[str]) -> dict[str, Heading]:
    """The best-scoring chain of headings increasing in both row and template `order`."""
    cands = sorted(candidates, key=lambda h: (h.row, -h.score))
    place = {sid: k for k, sid in enumerate(order)}
    best: list[float] = []
    back: list[int | None] = []
    for i, h in enumerate(cands):
        prev, total = None, 0.0
        for j in range(i):
            g = cands[j]
            if g.row < h.row and place[g.section] < place[h.section] and best[j] > total:
                prev, total = j, best[j]
        best.append(total + h.score)
        back.append(prev)
    if not cands:
        return {}
    i: int | None = max(range(len(cands)), key=lambda k: (best[k], -k))
    chain: dict[str, Heading] = {}
    while i is not None:
        chain[cands[i].section] = cands[i]
        i = back[i]
    return {sid: chain[sid] for sid in order if sid in chain}


def reflow(lines: Iterable[str]) -> list[str]:
    """Lines broken mid-sentence (PDF lines, broken dump paragraphs) joined back into paragraphs."""
    out: list[str] = []
    open_line = False
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and open_line and not _ENUMERATION.match(_norm(line)):
            out[-1] += line
        else:
            out.append(line)
        last = out[-1]
        open_line = len(_norm(last)) >= REFLOW_MIN_CHARS and not last.endswith(_SENTENCE_END)
    return out


def _is_prose_row(row: Sequence[Segment], in_table_part: bool) -> bool:
    texts = [s for s in row if s.text.strip()]
    if not texts:
        return False
    labels = {s.label for s in texts}
    if labels <= _META:
        return False
    if labels == {None} and len(texts) == 1 and _looks_meta(texts[0].text):
        return False
    if not in_table_part:
        return True
    if len(texts) != 1 or not labels <= {"O", None}:
        return False
    t = _norm(texts[0].text)
    return len(_CJK.findall(t)) >= 6 and (len(t) >= 10 or t.endswith(_SENTENCE_END))


def _looks_meta(text: str) -> bool:
    """Title, agency or date line (the signature) of an unlabeled document."""
    return is_title(text) or is_date_line(text) or is_agency_line(text)


def split_sections(doc: Document, wordings: Wordings | None = None) -> SectionSplit:
    """Cut the document at its part headings; see the module docstring for the rules."""
    wordings = wordings or default_wordings()
    layout = wordings.layout
    rows = doc.rows()
    headings = choose_headings(_candidates(rows, wordings) + _table_starts(rows, layout.tables), layout.order)
    starts = sorted(headings.values(), key=lambda h: h.row)
    split = SectionSplit(headings=headings)
    raw: dict[str, list[str]] = {}
    preamble: list[str] = []
    bounds = [(h, starts[k + 1].row if k + 1 < len(starts) else len(rows)) for k, h in enumerate(starts)]
    first = starts[0].row if starts else len(rows)
    for row in rows[:first]:
        if _is_prose_row(row, in_table_part=False) and not _BREADCRUMB.search(_row_text(row)):
            preamble.append(_row_text(row))
    for h, end in bounds:
        table_part = h.section in layout.tables
        bucket = raw.setdefault(h.section, [])
        if h.rest:
            bucket.append(h.rest)
        begin = h.row if h.source == "table" else h.row + 1
        for row in rows[begin:end]:
            if _is_prose_row(row, in_table_part=table_part):
                bucket.append(_row_text(row) if table_part else _join_row(row))
    split.preamble = reflow(preamble)
    lines = {sid: reflow(part) for sid, part in raw.items() if part}
    if layout.opening is not None and layout.opening not in headings and split.preamble:
        # no 一、总体情况 heading: the prose before the first part is the opening part's
        lines[layout.opening] = split.preamble
        split.preamble = []
    split.lines = {sid: lines[sid] for sid in layout.order if sid in lines}
    return split


def _join_row(row: Sequence[Segment]) -> str:
    return " ".join(s.text.strip() for s in row if s.text.strip())


def extract_sections(doc: Document, wordings: Wordings | None = None) -> dict[str, str]:
    """Text of each part of the report (the `sections` of the output contract)."""
    return split_sections(doc, wordings).texts()
