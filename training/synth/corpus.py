"""Generated report sets: files of every input kind, each with its gold and its label provenance.

One generator feeds the extraction tests, the classifier's training data and the benchmarks, so
every generated document knows its truth: the gold JSON (the scorer's format, beside each file)
and, for training, where each label sits in the rendered file.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from xxgk.templates import Edition, load_editions
from xxgk.training.synth.layout import Layout, build_layout, sample_style
from xxgk.training.synth.render_html import RenderedHtml, render_html
from xxgk.training.synth.render_text import SHAPES, RenderedText, TextShape, render_text
from xxgk.training.synth.values import sample_truth

if TYPE_CHECKING:
    from xxgk.training.synth.scan import Level, ScanSpec

Kind = Literal["text", "html", "pdf", "scan"]
SCAN_LEVELS: tuple[Level, ...] = ("mild", "medium", "heavy")


@dataclass
class GeneratedDoc:
    doc_id: str
    kind: Kind
    suffix: str
    content: bytes
    gold: dict
    layout: Layout
    provenance: RenderedText | RenderedHtml | object
    """Where the labels sit: text spans, HTML grid positions, PDF boxes (render_pdf), or boxes on the
    stored page images of a scan (scan.RenderedScan)."""

    @property
    def filename(self) -> str:
        return self.doc_id + self.suffix


def _year(rng: random.Random, edition: Edition) -> int:
    years = list(edition.spec.report_years)
    if edition.id == "2019" and rng.random() < 0.1:
        return 2021  # a 2021 report printed in the old layout: still edition 2019
    return rng.choice(years[:3])


def generate_doc(rng: random.Random, editions: dict[str, Edition], doc_id: str, kind: Kind,
                 shape: TextShape | None = None, damage: float = 1.0,
                 edition_id: str | None = None, garble: float = 0.0, shuffle_rows: bool = False,
                 scan: ScanSpec | None = None) -> GeneratedDoc:
    """One generated report; `garble` (per-character rate) and `shuffle_rows` damage its labels.
    A `scan` kind is the PDF scanned as `scan` says (drawn from the rng if not given)."""
    edition = editions[edition_id] if edition_id else rng.choice(list(editions.values()))
    truth = sample_truth(rng, edition, _year(rng, edition))
    style = sample_style(rng, edition, damage)
    style.garble, style.shuffle_rows = garble, shuffle_rows
    style.garble_rng = random.Random(f"garble:{doc_id}")
    if kind == "text":
        shape = shape or rng.choice(SHAPES)
        if shape in ("blocks", "spaces", "nodes", "runon"):
            style.blank_zeros = False  # these dumps drop empty cells: their values would be lost
        if shape == "markdown":
            style.short_row = None  # with a spanning label's filler cells, a missing cell is unplaceable
    layout = build_layout(edition, truth, style, rng)
    suffix: str
    provenance: object
    if kind == "text":
        assert shape is not None
        provenance = render_text(layout, shape, rng)
        content = provenance.text.encode("utf-8")
        suffix = ".md" if shape == "markdown" else ".txt"
    elif kind == "html":
        provenance = render_html(layout, rng)
        content = provenance.html.encode("utf-8")
        suffix = ".html"
    elif kind == "pdf":
        from xxgk.training.synth.render_pdf import render_pdf

        provenance = render_pdf(layout, rng)
        content = provenance.pdf
        suffix = ".pdf"
    else:
        from xxgk.training.synth import scan as scanning
        from xxgk.training.synth.render_pdf import render_pdf

        provenance = scanning.scan_pdf(render_pdf(layout, rng), scan or scanning.sample_spec(rng), rng)
        content = scanning.encode(provenance)
        suffix = scanning.SUFFIXES[provenance.spec.container]
    named = style.title_shape != "none" or style.signature
    gold = {
        "doc_id": doc_id,
        "source": doc_id + suffix,
        "meta": {"agency": truth.agency if named else None, "year": truth.year, "edition": edition.id},
        "cells": {k: layout.gold[k] for k in edition.cell_keys},
        "notes": [f"generated: kind={kind}" + (f" shape={shape}" if shape else ""),
                  *(f"arithmetic broken at {k}" for k in truth.broken)],
    }
    if kind == "scan":
        gold = scanning.cut_gold(gold, provenance)
        gold["notes"] += scanning.notes(provenance)
    return GeneratedDoc(doc_id, kind, suffix, content, gold, layout, provenance)


def _write(out_dir: Path, doc: GeneratedDoc) -> None:
    """The document and its gold; a scan's page images are dropped once written (they are in the file)."""
    (out_dir / doc.filename).write_bytes(doc.content)
    (out_dir / f"{doc.doc_id}.gold.json").write_text(json.dumps(doc.gold, ensure_ascii=False, indent=1),
                                                     encoding="utf-8")
    if doc.kind == "scan":
        doc.provenance.pages = []  # type: ignore[attr-defined]


def write_set(out_dir: Path, n: int, seed: int, kinds: tuple[Kind, ...] = ("text",),
              shapes: tuple[TextShape, ...] = SHAPES, damage: float = 1.0,
              editions: dict[str, Edition] | None = None, garble: float = 0.0,
              shuffle_rows: bool = False, scan_levels: tuple[Level, ...] = SCAN_LEVELS) -> list[GeneratedDoc]:
    """Write n documents and their gold files; kinds, text shapes and scan levels are used in turn.
    Each document draws from its own rng (seed and index), so that two sets differing only in their
    damage (`garble`) hold the same reports, document by document."""
    editions = editions or load_editions()
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        kind = kinds[i % len(kinds)]
        shape = shapes[(i // len(kinds)) % len(shapes)] if kind == "text" else None
        edition_id = sorted(editions)[(i // len(kinds)) % len(editions)]
        scan = None
        if kind == "scan":
            from xxgk.training.synth.scan import sample_spec

            scan = sample_spec(rng, scan_levels[(i // len(kinds)) % len(scan_levels)])
        doc = generate_doc(rng, editions, f"gen{seed}_{i:04d}", kind, shape, damage, edition_id,
                           garble=garble, shuffle_rows=shuffle_rows, scan=scan)
        _write(out_dir, doc)
        docs.append(doc)
    return docs


def write_scan_set(out_dir: Path, n: int = 30, seed: int = 0, levels: tuple[Level, ...] = SCAN_LEVELS,
                   editions: dict[str, Edition] | None = None) -> list[GeneratedDoc]:
    """The scanned evaluation set: n scans (`scan.SET_CASES` in turn: 150 dpi, quarter turns, upside
    down, skew, photos at an angle, TIFF, PNG, JPEG, colour) with levels and editions in turn, and
    their gold files. About a second a page."""
    from xxgk.training.synth.scan import set_spec

    editions = editions or load_editions()
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = sorted(editions)
    docs = []
    for i in range(n):
        doc = generate_doc(rng, editions, f"scan{seed}_{i:04d}", "scan", edition_id=ids[i % len(ids)],
                           scan=set_spec(i, rng, levels))
        _write(out_dir, doc)
        docs.append(doc)
    return docs
