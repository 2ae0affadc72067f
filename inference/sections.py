"""The report's prose by section (一 to 六), from the section labels of its segments."""

from __future__ import annotations

from xxgk.document import Document

PROSE_SECTIONS = ("overview", "problems", "other")


def extract_sections(doc: Document) -> dict[str, str]:
    """Text of the prose sections, rows joined by newlines; table sections are not repeated."""
    current: str | None = None
    lines: dict[str, list[str]] = {}
    last_row: dict[str, int] = {}
    for seg in doc.segments:
        if seg.label and seg.label.startswith("sec:"):
            current = seg.label[4:]
            continue
        if current not in PROSE_SECTIONS or not seg.text.strip():
            continue
        bucket = lines.setdefault(current, [])
        if last_row.get(current) == seg.row and bucket:
            bucket[-1] += " " + seg.text.strip()
        else:
            bucket.append(seg.text.strip())
        last_row[current] = seg.row
    return {name: "\n".join(lines[name]) for name in PROSE_SECTIONS if name in lines}
