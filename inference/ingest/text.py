"""Text and Markdown dumps of reports into segments with a pseudo-layout.

Dumps of the same printed table come in a few shapes, and the shape decides what a line, a blank
line and a tab mean, so it is detected per document before anything is split:

- `lines`: one table row per line, cells separated by tabs, pipes (also Markdown tables, and pipe
  tables broken over lines, where a line starting with `|` continues the row above) or wide gaps.
- `tab_prefixed`: one cell per line written as `\\t<cell>` (Word tables saved as text); a blank line
  followed by a cell starts a new row, and a short untabbed line continues the cell above.
- `blocks`: one cell per paragraph, blank lines between cells (web pages copied as text); row
  boundaries are lost, and consecutive lines are one cell whose text was wrapped (`本年新`/`制作数量`).

Crawlers damage dumps in two ways the text as a whole shows (`Document.damage`):

- `glued_cells`: a whole article on one line, cells glued to their labels (`规章000行政规范性文件693665`);
  such lines are cut by the configured wordings (`xxgk.inference.ingest.runon`).
- `collapsed_runs`: one text node per line with runs of identical consecutive lines written once;
  seen as a dump of one-number lines in which no line ever repeats the one before it.

The pseudo-layout puts field i of physical row r at x = 100·i, y = 10·r, so the labeler sees text
inputs with the same kind of geometry as PDF and scan inputs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Literal

from xxgk.document import Document, DumpDamage, Page, Segment
from xxgk.inference.ingest.boxes import box_rows
from xxgk.inference.ingest.fragments import label_groups
from xxgk.inference.ingest.furniture import strip_furniture
from xxgk.inference.ingest.runon import RunOnSplitter
from xxgk.inference.ingest.widths import Width, dump_width
from xxgk.inference.ingest.wrapped import wrapped_rows
from xxgk.options import TextOptions
from xxgk.templates import Edition, load_editions

Shape = Literal["lines", "tab_prefixed", "blocks"]

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_RUN = re.compile(r"[^\s\u3000]+(?: [^\s\u3000]+)*")
_TRAILING_NUMBERS = re.compile(r"^(?P<label>.*?[^\d\s.,+\-—/])\s+(?P<nums>[+\-]?\d[\d.,]*(?:\s+[+\-]?\d[\d.,]*)*"
                               r"(?:万元|元)?)$")
"""A label and the numbers after it in one field; the last may carry its unit (`66.964万元`)."""
_SENTENCE_END = ("。", "；", ";", "：", ":")
_SPACED_ENUMERATOR = re.compile(r"[^\s\d.,+\-—/] (（[一二三四五六七八九十]{1,3}）|\d{1,2}[.．、](?!\d))")
_BREAK = "\x00"
_NUMBER_LINE = re.compile(r"^[+\-]?\d[\d.,]*$")
_SPACED_NUMBERS = re.compile(r"\S {2,}[+\-]?\d[\d.,]*(?: {2,}[+\-]?\d[\d.,]*){2,}\s*$")
FIELD_DX = 100.0
ROW_DY = 10.0


@dataclass
class _Cell:
    text: str
    start: int
    end: int
    row: int
    field: int = 0
    columns: tuple[int, int] | None = None
    """Display columns on its line, for cells of space-laid lines."""


def clean(text: str) -> str:
    """Line endings and invisible characters that carry no content."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\ufeff", "").replace("\u200b", "").replace("\xa0", " ")


def line_offsets(text: str) -> list[tuple[str, int]]:
    """Each line of the text with the offset it starts at."""
    out, offset = [], 0
    for line in text.split("\n"):
        out.append((line, offset))
        offset += len(line) + 1
    return out


def _blank(line: str) -> bool:
    return not line.strip(" \u3000\t") and "\t" not in line


