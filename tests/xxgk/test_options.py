"""`configs/pipeline.toml` loads into `PipelineOptions`, and a changed value reaches the stage that uses it."""

import tomllib

import pytest
from pydantic import ValidationError

from xxgk.contract import CellOut
from xxgk.inference.labeling.rules import RuleLabeler
from xxgk.inference.numbers import parse
from xxgk.inference.pipeline import Pipeline
from xxgk.inference.reconcile import Alternative, reconcile
from xxgk.options import PipelineOptions, load_options
from xxgk.resources import config_path
from xxgk.settings import Settings
from xxgk.templates import load_editions


def _changed(options: PipelineOptions, section: str, **values) -> PipelineOptions:
    part = getattr(options, section).model_copy(update=values)
    return options.model_copy(update={section: part})


def test_shipped_options_load_and_every_field_says_why():
    options = load_options()
    assert options.review.below == 0.9
    for section in PipelineOptions.model_fields:
        fields = type(getattr(options, section)).model_fields
        assert fields, section
        assert all(f.description for f in fields.values()), section


def test_a_missing_or_unknown_value_is_refused(tmp_path):
    data = tomllib.loads(config_path("pipeline.toml").read_text(encoding="utf-8"))
    del data["reading"]["cost_split"]
    with pytest.raises(ValidationError, match="cost_split"):
        PipelineOptions.model_validate(data)
    data = tomllib.loads(config_path("pipeline.toml").read_text(encoding="utf-8"))
    data["scan"]["blank_inc"] = 0.001
    with pytest.raises(ValidationError, match="blank_inc"):
        PipelineOptions.model_validate(data)


def test_settings_name_the_options_file_the_pipeline_reads(tmp_path):
    text = config_path("pipeline.toml").read_text(encoding="utf-8").replace("below = 0.9 ", "below = 0.5 ")
    path = tmp_path / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    editions = load_editions()
    pipeline = Pipeline(labeler=RuleLabeler(editions), editions=editions,
                        settings=Settings(pipeline_config=path))
    assert pipeline.options.review.below == 0.5


def _zeros(ed, doubted: dict[str, float] | None = None, absent: str = "") -> list[list[Alternative]]:
    """One reading per template row, every cell a printed 0 read at 0.99 (or as `doubted` says)."""
    doubted = doubted or {}
    return [[Alternative({k: (parse("0", ed.units[k]), doubted.get(k, 0.99)) for k in row.cell_keys if k != absent})]
            for row in ed.rows]


def test_a_raised_review_threshold_flags_more_cells():
    """The threshold reaches the reconciler, which confirms a doubtful cell only through cells at or
    above it: raised above what the cells were read with, nothing vouches for the doubtful cell,
    and every cell is left to a reviewer."""
    ed = load_editions()["2019"]
    groups = _zeros(ed, {"t3.granted.natural_person": 0.4})
    options = load_options()
    flagged = {}
    for below in (options.review.below, 0.995):
        cells = reconcile(ed, groups, options=_changed(options, "review", below=below)).cells
        flagged[below] = sum(CellOut(value=c.value, status=c.status, confidence=c.confidence).needs_review(below)
                             for c in cells.values())
        expected = options.confidence.confirmed if below == options.review.below else 0.4
        assert cells["t3.granted.natural_person"].confidence == expected
    assert flagged == {options.review.below: 0, 0.995: len(ed.cell_keys)}


def test_a_changed_confidence_reaches_the_reconciler():
    """A cell solved from an identity carries `confidence.inferred`, whatever the file says."""
    ed = load_editions()["2019"]
    groups = _zeros(ed, absent="t4.review.total")
    options = load_options()
    for value in (options.confidence.inferred, 0.42):
        cell = reconcile(ed, groups, options=_changed(options, "confidence", inferred=value)).cells["t4.review.total"]
        assert (cell.value, cell.status, cell.confidence) == (0, "inferred", value)
