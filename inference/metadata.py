"""Agency, report year and publication date from the title block and the signature.

Titles come whole (`临汾市退役军人事务局2020年政府信息公开工作年报`), split over two segments
(`彭阳县退役军人事务局` / `2020 年政府信息公开工作年度报告`), with the year first, or with the
place name doubled by a CMS (`慈溪市慈溪市退役军人事务局`); the signature at the end (agency line,
date line) is the fallback, and the statistics period sentence gives the year when no title does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from xxgk.document import Document

_REPORT_PHRASE = re.compile(r"(?:年度)?(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)")
_NAVIGATION = (">", "＞", "当前位置", "首页")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年度?")
_ORG_SUFFIX = ("局", "委员会", "委", "政府", "办公室", "办公厅", "厅", "院", "中心", "管委会", "办事处",
               "公司", "所", "站", "队", "署", "部", "会", "馆", "社", "处", "办", "府")
_AGENCY = re.compile(r"^[\u4e00-\u9fff（）()]{3,40}$")
_DATE_CN = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"(20\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_PERIOD = re.compile(r"统计(?:期限|时限|区间|时间)[^。]{0,20}?(20\d{2})\s*年\s*1\s*月\s*1\s*日")
_DOUBLED_PLACE = re.compile(r"^(.{2,6}?[省市县区旗州])\1")
_TITLE_WINDOW = 12
_SIGNATURE_WINDOW = 8


@dataclass(frozen=True)
class Meta:
    agency: str | None
    year: int | None
    publish_date: str | None


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_title(text: str) -> bool:
    """A report title line: the report phrase, short, not a sentence and not a breadcrumb trail."""
    t = _norm(text)
    return (len(t) <= 70 and bool(_REPORT_PHRASE.search(t)) and not t.endswith("。")
            and not any(n in t for n in _NAVIGATION))


def parse_date(text: str) -> str | None:
    t = _norm(text)
    m = _DATE_CN.search(t) or _DATE_ISO.search(t)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def is_date_line(text: str) -> bool:
    t = _norm(text)
    return parse_date(t) is not None and len(t) <= 24


def clean_agency(text: str) -> str | None:
    t = _norm(text)
    t = _REPORT_PHRASE.sub("", t)
    t = _YEAR.sub("", t)
    t = re.sub(r"^(关于|发布|公布)", "", t).strip("的")
    t = _DOUBLED_PLACE.sub(r"\1", t)
    if _AGENCY.match(t) and t.endswith(_ORG_SUFFIX):
        return t
    return None


def is_agency_line(text: str) -> bool:
    return clean_agency(text) is not None and len(_norm(text)) <= 40


def _find_title(texts: list[str]) -> tuple[int, str] | None:
    """(index of its last segment, text) of the title, which a PDF may wrap over two or three lines."""
    for i in range(min(len(texts), _TITLE_WINDOW * 4)):
        for k in (1, 2, 3):
            joined = "".join(_norm(t) for t in texts[i: i + k])
            if is_title(joined):
                return i + k - 1, joined
            if len(joined) > 70:
                break
    return None


def extract_meta(doc: Document) -> Meta:
    texts = [s.text for s in doc.segments]
    found = _find_title(texts)
    title_at = found[0] if found else None
    agency = year = None
    if found is not None:
        title_at, title = found
        block = "".join(_norm(t) for t in texts[max(0, title_at - 2): title_at + 1])
        years = _YEAR.findall(title) or _YEAR.findall(block)
        year = int(years[0]) if years else None
        agency = clean_agency(title) or _agency_before(texts, title_at)
    signature_agency, signature_date = _signature(texts)
    agency = agency or signature_agency
    if year is None:
        m = _PERIOD.search("".join(_norm(t) for t in texts[:80]))
        if m:
            year = int(m.group(1))
    date = _top_date(texts, title_at) or signature_date
    return Meta(agency=agency, year=year, publish_date=date)


def _agency_before(texts: list[str], title_at: int) -> str | None:
    for t in reversed(texts[max(0, title_at - 2): title_at]):
        if not t.strip():
            continue
        agency = clean_agency(t)
        if agency:
            return agency
    block = "".join(_norm(t) for t in texts[max(0, title_at - 1): title_at + 1])
    return clean_agency(block)


def _signature(texts: list[str]) -> tuple[str | None, str | None]:
    tail = [t for t in texts[-_SIGNATURE_WINDOW * 3:] if t.strip()][-_SIGNATURE_WINDOW:]
    for i in range(len(tail) - 1, -1, -1):
        if is_date_line(tail[i]):
            for j in range(i - 1, max(-1, i - 3), -1):
                if is_agency_line(tail[j]):
                    return clean_agency(tail[j]), parse_date(tail[i])
            return None, parse_date(tail[i])
    return None, None


def _top_date(texts: list[str], title_at: int | None) -> str | None:
    start = title_at + 1 if title_at is not None else 0
    for t in texts[start: start + 3]:
        if is_date_line(t):
            return parse_date(t)
    return None
