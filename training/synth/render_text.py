"""Generated reports as the text dumps users actually have, with every character's label known.

Each shape reproduces a way real dumps mangle the printed tables (see inference/ingest/text.py for
how they are read back): `tabs` (one row per line, Word's empty fields for merged cells, wrapped
label tails on a continuation line, table 4 headers read down their narrow columns), `pipes`
(Markdown, or pipe tables broken over lines), `tab_prefixed` (one `\\t<cell>` per line, rows
separated by blank lines), `blocks` (one cell per paragraph, merged and empty cells gone) and
`spaces` (columns padded with spaces, as `pdftotext -layout` writes them).

Two more shapes are what web crawlers write for a page (CRAWLER_SHAPES, see
`../shared/data/real/text`): `nodes` (one HTML text node per line: labels broken at their
brackets and commas into lines such as `(` `二` `)`, a number sometimes split over two nodes,
empty cells gone, and every run of identical consecutive lines collapsed into one) and `runon`
(the article on a few lines with every node glued to the next, so that a row's cells print as one
digit run such as `640020470`). Their gold is what the page printed; a row such a dump leaves
ambiguous is expected back as `missing`, never guessed.

The result carries label spans: (start, end, label) over the text, so ingested segments get their
training labels by character overlap, and empty cells are zero-width `value` spans.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from xxgk.inference.labeling.lexicon import split_numbering
from xxgk.training.synth.layout import Cell, Layout, Para, Table, place

TextShape = Literal["tabs", "pipes", "markdown", "tab_prefixed", "blocks", "spaces", "nodes", "runon"]
SHAPES: tuple[TextShape, ...] = ("tabs", "pipes", "markdown", "tab_prefixed", "blocks", "spaces")
"""Dumps that keep every cell apart: each reads back exactly."""
CRAWLER_SHAPES: tuple[TextShape, ...] = ("nodes", "runon")
"""Dumps that lose separators: rows are restored from the template's identities where they can be."""
NODE_BREAKS = "()（）,，、"
"""Characters at which a web page's markup often starts a new text node inside a label."""
Span = tuple[int, int, str]


@dataclass
class RenderedText:
    text: str
    spans: list[Span]
    shape: TextShape


@dataclass
class _Writer:
    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    pos: int = 0
    collapse: bool = False
    """Drop a line identical to the line before it, as crawlers that dedupe consecutive nodes do."""
    _last: str | None = None

    def line(self, text: str, label: str | None = None) -> None:
        """One node on its own line (the `nodes` shape); empty nodes leave no line."""
        if not text.strip():
            return
        if self.collapse and text == self._last:
            return
        self._last = text
        self.write(text, label)
        self.write("\n")

    def write(self, text: str, label: str | None = None) -> None:
        if label is not None:
            self.spans.append((self.pos, self.pos + len(text), label))
        self.parts.append(text)
        self.pos += len(text)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Field:
    text: str
    label: str
    tails: list[str] = field(default_factory=list)
    """Pieces of the cell's text that the dump put on following lines."""


@dataclass
class TextNoise:
    """Damage a dump does to cell text; drawn per document."""

    wrap_rate: float = 0.1
    vertical_t4: bool = False
    vertical_style: Literal["spaced", "lines"] = "spaced"
    cover: Literal["empty", "omit"] = "empty"
    blank_between_paras: bool = True
    merge_rate: float = 0.0
    """Share of value rows where two adjacent values lose their separator (`0 0`)."""
    spaced_digits_rate: float = 0.0
    """Share of multi-digit values printed letter-spaced (`2 0` for 20), as PDF text layers do."""
    node_break_rate: float = 0.5
    """`nodes`: share of labels broken into lines at their brackets and commas."""
    split_number_rate: float = 0.02
    """`nodes`: share of multi-digit values split over two nodes (`1` + `62`)."""
    runon_space_rate: float = 0.05
    """`runon`: share of node boundaries that keep a space (`500000 5`)."""


