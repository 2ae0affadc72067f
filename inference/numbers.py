"""Reading one table cell's text as a number, without guessing.

A cell's text gives one reading, or several when it is ambiguous (`2 0` is 20 split by letter
spacing, or two cells merged), each with a penalty; the reconciler picks among them with the
table's arithmetic. Nothing here invents a value: text that is not a number is `illegible`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from xxgk.templates import Unit

Number = int | float
ReadingKind = Literal["number", "blank", "na", "illegible"]

# Word's field-code errors end up in exported tables instead of the cell's value.
_FIELD_ERRORS = ("错误!", "错误！", "Error!", "error!", "未定义书签", "未指定文件名", "未找到引用源")
_NA = {"-", "/", "—", "——", "－", "―", "–", "\\", "／", "…", "...", "---", "--", "×", "x", "X"}
_ZERO_WORDS = {"无", "零", "〇"}
_SEPARATORS = str.maketrans({"，": ",", "．": ".", "。": ".", "、": ",", "−": "-", "﹣": "-"})
_NUM = re.compile(r"^[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+\-]?\d+(?:\.\d+)?$")
_POINT_SEPARATED = re.compile(r"^[+\-]?\d{1,3}(?:\.\d{3})+$")
"""`2.016`: a thousands separator printed (or read by OCR) as a point."""
_UNIT_SUFFIX = re.compile(r"^(?P<num>.*?)\s*(?P<unit>万元|元|件|个|条|项|次|人次|人|家|份)$")


@dataclass(frozen=True)
class Reading:
    """What a cell's text says: a value and, when ambiguous, the alternatives with penalties."""

    kind: ReadingKind
    text: str
    candidates: tuple[tuple[Number | None, float], ...] = field(default=())
    """(value, penalty) pairs, best first; penalty 0 for an unambiguous reading."""

    @property
    def value(self) -> Number | None:
        return self.candidates[0][0] if self.candidates else None

    @property
    def ambiguous(self) -> bool:
        return len({v for v, _ in self.candidates}) > 1


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters) and unified separators; whitespace collapsed."""
    t = unicodedata.normalize("NFKC", text).translate(_SEPARATORS)
    return " ".join(t.split())


def _as_number(token: str) -> Number | None:
    if not _NUM.match(token):
        return None
    token = token.replace(",", "")
    value = float(token)
    return int(value) if value.is_integer() and "." not in token else value


def _to_unit(value: Number, written_unit: str | None, unit: Unit) -> Number:
    """Amounts are reported in 万元; a value written in 元 is converted."""
    if unit == "wan" and written_unit == "元":
        return _tidy(value / 10000)
    return value


def _tidy(value: float) -> Number:
    value = round(value, 6)
    return int(value) if float(value).is_integer() else value


def is_field_error(text: str) -> bool:
    return any(marker in text for marker in _FIELD_ERRORS)


def looks_like_value(text: str) -> bool:
    """True for anything a value cell may hold: numbers, blanks, dashes, field errors."""
    t = normalize(text)
    if not t or t in _NA or t in _ZERO_WORDS or is_field_error(t):
        return True
    return parse(t, "signed").kind == "number" or split_cells(t) is not None


def parse(text: str, unit: Unit = "count") -> Reading:
    """Read a cell's text for a column of the given unit."""
    t = normalize(text)
    if not t:
        return Reading("blank", text, ((0, 0.0),))
    if t in _NA or set(t) <= set("-—－―/／"):
        return Reading("na", text, ((None, 0.0),))
    if t in _ZERO_WORDS:
        return Reading("number", text, ((0, 0.0),))
    if is_field_error(t):
        return Reading("illegible", text)
    written_unit = None
    m = _UNIT_SUFFIX.match(t)
    if m and m.group("num"):
        t, written_unit = m.group("num").strip(), m.group("unit")
    single = _as_number(t)
    if single is not None:
        if unit != "signed" and single < 0:
            return Reading("illegible", text)
        if unit != "wan" and not float(single).is_integer():
            return Reading("number", text, _fraction_candidates(t, single))
        return Reading("number", text, ((_to_unit(single, written_unit, unit), 0.0),))
    tokens = t.split(" ")
    numbers = [_as_number(tok) for tok in tokens]
    if len(tokens) > 1 and all(n is not None for n in numbers):
        return Reading("number", text, _merged_candidates(tokens, numbers, written_unit, unit))
    return Reading("illegible", text)


def _fraction_candidates(token: str, value: float) -> tuple[tuple[Number | None, float], ...]:
    """A fraction in a column of counts, which cannot hold one: the text as written, at a cost that
    loses to the integer its digits make (`2.016`: 2016 with a point for a thousands separator, as
    OCR reads a comma; any other point a speck), so the cell comes out `corrected` and flagged."""
    digits = int(token.lstrip("+-").replace(",", "").replace(".", ""))
    sign = -1 if token.startswith("-") else 1
    separator = _POINT_SEPARATED.match(token) is not None
    return ((value, 1.0), (sign * digits, 0.3 if separator else 0.6))


def _merged_candidates(tokens: list[str], numbers: list[Number | None], written_unit: str | None,
                       unit: Unit) -> tuple[tuple[Number | None, float], ...]:
    """Readings of `2 0`: the digits of one number split by spacing, or one real cell plus debris.

    Concatenation is preferred when every token is a single digit (letter-spaced numbers);
    otherwise the tokens are separate cells merged by the dump and each is a candidate.
    """
    out: list[tuple[Number | None, float]] = []
    joined = _as_number("".join(tokens))
    digit_run = all(len(tok) == 1 for tok in tokens)
    if joined is not None:
        out.append((_to_unit(joined, written_unit, unit), 0.2 if digit_run else 0.6))
    for i, n in enumerate(numbers):
        if n is not None:
            out.append((_to_unit(n, written_unit, unit), 0.4 + 0.05 * i))
    out.sort(key=lambda c: c[1])
    seen: set[Number | None] = set()
    unique = []
    for v, p in out:
        if v not in seen:
            seen.add(v)
            unique.append((v, p))
    return tuple(unique)


def split_cells(text: str) -> list[str] | None:
    """The cells of a segment that holds several numbers (`0 0 0`, `4 933.71万元`), else None."""
    tokens = normalize(text).split(" ")
    if len(tokens) > 1 and all(tok in _NA or parse(tok, "signed").kind == "number" for tok in tokens):
        return tokens
    return None
