"""`--lang es` on the CLI: labels in Spanish with the English one beside them, and the label
counts per language in `assistant taxonomy stats --json`."""

from __future__ import annotations

import json
import subprocess

import pytest

from assistant.config import get_settings
from assistant.db.session import session_scope
from assistant.taxonomy.labels import configured_label_dirs, import_labels
from tests.conftest import ROOT

CLI = str(ROOT / ".venv/bin/assistant")
CASHIER = "http://data.europa.eu/esco/occupation/2b871272-bd61-4206-bd1a-0b96d7023098"


@pytest.fixture(scope="module")
def labelled(engine):
    with session_scope() as session:
        import_labels(session, configured_label_dirs(get_settings().esco_labels_dirs))
    return engine


def _run(*args: str) -> dict:
    done = subprocess.run([CLI, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_skills_in_spanish_keep_the_english_label_and_the_uri(labelled):
    text = "atendía a los clientes en la tienda, resolvía problemas y llevaba las cuentas"
    payload = _run("skills", text, "--lang", "es", "--json", "--top", "5")
    items = [i for key in ("skills", "transversal", "digital") for i in payload[key]]
    assert items
    for item in items:
        assert item["uri"].startswith("http://data.europa.eu/esco/skill/")
        assert item["label_en"] and item["label_language"] in ("es", "en")
        if item["label_language"] == "en":  # no Spanish label: English, and marked so
            assert item["label"] == item["label_en"]
    solve = next(i for i in items if i["label_en"] == "solve problems")
    assert solve["label"] == "resolver problemas"  # a label Puente wrote


def test_without_lang_labels_come_in_the_texts_own_language(labelled):
    # GIVEN no --lang WHEN a Spanish and an English text are read THEN each gets its own
    # language's labels, with the English label and the URI always there
    english = _run("skills", "I fixed bikes for my neighbours", "--json", "--top", "3")
    first = english["skills"][0]
    assert {"uri", "label", "label_en", "label_language"} <= set(first)
    assert first["label_language"] == "en" and first["label"] == first["label_en"]
    text = "atendía a los clientes en la tienda, resolvía problemas y llevaba las cuentas"
    spanish = _run("skills", text, "--json", "--top", "5")
    assert spanish["language"] == "es"
    assert any(
        i["label_language"] == "es" and i["label"] != i["label_en"] for i in spanish["skills"]
    )


def test_occupations_in_spanish(labelled):
    payload = _run("occupations", "cajera de super", "--lang", "es", "--json", "--top", "3")
    first = payload["occupations"][0]
    assert first == {
        "uri": CASHIER,
        "label": "cajero/a",  # ESCO's "cajero/cajera", written as a counsellor would
        "label_en": "cashier",
        "label_language": "es",
        "score": first["score"],
    }


def test_stats_report_labels_per_language(labelled):
    stats = _run("taxonomy", "stats", "--json")
    es = stats["labels"]["languages"]["es"]
    assert (
        es["preferred"]["transversal_skills"] == stats["labels"]["concepts"]["transversal_skills"]
    )
    assert set(es["by_source"]) == {"esco-1.0.3", "puente"}
    assert stats["labels"]["languages"]["en"]["preferred"]["skills"] == stats["skills"]
