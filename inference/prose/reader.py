"""The prose stage: meta the layout missed, then the prose's statements checked against the cells."""

from __future__ import annotations

from functools import lru_cache

from xxgk.contract import Report
from xxgk.inference.prose.checks import check_facts
from xxgk.inference.prose.config import ProseConfig, load_config
from xxgk.inference.prose.facts import FactFinder
from xxgk.inference.prose.meta import fill_meta
from xxgk.inference.sections import SectionSplit
from xxgk.templates import Edition


class ProseReader:
    """Finds the config's facts in a report's prose and checks them against its cells."""

    def __init__(self, config: ProseConfig | None = None):
        self.config = config or load_config()
        self.finder = FactFinder(self.config)

    def __call__(self, report: Report, split: SectionSplit, edition: Edition) -> Report:
        """Add the prose checks (and warnings) to the report; fill missing meta from the prose."""
        paragraphs = split.paragraphs()
        fill_meta(report, paragraphs, edition)
        facts = self.finder.facts_in(paragraphs, report.meta.year)
        checks = check_facts(facts, self.config.facts, report, edition)
        report.checks.extend(checks)
        for c in checks:
            if c.ok is False:
                report.warnings.append(f"{c.rule}: prose disagrees with the table: {c.detail}")
        return report


@lru_cache(maxsize=1)
def default_reader() -> ProseReader:
    return ProseReader()
