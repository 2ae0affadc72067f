"""A whole report as a ruled-table PDF, printed like the national template, from gold cell values.

Labels come from the edition config, values from a gold file: table 2 as stacked 第二十条 groups,
table 3 with three label columns (row-group cells spanning their rows) under the two-level
applicant header, table 4 as two header rows of column groups and one 15-cell data line. The
result is what an agency's Word export looks like, for end-to-end tests of the PDF path.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.pdfs import Border, Cell, PdfWriter, Table, Vertical
from xxgk.templates import Edition, TableSpec

TEXT_WIDTH = 483.0
Values = dict[str, int | float]


def _fmt(value: int | float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def table2(spec: TableSpec, values: Values) -> Table:
    """Four columns; each group is a title row, a header row and its data rows."""
    cells: list[Cell] = []
    row = 0
    for group in spec.groups:
        cells.append(Cell(row, 0, group.label or "", col_span=4))
        heads = [spec.headers[0] if spec.headers else "信息内容", *(c.label for c in group.cols)]
        row += 1
        for r_spec in [None, *group.rows]:
            texts = heads if r_spec is None else [
                r_spec.label, *(_fmt(values[f"{spec.id}.{r_spec.key}.{c.key}"]) for c in group.cols)]
            for col, text in enumerate(texts):
                span = 4 - col if col == len(texts) - 1 else 1
                cells.append(Cell(row, col, text, col_span=span))
            row += 1
    return Table([165.0, 106.0, 106.0, 106.0], cells, size=10.0, min_row_height=18.0)


def table3(spec: TableSpec, values: Values) -> Table:
    """Label columns hold the rows' group paths (merged down their rows); the column header holds
    the columns' paths (merged across their columns) above the column labels."""
    (group,) = spec.groups
    label_cols = 1 + max(len(r.path) for r in group.rows)
    head_rows = 1 + max(len(c.path) for c in group.cols)
    cells = [Cell(0, 0, spec.headers[0], row_span=head_rows, col_span=label_cols)]
    cells += _header_cells([c.path for c in group.cols], [c.label for c in group.cols], label_cols, 0)
    for i, r_spec in enumerate(group.rows):
        row = head_rows + i
        for depth, name in enumerate(r_spec.path):
            prefix = r_spec.path[:depth + 1]
            if i == 0 or group.rows[i - 1].path[:depth + 1] != prefix:
                span = next((k for k, r in enumerate(group.rows[i:]) if r.path[:depth + 1] != prefix),
                            len(group.rows) - i)
                cells.append(Cell(row, depth, name, row_span=span))
        depth = len(r_spec.path)
        cells.append(Cell(row, depth, r_spec.label, col_span=label_cols - depth))
        cells += [Cell(row, label_cols + j, _fmt(values[f"{spec.id}.{r_spec.key}.{c.key}"]))
                  for j, c in enumerate(group.cols)]
    widths = [26.0] * (label_cols - 1)
    widths += [TEXT_WIDTH - sum(widths) - 38.0 * len(group.cols)] + [38.0] * len(group.cols)
    return Table(widths, cells)


def _header_cells(paths: list[tuple[str, ...]], labels: list[str], col0: int, row0: int,
                  vertical: Vertical | None = None) -> list[Cell]:
    """Column headers: each path element merged across the run of columns sharing it, each label
    merged down to the last header row."""
    depth = 1 + max(len(p) for p in paths)
    cells = []
    for j, (path, label) in enumerate(zip(paths, labels, strict=True)):
        for d, name in enumerate(path):
            if j == 0 or paths[j - 1][:d + 1] != path[:d + 1]:
                span = next((k for k, p in enumerate(paths[j:]) if p[:d + 1] != path[:d + 1]),
                            len(paths) - j)
                cells.append(Cell(row0 + d, col0 + j, name, col_span=span))
        cells.append(Cell(row0 + len(path), col0 + j, label, row_span=depth - len(path),
                          vertical=vertical))
    return cells


def table4(spec: TableSpec, values: Values, vertical: Vertical) -> Table:
    """Rows of the config are column groups: `行政复议 | 行政诉讼(未经复议直接起诉, 复议后起诉)`."""
    (group,) = spec.groups
    paths = [(*r.path, r.label) for r in group.rows for _ in group.cols]
    labels = [c.label for _ in group.rows for c in group.cols]
    cells = _header_cells(paths, labels, 0, 0, vertical)
    data_row = max(c.row + c.row_span for c in cells)
    keys = [f"{spec.id}.{r.key}.{c.key}" for r in group.rows for c in group.cols]
    cells += [Cell(data_row, j, _fmt(values[k])) for j, k in enumerate(keys)]
    return Table([TEXT_WIDTH / len(keys)] * len(keys), cells)


PROSE = {
    "overview": "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为"
                "例外，进一步健全工作机制，规范依申请公开办理流程，主动公开政府信息共248条。",
    "problems": "政府信息公开工作仍存在公开内容不够全面、更新不够及时等问题。下一步将加强业务培训，"
                "完善监督考核机制，提升政务公开实效。",
    "other": "无。",
}


def write_report_pdf(path: Path, edition: Edition, gold: dict, *, border: Border = "lines",
                     vertical: Vertical = "stacked") -> None:
    """The gold report (`meta` and `cells` of a gold file) as a PDF of the edition's layout."""
    values: Values = gold["cells"]
    meta = gold["meta"]
    pdf = PdfWriter(path)
    pdf.text(f"{meta['agency']}{meta['year']}年政府信息公开工作年度报告", size=16, align="center")
    builders = {"t2": lambda s: table2(s, values), "t3": lambda s: table3(s, values),
                "t4": lambda s: table4(s, values, vertical)}
    for section in edition.spec.sections:
        pdf.text(section.heading, size=12)
        if section.id in builders:
            pdf.table(builders[section.id](edition.table(section.id)), border=border)
        else:
            pdf.text(PROSE.get(section.id, PROSE["other"]), indent=22)
    pdf.text(meta["agency"], align="right")
    pdf.text("2021年1月22日", align="right")
    pdf.save()
