"""The prose's own numbers, checked against the tables: the report's first cross-check.

Reports say in words what their tables say in cells (`2020年，我局收到政府信息公开申请3件，上年度
留存政府信息公开申请1件`, `本年度未收到依申请公开政府信息`). This stage finds those statements and
adds one `prose.<fact>` check per statement to the report, with the sentence quoted in its detail:
ok true when the cells agree, false when they do not, null when the edition has no such cell or the
cell is missing (a truncated table). It never changes a cell. It also fills the report's agency,
year and publication date from the prose when the title block and signature gave none.

What counts as a statement, and which cells it must match, lives in `configs/prose_facts.toml`;
the reading is spaCy's (a blank Chinese pipeline with jieba), built once per process on first use.

Modules, one job each:
    config.py      the schema of `configs/prose_facts.toml`: facts, their patterns and cells
    nlp.py         the spaCy pipeline: sentences and quantity spans
    quantities.py  numbers written in words or digits (`二十三件`, `12.5万元`)
    facts.py       the statements of a report's paragraphs (`ProseFact`)
    checks.py      each statement against the cells: one `prose.<fact>` check
    meta.py        agency, year and publication date from the prose, when the layout gave none
    reader.py      the stage (`ProseReader`): all of the above on one report
"""
