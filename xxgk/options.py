"""The pipeline's tuning: every cost, confidence, threshold and limit its stages weigh, in one place.

The numbers live in `configs/pipeline.toml` (package data) and only there: the models below give
no defaults, so a number cannot hide in code, and a field the file lacks (or one it adds) is an
error when it is loaded. Each field's docstring says why it has its value. The `Pipeline` loads
the options once and hands every stage the section it needs; tests and experiments change a
value with `model_copy(update=...)` on a section and pass the result.

What stays a module constant is what is not tuned: a regex, a unit factor, the 200-dpi frame of
every box, the input sizes the classifier was trained with, and the safety limits the service
checks uploads against with the same words as the pipeline.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from xxgk import resources


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ReviewOptions(_Section):
    below: float
    """A cell read with lower confidence needs review, like any cell whose status is not `read` (the
    output contract's threshold: the scorer counts flagged cells with it, exports colour them, the
    review page lists them; and the reconciler trusts only cells at or above it)."""


class ReadingOptions(_Section):
    """How rows are read: the costs that rank a row's readings and the limits of the searches."""

    order_likeness: float
    """A row label read out of the template's order and sharing less than this share of its row's
    wording's characters is taken for unread (`xxgk.inference.row_order.out_of_order`): a garbled
    label the classifier matched to the wrong row (measured: 0.08 for such a label on a heavy fax;
    a garbled but right label shares 0.6 and more)."""
    max_merged: int
    """Segments per row whose split is searched (2^k readings)."""
    max_options: int
    """Readings of a row as printed kept for the reconciler, cheapest first."""
    cost_unsplit_digits: float
    """Keeping `4 0` as one number: letter-spaced digits are common in PDF text layers."""
    cost_unsplit: float
    """Keeping `23 0` as one cell: only debris next to a real value makes it one cell."""
    cost_split: float
    """Splitting a segment that holds several numbers into cells (merged cells are the common case)."""
    cost_drop_leading: float
    """An empty cell right after the label read as filler of a spanning label."""
    cost_drop_trailing: float
    """An empty cell at a row's end dropped (Word's tabs and pipe terminators pad rows often)."""
    cost_short: float
    """Per cell of the row left without a segment."""
    cost_failed_identity: float
    """Per identity of the row itself (total = sum of parts) that the reading breaks."""
    cost_damaged: float
    """A reading that undoes a dump's damage (runs expanded, digits cut, a split number joined)."""
    max_damaged: int
    """Damaged readings kept per row; a row with more that fit is marked `truncated`."""
    max_readings: int
    """Damaged readings enumerated per row before the row is given up as too ambiguous to restore."""
    cost_label_doubt: float
    """Reading cost per unit of doubt (1 - probability) in the label that opened a row."""
    max_combinations: int
    """Joint readings of one group of linked rows searched exhaustively; beyond, coordinate descent."""
    max_assignments: int
    """Fully specified readings kept per row (its alternatives × its ambiguous cells' candidates)."""
    max_named_candidates: int
    """Readings of a damaged row named in its warning; more are shown as `…`."""
    column_offset: float
    """How far from a column's centre a number of a space-laid row may sit, as a share of the gap to
    the next column, to be placed in that column."""
    column_gap: float
    """Display columns between two numbers' centres that set them in different columns, when a
    table's columns are found from the numbers of rows that each print only some cells."""
    wan_plausible_max: int
    """An amount at or above this many 万元 (100 million 元) with no unit printed is taken for 元 printed
    in a 万元 column and flagged."""
    min_edition_coverage: float
    """Below this share of an edition's row labels found, a document with table values is of an
    unknown edition."""


