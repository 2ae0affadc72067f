"""Where a report's agency, year and publication date are printed, read place by place.

Each reader returns `Evidence`: the value, the place it came from (`source`), the text it was read
from and how far that place is trusted. The places, most trusted first:

- `title`: the report's own heading, the first title line(s) of the document (a PDF or scan's first
  lines, a page's heading), with the agency line just above it (`heading_block`) when the title
  itself starts with the year;
- `page_title` / `html_meta`: the page's `<title>` and its meta tags (ArticleTitle, PubDate,
  ContentSource);
- `field`: labelled fields a site prints beside the report (`发布机构：`, `发布时间：`, a
  `标题 | …` table row, a crawler's header lines);
- `dateline`: a line under the title that is only a date;
- `signature`: the agency line and date line that close the report;
- `period`: the statistics period sentence (统计期限自2021年1月1日…), for the year only.

A date inside a sentence is never a publication date, and a name cut from a sentence never an agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xxgk.document import Document
from xxgk.inference.agency import agency_name, norm
from xxgk.inference.meta_config import MetaConfig
from xxgk.inference.meta_text import (
    Field,
    dateline,
    field_label,
    field_value,
    fields_in,
    is_title,
    title_parts,
    title_window,
    trailing_date,
)

HEAD_ROWS = 80
"""Rows read for the title and the fields: past a site's navigation, before the report's body; a
page whose navigation runs longer is read up to its first part heading (一、总体情况)."""
TAIL_ROWS = 60
"""Text rows read, from the end, for the signature: past a site's footer."""
FIELD_LINE_MAX = 160
"""A line longer than this is prose (or OCR text glued together): only the longer labels are read."""
_FIRST_PART = re.compile(r"^\s*(?:一\s*[、.．]|第一部分)")
_TITLE_JOIN = 6
_BLOCK_ABOVE = 2
_BLOCK_BELOW = 2
_DATELINE_BELOW = 3
_PERIOD = re.compile(r"统计(?:期限|时限|区间|时间|周期)[^。]{0,20}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1(?!\d)")
"""The period's first day: its 日 not required, which the OCR of a worn copy misreads (`1月1E起`)."""


@dataclass(frozen=True)
class Evidence:
    field: str
    """`agency`, `year` or `publish_date`."""
    value: str | int
    source: str
    text: str
    confidence: float


@dataclass(frozen=True)
class Line:
    """One physical row: its text (segments joined), its segments' texts, and whether it is a row
    of a recovered table grid (never a title or a signature line, though it may hold fields)."""

    index: int
    text: str
    cells: tuple[str, ...]
    in_table: bool


def lines_of(doc: Document) -> list[Line]:
    out = []
    for i, row in enumerate(doc.rows()):
        texts = tuple(s.text for s in row)
        joined = " ".join(t for t in texts if t.strip())
        out.append(Line(i, joined, texts, any(s.cell is not None for s in row)))
    return out


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _from_title_text(title: str, source: str, trust: float, shown: str, config: MetaConfig) -> list[Evidence]:
    parts = title_parts(title, config)
    out = []
    if parts.agency:
        out.append(Evidence("agency", parts.agency, source, _clip(shown), trust))
    if parts.year:
        out.append(Evidence("year", parts.year, source, _clip(shown), trust))
    return out


def from_properties(doc: Document, config: MetaConfig) -> list[Evidence]:
    """The page's `<title>` and meta tags."""
    props = doc.properties
    trust = config.confidence.page_title
    out: list[Evidence] = []
    if config.html.page_title and "title" in props:
        out += _from_title_text(props["title"], "page_title", trust, f"<title>{props['title']}", config)
    for field in ("title", "agency", "publish_date"):
        for name in getattr(config.html, field):
            value = props.get(f"meta:{name.lower()}")
            if not value:
                continue
            shown = f'<meta name="{name}" content="{value}">'
            if field == "title":
                out += _from_title_text(value, "html_meta", trust, shown, config)
            elif field == "agency" and (found := agency_name(value.split()[0])):
                out.append(Evidence("agency", found, "html_meta", _clip(shown), trust))
            elif field == "publish_date" and (date := dateline(value)):
                out.append(Evidence("publish_date", date, "html_meta", _clip(shown), trust))
    return out


def _row_fields(line: Line, config: MetaConfig) -> list[tuple[str, str, str]]:
    """(field, label, value) of a row: `label: value` text, or a label cell and the cell after it."""
    found = [(f.field, f.label, f.value) for cell in line.cells
             for f in fields_in(cell, config, short_ok=len(norm(cell)) <= FIELD_LINE_MAX)]
    for label_cell, value_cell in zip(line.cells, line.cells[1:], strict=False):
        field = field_label(label_cell, config)
        if field and value_cell.strip() and field_label(value_cell, config) is None:
            found.append((field, norm(label_cell), value_cell))
    return found


def from_fields(lines: list[Line], config: MetaConfig) -> list[Evidence]:
    """Labelled fields in the head and the tail of the document."""
    trust = config.confidence.field
    head = head_of(lines)
    picked = head + lines[max(len(head), len(lines) - TAIL_ROWS):]
    out: list[Evidence] = []
    for line in picked:
        for field, label, value in _row_fields(line, config):
            shown = _clip(f"{label}: {value}")
            if field == "title":
                out += _from_title_text(value, "field", config.confidence.page_title, shown, config)
                continue
            found = field_value(Field(field, label, value))
            if found is not None:
                out.append(Evidence(field, found, "field", shown, trust))
    return out


