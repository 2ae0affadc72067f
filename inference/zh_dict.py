"""jieba's word dictionary, read a first character at a time instead of all at start-up.

jieba loads its whole prefix dictionary (350,000 words and prefixes with their frequencies) before
cutting the first sentence: 0.6 s of CPU, more than everything else a text report needs. The prose
checks cut a few paragraphs, which touch a few hundred first characters. So the dictionary jieba
would build (`Tokenizer.gen_pfdict` over its own dict.txt, the same words and frequencies) is
written once per machine into a file grouped by first character, and a tokenizer is given a
mapping that reads a group the first time a word starting with that character is looked up.
jieba's cutting code runs unchanged on it, so the words are jieba's own.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import struct
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

FORMAT = 1
_HEADER = struct.Struct("<Q")


class PrefixDict(Mapping[str, int]):
    """Word (or prefix) -> frequency, as jieba's `Tokenizer.FREQ`, loaded by first character."""

    def __init__(self, path: Path):
        self._data = path.read_bytes()
        (size,) = _HEADER.unpack_from(self._data)
        self.total, self._index = marshal.loads(self._data[_HEADER.size:_HEADER.size + size])
        self._base = _HEADER.size + size
        self._groups: dict[str, dict[str, int]] = {}

    def _group(self, first: str) -> dict[str, int]:
        group = self._groups.get(first)
        if group is None:
            offset, length = self._index.get(first, (0, 0))
            start = self._base + offset
            group = marshal.loads(self._data[start:start + length]) if length else {}
            self._groups[first] = group
        return group

    def __getitem__(self, word: str) -> int:
        return self._group(word[:1])[word]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._group(word[:1])

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        return self._group(word[:1]).get(word, default)

    def __iter__(self) -> Iterator[str]:
        for first in self._index:
            yield from self._group(first)

    def __len__(self) -> int:
        return sum(len(self._group(first)) for first in self._index)


def write_prefix_dict(freq: Mapping[str, int], total: int, path: Path) -> None:
    """The grouped file: a header (total, first character -> (offset, length)), then the groups."""
    groups: dict[str, dict[str, int]] = {}
    for word, count in freq.items():
        groups.setdefault(word[:1], {})[word] = count
    index: dict[str, tuple[int, int]] = {}
    blobs = []
    offset = 0
    for first, group in groups.items():
        blob = marshal.dumps(group)
        index[first] = (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    header = marshal.dumps((total, index))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.fchmod(fd, 0o644)  # one file for every user of the machine, as the folder is shared
    with os.fdopen(fd, "wb") as fh:
        fh.write(_HEADER.pack(len(header)))
        fh.write(header)
        fh.writelines(blobs)
    os.replace(tmp, path)  # whole or not at all, when two processes build it at once


def _import_jieba():
    """jieba imports pkg_resources (a seventh of a second) only to open its own data files, which it
    opens by path when pkg_resources is missing: it is hidden from that one import."""
    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if hide:
            del sys.modules["pkg_resources"]
    return jieba


def tokenizer():
    """A jieba tokenizer over the default dictionary, its words read lazily from the grouped file
    (built on first use beside jieba's own cache; the whole dictionary in memory where that fails)."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    source = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    stat = source.stat()
    key = hashlib.sha1(f"{FORMAT} {jieba.__version__} {source} {stat.st_size} {stat.st_mtime_ns}".encode())
    path = Path(tempfile.gettempdir()) / f"xxgk-jieba-{key.hexdigest()[:16]}.dict"
    if not path.exists():
        freq, total = tk.gen_pfdict(tk.get_dict_file())
        try:
            write_prefix_dict(freq, total, path)
        except OSError:  # no writable temp folder: this process keeps the dictionary it built
            tk.FREQ, tk.total, tk.initialized = freq, total, True
            return tk
    try:
        prefixes = PrefixDict(path)
    except OSError:  # a file this user cannot read: jieba loads its dictionary itself
        return tk
    tk.FREQ, tk.total, tk.initialized = prefixes, prefixes.total, True
    return tk
