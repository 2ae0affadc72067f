"""Which template edition a report's tables follow, decided from its labels, never from its year.

A 2021 report printed in the 2019 layout is edition 2019. Evidence is the row and column labels the
labeler found that only one edition has (`col:t2.issued` is 2021, `row:t3.other` is 2019); the year
only breaks a tie, with a warning, and labels that fit no edition make the report `unknown`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from xxgk.document import Document
from xxgk.options import ReadingOptions
from xxgk.templates import Edition


@dataclass(frozen=True)
class EditionGuess:
    edition: Edition | None
    evidence: dict[str, int]
    """Per edition, the number of exclusive labels found."""
    coverage: float
    """Share of the chosen edition's row labels found in the document."""
    warning: str | None = None
    error: str | None = None


def detect_edition(doc: Document, editions: dict[str, Edition], year: int | None,
                   reading: ReadingOptions) -> EditionGuess:
    """The edition whose exclusive labels the document has most of; none (an error) below
    `reading.min_edition_coverage` of its row labels found."""
    found = Counter(s.label for s in doc.segments if s.label and s.label.startswith(("row:", "col:")))
    values = sum(1 for s in doc.segments if s.label == "value" and s.text.strip())
    evidence = {}
    for ed in editions.values():
        others = set().union(*(o.label_keys for o in editions.values() if o is not ed))
        evidence[ed.id] = sum(1 for lab in found if lab in ed.label_keys and lab not in others)
    best = max(evidence.values())
    leaders = [e for e in editions.values() if evidence[e.id] == best]
    warning = None
    if len(leaders) > 1:
        chosen = _by_year(leaders, year)
        warning = (f"edition could not be told from the table labels; assumed {chosen.id}"
                   + (f" from the report year {year}" if year else ""))
    else:
        chosen = leaders[0]
    rows_found = {lab for lab in found if lab.startswith("row:") and lab in chosen.label_keys}
    all_rows = {lab for lab in chosen.label_keys if lab.startswith("row:")}
    coverage = len(rows_found) / len(all_rows)
    if coverage < reading.min_edition_coverage:
        if values >= 10 or rows_found:
            error = ("unknown edition: the document has tables, but their labels match none of the "
                     f"known template editions ({', '.join(editions)}); only {len(rows_found)} of "
                     f"{len(all_rows)} template rows were recognised")
        else:
            error = "no report tables found in the document"
        return EditionGuess(None, evidence, coverage, error=error)
    return EditionGuess(chosen, evidence, coverage, warning=warning)


def _by_year(candidates: list[Edition], year: int | None) -> Edition:
    if year is not None:
        for ed in candidates:
            if year in ed.spec.report_years:
                return ed
    return candidates[-1]
