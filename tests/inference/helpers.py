"""Documents built by hand for stage tests: rows of (text, label) pairs, no ingest involved."""

from xxgk.document import Document, Segment


def doc_from_rows(rows: list[list[tuple[str, str]]], doc_id: str = "t") -> Document:
    """A labeled text document whose physical rows are the given rows of (text, label)."""
    segments = []
    for r, row in enumerate(rows):
        for f, (text, label) in enumerate(row):
            segments.append(Segment(id=len(segments), text=text, row=r, source="text",
                                    bbox=(100.0 * f, 10.0 * r, 100.0 * f + 90, 10.0 * r + 9),
                                    label=label, label_score=0.99))
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", input_kind="text", segments=segments)


def values(*texts: str) -> list[tuple[str, str]]:
    return [(t, "value") for t in texts]
