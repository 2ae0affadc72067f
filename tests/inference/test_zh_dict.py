"""jieba's dictionary read a first character at a time gives jieba's own words."""

from __future__ import annotations

import tempfile

from xxgk.inference import zh_dict
from xxgk.inference.zh_dict import PrefixDict, write_prefix_dict

TEXT = "2020年，我局收到政府信息公开申请3件，上年度留存政府信息公开申请1件，收费金额0.5万元。"


def test_prefix_dict_reads_back_what_was_written(tmp_path) -> None:
    freq = {"政": 0, "政府": 500, "政府信息": 20, "申请": 300, "件": 40, "3": 2}
    write_prefix_dict(freq, 862, tmp_path / "d")
    read = PrefixDict(tmp_path / "d")
    assert read.total == 862 and dict(read) == freq and len(read) == len(freq)
    assert read["政府"] == 500 and "政府信" not in read and read.get("年") is None and read.get("件", 1) == 40


def test_tokenizer_cuts_as_jieba_with_its_whole_dictionary() -> None:
    import jieba

    lazy = zh_dict.tokenizer()
    assert isinstance(lazy.FREQ, PrefixDict)
    assert list(lazy.cut(TEXT)) == list(jieba.cut(TEXT))


def test_without_a_writable_temp_folder_the_whole_dictionary_is_kept(tmp_path, monkeypatch) -> None:
    import jieba

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "missing"))
    tk = zh_dict.tokenizer()
    assert isinstance(tk.FREQ, dict) and tk.initialized
    assert list(tk.cut(TEXT)) == list(jieba.cut(TEXT))