def detect_shape(lines: list[tuple[str, int]]) -> Shape:
    nonblank = [i for i, (t, _) in enumerate(lines) if not _blank(t)]
    if not nonblank:
        return "lines"
    tabbed = [lines[i][0] for i in nonblank if "\t" in lines[i][0]]
    if len(tabbed) >= 10:
        prefixed = sum(1 for t in tabbed if t.startswith("\t") and t.count("\t") == 1)
        if prefixed >= 0.7 * len(tabbed):
            return "tab_prefixed"
    piped = sum(1 for i in nonblank if "|" in lines[i][0])
    followed_by_blank = sum(1 for i in nonblank if i + 1 >= len(lines) or _blank(lines[i + 1][0]))
    if (len(tabbed) + piped) < 0.1 * len(nonblank) and followed_by_blank >= 0.6 * len(nonblank):
        return "blocks"
    return "lines"


def _pieces(line: str, offset: int, sep: str) -> list[tuple[str, int, int]]:
    """Split on a separator, each piece stripped, with its offsets in the document."""
    out, pos = [], 0
    for raw in line.split(sep):
        lead = len(raw) - len(raw.lstrip(" \u3000"))
        stripped = raw.strip(" \u3000")
        start = offset + pos + lead
        out.append((stripped, start, start + len(stripped)))
        pos += len(raw) + len(sep)
    return out


def _split_trailing_numbers(piece: tuple[str, int, int]) -> list[tuple[str, int, int]]:
    """`规章 0 0 0` is a label followed by its values in one field: make it two segments."""
    text, start, end = piece
    m = _TRAILING_NUMBERS.match(text)
    if not m or len(m.group("label")) > 40:
        return [piece]
    label_end = start + len(m.group("label"))
    nums_start = start + m.start("nums")
    return [(m.group("label"), start, label_end), (m.group("nums"), nums_start, end)]


def _logical_rows(lines: list[tuple[str, int]], markdown: bool, options: TextOptions,
                  fixed: frozenset[int], splitter: RunOnSplitter | None) -> list[list[tuple[str, int]]]:
    """Group lines into table rows: outside Markdown, a line starting with `|` continues the row
    above; a label a crawler broke into one line per text node is one row (`fragments`, knowing the
    wordings from `splitter`), unless its lines start at an offset in `fixed`."""
    rows: list[list[tuple[str, int]]] = []
    for text, offset in lines:
        if _blank(text) or (markdown and _MD_RULE.match(text)):
            continue
        if rows and not markdown and text.strip(" \u3000").startswith("|") and "\t" not in text:
            rows[-1].append((text, offset))
        else:
            rows.append([(text, offset)])
    singles = [row[0] for row in rows if len(row) == 1]
    spells = splitter.row_distance if splitter is not None else None
    joined = {g[0][1]: g for g in label_groups(singles, options.max_fragment, options.max_joined_label, fixed,
                                               spells)}
    members = {offset for g in joined.values() for _, offset in g[1:]}
    return [joined.get(row[0][1], row) if len(row) == 1 else row for row in rows if row[0][1] not in members]


def _joined_label(group: list[tuple[str, int]]) -> tuple[str, int, int]:
    """One label from the lines a crawler broke it into, spanning them all."""
    text = ""
    for line, _ in group:
        text = _join(text, line.strip(" \u3000"))
    first, offset = group[0]
    last, last_offset = group[-1]
    start = offset + len(first) - len(first.lstrip(" \u3000"))
    return text, start, last_offset + len(last.rstrip(" \u3000"))


