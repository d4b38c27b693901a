"""Puente's labels file is checked line by line; which label wins is a fixed order."""

from __future__ import annotations

import pytest

from assistant.errors import TaxonomyImportError
from assistant.taxonomy.label_files import PUENTE_LABELS_DIR, read_puente_labels
from assistant.taxonomy.labels import configured_label_dirs
from assistant.taxonomy.repository import _rank

HEADER = "uri\ten\tlabel\toverride\tnote\n"
URI = "http://data.europa.eu/esco/skill/001115fb-569f-4ee6-8381-c6807ef2527f"


def test_the_committed_file_reads_and_every_override_says_why():
    rows = read_puente_labels(PUENTE_LABELS_DIR / "puente_es.tsv")
    assert len(rows) >= 96 - 37
    assert all(r.label == r.label.strip() and r.label for r in rows)
    assert all(r.note for r in rows if r.override)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("uri\tlabel\tnote\n", "the header must be"),
        (HEADER + f"{URI}\tshow initiative\n", "line 2 has 2 tab-separated fields"),
        (HEADER + "skill-1\tx\ty\t\t\n", "line 2 has no ESCO concept URI"),
        (HEADER + f"{URI}\tshow initiative\t\t\t\n", "line 2 has an empty label"),
        (HEADER + f"{URI}\ten\tes\tno\t\n", "override is 'yes' or empty"),
        (HEADER + f"{URI}\ten\tes\tyes\t\n", "an override needs its reason"),
        (HEADER + f"# a comment\n\n{URI}\ten\tes\t\t\n{URI}\ten\tes\t\t\n", "line 5 repeats"),
    ],
)
def test_a_bad_line_is_refused_with_its_number(tmp_path, body, message):
    path = tmp_path / "puente_es.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TaxonomyImportError) as err:
        read_puente_labels(path)
    assert str(err.value).startswith("puente_es.tsv: ") and message in str(err.value)


def test_which_label_wins():
    order = [
        ("puente", True),
        ("esco-1.2.0", False),
        ("esco-1.1.1", False),
        ("esco-1.0.3", False),
        ("esco-unknown", False),
        ("puente", False),
    ]
    assert sorted(order, key=lambda s: _rank(*s)) == order


def test_labels_dirs_setting_is_a_comma_separated_list(tmp_path):
    assert configured_label_dirs("") == []
    assert configured_label_dirs(f" {tmp_path}/es , {tmp_path}/pt,") == [
        tmp_path / "es",
        tmp_path / "pt",
    ]
