"""Numbers as reports write them in prose: Arabic or Chinese numerals, full-width digits, a unit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": "."})
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMBER = "零〇一二两三四五六七八九十百千万"
"""The characters of a number written in Chinese numerals."""


def parse_number(text: str) -> int | float | None:
    """`3`, `12.5`, `三`, `二十三`, `一百零五`, `两` -> the number; None for anything else."""
    text = text.translate(_FULLWIDTH)
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    if not text or any(c not in CN_NUMBER for c in text):
        return None
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Quantity:
    value: int | float
    unit: str
    text: str


def split_quantity(text: str, units: Sequence[str]) -> Quantity | None:
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            value = parse_number(text[: -len(unit)])
            if value is not None:
                return Quantity(value, unit, text)
    return None


def normalize(text: str) -> str:
    """Full-width digits to ASCII, spaces dropped (dumps space out numbers: `申请 3 件`)."""
    return "".join(text.translate(_FULLWIDTH).split())