def sample_noise(rng: random.Random) -> TextNoise:
    return TextNoise(
        wrap_rate=rng.choice([0.0, 0.05, 0.15]),
        vertical_t4=rng.random() < 0.4,
        vertical_style=rng.choice(["spaced", "lines"]),
        cover=rng.choice(["empty", "omit"]),
        blank_between_paras=rng.random() < 0.7,
        merge_rate=rng.choice([0.0, 0.0, 0.03]),
        spaced_digits_rate=rng.choice([0.0, 0.0, 0.05]),
        node_break_rate=rng.choice([0.0, 0.5, 1.0]),
        split_number_rate=rng.choice([0.0, 0.02]),
        runon_space_rate=rng.choice([0.0, 0.05, 0.2]),
    )


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class TextRenderer:
    def __init__(self, shape: TextShape, noise: TextNoise, rng: random.Random):
        self.shape, self.noise, self.rng = shape, noise, rng
        self.w = _Writer(collapse=shape == "nodes")

    def render(self, layout: Layout) -> RenderedText:
        for block in layout.blocks:
            if isinstance(block, Para):
                self._para(block)
            else:
                self._table(block)
        return RenderedText(self.w.text(), self.w.spans, self.shape)

    def _para(self, p: Para) -> None:
        if self.shape == "nodes":
            for piece in self._prose_nodes(p.text):
                self.w.line(piece, p.label)
            return
        if self.shape == "runon":
            self.w.write(p.text, p.label)
            self.w.write("\n" if self.rng.random() < 0.1 else " ")
            return
        sep = "\n\n" if (self.noise.blank_between_paras or self.shape == "blocks") else "\n"
        self.w.write(p.text, p.label)
        self.w.write(sep)

    # ----------------------------------------------------------------- tables
    def _rows(self, table: Table) -> list[list[_Field]]:
        """Each grid row's fields after the dump's handling of merged cells and wrapping."""
        placed = place(table)
        origin = {(r, c): cell for r, c, cell in placed}
        covered: dict[tuple[int, int], tuple[str, Cell]] = {}
        for r, c, cell in placed:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if (dr, dc) != (0, 0):
                        covered[(r + dr, c + dc)] = ("row" if dr else "col", cell)
        rows = []
        for r in range(len(table.rows)):
            fields: list[_Field] = []
            for c in range(table.n_cols):
                if (r, c) in origin:
                    fields.append(self._field(origin[(r, c)], table))
                elif (r, c) in covered:
                    kind, _ = covered[(r, c)]
                    if self._covered_as_empty(kind):
                        fields.append(_Field("", "value"))
            rows.append(self._merge_values(fields))
        return rows

    def _covered_as_empty(self, kind: str) -> bool:
        """Whether the dump writes an empty field for a cell covered by a merged neighbour.

        Word's text export writes one for a row-span and none for a column-span; Markdown and
        space-padded layouts keep every grid column; pipe dumps and paragraph dumps drop them.
        """
        if self.shape in ("blocks", "pipes", "nodes", "runon"):
            return False
        if kind == "row":
            return self.noise.cover == "empty"
        return self.shape in ("markdown", "spaces")

    def _field(self, cell: Cell, table: Table) -> _Field:
        f = _Field(cell.text, cell.label)
        if cell.label == "value" and cell.text.isdigit() and len(cell.text) > 1 \
                and self.rng.random() < self.noise.spaced_digits_rate:
            f.text = " ".join(cell.text)
        if cell.label.startswith("col:t4.") and self.noise.vertical_t4 and len(cell.text) >= 2 \
                and self.shape in ("tabs", "tab_prefixed", "blocks"):
            f.text = cell.text[0]
            rest = cell.text[1:]
            f.tails = [" ".join(rest)] if self.noise.vertical_style == "spaced" else list(rest)
        elif cell.label != "value" and self.rng.random() < self.noise.wrap_rate:
            _, body = split_numbering(cell.text)
            lead = len(cell.text) - len(body)
            if len(body) >= 5:  # dumps keep at least the first few characters of a wrapped label
                k = lead + self.rng.randint(3, len(body) - 2)
                f.text, f.tails = cell.text[:k], [cell.text[k:]]
        return f

    def _merge_values(self, fields: list[_Field]) -> list[_Field]:
        if self.noise.merge_rate <= 0 or self.shape in ("blocks", *CRAWLER_SHAPES) \
                or self.rng.random() >= self.noise.merge_rate:
            return fields
        pairs = [i for i in range(len(fields) - 1)
                 if fields[i].label == "value" and fields[i + 1].label == "value"
                 and fields[i].text.strip() and fields[i + 1].text.strip()]
        if not pairs:
            return fields
        i = self.rng.choice(pairs)
        merged = _Field(f"{fields[i].text} {fields[i + 1].text}", "value")
        return [*fields[:i], merged, *fields[i + 2:]]

    def _table(self, table: Table) -> None:
        rows = self._rows(table)
        {"tabs": self._tabs, "pipes": self._pipes, "markdown": self._markdown,
         "tab_prefixed": self._tab_prefixed, "blocks": self._blocks, "spaces": self._spaces,
         "nodes": self._nodes, "runon": self._runon}[self.shape](rows)
        if self.shape not in CRAWLER_SHAPES:
            self.w.write("\n")

    def _tails_lines(self, fields: list[_Field]) -> list[list[_Field]]:
        depth = max((len(f.tails) for f in fields), default=0)
        return [[_Field(f.tails[j] if j < len(f.tails) else "", f.label if j < len(f.tails) else "value")
                 for f in fields] for j in range(depth)]

    def _joined(self, fields: list[_Field], sep: str) -> None:
        for i, f in enumerate(fields):
            if i:
                self.w.write(sep)
            self.w.write(f.text, f.label)

    def _tabs(self, rows: list[list[_Field]]) -> None:
        for fields in rows:
            self._joined(fields, "\t")
            self.w.write("\n")
            for line in self._tails_lines(fields):
                if self.rng.random() < 0.3:
                    self.w.write("\n")
                self._joined(line, "\t")
                self.w.write("\n")

    def _pipes(self, rows: list[list[_Field]]) -> None:
        """Pipe tables broken over lines: a break before a `|` starts a continuation line.

        Full rows sometimes end in stray pipes (`| ||`), as real dumps do; a row that is short of
        cells never does, since its missing cells would then read as blanks, and a row ending in
        an empty cell is always closed by a pipe, which is what makes that cell readable.
        """
        width = max(len(r) for r in rows)
        for fields in rows:
            for i, f in enumerate(fields):
                if i:
                    self.w.write("\n| " if self.rng.random() < 0.3 else " | ")
                text = f.text
                if i == 0 and not text and f.label == "value":
                    text = "0"  # ` | 4 | 5` would read as the continuation of the row above
                self.w.write(text, f.label)
            stray = self.rng.choice(["", "", " ||", "\n| ||"]) if len(fields) == width else ""
            closed = self.rng.random() < 0.5 or stray or not fields[-1].text
            self.w.write(" |" + stray + "\n" if closed else "\n")

    def _markdown(self, rows: list[list[_Field]]) -> None:
        for r, fields in enumerate(rows):
            self.w.write("| ")
            self._joined(fields, " | ")
            self.w.write(" |\n")
            if r == 0:
                self.w.write("|" + "---|" * len(fields) + "\n")

    def _tab_prefixed(self, rows: list[list[_Field]]) -> None:
        for fields in rows:
            self.w.write("\n")
            for f in fields:
                self.w.write("\t")
                self.w.write(f.text, f.label)
                self.w.write("\n")
                for tail in f.tails:
                    self.w.write("\n")
                    self.w.write(tail, f.label)
                    self.w.write("\n")

    def _blocks(self, rows: list[list[_Field]]) -> None:
        for fields in rows:
            for f in fields:
                if not f.text and not f.tails:
                    continue
                self.w.write(f.text, f.label)
                for tail in f.tails:
                    self.w.write("\n")
                    self.w.write(tail, f.label)
                self.w.write("\n\n")

    def _spaces(self, rows: list[list[_Field]]) -> None:
        """Columns padded to their widest cell, each after its own run of spaces, so that a column
        sits at one place in every row (as `pdftotext -layout` prints it) and a short row's cells
        stand under their headers."""
        n = max(len(r) for r in rows)
        widths = [max((_display_width(r[i].text) for r in rows if i < len(r)), default=0) for i in range(n)]
        gaps = [self.rng.randint(2, 4) for _ in range(n)]
        for fields in rows:
            for i, f in enumerate(fields):
                if i:
                    self.w.write(" " * gaps[i])
                self.w.write(f.text, f.label)
                if i < len(fields) - 1:
                    self.w.write(" " * (widths[i] - _display_width(f.text)))
            self.w.write("\n")

    def _prose_nodes(self, text: str) -> list[str]:
        """A paragraph as a page's text nodes: mostly whole, sometimes cut inside (years such as
        `201` / `9` / `年` arrive so), so that no number of a sentence stands on a line as a cell."""
        if len(text) < 12 or self.rng.random() < 0.7:
            return [text]
        cuts = sorted(self.rng.sample(range(1, len(text)), k=min(3, len(text) - 1)))
        return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]

    def _label_nodes(self, text: str) -> list[str]:
        """A label broken at its brackets and commas: `(` `二` `)` `部分公开` … each a node."""
        if self.rng.random() >= self.noise.node_break_rate:
            return [text]
        nodes, current = [], ""
        for ch in text:
            if ch in NODE_BREAKS:
                nodes += [current, ch]
                current = ""
            else:
                current += ch
        return [n for n in [*nodes, current] if n.strip()]

    def _value_nodes(self, text: str) -> list[str]:
        if len(text) >= 2 and text.isdigit() and self.rng.random() < self.noise.split_number_rate:
            k = self.rng.randint(1, len(text) - 1)
            return [text[:k], text[k:]]
        return [text]

    def _nodes(self, rows: list[list[_Field]]) -> None:
        for fields in rows:
            for f in fields:
                for part in [f.text, *f.tails]:
                    pieces = self._value_nodes(part) if f.label == "value" else self._label_nodes(part)
                    for piece in pieces:
                        self.w.line(piece, f.label)

    def _runon(self, rows: list[list[_Field]]) -> None:
        """Every node glued to the next; a table's end sometimes keeps a space or a line break."""
        for fields in rows:
            for f in fields:
                text = "".join([f.text, *f.tails])
                if not text:
                    continue
                self.w.write(text, f.label)
                if self.rng.random() < self.noise.runon_space_rate:
                    self.w.write(" ")
        self.w.write(" ")


def render_text(layout: Layout, shape: TextShape, rng: random.Random, noise: TextNoise | None = None) -> RenderedText:
    return TextRenderer(shape, noise or sample_noise(rng), rng).render(layout)