class ConfidenceOptions(_Section):
    """What a cell's confidence is lowered (or raised) to, and why; below `review.below` it is flagged."""

    split_penalty: float
    """Confidence factor for a cell cut out of a segment that held several (`0 0 0`)."""
    guess: float
    """A cell whose column was guessed (see `RowOption.guess_from`), or an implausibly large amount:
    as likely wrong as right."""
    ocr_sure: float
    """A recogniser score below this leaves a cell no identity checks (table 2) to a reviewer: misread
    digits in table 2 came with scores of 0.92–0.96 on degraded scans. Below it, a cell that its
    failing row and column put at one other value is taken as misread and corrected."""
    unverifiable: float
    """A value nothing can confirm and something makes doubtful (an unsure OCR reading, a unit taken
    from the header alone)."""
    lost_ink: float
    """A scanned cell read blank in a document that prints its zeros: about one in four such blanks is
    a number the scan lost (faint ink, a fax, a seal over it), as measured on degraded real scans."""
    by_order: float
    """A row whose label was not read, placed by the template's row order (`row_order`): its numbers
    are read, which row they belong to is inferred."""
    flagged: float
    """Cells in a failed identity that no holding identity pins: under the review threshold."""
    misread: float
    """A recognised cell moved to the value its failing row and column agree on (`reconcile._misreads`)."""
    decided: float
    """A cell whose reading the arithmetic decided among several: trusted, not certain."""
    undecided: float
    """A cell whose readings the arithmetic could not tell apart: flagged for review."""
    restored: float
    """A cell restored from a dump's damage (runs expanded, digits cut) that only one reading fits."""
    joined: float
    """A number printed in two pieces, joined because the arithmetic confirms it."""
    inferred: float
    """A missing cell solved from an identity it is the only unknown of: right when the other cells
    are, which nothing else confirms."""
    confirmed: float
    """A read cell pinned by an identity that holds, every other cell of which is trusted."""
    unchecked: float
    """A number read where every identity goes unchecked: cells missing beside it, or the identity
    spent on solving one (it holds by construction)."""
    unseen_edition: float
    """Cells of a report whose edition the model never learned: read, but every one needs review."""


class ScanOptions(_Section):
    """Thresholds of reading page images (scanned PDF pages, photos): ink, recogniser scores, geometry."""

    blank_ink: float
    """Share of ink pixels below which a page is blank (a scanner's specks, a faint bleed-through)."""
    min_free_score: float
    """Text outside tables read with less confidence than this is noise (specks, a seal's rim)."""
    min_cell_score: float
    """A cell's text read with less confidence than this is dropped (noise in a blank cell reads as
    junk characters); the cell keeps the low score, so its value is flagged for review."""
    dark: float
    """Print is at least this far from the paper's grey towards the text's (measured: the strokes of a
    heavily worn copy reach 0.85 and more, the grey blots of its background 0.55-0.66)."""
    lost_sign_score: float
    """A minus found in the ink but not in the reading: the number is kept signed, and flagged."""
    tall_line: float
    """Text outside tables more than this many times the median line height (a row group's label
    beside its rows, where the table's rules were not found) is a line of its own."""
    probe_score: float
    """Text read from a cell's bare ink (no detected line) is kept only this confident."""
    min_skew: float
    """Degrees below which a page is left as it is (a turn blurs a little)."""
    max_skew: float
    """A larger measured angle is not a skew (a diagonal stamp, a sideways table)."""
    min_chroma: int
    """Channel spread (max - min) from which a pixel counts as coloured ink. Tinted paper and a
    blue-black print stay below it (measured: paper tint up to 50, blue-black toner up to 45)."""
    seal_min_side: float
    """Smallest seal side as a share of the page's long side (official seals are 38-45 mm across,
    small ones 20 mm; 0.012 of A4 is 3.6 mm, so a half-printed seal or a tiny one still counts)."""
    seal_max_side: float
    """Largest seal side as a share of the page's long side (a 50 mm oval seal on A4 is 0.17)."""
    seal_max_aspect: float
    """A seal is round or oval: a coloured area longer than this to one side is a heading or a rule."""
    even_light: int
    """Spread (grey levels, 5th to 95th percentile) of the estimated paper below which a page's light
    is taken as even and left unflattened."""
    rule_edge: int
    """A line this close to the image's edge is the edge of the scan, not a rule (pages have margins)."""
    streak_min_length: float
    """A streak runs through at least this share of the page (a shorter line is judged as a rule)."""
    streak_edge_zone: float
    """Ends within this share of the page's extent from the image's edges reach the sheet's edges."""
    streak_gap: int
    """Blank pixels on each side of a line inside a text box that show the box spans two cells (a
    number set close to a rule sits 3 px from it; strokes of one character are closer)."""
    speck_ink: float
    """Share of ink in the bands either side of a short rule piece (5-14 px away) from which it is
    speckle, not a rule: a fax's or a worn copy's noise clumps into short straight runs, and a
    stroke of a character the detector missed reads as one too; the paper beside a rule is clear
    (measured: rules of real scans at most 0.19, specks of a heavy fax 0.2-0.75)."""
    speck_length: int
    """Pieces at least this long (pixels at 200 dpi, some three rows) are judged as rules whatever
    lies beside them: a long rule through a dark fold or a copier's tone is still a rule."""


