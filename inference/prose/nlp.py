"""How the prose is read: sentences, and the quantities in them.

The jieba segmenter (the only Chinese tokenizer that works offline here) cuts words, spaCy's
sentencizer rules cut sentences, and its Matcher rules mark quantities (number token plus unit
token, Arabic or Chinese numerals, or one token such as `三件`), all in `xxgk.inference.zh_text`
without importing spaCy. jieba's dictionary loads on first use, once per process.
"""

from __future__ import annotations

from functools import lru_cache

from xxgk.inference.prose.quantities import CN_NUMBER
from xxgk.inference.zh_text import QuantityReader

SENTENCE_END = ["。", "！", "？", "；", "!", "?", ";"]


@lru_cache(maxsize=4)
def nlp_for(units: tuple[str, ...]) -> QuantityReader:
    """Sentences and quantities of these units; one reader (and one jieba dictionary) per process."""
    return QuantityReader(units, SENTENCE_END, numeral=rf"(?:\d+(?:\.\d+)?|[{CN_NUMBER}]+)")
