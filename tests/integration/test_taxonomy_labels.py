"""Labels in every language: ESCO v1.1.1 English, ESCO v1.0.3 Spanish and Puente's own Spanish
labels, imported into the test database as `assistant setup` does."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from assistant.config import get_settings
from assistant.db import taxonomy_models as m
from assistant.db.session import session_scope
from assistant.errors import TaxonomyImportError
from assistant.goals.gaps import GapAnalyser
from assistant.skills.taxonomy_view import TaxonomyView
from assistant.taxonomy.label_files import PUENTE_LABELS_DIR, read_puente_labels
from assistant.taxonomy.labels import configured_label_dirs, import_labels
from assistant.taxonomy.repository import label, label_stats, labels

SPANISH = get_settings().esco_labels_dirs
ES_ZIP = "esco-v1.0.3-es-labels-csv.zip"
SKILL = "http://data.europa.eu/esco/skill/"
SHOW_INITIATIVE = SKILL + "001115fb-569f-4ee6-8381-c6807ef2527f"  # Puente's label only
WORK_IN_TEAMS = SKILL + "60c78287-22eb-4103-9c8c-28deaa460da0"  # ESCO's Spanish label
TROUBLESHOOT_WEBSITE = SKILL + "e23e81f5-18db-49aa-ad9b-b3d0fdcad1d2"  # Puente override


@pytest.fixture(scope="module")
def labelled(esco_db):
    """Every label set imported, as `assistant setup` does."""
    with session_scope() as session:
        import_labels(session, configured_label_dirs(SPANISH))
    return esco_db


def _spanish_rows(session) -> int:
    return session.scalar(select(func.count()).where(m.TaxonomyLabel.language == "es"))


def test_counts_per_language(labelled):
    with session_scope() as session:
        stats = label_stats(session)
    en, es = stats["languages"]["en"], stats["languages"]["es"]
    # English: every concept of v1.1.1, from the release itself
    assert en["preferred"]["skills"] == stats["concepts"]["skills"] == 13_896
    assert en["preferred"]["occupations"] == 3_007
    assert set(en["by_source"]) == {"esco-1.1.1"}
    # Spanish: ESCO v1.0.3 (13,379 skills, 5 of them from its skill-groups file) and Puente's
    assert es["preferred"]["occupations"] == 2_939
    assert es["preferred"]["transversal_skills"] == 96
    assert es["preferred"]["digcomp_skills"] == 26
    puente = es["by_source"]["puente"]["preferred"]
    assert es["preferred"]["skills"] == 13_384 + puente - es["overrides"]
    assert es["alt_labels"] > 30_000
    spanish = next(s for s in stats["sets"] if s["source"] == "esco-1.0.3")
    # concepts v1.1.1 does not have are counted and skipped
    assert spanish["counts"]["skipped_concepts"] == {
        "skills_es.csv": 106,
        "occupations_es.csv": 3,
        "skillGroups_es.csv": 12,
    }


def test_every_transversal_and_in_demand_skill_has_a_spanish_label(labelled):
    with session_scope() as session:
        transversal = set(
            session.scalars(
                select(m.EscoCollectionMember.skill_uri).where(
                    m.EscoCollectionMember.collection == "transversal"
                )
            )
        )
        view = TaxonomyView.load(session)
        demand = GapAnalyser(session, SimpleNamespace(view=view)).demand
        found = labels(session, transversal | set(demand), "es")
    assert len(transversal) == 96 and len(demand) > 200
    missing = sorted(u for u in transversal | set(demand) if found[u][1] != "es")
    assert missing == []


def test_puente_labels_name_real_concepts_with_their_english_label(labelled):
    rows = read_puente_labels(PUENTE_LABELS_DIR / "puente_es.tsv")
    with session_scope() as session:
        english = labels(session, [r.uri for r in rows], "en")
        esco_es = set(
            session.scalars(
                select(m.TaxonomyLabel.uri).where(
                    m.TaxonomyLabel.source == "esco-1.0.3", m.TaxonomyLabel.kind == "preferred"
                )
            )
        )
    assert [r.line for r in rows if english.get(r.uri, ("", ""))[0] != r.en] == []
    # ours fill ESCO's gaps; where ESCO has a label, ours is there only to override it
    assert [r.line for r in rows if (r.uri in esco_es) != r.override] == []


def test_label_picks_the_language_and_says_which(labelled):
    with session_scope() as session:
        assert label(session, SHOW_INITIATIVE, "es") == ("tomar la iniciativa", "es")
        assert label(session, WORK_IN_TEAMS, "es") == ("trabajar en equipo", "es")
        assert label(session, TROUBLESHOOT_WEBSITE, "es") == (
            "solucionar fallas de un sitio web",
            "es",
        )
        assert label(session, WORK_IN_TEAMS, "en") == ("work in teams", "en")
        # no Portuguese here: the English label, marked as English
        assert label(session, WORK_IN_TEAMS, "pt") == ("work in teams", "en")
        no_spanish = session.scalars(
            select(m.EscoSkill.uri)
            .where(
                m.EscoSkill.uri.not_in(
                    select(m.TaxonomyLabel.uri).where(m.TaxonomyLabel.language == "es")
                )
            )
            .limit(3)
        ).all()
        english = labels(session, no_spanish, "es")
        assert label(session, SKILL + "not-a-skill", "es") is None
        both = labels(session, [WORK_IN_TEAMS, SKILL + "not-a-skill", *no_spanish], "es")
    assert len(no_spanish) == 3
    assert all(lang == "en" for _, lang in english.values())
    assert list(both) == [WORK_IN_TEAMS, *no_spanish]


def test_esco_wins_over_puente_unless_puente_overrides(labelled, tmp_path):
    (tmp_path / "puente_es.tsv").write_text(
        "uri\ten\tlabel\toverride\tnote\n"
        f"{WORK_IN_TEAMS}\twork in teams\ttrabajar en cuadrilla\t\t\n"
        f"{TROUBLESHOOT_WEBSITE}\ttroubleshoot website\tarreglar la web\tyes\tclearer\n",
        encoding="utf-8",
    )
    try:
        with session_scope() as session:
            import_labels(session, configured_label_dirs(SPANISH), puente_dir=tmp_path)
        with session_scope() as session:
            assert label(session, WORK_IN_TEAMS, "es")[0] == "trabajar en equipo"
            assert label(session, TROUBLESHOOT_WEBSITE, "es")[0] == "arreglar la web"
            # Puente's labels that are gone from its file are gone from the database
            assert label(session, SHOW_INITIATIVE, "es")[1] == "en"
    finally:
        with session_scope() as session:
            import_labels(session, configured_label_dirs(SPANISH))
    with session_scope() as session:
        assert label(session, SHOW_INITIATIVE, "es") == ("tomar la iniciativa", "es")


def test_an_unchanged_import_is_skipped_quickly(labelled):
    started = time.perf_counter()
    with session_scope() as session:
        results = import_labels(session, configured_label_dirs(SPANISH))
    assert time.perf_counter() - started < 2
    assert [(r.source, r.language, r.skipped) for r in results] == [
        ("esco-1.1.1", "en", True),
        ("esco-1.0.3", "es", True),
        ("puente", "es", True),
    ]


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "labels"  # the version comes from the zip's name
    shutil.copytree(SPANISH, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    return folder


def _repack(folder: Path, name: str, edit) -> None:
    """Rewrite the zip under `name`, passing each member's bytes through edit(member, data)."""
    source = folder / ES_ZIP
    target = folder / name
    with zipfile.ZipFile(source) as src:
        members = {n: src.read(n) for n in src.namelist()}
    source.unlink()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for member, data in members.items():
            data = edit(member, data)
            if data is not None:
                dst.writestr(member, data)


