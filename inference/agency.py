"""Whether a piece of text is an agency name, and the name it holds.

A name must look like one: Chinese characters (brackets allowed), ending with an agency word
(局, 委员会, 办公室, 人民政府, 实验区, 中心, …) or, where a title names only the place whose
government reports (洪泽区2023年…), with a place word. A name that starts with a clause word or
holds a verb is a clause cut from a sentence (请联系三明市…办公室, 并报送莆田市档案馆和图书馆,
紧紧围绕实验区党工委): it is refused, never trimmed, because what such a clause names is a contact
office or a recipient, not the report's author. The words are in `configs/metadata.toml`.
"""

from __future__ import annotations

import re
import unicodedata

from xxgk.inference.meta_config import AgencyWords, default_meta_config

_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff（）()]+$")
_DOUBLED_PLACE = re.compile(r"^(.{2,6}?[省市县区旗州盟])\1")


def norm(text: str) -> str:
    """NFKC and no whitespace: how names and titles are compared."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def agency_name(text: str, *, place_ok: bool = False, in_sentence: bool = False,
                words: AgencyWords | None = None) -> str | None:
    """The agency name `text` is, whole, or None; `place_ok` also accepts a bare place (titles only),
    `in_sentence` (a name cut from prose) also refuses one-character clause words at its start."""
    words = words or default_meta_config().agency
    name = _DOUBLED_PLACE.sub(r"\1", norm(text))
    if not (words.min_length <= len(name) <= words.max_length) or not _NAME_CHARS.match(name):
        return None
    if name.startswith(words.clause_starts) or any(w in name for w in words.clause_words):
        return None
    if in_sentence and name.startswith(words.sentence_starts):
        return None
    if name.endswith(words.suffixes) or (place_ok and name.endswith(words.places)):
        return name
    return None


def mend_department(name: str, departments: tuple[str, ...]) -> str | None:
    """`name` with its department's one misread character put right (自然资源知规划局 ->
    自然资源和规划局), or None: the name must end one substitution off exactly one known department
    of four characters or more, and longer than any known department it ends with as read (规划局
    is one, but 自然资源知规划局 is no place's 规划局)."""
    exact = max((len(d) for d in departments if name.endswith(d)), default=0)
    mended = {name[: len(name) - len(d)] + d for d in departments
              if len(d) >= max(4, exact + 1) and len(name) > len(d)
              and sum(a != b for a, b in zip(name[-len(d):], d, strict=True)) == 1}
    return mended.pop() if len(mended) == 1 else None
