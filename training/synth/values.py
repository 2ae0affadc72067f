"""Random but arithmetically consistent report contents: the truth a generated document prints.

Values follow the template's identities (row totals, outcome sums, the balance of table 3, row
totals of table 4) and the shapes real reports have: most agencies receive few or no requests,
some receive thousands; amounts in 万元 with decimals; `本年增/减` can be negative. A share of
reports get one printed cell off by a few units, as real reports do; the gold keeps what is printed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from xxgk.inference.numbers import Number
from xxgk.templates import Edition

PLACES = ("临汾市", "聊城市", "彭阳县", "会宁县", "慈溪市", "三明市", "遵义市", "绵阳市", "赣州市", "岳阳市",
          "南充市", "曲靖市", "泰安市", "商丘市", "宜宾市", "常德市", "荆州市", "桂林市", "九江市", "江门市",
          "昆山市", "义乌市", "晋江市", "长沙县", "海安市", "平湖市", "安吉县", "永嘉县", "东阳市", "新津区",
          "朝阳区", "浦东新区", "南山区", "鼓楼区", "雁塔区", "和平区", "天河区", "江北区", "武侯区", "历下区")
AGENCIES = ("退役军人事务局", "民政局", "财政局", "教育局", "卫生健康委员会", "自然资源和规划局", "生态环境局",
            "住房和城乡建设局", "交通运输局", "农业农村局", "水利局", "商务局", "文化广电旅游局", "应急管理局",
            "市场监督管理局", "医疗保障局", "人力资源和社会保障局", "司法局", "审计局", "统计局", "林业局",
            "乡村振兴局", "发展和改革委员会", "人民政府办公室", "科学技术局", "公安局", "体育局", "城市管理局")


@dataclass
class ReportTruth:
    """What a generated report says: its metadata and the value printed in every cell."""

    edition: str
    agency: str
    year: int
    publish_date: str
    values: dict[str, Number | None]
    """Cell key -> printed value; None where the report prints a dash (not applicable)."""
    broken: list[str] = field(default_factory=list)
    """Cells printed off the template's arithmetic (the report's own error)."""


def _count(rng: random.Random, level: str, weight: float = 1.0) -> int:
    if level == "zero" or rng.random() > weight:
        return 0
    hi = {"small": 6, "medium": 60, "large": 2500}[level]
    return int(rng.random() ** 2 * hi)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Distribute a count over bins (a multinomial draw), keeping the sum exact."""
    out = [0] * len(weights)
    norm = sum(weights)
    cum = []
    acc = 0.0
    for w in weights:
        acc += w / norm
        cum.append(acc)
    for _ in range(min(total, 5000)):
        r = rng.random()
        out[next(i for i, c in enumerate(cum) if r <= c or i == len(cum) - 1)] += 1
    if total > 5000:
        out[0] += total - 5000
    return out


def sample_truth(rng: random.Random, edition: Edition, year: int | None = None) -> ReportTruth:
    level = rng.choices(["zero", "small", "medium", "large"], weights=[3, 4, 2.5, 1])[0]
    values: dict[str, Number | None] = {}
    _table2(rng, edition, level, values)
    _table3(rng, edition, level, values)
    _table4(rng, level, values)
    years = edition.spec.report_years
    year = year or rng.choice(list(years[:3]) if years else [2020])
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    truth = ReportTruth(edition.id, rng.choice(PLACES) + rng.choice(AGENCIES), year,
                        f"{year + 1}-{month:02d}-{day:02d}", values)
    if rng.random() < 0.15:
        _break_arithmetic(rng, edition, truth)
    missing = set(edition.cell_keys) - set(values)
    assert not missing, f"generator does not fill {sorted(missing)[:3]}"
    return truth


def _table2(rng: random.Random, edition: Edition, level: str, values: dict[str, Number | None]) -> None:
    for row in edition.rows:
        if row.table != "t2":
            continue
        for key, unit in zip(row.cell_keys, row.units, strict=True):
            col = key.split(".")[2]
            if unit == "wan":
                decimals = rng.choice([0, 1, 2, 3, 4])
                v: Number | None = 0 if rng.random() < 0.4 else round(rng.random() ** 2 * 3000, decimals)
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
            elif unit == "signed":
                v = rng.randint(-20, 30) if rng.random() < 0.5 else 0
            else:
                v = _count(rng, level if level != "zero" else "small", 0.7)
            if col in ("total_published", "in_force"):
                v = (v or 0) + _count(rng, "medium")
            values[key] = v
        if row.row in ("licensing", "other_services", "penalty", "coercion", "fees") and rng.random() < 0.1:
            for key in row.cell_keys:
                if key.endswith(".prev_count"):
                    values[key] = None  # a department new this year prints `-`


def _table3(rng: random.Random, edition: Edition, level: str, values: dict[str, Number | None]) -> None:
    rows = [r.row for r in edition.rows if r.table == "t3"]
    outcome_rows = [r for r in rows if r not in ("new_received", "carried_over", "total", "carried_forward")]
    applicant_cols = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org"]
    col_weight = [1.0, 0.35, 0.05, 0.08, 0.12, 0.2]
    weights = [6.0 if r == "granted" else 2.0 if r.startswith(("partial", "unavailable_not")) else 0.6
               for r in outcome_rows]
    for c, w in zip(applicant_cols, col_weight, strict=True):
        new = _count(rng, level, w)
        carried = _count(rng, "small" if level != "zero" else "zero", 0.3 * w)
        forward = rng.randint(0, min(new + carried, 5)) if rng.random() < 0.3 else 0
        done = new + carried - forward
        parts = _split(rng, done, weights)
        values[f"t3.new_received.{c}"] = new
        values[f"t3.carried_over.{c}"] = carried
        values[f"t3.carried_forward.{c}"] = forward
        values[f"t3.total.{c}"] = done
        for r, v in zip(outcome_rows, parts, strict=True):
            values[f"t3.{r}.{c}"] = v
    for r in rows:
        values[f"t3.{r}.total"] = sum(values[f"t3.{r}.{c}"] or 0 for c in applicant_cols)


def _table4(rng: random.Random, level: str, values: dict[str, Number | None]) -> None:
    for r in ("review", "suit_direct", "suit_after_review"):
        parts = [_count(rng, "small" if level in ("medium", "large") else "zero", 0.3) for _ in range(4)]
        for c, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"t4.{r}.{c}"] = v
        values[f"t4.{r}.total"] = sum(parts)


def _break_arithmetic(rng: random.Random, edition: Edition, truth: ReportTruth) -> None:
    keys = [k for k in edition.cell_keys if k.startswith(("t3.", "t4.")) and truth.values.get(k) is not None]
    key = rng.choice(keys)
    old = truth.values[key] or 0
    truth.values[key] = max(0, old + rng.choice([-3, -2, -1, 1, 1, 2, 5, 10]))
    if truth.values[key] != old:
        truth.broken.append(key)
