"""Labeling configs: every label of the label set, the right objects and controls, the XML itself."""

import xml.etree.ElementTree as ET
from pathlib import Path

from xxgk.annotations.config import config_labels, label_hints, labeling_config
from xxgk.templates import Edition, EditionSpec, label_set, load_editions

TINY = Edition(EditionSpec.model_validate({
    "edition": "t", "description": "tiny", "sections": [{"id": "t3", "name": "申请", "heading": "三、申请情况"}],
    "tables": [{"id": "t3", "title": "三", "groups": [{
        "cols": [{"key": "total", "label": "总计"}],
        "rows": [{"key": "granted", "label": "（一）予以公开", "path": ["三、本年度办理结果"]}]}]}]}))

EXPECTED_IMAGE = Path(__file__).with_name("data") / "image_config_tiny.xml"
"""The image config of the tiny edition below, as Label Studio receives it."""


def test_config_image_xml_for_a_tiny_edition():
    assert labeling_config("image", {"t": TINY}) + "\n" == EXPECTED_IMAGE.read_text(encoding="utf-8")


def test_config_text_uses_span_labels_over_text():
    root = ET.fromstring(labeling_config("text", {"t": TINY}))
    assert root.find(".//Text").attrib == {"name": "text", "value": "$text", "granularity": "symbol"}
    labels = root.find(".//Labels")
    assert labels.get("toName") == "text" and labels.get("name") == "label"
    area = root.find(".//TextArea")
    assert area.get("toName") == "text" and area.get("perRegion") == "true"
    assert root.find(".//Image") is None and root.find(".//RectangleLabels") is None


def test_config_carries_the_whole_label_set_in_order():
    editions = load_editions()
    for kind in ("image", "text"):
        assert config_labels(labeling_config(kind, editions)) == label_set(editions)


def test_config_hints_give_template_wordings():
    hints = label_hints(load_editions())
    assert hints["row:t3.denied_state_secret"] == "三、本年度办理结果/（三）不予公开/1.属于国家秘密"
    assert hints["col:t2.issued"] == "本年制发件数"
    assert hints["sec:problems"].startswith("五、")
    assert set(label_set(load_editions())) <= set(hints)
