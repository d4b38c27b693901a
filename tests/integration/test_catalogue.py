"""The catalogue: importers, validation without partial writes, idempotent upserts that
retire removed offers, automatic tagging, search with filters, review, stats, export."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from assistant.catalogue.service import (
    CatalogueImportError,
    SearchFilters,
    export_offers,
    import_file,
    review,
    search,
)
from assistant.db.catalogue_models import CatalogueImport, CatalogueOffer, CatalogueOfferSkill
from assistant.db.session import session_scope
from tests.conftest import ROOT

SOURCES = ROOT / "catalogue_index" / "sources"
EXAMPLES = SOURCES / "examples"


@pytest.fixture(scope="module", autouse=True)
def demo_catalogue_restored(esco_db, engine):
    """These tests empty the catalogue: afterwards the demo catalogue is back, so the modules
    that rely on it (conftest's `demo_catalogue`, the server stack) find it whatever order the
    session runs the modules in."""
    yield
    from assistant.bootstrap.setup_steps import DEMO_CATALOGUE

    with session_scope() as session:
        for model in (CatalogueOfferSkill, CatalogueOffer, CatalogueImport):
            session.execute(delete(model))
    with session_scope() as session:
        import_file(session, DEMO_CATALOGUE, engine, source="demo")


@pytest.fixture()
def clean_catalogue(esco_db):
    with session_scope() as session:
        for model in (CatalogueOfferSkill, CatalogueOffer, CatalogueImport):
            session.execute(delete(model))
    yield


def _offers(session, status="active") -> int:
    return session.scalar(
        select(func.count()).select_from(CatalogueOffer).where(CatalogueOffer.status == status)
    )


@pytest.mark.parametrize("name", ["offers.csv", "offers.json"])
def test_flat_formats_import_the_same_offers(clean_catalogue, name):
    with session_scope() as session:
        outcome = import_file(session, EXAMPLES / name, engine=None, source="example")
    assert outcome.counts["added"] == 3
    with session_scope() as session:
        row = session.get(CatalogueOffer, "demo-0015")
        assert row.mode == "onsite" and row.total_hours == 30 and row.cost_currency
        assert row.data["learning_outcomes"]


@pytest.mark.parametrize(
    ("broken", "field", "reason"),
    [
        ("bad_json.jsonl", "(record)", "invalid JSON"),
        ("missing_title.jsonl", "title", "Field required"),
        ("unknown_esco_uri.jsonl", "skills.0.uri", "unknown ESCO skill"),
        ("negative_cost.jsonl", "cost.amount", "greater than or equal to 0"),
        ("bad_currency.jsonl", "cost.currency", "ISO 4217"),
        ("duplicate_ids.jsonl", "id", "duplicate id"),
    ],
)
def test_malformed_input_is_refused_precisely_and_writes_nothing(
    clean_catalogue, broken, field, reason
):
    # GIVEN a catalogue already holding offers
    with session_scope() as session:
        import_file(session, EXAMPLES / "offers.json", engine=None, source="shop")
    # WHEN a file with one defect is imported into the same source
    with pytest.raises(CatalogueImportError) as err, session_scope() as session:
        import_file(session, EXAMPLES / "broken" / broken, engine=None, source="shop")
    # THEN the report names record, field and reason, and nothing changed
    problems = err.value.report.problems
    assert len(problems) == 1
    assert problems[0].field == field and reason in problems[0].reason
    assert "nothing was imported" in str(err.value)
    with session_scope() as session:
        assert _offers(session) == 3 and _offers(session, "retired") == 0


def test_skip_invalid_imports_the_valid_records(clean_catalogue):
    with session_scope() as session:
        outcome = import_file(
            session, EXAMPLES / "broken" / "negative_cost.jsonl", engine=None, skip_invalid=True
        )
    assert outcome.counts["added"] >= 1 and outcome.counts["invalid"] == 1


def test_reimport_is_idempotent_and_removed_offers_retire(clean_catalogue, tmp_path):
    src = tmp_path / "feed.jsonl"
    lines = (SOURCES / "demo_catalogue.jsonl").read_text().splitlines()[:5]
    src.write_text("\n".join(lines) + "\n")
    with session_scope() as session:
        assert import_file(session, src, engine=None).counts["added"] == 5
    with session_scope() as session:
        assert import_file(session, src, engine=None).counts == {
            "unchanged": 5,
            "valid": 5,
            "invalid": 0,
            "file_sha256": import_file.__globals__["file_sha256"](src),
        }
    # WHEN the provider drops the last offer and changes the first
    first = json.loads(lines[0])
    first["title"] = first["title"] + " (2027)"
    src.write_text("\n".join([json.dumps(first), *lines[1:4]]) + "\n")
    with session_scope() as session:
        counts = import_file(session, src, engine=None).counts
    # THEN the dropped one is retired, not deleted, and the changed one updated
    assert counts["updated"] == 1 and counts["retired"] == 1 and counts["unchanged"] == 3
    with session_scope() as session:
        dropped = session.get(CatalogueOffer, json.loads(lines[4])["id"])
        assert dropped.status == "retired" and dropped.retired_at is not None


def test_untagged_offers_get_inferred_skills_with_confidence(clean_catalogue, engine, tmp_path):
    untagged = [
        json.loads(x)
        for x in (SOURCES / "demo_catalogue.jsonl").read_text().splitlines()
        if not json.loads(x)["skills"]
    ][:3]
    src = tmp_path / "untagged.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in untagged) + "\n")
    with session_scope() as session:
        import_file(session, src, engine=engine)
    with session_scope() as session:
        tags = session.scalars(select(CatalogueOfferSkill)).all()
    assert {t.offer_id for t in tags} == {x["id"] for x in untagged}
    assert all(t.source == "inferred" and 0 < t.confidence <= 1 and t.evidence for t in tags)
    with session_scope() as session:
        weak = review(session, below=1.01)
    assert weak and weak == sorted(weak, key=lambda r: r["confidence"])


def test_search_filters_and_ranks(clean_catalogue, engine, tmp_root):
    from assistant.config import get_settings

    cache = get_settings().cache_dir  # the offers index built by `assistant setup`, if current
    with session_scope() as session:
        import_file(session, SOURCES / "demo_catalogue.jsonl", engine=engine, source="demo")
    with session_scope() as session:
        results = search(
            session,
            "atención al cliente por WhatsApp",
            SearchFilters(max_cost=50, currency="USD", language="es", mode="online"),
            tmp_root / "index",
            cache,
            top=5,
        )
    assert results and "WhatsApp" in results[0]["title"]
    assert all(
        r["mode"] == "online" and "es" in r["languages"] and r["cost"]["usd"] <= 50 for r in results
    )
    with session_scope() as session:
        buffer = io.StringIO()
        count = export_offers(session, "jsonl", buffer)
    offers = _demo_offers()
    assert count == offers and len(buffer.getvalue().splitlines()) == offers


def test_cli_stats_and_validate(esco_db):
    cli = str(ROOT / ".venv/bin/assistant")
    done = subprocess.run(
        [cli, "catalogue", "validate", str(EXAMPLES / "broken" / "bad_currency.jsonl")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "cost.currency" in done.stdout
    ok = subprocess.run(
        [cli, "catalogue", "validate", str(SOURCES / "demo_catalogue.jsonl")],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and f"{_demo_offers()} valid" in ok.stdout


def test_unknown_format_is_explained(esco_db, tmp_path):
    weird = tmp_path / "offers.xlsx"
    shutil.copy(EXAMPLES / "offers.csv", weird)
    with pytest.raises(Exception) as err, session_scope() as session:
        import_file(session, weird, engine=None)
    assert "cannot tell the format" in str(err.value)
    assert Path(weird).exists()


def test_a_changed_skill_engine_re_tags_an_unchanged_feed(clean_catalogue, engine, tmp_path):
    # GIVEN a feed imported and tagged once
    untagged = [
        x
        for x in (SOURCES / "demo_catalogue.jsonl").read_text().splitlines()
        if not json.loads(x)["skills"]
    ][:2]
    src = tmp_path / "feed.jsonl"
    src.write_text("\n".join(untagged) + "\n")
    with session_scope() as session:
        first = import_file(session, src, engine, only_if_changed=True)
    assert not first.skipped and first.counts["tagger"] == engine.fingerprint()
    # WHEN it is imported again with the same engine THEN nothing is redone
    with session_scope() as session:
        assert import_file(session, src, engine, only_if_changed=True).skipped

    # WHEN the engine's output may have changed (a new model, index recipe or lexicon)
    class Upgraded:
        def __init__(self, inner):
            self._inner = inner

        def fingerprint(self) -> str:
            return "another-engine"

        def extract(self, *args, **kwargs):
            return self._inner.extract(*args, **kwargs)

    with session_scope() as session:
        again = import_file(session, src, Upgraded(engine), only_if_changed=True)
    # THEN the unchanged feed is tagged again and the new tagger recorded
    assert not again.skipped and again.counts["tagger"] == "another-engine"


def _demo_offers() -> int:
    """How many offers the demo catalogue holds (one JSON object per line)."""
    from assistant.bootstrap.setup_steps import DEMO_CATALOGUE

    return sum(1 for line in DEMO_CATALOGUE.read_text().splitlines() if line.strip())
