"""Label Studio labeling configs for correcting the pipeline's segments, built from the label set.

Two task kinds, two configs (Label Studio shows one kind of object per project):

- `image`: PDFs, scans and photos. One task per document, its pages as a multi-page image
  (`valueList`), one rectangle per segment labelled from the classifier's label set
  (`RectangleLabels`), and the segment's transcription editable in a per-region `TextArea`.
- `text`: text dumps and web pages. The document is shown as text, one line per physical row with
  ` │ ` between a row's segments and `∅` for an empty cell (see `tasks.render_text`), segments
  as labelled spans (`Labels` over `Text`), the transcription again a per-region `TextArea`.

Each label carries the template wording as a hover hint (`row:t3.granted` -> `（一）予以公开`)
and a colour by kind, so annotators need not learn the keys.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Literal

from xxgk.templates import Edition, label_set

TaskKind = Literal["image", "text"]

LABEL = "label"
"""Control holding each region's label (RectangleLabels or Labels)."""
TRANSCRIPTION = "transcription"
"""Per-region TextArea holding the segment's text as the annotator reads it."""
IMAGE = "page"
"""Image object: the document's pages (`$pages`, a list of image URLs)."""
TEXT = "text"
"""Text object: the rendered document (`$text`)."""

STRUCTURAL_HINTS = {
    "O": "其他文字（不属于表格和标题）",
    "title": "报告标题",
    "meta.agency": "发布机关名称",
    "meta.date": "发布日期",
    "header": "表头、表格说明",
    "row_group": "跨行的分组单元格（如“（三）不予公开”）",
    "value": "数值单元格（含空白单元格）",
}

COLOURS = {"value": "#1f77b4", "row": "#2ca02c", "col": "#ff7f0e", "sec": "#9467bd", "meta": "#8c564b",
           "header": "#7f7f7f", "row_group": "#17becf", "title": "#d62728", "O": "#c7c7c7"}


def label_hints(editions: dict[str, Edition]) -> dict[str, str]:
    """Per label, the wording annotators see on hover: the template's own for rows, columns, sections."""
    hints = dict(STRUCTURAL_HINTS)
    for ed in editions.values():
        for s in ed.spec.sections:
            hints.setdefault(f"sec:{s.id}", s.heading)
        for t in ed.spec.tables:
            for g in t.groups:
                for r in g.rows:
                    hints.setdefault(f"row:{t.id}.{r.key}", "/".join((*r.path, r.label)))
                for c in g.cols:
                    hints.setdefault(f"col:{t.id}.{c.key}", "/".join((*c.path, c.label)))
    return hints


def _colour(label: str) -> str:
    if label in COLOURS:
        return COLOURS[label]
    return COLOURS.get(label.split(":", 1)[0].split(".", 1)[0], "#bcbd22")


def labeling_config(kind: TaskKind, editions: dict[str, Edition]) -> str:
    """The labeling config XML for `kind` with every label of `label_set(editions)`, in its order."""
    hints = label_hints(editions)
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$doc_id")
    # the document on the left, the long label list in a scrolling column on the right
    row = ET.SubElement(view, "View", style="display: flex; align-items: flex-start")
    main = ET.SubElement(row, "View", style="flex: 4; min-width: 0")
    side = ET.SubElement(row, "View", style="flex: 1; margin-left: 12px; max-height: 85vh; overflow-y: auto")
    if kind == "image":
        ET.SubElement(main, "Image", name=IMAGE, valueList="$pages", zoom="true", zoomControl="true",
                      rotateControl="false")
        control = ET.SubElement(side, "RectangleLabels", name=LABEL, toName=IMAGE, showInline="false",
                                strokeWidth="1", opacity="0.25")
        target = IMAGE
    else:
        ET.SubElement(main, "Text", name=TEXT, value="$text", granularity="symbol")
        control = ET.SubElement(side, "Labels", name=LABEL, toName=TEXT, showInline="false")
        target = TEXT
    for label in label_set(editions):
        attrs = {"value": label, "background": _colour(label)}
        if label in hints:
            attrs["hint"] = hints[label]
        ET.SubElement(control, "Label", attrs)
    ET.SubElement(view, "TextArea", name=TRANSCRIPTION, toName=target, perRegion="true", editable="true",
                  required="false", maxSubmissions="1", rows="1", displayMode="region-list",
                  placeholder="文字或数字，照原文录入")
    ET.indent(view)
    return ET.tostring(view, encoding="unicode")


def config_labels(config: str) -> tuple[str, ...]:
    """The label values of a labeling config, in order (to tell whether a project's labels are current)."""
    root = ET.fromstring(config)
    control = root.find(f".//*[@name='{LABEL}']")
    return tuple(el.get("value", "") for el in control.iter("Label")) if control is not None else ()
