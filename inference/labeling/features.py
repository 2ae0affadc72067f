"""What the segment classifier sees of each segment: its characters, its box, and a few cues.

Shared by training and inference so a checkpoint always sees features computed the same way.
Each segment becomes character ids (a character vocabulary, no pretrained tokenizer: none can be
downloaded here), its box normalised to 0–1000 on its page (LayoutLM's 2-D positions), and small
categorical cues: what its text looks like (number, blank, dash, label text...), its place in its
physical row, its source, and the string-matching lexicon's best label with its score. The lexicon
is only a feature here: the model learns when to trust it and when context says otherwise.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from xxgk.document import Document
from xxgk.inference.labeling.lexicon import Lexicon
from xxgk.inference.metadata import is_date_line, is_title
from xxgk.inference.numbers import is_field_error, looks_like_value, normalize

MAX_CHARS = 24
"""Characters kept per segment: the first 16 and the last 8 of longer texts."""
PAD, UNK = 0, 1
SOURCES = ("text", "html", "pdf_text", "ocr")
KINDS = ("empty", "number", "multi_number", "dash", "field_error", "date", "title", "short_text", "text",
         "long_text")
MAX_FIELD = 15
MAX_FIELDS = 31


@dataclass
class Features:
    """One document's features as arrays (n = number of segments)."""

    chars: np.ndarray  # (n, MAX_CHARS) int32 character ids
    bbox: np.ndarray  # (n, 4) int32 in 0..1000
    cues: np.ndarray  # (n, 6) int32: kind, field, fields in row, source, lexicon label, lexicon score bucket

    def __len__(self) -> int:
        return len(self.chars)


def char_key(ch: str) -> str:
    """The vocabulary form of a character: NFKC, every digit one symbol (values differ, shapes don't)."""
    ch = unicodedata.normalize("NFKC", ch)[:1] or ch
    return "0" if ch.isdigit() else ch


def _kind(text: str) -> str:
    t = normalize(text)
    if not t:
        return "empty"
    if is_field_error(t):
        return "field_error"
    if is_date_line(t):
        return "date"
    if looks_like_value(t):
        if " " in t:
            return "multi_number"
        return "number" if any(c.isdigit() for c in t) else "dash"
    if is_title(t):
        return "title"
    n = len(t)
    return "short_text" if n <= 4 else "text" if n <= 40 else "long_text"


def _clip_chars(text: str) -> str:
    t = "".join(text.split()) if len(text) > MAX_CHARS else text
    return t if len(t) <= MAX_CHARS else t[:16] + t[-8:]


def featurize(doc: Document, vocab: dict[str, int], lexicon: Lexicon, label_ids: dict[str, int]) -> Features:
    n = len(doc.segments)
    chars = np.zeros((n, MAX_CHARS), dtype=np.int32)
    bbox = np.zeros((n, 4), dtype=np.int32)
    cues = np.zeros((n, 6), dtype=np.int32)
    pages = {p.number: p for p in doc.pages}
    fields: dict[int, list[int]] = {}
    for i, seg in enumerate(doc.segments):
        fields.setdefault(seg.row, []).append(i)
    position = {i: (k, len(members)) for members in fields.values() for k, i in enumerate(members)}
    table: str | None = None
    for i, seg in enumerate(doc.segments):
        for j, ch in enumerate(_clip_chars(seg.text)):
            chars[i, j] = vocab.get(char_key(ch), UNK)
        page = pages.get(seg.page)
        w, h = (page.width, page.height) if page else (1.0, 1.0)
        x0, y0, x1, y1 = seg.bbox
        bbox[i] = [_scale(x0, w), _scale(y0, h), max(_scale(x1, w), _scale(x0, w)), max(_scale(y1, h), _scale(y0, h))]
        k, count = position[i]
        kind = _kind(seg.text)
        match = lexicon.match(seg.text, table) if kind in ("short_text", "text", "title") else None
        if match is not None and match.label.startswith(("sec:", "row:", "col:")):
            name = match.label.split(":", 1)[1]
            table = name.split(".")[0] if "." in name or name.startswith("t") else None
        cues[i] = [
            KINDS.index(kind),
            min(k, MAX_FIELD),
            min(count, MAX_FIELDS),
            SOURCES.index(seg.source),
            label_ids.get(match.label, 0) + 1 if match else 0,
            min(10, int(match.score * 10)) if match else 0,
        ]
    return Features(chars, bbox, cues)


def _scale(v: float, size: float) -> int:
    return int(min(1000, max(0, round(1000 * v / size)))) if size > 0 else 0


def build_vocab(texts, min_count: int = 1) -> dict[str, int]:
    """Character vocabulary from training texts, plus every character of the edition configs."""
    counts: dict[str, int] = {}
    for text in texts:
        for ch in text:
            key = char_key(ch)
            counts[key] = counts.get(key, 0) + 1
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for ch, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if c >= min_count and ch not in vocab:
            vocab[ch] = len(vocab)
    return vocab
