"""How a report title, a dateline and a labelled field look as text.

A title holds the report phrase (政府信息公开工作年度报告); its agency is what precedes the phrase,
less the year and any site or navigation text before a separator, and its year is the one next to
the phrase (the report year, not the year of publication). A dateline is a line that is a date and
nothing else (`2021年1月22日`, `2025-01-09 09:44`), which a date inside a sentence or a period
(`2019年1月1日至12月31日`) never is. A field is a label a page prints before a value
(`发布时间：…`, `来源：…`): the label must start the line or follow a space or punctuation, so
`统计时间：` is not the field `时间`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from xxgk.inference.agency import agency_name, norm
from xxgk.inference.meta_config import MetaConfig, TitleWords, default_meta_config

_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年度?|$)")
"""A year in a title: `2021年`, `2021年度`, or `2021` right before the phrase took its `年度`."""
_DATE_CN = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日目曰]?"
"""A date written with 年月日 (OCR reads 日 as 目 or 曰 now and then)."""
_DATE_ISO = r"((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
_ANY_DATE = re.compile(rf"{_DATE_CN}|{_DATE_ISO}")
_TIME = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATELINE = re.compile(rf"(?:{_DATE_CN}|{_DATE_ISO}){_TIME}")
_WRAPPERS = "()（）[]【】〔〕<>《》 \u3000。.,，:：;；"
_TITLE_NOISE = re.compile(r"[《》“”\"']|的$")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_CN_YEAR = re.compile(r"([〇○零O一二三四五六七八九]{4})(\s*年)")
_CN_NUM = "([一二三四五六七八九十]{1,3})"
_CN_MONTH_DAY = re.compile(rf"(\d{{4}}\s*年\s*){_CN_NUM}(\s*月\s*){_CN_NUM}(\s*日)")


def _cn_number(text: str) -> int:
    """一 … 三十一, as official datelines write months and days."""
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def arabic_dates(text: str) -> str:
    """Years and dates written in Chinese numerals (二〇二一年一月二十日) in Arabic digits."""
    text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGIT[c]) for c in m.group(1)) + m.group(2), text)
    return _CN_MONTH_DAY.sub(lambda m: f"{m.group(1)}{_cn_number(m.group(2))}{m.group(3)}"
                                       f"{_cn_number(m.group(4))}{m.group(5)}", text)


def _date(groups: tuple[str | None, ...]) -> str | None:
    y, mo, d = (int(g) for g in groups if g is not None)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_date(text: str) -> str | None:
    """The first date anywhere in `text` (ISO `YYYY-MM-DD`), or None."""
    m = _ANY_DATE.search(arabic_dates(unicodedata.normalize("NFKC", text)))
    return _date(m.groups()) if m else None


def dateline(text: str) -> str | None:
    """The date `text` is, when it is a date and nothing else (a time of day may follow)."""
    t = arabic_dates(unicodedata.normalize("NFKC", text)).strip(_WRAPPERS)
    m = _DATELINE.fullmatch(t)
    return _date(m.groups()) if m else None


_TRAILING_DATE = re.compile(rf"(?:{_DATE_CN}|{_DATE_ISO}){_TIME}$")


def trailing_date(text: str) -> tuple[str, str] | None:
    """(text before, date) of a line that ends with a date (`某市教育局 2021年1月22日`), or None. A
    run-on line (a crawler's whole article on one line) ends with its signature: the text before
    is then the last sentence's remainder (`…请与某市教育局联系。某市教育局 2021年1月22日`)."""
    t = arabic_dates(norm(text)).rstrip(_WRAPPERS)
    m = _TRAILING_DATE.search(t)
    date = _date(m.groups()) if m else None
    if not (m and date):
        return None
    before = t[: m.start()]
    ends = [e.end() for e in _SENTENCE_END.finditer(before)]
    return before[ends[-1] if ends else 0:], date


@lru_cache(maxsize=4)
def _phrase(words: TitleWords) -> re.Pattern[str]:
    return re.compile(words.phrase)


def is_title(text: str, words: TitleWords | None = None) -> bool:
    """A report title: the report phrase, short, not a sentence and not a navigation trail."""
    words = words or default_meta_config().title
    t = norm(text)
    return (len(t) <= words.max_length and bool(_phrase(words).search(t)) and not t.endswith("。")
            and not any(n in t for n in words.navigation))


@dataclass(frozen=True)
class TitleParts:
    agency: str | None
    year: int | None


@lru_cache(maxsize=4)
def _head_marks(config: MetaConfig) -> tuple[str, ...]:
    """Where a title's agency can start: after a separator, a navigation word or a printed label."""
    words = config.title
    labels = (*config.fields.title, *config.fields.agency, *config.fields.publish_date)
    marks = {s.strip() for s in (*words.separators, *words.navigation, *words.record_labels, *words.trail_words,
                                 *words.lead_words, *labels)}
    return tuple(sorted(marks - {""}, key=len, reverse=True))


_SENTENCE_END = re.compile(r"[。！？!?；;]")


def _agency_start(head: str, config: MetaConfig) -> int:
    """Where the agency can start in the text before a title's report phrase: after the last
    separator, navigation word or printed label (`_head_marks`), else at the beginning."""
    return max((head.rfind(s) + len(s) for s in _head_marks(config) if s in head), default=0)


def title_window(text: str, config: MetaConfig | None = None) -> str | None:
    """The title inside a line too long to be one (a crawler's run-on article: navigation, title
    and prose on one line): the report phrase and the text before it back to the sentence end,
    navigation mark or separator before the agency; None when that is no title. A title without
    its agency counts only opening the line and naming the year (`2023年年度政府信息公开工作报告
    2024-02-25 根据…`, the agency printed on the line above)."""
    config = config or default_meta_config()
    t = arabic_dates(unicodedata.normalize("NFKC", text))
    for m in _phrase(config.title).finditer(t):
        head = t[: m.start()]
        start = max([_agency_start(head, config), *(mm.end() for mm in _SENTENCE_END.finditer(head))])
        window = (head[start:] + m.group()).strip()
        parts = title_parts(window, config) if is_title(window, config.title) else TitleParts(None, None)
        if parts.agency or (parts.year and not head[:start].strip()):
            return window
    return None


def title_parts(text: str, config: MetaConfig | None = None) -> TitleParts:
    """Agency and report year a title names (either None when it does not name it)."""
    config = config or default_meta_config()
    t = arabic_dates(norm(text))
    m = _phrase(config.title).search(t)
    if m is None:
        return TitleParts(None, None)
    head = t[: m.start()]
    head = head[_agency_start(head, config):]
    years = _YEAR.findall(head) or _YEAR.findall(t[m.end():])
    name = _TITLE_NOISE.sub("", _YEAR.sub("", head).translate(_drop(config.title.noise)))
    return TitleParts(agency_name(name, place_ok=True) if name else None, int(years[-1]) if years else None)


@lru_cache(maxsize=4)
def _drop(chars: str) -> dict[int, None]:
    return str.maketrans("", "", chars)


@dataclass(frozen=True)
class Field:
    field: str
    """`title`, `agency` or `publish_date`."""
    label: str
    value: str


SHORT_LABEL = 2
"""Labels this long or shorter (时间, 来源) must stand apart; longer ones (发布时间) may be glued."""


@lru_cache(maxsize=8)
def _field_patterns(config: MetaConfig, short_ok: bool) -> tuple[re.Pattern[str], dict[str, str]]:
    by_label = {label: name for name in ("title", "agency", "publish_date")
                for label in getattr(config.fields, name)}

    def alternation(labels: list[str]) -> str:
        return "|".join(re.escape(lb) for lb in sorted(labels, key=len, reverse=True))

    long = alternation([lb for lb in by_label if len(lb) > SHORT_LABEL])
    short = alternation([lb for lb in by_label if len(lb) <= SHORT_LABEL])
    pattern = rf"(?:({long})|(?<![\w])({short}))\s*[:：]" if short_ok else rf"({long})()\s*[:：]"
    return re.compile(pattern), by_label


def field_label(text: str, config: MetaConfig | None = None) -> str | None:
    """The field a cell or line that is only a label (`发布机构`, `标题：`) introduces, or None."""
    _, by_label = _field_patterns(config or default_meta_config(), True)
    return by_label.get(norm(text).rstrip(":："))


def fields_in(line: str, config: MetaConfig | None = None, *, short_ok: bool = True) -> list[Field]:
    """Every `label: value` field of a line; a value runs to the next label or the line's end.
    `short_ok=False` (a long line, prose or glued OCR text) reads only the longer labels."""
    pattern, by_label = _field_patterns(config or default_meta_config(), short_ok)
    text = unicodedata.normalize("NFKC", line)
    hits = list(pattern.finditer(text))
    out = []
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        value = text[m.end(): end].strip()
        label = m.group(1) or m.group(2)
        if value:
            out.append(Field(by_label[label], label, value))
    return out


def field_value(f: Field) -> str | int | None:
    """What a field says: a title (kept whole), an agency name, or a publication date."""
    if f.field == "title":
        return f.value
    if f.field == "agency":
        first = f.value.split()[0] if f.value.split() else ""
        return agency_name(first)
    value = unicodedata.normalize("NFKC", f.value).strip()
    m = _ANY_DATE.match(value)
    if m is None:
        return None
    rest = value[m.end():].lstrip()
    if rest.startswith(("至", "到", "—", "-", "~", "起")):
        return None  # a period, not a date
    return _date(m.groups())