def _split_pipes(row: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Cells between pipes, read across the line breaks of a broken pipe row."""
    pieces: list[tuple[str, int, int]] = []
    buf: list[str] = []
    start = end = None
    sep = row[0][1]
    for n, (text, offset) in enumerate(row):
        if n:
            buf.append(_BREAK)
        for i, ch in enumerate(text):
            if ch == "|":
                pieces.append((_unbreak("".join(buf)), start if start is not None else sep, end or sep))
                buf, start, end, sep = [], None, None, offset + i + 1
            else:
                if ch.strip(" \u3000\t"):
                    start = offset + i if start is None else start
                    end = offset + i + 1
                buf.append(ch)
    pieces.append((_unbreak("".join(buf)), start if start is not None else sep, end or sep))
    if row[0][0].strip(" \u3000").startswith("|"):
        pieces = pieces[1:]
    if pieces and not pieces[-1][0]:
        pieces = pieces[:-1]
    return pieces


def _unbreak(text: str) -> str:
    """A cell's text with its line breaks joined as `_join` joins wrapped lines."""
    out = ""
    for part in text.split(_BREAK):
        out = _join(out.strip(" \u3000"), part.strip(" \u3000"))
    return out


def _split_group_label(piece: tuple[str, int, int], max_group: int) -> list[tuple[str, int, int]]:
    """`三、本年度办理结果 （一）予以公开 2 0`: a group cell and the row label beside it, joined by
    one space (lynx prints adjacent cells so), are two segments; cut before the enumerator of the
    last label after a single space, where what stands before it is short enough for a group cell
    (`max_group` characters)."""
    text, start, end = piece
    cuts = [m.start(1) for m in _SPACED_ENUMERATOR.finditer(text) if m.start(1) <= max_group + 1]
    if not cuts:
        return [piece]
    cut = cuts[-1]
    head = text[:cut].rstrip()
    return [(head, start, start + len(head)), (text[cut:], start + cut, end)]


def _line_cells(lines: list[tuple[str, int]], options: TextOptions, splitter: RunOnSplitter | None,
                run_on_dump: bool = False) -> list[_Cell]:
    """Cells of a dump read line by line; in a `run_on_dump` (some line is a run-on table) any long
    line with a value glued to its label is cut as run-on too."""
    markdown = any(_MD_RULE.match(t) for t, _ in lines)
    cells: list[_Cell] = []
    row = -1
    width = dump_width([t for t, _ in lines], options)
    wrapped = box_rows(lines, options)
    wrapped |= wrapped_rows([("" if offset in wrapped else t, offset) for t, offset in lines], options, width)
    for group in _logical_rows(lines, markdown, options, frozenset(wrapped), splitter):
        text, offset = group[0]
        if offset in wrapped:
            if wrapped[offset]:
                row += 1
                cells.extend(_Cell(t, s, e, row, i, _columns_in(lines, s, e, width))
                             for i, (t, s, e) in enumerate(wrapped[offset]))
            continue
        row += 1
        if splitter is not None and len(group) == 1 and _run_on(text, options, splitter, run_on_dump):
            row = _run_on_cells(text, offset, splitter, cells, row)
            continue
        if "\t" in text:
            pieces = _pieces(text, offset, "\t")
        elif len(group) > 1 and not any("|" in t for t, _ in group):
            pieces = [_joined_label(group)]
        elif any("|" in t for t, _ in group):
            pieces = _split_pipes(group)
        else:
            pieces = _split_wide(text, offset)
            if len(pieces) < 2:
                stripped = text.strip(" \u3000")
                start = offset + len(text) - len(text.lstrip(" \u3000"))
                pieces = [(stripped, start, start + len(stripped))]
        expanded = [sub for p in pieces for part in _split_group_label(p, options.max_group)
                    for sub in _split_trailing_numbers(part)]
        spaced = "\t" not in text and "|" not in text
        for i, (t, s, e) in enumerate(expanded):
            cells.append(_Cell(t, s, e, row, i, _columns(text, offset, s, e, width) if spaced else None))
    return cells


def _columns(line: str, offset: int, start: int, end: int, width: Width) -> tuple[int, int]:
    """Columns, counted with the dump's `width`, of text at document offsets [start, end) on a line
    starting at `offset`."""
    lead = width(line[: start - offset])
    return lead, lead + width(line[start - offset: end - offset])


def _columns_in(lines: list[tuple[str, int]], start: int, end: int, width: Width) -> tuple[int, int] | None:
    """Display columns of a piece on the line holding its end (a joined piece: the line of its tail)."""
    for text, offset in lines:
        if offset <= end - 1 < offset + len(text) + 1 and offset <= start:
            return _columns(text, offset, max(start, offset), min(end, offset + len(text)), width)
    return None


def _run_on_cells(text: str, offset: int, splitter: RunOnSplitter, cells: list[_Cell], row: int) -> int:
    """Cells of a run-on line, each label or prose piece opening a physical row; the last row used."""
    field = 0
    first = True
    for piece in splitter.split(text):
        if piece.row_start and not first:
            row += 1
            field = 0
        first = False
        cells.append(_Cell(piece.text, offset + piece.start, offset + piece.end, row, field))
        field += 1
    return row


def _split_wide(line: str, offset: int) -> list[tuple[str, int, int]]:
    """Runs of text separated by two or more spaces (or an ideographic space)."""
    return [(m.group(), offset + m.start(), offset + m.end()) for m in _RUN.finditer(line)]


def _join(a: str, b: str) -> str:
    """Join a wrapped cell's lines: no space between CJK, one between Latin words or numbers."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def _tab_prefixed_cells(lines: list[tuple[str, int]]) -> list[_Cell]:
    cells: list[_Cell] = []
    row, blanks, since_cell = 0, 0, 99
    field = 0
    standalone_before = False
    for text, offset in lines:
        if _blank(text):
            blanks += 1
            since_cell += 1
            continue
        stripped = text.strip(" \u3000")
        if "\t" in text:
            if cells and (blanks > 0 or standalone_before):
                row += 1
                field = 0
            pieces = _pieces(text, offset, "\t")
            if text.startswith("\t"):
                pieces = pieces[1:]
            for t, s, e in pieces:
                cells.append(_Cell(t, s, e, row, field))
                field += 1
            standalone_before = False
            since_cell = 0
        elif cells and since_cell <= 2 and blanks <= 1 and len(stripped) <= 10 \
                and not stripped.endswith(_SENTENCE_END) and not standalone_before:
            last = cells[-1]
            last.text = _join(last.text, stripped)
            last.end = offset + len(text.rstrip())
        else:
            row += 1
            start = offset + len(text) - len(text.lstrip(" \u3000"))
            cells.append(_Cell(stripped, start, start + len(stripped), row, 0))
            row += 1
            field = 0
            standalone_before = True
            since_cell = 99
        blanks = 0
    return cells


def _block_cells(lines: list[tuple[str, int]]) -> list[_Cell]:
    """One cell per paragraph; a paragraph whose last line ends in numbers after text (`部分公开 202 0 0`,
    a text browser's row whose later cells went to paragraphs of their own) is the label and the
    numbers, each a cell of its own."""
    cells: list[_Cell] = []
    current: _Cell | None = None
    for text, offset in lines:
        if _blank(text):
            current = None
            continue
        stripped = text.strip(" \u3000\t")
        start = offset + len(text) - len(text.lstrip(" \u3000\t"))
        pieces = _split_trailing_numbers((stripped, start, start + len(stripped)))
        if current is None:
            current = _Cell(pieces[0][0], start, pieces[0][2], len(cells))
            cells.append(current)
        else:
            current.text = _join(current.text, pieces[0][0])
            current.end = pieces[0][2]
        if len(pieces) > 1:
            cells.append(_Cell(pieces[1][0], pieces[1][1], pieces[1][2], len(cells)))
            current = None
    return cells


def _space_laid(lines: list[tuple[str, int]], min_rows: int) -> bool:
    """Whether the dump lays tables out in columns of spaces: lines ending in several numbers set
    apart by runs of spaces, as `pdftotext -layout` prints rows (never a paragraph of a web page), on
    `min_rows` lines or more."""
    return sum(1 for t, _ in lines if _SPACED_NUMBERS.search(t)) >= min_rows


def _single_spaced(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A double-spaced dump's lines (a blank line after every line, as pdftotext prints widely
    leaded pages) without the single blank lines, so that a label wrapped above and below its
    numbers is on consecutive lines again; a run of several blank lines stays a break."""
    out = []
    for n, (text, offset) in enumerate(lines):
        single = _blank(text) and 0 < n < len(lines) - 1 and not _blank(lines[n - 1][0]) \
            and not _blank(lines[n + 1][0])
        if not single:
            out.append((text, offset))
    return out


def collapsed_runs(lines: list[tuple[str, int]], min_number_lines: int) -> bool:
    """Whether the dump writes runs of identical consecutive lines once.

    A table dumped one cell per line repeats a line whenever two neighbouring cells agree (`0`
    after `0`), so a dump with many (`min_number_lines`) one-number lines and never a repeat has had
    its runs collapsed.
    """
    texts = [t.strip(" \u3000\t") for t, _ in lines if not _blank(t)]
    numbers = sum(1 for t in texts if _NUMBER_LINE.match(t))
    repeats = sum(1 for a, b in itertools.pairwise(texts) if a == b)
    return numbers >= min_number_lines and repeats == 0


def _run_on(line: str, options: TextOptions, splitter: RunOnSplitter, in_run_on_dump: bool = False) -> bool:
    """A line long enough (`run_on_length`) to hold a run-on table, that holds one."""
    return len(line) >= options.run_on_length and splitter.is_run_on(line, in_run_on_dump=in_run_on_dump)


def segment_text(text: str, options: TextOptions,
                 splitter: RunOnSplitter | None = None) -> tuple[Shape, list[Segment], Page]:
    """Segments of a cleaned dump, with the shape that was detected; run-on lines are cut only
    when a splitter is given."""
    lines = line_offsets(text)
    run_on = splitter is not None and any(_run_on(t, options, splitter) for t, _ in lines)
    # a run-on dump's few lines say nothing about how its cells were separated: they are cut
    shape = "lines" if run_on else detect_shape(lines)
    if shape == "blocks" and _space_laid(lines, options.min_spaced_rows):
        shape, lines = "lines", _single_spaced(lines)
    if shape == "lines":
        cells = _line_cells(lines, options, splitter, run_on)
    else:
        cells = {"tab_prefixed": _tab_prefixed_cells, "blocks": _block_cells}[shape](lines)
    rows = {r: i for i, r in enumerate(dict.fromkeys(c.row for c in cells))}
    segments = [
        Segment(id=i, text=c.text, page=1, row=rows[c.row], source="text", span=(c.start, c.end),
                columns=c.columns, bbox=(FIELD_DX * c.field, ROW_DY * rows[c.row],
                      FIELD_DX * c.field + FIELD_DX * 0.9, ROW_DY * rows[c.row] + ROW_DY * 0.9))
        for i, c in enumerate(cells)
    ]
    width = FIELD_DX * (max((c.field for c in cells), default=0) + 1)
    page = Page(number=1, width=width, height=ROW_DY * max(len(rows), 1))
    return shape, segments, page


def ingest_text(text: str, *, doc_id: str, source: str, options: TextOptions,
                editions: dict[str, Edition] | None = None) -> Document:
    """A text report's segments, read with the thresholds of `options`; run-on lines are cut with the
    wordings of `editions` (default: the configured editions, `load_editions`)."""
    text = strip_furniture(clean(text), options)
    splitter = RunOnSplitter(editions or load_editions(), options)
    _, segments, page = segment_text(text, options, splitter)
    lines = line_offsets(text)
    damage: list[DumpDamage] = []
    if collapsed_runs(lines, options.min_number_lines):
        damage.append("collapsed_runs")
    if any(_run_on(t, options, splitter) for t, _ in lines):
        damage.append("glued_cells")
    return Document(doc_id=doc_id, source=source, input_kind="text", pages=[page], segments=segments,
                    damage=damage)