def head_of(lines: list[Line]) -> list[Line]:
    """The lines before the report's body: the first HEAD_ROWS, or up to the first part heading."""
    first_part = next((i for i, ln in enumerate(lines) if _FIRST_PART.match(ln.text)), 0)
    return lines[: max(HEAD_ROWS, first_part + 1)]


def _text_lines(lines: list[Line]) -> list[Line]:
    """Lines that can be a title or a signature: text outside tables, or a grid row with one filled
    cell (a heading a scan's grid detector boxed in with the table below it)."""
    return [ln for ln in lines if ln.text.strip() and (not ln.in_table or sum(bool(c.strip()) for c in ln.cells) == 1)]


def _find_titles(head: list[Line], config: MetaConfig) -> list[tuple[int, int, str]]:
    """(first, last) positions in `head` and text of each title, joined over up to six lines (a
    crawler writes a title in as many text nodes); a line too long to be a title, holding a
    navigation trail, or holding a title and a sentence after it, yields the title inside it
    (`title_window`). Lines are joined in front of a
    line that is a whole title by itself (naming its agency) never: those are the pieces of a
    navigation trail a crawler wrote above it (`年` `报`)."""
    found = []
    i = 0
    while i < len(head):
        text = head[i].text
        too_long = len(norm(text)) > config.title.max_length
        if too_long or any(n in text for n in config.title.navigation):
            window = title_window(text, config)
            if window or too_long:
                found += [(i, i, norm(window))] if window else []
                i += 1
                continue
        before = len(found)
        for k in range(1, min(_TITLE_JOIN, len(head) - i) + 1):
            joined = "".join(norm(ln.text) for ln in head[i: i + k])
            last_line = head[i + k - 1].text
            if k > 1 and _whole_title(last_line, config) and not _completes_place(joined, last_line, config):
                break
            if is_title(joined, config.title):
                found.append((i, i + k - 1, joined))
                i += k - 1
                break
            if len(joined) > config.title.max_length:
                break
        if len(found) == before and (window := title_window(text, config)):
            found.append((i, i, norm(window)))  # a title and the first sentence in one text node
        i += 1
    return found


def _whole_title(text: str, config: MetaConfig) -> bool:
    return is_title(text, config.title) and title_parts(text, config).agency is not None


_LEVELS = tuple("省市县区州旗盟镇乡")
"""Administrative levels: a name starting with one (`市人民政府办公室`) lost its place name."""


def _completes_place(joined: str, line: str, config: MetaConfig) -> bool:
    """Whether the lines before a title line give its agency the place name it lacks (`19年临` `汾`
    before `市人民政府办公室…年报`): then they are the title's own first pieces, not a navigation trail."""
    cut = title_parts(line, config).agency or ""
    whole = title_parts(joined, config).agency or ""
    return cut.startswith(_LEVELS) and len(whole) > len(cut) and whole.endswith(cut)


def from_title(lines: list[Line], config: MetaConfig) -> list[Evidence]:
    """The document's title: the first title line(s) naming a year, the lines around it."""
    head = _text_lines(head_of(lines))
    titles = _find_titles(head, config)
    if not titles:
        return []
    first, last, title = next((t for t in titles if title_parts(t[2], config).year), titles[0])
    trust = config.confidence
    out = _from_title_text(title, "title", trust.title, title, config)
    if not any(e.field == "agency" for e in out):
        around = [*reversed(head[max(0, first - _BLOCK_ABOVE): first]), *head[last + 1: last + 1 + _BLOCK_BELOW]]
        for ln in around:
            if name := agency_name(ln.text, place_ok=True):
                out.append(Evidence("agency", name, "heading_block", _clip(ln.text), trust.heading_block))
                break
    for ln in head[last + 1: last + 1 + _DATELINE_BELOW]:
        date = dateline(ln.text)
        if date:
            out.append(Evidence("publish_date", date, "dateline", _clip(ln.text), trust.dateline))
            break
    return out


def _signature_name(lines: list[Line]) -> Line | None:
    for ln in reversed(lines):
        if agency_name(ln.text):
            return ln
    return None


def from_signature(lines: list[Line], config: MetaConfig) -> list[Evidence]:
    """The closing agency line and date line (or one line holding both), searched from the end."""
    tail = _text_lines(lines)[-TAIL_ROWS:]
    trust = config.confidence.signature
    lone_date: Evidence | None = None
    for i in range(len(tail) - 1, -1, -1):
        text = tail[i].text
        date = dateline(text)
        name_line: Line | None = None
        if date is None:
            split = trailing_date(text)
            if split and agency_name(split[0]):
                before, date = split
                name_line = Line(tail[i].index, before, (before,), False)
        if date is None:
            continue
        name_line = name_line or _signature_name(tail[max(0, i - 3): i])
        shown = " / ".join(_clip(t) for t in dict.fromkeys((name_line.text if name_line else "", text)) if t)
        date_ev = Evidence("publish_date", date, "signature", shown, trust)
        if name_line is not None:
            name = agency_name(name_line.text)
            return [Evidence("agency", name, "signature", shown, trust), date_ev] if name else [date_ev]
        lone_date = lone_date or date_ev
    return [lone_date] if lone_date else []


def from_period(lines: list[Line], config: MetaConfig) -> list[Evidence]:
    """The report year from the statistics period sentence, when the report states one."""
    text = "".join(norm(ln.text) for ln in _text_lines(head_of(lines)))
    m = _PERIOD.search(text)
    if m is None:
        return []
    return [Evidence("year", int(m.group(1)), "period", _clip(text[max(0, m.start() - 10): m.end() + 20]),
                     config.confidence.period)]