def _truncate(folder: Path) -> None:
    path = folder / ES_ZIP
    path.write_bytes(path.read_bytes()[:5000])


def _edit_a_label(folder: Path) -> None:  # still called v1.0.3: its md5s must match
    _repack(
        folder,
        ES_ZIP,
        lambda n, d: (
            d.replace(b"trabajar en equipo", b"trabajar en grupo", 1) if n == "skills_es.csv" else d
        ),
    )


def _drop_column(folder: Path) -> None:  # an unofficial re-pack: no md5 to check
    _repack(
        folder,
        "esco-custom-es-labels-csv.zip",
        lambda n, d: d.replace(b"preferredLabel", b"label", 1) if n == "skills_es.csv" else d,
    )


def _drop_occupations(folder: Path) -> None:
    _repack(folder, ES_ZIP, lambda n, d: None if n == "occupations_es.csv" else d)


def _two_languages(folder: Path) -> None:
    (folder / "skills_pt.csv").write_text("conceptUri,preferredLabel,altLabels\n")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_truncate, f"{ES_ZIP}: not a valid zip archive"),
        (_edit_a_label, f"{ES_ZIP}:skills_es.csv: md5"),
        (_drop_column, "skills_es.csv: missing column(s) preferredLabel"),
        (_drop_occupations, "incomplete, missing occupations_es.csv"),
        (_two_languages, "one ESCO language release, found es, pt"),
    ],
)
def test_a_broken_release_imports_nothing(labelled, tmp_path, damage, message):
    # GIVEN a damaged copy of the Spanish release
    folder = _copy(tmp_path)
    damage(folder)
    with session_scope() as session:
        before = _spanish_rows(session)
    # WHEN its labels are imported
    with pytest.raises(TaxonomyImportError) as err, session_scope() as session:
        import_labels(session, [folder], force=True)
    # THEN the message names the file and the problem, and the labels are as they were
    assert message in str(err.value)
    with session_scope() as session:
        assert _spanish_rows(session) == before
        assert label(session, WORK_IN_TEAMS, "es") == ("trabajar en equipo", "es")


def test_a_broken_puente_file_imports_nothing(labelled, tmp_path):
    (tmp_path / "puente_es.tsv").write_text(
        "uri\ten\tlabel\toverride\tnote\n"
        f"{WORK_IN_TEAMS}\twork in teams\ttrabajar en cuadrilla\tyes\t\n",
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyImportError) as err, session_scope() as session:
        import_labels(session, configured_label_dirs(SPANISH), puente_dir=tmp_path)
    assert "puente_es.tsv: line 2: an override needs its reason in note" in str(err.value)
    with session_scope() as session:
        assert label(session, SHOW_INITIATIVE, "es") == ("tomar la iniciativa", "es")


def test_a_language_no_longer_configured_is_removed(labelled):
    try:
        with session_scope() as session:
            results = import_labels(session, [])
            assert label(session, WORK_IN_TEAMS, "es") == ("work in teams", "en")
        assert any(
            "esco-1.0.3 (es) are no longer configured" in n for r in results for n in r.notes
        )
    finally:
        with session_scope() as session:
            import_labels(session, configured_label_dirs(SPANISH))
    with session_scope() as session:
        assert label(session, WORK_IN_TEAMS, "es") == ("trabajar en equipo", "es")
