"""The spaCy pipeline the prose is read with: sentences, and the quantities in them.

A blank Chinese pipeline with the jieba segmenter (the only Chinese tokenizer that works offline
here), a sentencizer, and a Matcher that marks quantities (number token plus unit token, Arabic or
Chinese numerals, or one token such as `三件`). spaCy and jieba are imported on first use and the
pipeline is built once per process (about 3 s).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from xxgk.inference.prose.quantities import CN_NUMBER

if TYPE_CHECKING:
    from spacy.language import Language

SENTENCE_END = ["。", "！", "？", "；", "!", "?", ";"]


@lru_cache(maxsize=4)
def nlp_for(units: tuple[str, ...]) -> Language:
    """Blank Chinese spaCy with jieba, a sentencizer and a quantity Matcher; built once per process.

    The import of spaCy and jieba's dictionary load take seconds, so they wait for the first report
    with prose worth reading.
    """
    import jieba
    import spacy
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    jieba.setLogLevel(logging.WARNING)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_END})
    matcher = Matcher(nlp.vocab)
    unit_alt = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    numeral = rf"(?:\d+(?:\.\d+)?|[{CN_NUMBER}]+)"
    matcher.add("QUANTITY", [
        [{"LIKE_NUM": True}, {"TEXT": {"IN": list(units)}}],
        [{"TEXT": {"REGEX": rf"^{numeral}$"}}, {"TEXT": {"IN": list(units)}}],
        [{"TEXT": {"REGEX": rf"^{numeral}(?:{unit_alt})$"}}],
    ])
    if not Doc.has_extension("quantities"):
        Doc.set_extension("quantities", default=None)

    @spacy.Language.component("xxgk_quantities", assigns=["doc._.quantities"])
    def quantities(doc: Doc) -> Doc:
        doc._.quantities = filter_spans(matcher(doc, as_spans=True))
        return doc

    if "xxgk_quantities" not in nlp.pipe_names:
        nlp.add_pipe("xxgk_quantities")
    return nlp
