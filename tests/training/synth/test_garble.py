"""OCR-style damage to generated labels: the same report as its clean copy, its labels misread."""

import random

from xxgk.templates import load_editions
from xxgk.training.synth.corpus import generate_doc

EDITIONS = load_editions()


def test_a_garbled_copy_is_the_same_report_with_damaged_labels():
    """Garbled and clean copies are compared cell by cell (`xxgk eval`: gen-crawler and
    gen-crawler-garbled), which only measures the damage if everything else is equal."""
    for shape in ("nodes", "runon", "tabs"):
        clean = generate_doc(random.Random(5), EDITIONS, "d", "text", shape, edition_id="2021")
        garbled = generate_doc(random.Random(5), EDITIONS, "d", "text", shape, edition_id="2021", garble=0.05)
        assert garbled.gold == clean.gold
        assert garbled.content != clean.content
