"""The report's agency, year and publication date as its prose states them, for the fields the title
block and the signature left empty (`本报告是某某县民政局…`, `2020年度政府信息公开工作报告`,
`发布日期：2021-01-20`, a dateline closing the last part)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from xxgk.contract import MetaEvidence, Report
from xxgk.inference.meta_config import default_meta_config
from xxgk.inference.meta_text import dateline
from xxgk.inference.metadata import clean_agency, parse_date
from xxgk.inference.prose.quantities import normalize
from xxgk.inference.sections import PREAMBLE
from xxgk.templates import Edition

_ORG_SUFFIX = "局|委员会|办公室|办公厅|人民政府|政府|中心|管理委员会|管委会|办事处|厅|委|院|署|所|站|馆|队"
_NOT_IN_NAME = "政府和|和省|和市|有关|决策|部署|的|在|对|了|及|与"
_PLACE = "(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|镇|乡|街道)"
_AGENCY_IN_PROSE = re.compile(
    rf"(?:^|[,，。;；:：、(（]|\d{{4}}年度?)"
    rf"(?P<name>(?:(?!{_NOT_IN_NAME})[\u4e00-\u9fff]){{2,10}}?{_PLACE}"
    rf"(?:(?!{_NOT_IN_NAME})[\u4e00-\u9fff]){{1,18}}?(?:{_ORG_SUFFIX}))"
    rf"(?=政府信息公开|政务公开|信息公开|依据|根据|按照|坚持|认真|深入|严格|全面|高度|围绕|紧紧|始终|"
    rf"积极|持续|扎实|不断|切实|进一步|共|在|的|[,，。;；、]|$)")
_LEAD_WORDS = re.compile(r"^(?:本报告是|本报告由|本报告|特向社会公布|现将|公布|发布|根据|按照|是|由|为)+")
_BOOK_TITLE = re.compile(r"《[^》]*》")
_YEAR_REPORT = re.compile(r"(20\d{2})年度?[\u4e00-\u9fff]{0,20}?(?:政府信息公开|政务公开)"
                          r"(?:工作)?(?:年度)?(?:报告|年报)")
_YEAR_OPENING = re.compile(r"^(20\d{2})年(?:度)?[,，]")
_PUBLISHED = re.compile(r"(?:发布|印发|公开|成文)(?:日期|时间)[:：]?\s*(20\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)")


def prose_meta(paragraphs: Sequence[tuple[str, str]], edition: Edition) -> tuple[str | None, int | None, str | None]:
    """(agency, year, publication date) the prose states, each None when it does not: the agency and
    year from the preamble and the edition's opening part, the date from a dateline closing it."""
    first_part, last_part = edition.section_role("opening"), edition.section_role("closing")
    opening = [(w, normalize(t)) for w, t in paragraphs if w in (PREAMBLE, first_part)][:12]
    counts: dict[str, int] = {}
    for _, text in opening:
        for m in _AGENCY_IN_PROSE.finditer(_BOOK_TITLE.sub("", text)):
            name = clean_agency(_LEAD_WORDS.sub("", m.group("name")))
            if name:
                counts[name] = counts.get(name, 0) + 1
    agency = max(counts, key=lambda k: counts[k]) if counts else None
    year = None
    for _, text in opening:
        m = _YEAR_REPORT.search(_BOOK_TITLE.sub("", text))
        if m:
            year = int(m.group(1))
            break
    if year is None:
        first = next((t for w, t in opening if w == first_part), "")
        m = _YEAR_OPENING.search(first)
        year = int(m.group(1)) if m else None
    date = None
    for _, text in paragraphs:
        m = _PUBLISHED.search(normalize(text))
        if m:
            date = parse_date(m.group(1))
            break
    if date is None and year is not None:
        tail = [normalize(t) for w, t in paragraphs if w == last_part][-2:]
        for text in reversed(tail):
            found = dateline(text)
            if found and int(found[:4]) == year + 1:
                date = found
                break
    return agency, year, date


def fill_meta(report: Report, paragraphs: Sequence[tuple[str, str]], edition: Edition) -> None:
    """Set the meta fields the report lacks to what the prose states, with a warning and evidence."""
    meta = report.meta
    if meta.agency and meta.year and meta.publish_date:
        return
    agency, year, date = prose_meta(paragraphs, edition)
    trust = default_meta_config().confidence.prose
    for name, value in (("agency", agency), ("year", year), ("publish_date", date)):
        if getattr(meta, name) is None and value is not None:
            setattr(meta, name, value)
            report.warnings.append(f"meta.{name} taken from the prose: {value}")
            report.meta_evidence[name] = MetaEvidence(source="prose", text=str(value), confidence=trust)
