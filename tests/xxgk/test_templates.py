"""The edition configs are the single source of the template: they must match the shared spec."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.helpers.paths import REPO_ROOT
from xxgk.templates import Edition, EditionSpec, SectionLayout, label_set, load_edition, load_editions

SPEC = REPO_ROOT.parent / "shared" / "spec" / "template_keys.json"


def _spec_keys(edition: str) -> list[str]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))["tables"]
    keys = []
    for g in spec["t2"]["editions"][edition]["groups"]:
        keys += [f"t2.{r}.{c}" for r in g["rows"] for c in g["cols"]]
    for table in ("t3", "t4"):
        for r, label in spec[table]["rows"].items():
            if isinstance(label, dict) and edition not in label["editions"]:
                continue
            keys += [f"{table}.{r}.{c}" for c in spec[table]["cols"]]
    return keys


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not beside the repo")
@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_templates_cell_keys_match_shared_spec(edition):
    assert list(load_editions()[edition].cell_keys) == _spec_keys(edition)


def test_templates_rules_expand_per_column_and_row():
    ed = load_editions()["2019"]
    balance = [eq for eq in ed.equations if eq.rule == "t3.balance"]
    assert [eq.scope_key for eq in balance][:2] == ["natural_person", "commercial"]
    assert len(balance) == 7
    assert balance[-1].lhs == ("t3.new_received.total", "t3.carried_over.total")
    row_totals = [eq for eq in ed.equations if eq.rule == "t4.row_total"]
    assert [eq.scope_key for eq in row_totals] == ["review", "suit_direct", "suit_after_review"]


def test_templates_row_groups_come_from_paths():
    t3 = load_editions()["2021"].table("t3")
    assert t3.row_groups[0] == "三、本年度办理结果"
    assert "（六）其他处理" in t3.row_groups
    assert t3.col_groups == ("申请人情况", "法人或其他组织")


def test_templates_label_set_is_stable_and_covers_both_editions():
    labels = label_set(load_editions())
    assert labels[:7] == ("O", "title", "meta.agency", "meta.date", "header", "row_group", "value")
    assert "row:t3.other" in labels and "row:t3.other_misc" in labels
    assert "col:t2.new_made" in labels and "col:t2.issued" in labels
    assert len(labels) == len(set(labels))


def test_templates_reject_unknown_fields_and_cells(tmp_path: Path):
    src = (REPO_ROOT / "configs" / "templates" / "2019.toml").read_text(encoding="utf-8")
    bad_field = tmp_path / "bad_field.toml"
    bad_field.write_text(src.replace('edition = "2019"', 'edition = "2019"\ncolour = "red"'), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_edition(bad_field)
    bad_rule = tmp_path / "bad_rule.toml"
    bad_rule.write_text(src.replace('lhs = ["new_received", "carried_over"]', 'lhs = ["new_received", "nope"]'),
                        encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown cell t3\.nope"):
        load_edition(bad_rule)


def test_templates_spec_model_is_strict():
    with pytest.raises(ValidationError):
        EditionSpec.model_validate({"edition": "x", "description": "", "sections": [], "tables": [], "extra": 1})


def test_templates_merged_row_stands_for_rows_of_its_edition(tmp_path: Path):
    merged = load_editions()["2021"].merged_row("t3", "other")
    assert merged is not None and [p.row for p in merged.parts] == ["other_no_correction", "other_unpaid_fee",
                                                                      "other_misc"]
    assert merged.layout.cell_keys[-1] == "t3.other.total"
    src = (REPO_ROOT / "configs" / "templates" / "2021.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad_merged.toml"
    bad.write_text(src.replace('rows = ["other_no_correction", "other_unpaid_fee", "other_misc"]', 'rows = ["nope"]'),
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"merged row t3\.other"):
        load_edition(bad)


def test_templates_sections_come_with_their_layout():
    editions = load_editions()
    layout = SectionLayout.of(editions.values())
    assert layout.order == ("overview", "t2", "t3", "t4", "problems", "other")
    assert layout.tables == {"t2", "t3", "t4"} and layout.opening == "overview"
    for edition in editions.values():
        assert edition.section_role("closing") == "other"
        assert edition.section_names["t3"] == "依申请公开"


def test_templates_sections_roles_and_order_are_checked():
    spec = load_editions()["2021"].spec.model_dump()
    twice = {**spec, "sections": [{**s, "role": "opening"} for s in spec["sections"][:2]]}
    with pytest.raises(ValidationError, match="more than one opening section"):
        EditionSpec.model_validate(twice)
    swapped = Edition(EditionSpec.model_validate({**spec, "edition": "x",
                                                  "sections": spec["sections"][::-1]}))
    with pytest.raises(ValueError, match="orders its sections"):
        SectionLayout.of([load_editions()["2021"], swapped])
