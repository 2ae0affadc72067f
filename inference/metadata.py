"""Agency, report year and publication date, read where people read them, with their evidence.

Every place that prints them (see `xxgk.inference.meta_sources`: the title, the page's title and meta
tags, labelled fields, the dateline, the signature, the statistics period) gives evidence; for each
field the most trusted place wins (the year: the value with most trust summed over its places), and
its confidence rises to the config's `agreed` when another kind of place says the same (agency
names agree when one starts the other: 洪泽区 / 洪泽区人民政府), or falls to `disputed` when
places disagree on the year.
A field no place states stays None: the prose reader may fill it later, flagged as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from xxgk.document import Document
from xxgk.inference.agency import agency_name, mend_department
from xxgk.inference.meta_config import MetaConfig, default_meta_config
from xxgk.inference.meta_sources import (
    Evidence,
    from_fields,
    from_period,
    from_properties,
    from_signature,
    from_title,
    lines_of,
)
from xxgk.inference.meta_text import dateline, is_title, parse_date

__all__ = ["Evidence", "Meta", "clean_agency", "extract_meta", "is_agency_line", "is_date_line", "is_title",
           "parse_date"]

FIELDS = ("agency", "year", "publish_date")


@dataclass(frozen=True)
class Meta:
    agency: str | None
    year: int | None
    publish_date: str | None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    """The evidence each found field was taken from (its source, text and confidence)."""


def clean_agency(text: str) -> str | None:
    """The agency name a name cut from a sentence is, or None (a clause, a place, anything else)."""
    return agency_name(text, in_sentence=True)


def is_agency_line(text: str) -> bool:
    return agency_name(text) is not None


def is_date_line(text: str) -> bool:
    return dateline(text) is not None


def _agree(name: str, a: str | int, b: str | int) -> bool:
    if name == "agency":
        return str(a).startswith(str(b)) or str(b).startswith(str(a))
    return a == b


def choose(evidence: list[Evidence], name: str, config: MetaConfig) -> Evidence | None:
    """The most trusted evidence for a field (reading order breaks ties), confirmed by agreement.

    The year is voted on (trust summed per value), because every place that states it states the
    same thing, and an OCR misread of one (2028 for 2023) is outvoted by the others; a year some
    place contradicts keeps at most the `disputed` confidence, so a reviewer sees it.
    """
    mine = [e for e in evidence if e.field == name]
    if not mine:
        return None
    trust = config.confidence
    best = max(mine, key=lambda e: e.confidence)
    if name == "year":
        votes: dict[str | int, float] = {}
        for e in mine:
            votes[e.value] = votes.get(e.value, 0.0) + e.confidence
        winner = max(votes, key=lambda v: votes[v])
        best = max((e for e in mine if e.value == winner), key=lambda e: e.confidence)
        if len(votes) > 1:
            return replace(best, confidence=min(best.confidence, trust.disputed))
    if any(e.source != best.source and _agree(name, e.value, best.value) for e in mine):
        return replace(best, confidence=max(best.confidence, trust.agreed))
    return best


def gather(doc: Document, config: MetaConfig) -> list[Evidence]:
    lines = lines_of(doc)
    return [*from_title(lines, config), *from_properties(doc, config), *from_fields(lines, config),
            *from_signature(lines, config), *from_period(lines, config)]


def _year_before(date: Evidence, config: MetaConfig) -> Evidence:
    """A report covers the year before it is published (the regulations set 31 January of the next
    year as the deadline): evidence for the year where no place prints it legibly, and agreement
    (or a dispute a reviewer sees) where one does."""
    return Evidence("year", int(str(date.value)[:4]) - 1, "published", date.text, config.confidence.published)


def extract_meta(doc: Document, config: MetaConfig | None = None) -> Meta:
    config = config or default_meta_config()
    evidence = gather(doc, config)
    if (date := choose(evidence, "publish_date", config)) is not None:
        evidence.append(_year_before(date, config))
    chosen = {name: e for name in FIELDS if (e := choose(evidence, name, config))}
    if doc.input_kind in ("scanned_pdf", "image") and (found := chosen.get("agency")) is not None \
            and (mended := mend_department(str(found.value), config.agency.departments)) is not None:
        chosen["agency"] = replace(found, value=mended, confidence=min(found.confidence, config.confidence.mended))
    agency, year, date = (chosen[n].value if n in chosen else None for n in FIELDS)
    return Meta(agency=str(agency) if agency is not None else None, year=int(year) if year is not None else None,
                publish_date=str(date) if date is not None else None, evidence=chosen)