class TextOptions(_Section):
    """Thresholds of reading text: text dumps (lines, wrapped cells, drawn boxes, run-on lines, page
    furniture) and a PDF's text layer."""

    min_text_chars: int
    """Mapped characters a PDF page mostly covered by an image needs to count as a text page (a scanned
    page may carry a stamped page number or a few OCR'd words: with fewer, it is read by OCR)."""
    run_gap: float
    """A gap wider than this many median glyph widths in a PDF text line separates two fields."""
    edge_lines: int
    """Non-blank lines at the top and at the bottom of a dump's page that may be furniture."""
    min_box_lines: int
    """Lines with box-drawing characters a dump needs before they are read as a drawn table."""
    width_values: int
    """Numbers at the end of a line that make it a table row when telling how the dump counts columns."""
    width_max_gap: int
    """Lines between two rows of numbers that may still be rows of one table (wrapped labels between)."""
    column_slack: int
    """Display columns two pieces' starts may differ by and still be one column."""
    max_fragment: int
    """Longer text on a line without numbers is prose, not a wrapped cell."""
    max_joined_label: int
    """Characters a label put back together from a crawler's one-node-per-line pieces may reach."""
    max_cell_lines: int
    """Lines above or below its row that a value cell's wrapped words may take."""
    row_values: int
    """Numbers a line needs at its end to be a table row's line of values (wrapped rows)."""
    min_glued_values: int
    """Value runs glued to labels a line must hold before it is read as a run-on table."""
    min_wording: int
    """Characters a row label's wording needs to cut run-on text at (shorter ones match by chance)."""
    run_on_length: int
    """Lines shorter than this are never read as a run-on table."""
    max_group: int
    """Characters a group cell (`三、本年度办理结果`, `（三）不予公开`) takes at most: text before an
    enumerator further on is a sentence, never cut into a group label and a row label."""
    min_spaced_rows: int
    """Lines of numbers set apart by runs of spaces that make a dump space-laid, whatever its blank lines."""
    min_number_lines: int
    """One-number lines a dump needs before the absence of repeats says its runs were collapsed."""


class PipelineOptions(_Section):
    """Every section of `configs/pipeline.toml`."""

    review: ReviewOptions
    reading: ReadingOptions
    confidence: ConfidenceOptions
    scan: ScanOptions
    text: TextOptions


def shipped_path() -> Path:
    """The shipped `configs/pipeline.toml` (`Settings.pipeline_config` may name another)."""
    return resources.config_path("pipeline.toml")


@lru_cache(maxsize=8)
def load_options(path: Path | None = None) -> PipelineOptions:
    """The options of a pipeline.toml (default: the shipped one), read once per path."""
    with (path or shipped_path()).open("rb") as fh:
        return PipelineOptions.model_validate(tomllib.load(fh))
