"""The real ESCO v1.1.1 release, imported into a real database."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assistant.config import get_settings
from assistant.db import taxonomy_models as m
from assistant.db.session import session_scope
from assistant.errors import TaxonomyImportError
from assistant.taxonomy.importer import import_esco
from tests.conftest import ROOT


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_release_counts_are_the_official_ones(esco_db):
    with session_scope() as session:
        assert _count(session, m.EscoSkill) == 13_896
        assert _count(session, m.EscoOccupation) == 3_007
        assert _count(session, m.EscoOccupationSkill) == 123_855
        notes = session.scalars(select(m.TaxonomyVersion.notes)).first()
    # the one occupation named by relations but missing from occupations_en.csv is reported
    assert any("a9e54177" in n and "missing" in n for n in notes)


def test_every_skill_is_classified_with_a_group(esco_db):
    with session_scope() as session:
        kinds = dict(
            session.execute(select(m.EscoSkill.kind, func.count()).group_by(m.EscoSkill.kind)).all()
        )
        ungrouped = _count(
            session,
            select(m.EscoSkill)
            .where(m.EscoSkill.kind != "specific", m.EscoSkill.group_code == "")
            .subquery(),
        )
        till = session.scalars(
            select(m.EscoSkill).where(m.EscoSkill.preferred_label == "show initiative")
        ).one()
    assert set(kinds) == {"transversal", "digital", "specific"}
    assert sum(kinds.values()) == 13_896
    assert ungrouped == 0
    assert (till.kind, till.group_code) == ("transversal", "T3.2")


def test_stats_cli_prints_the_counts_as_json(esco_db):
    # WHEN the CLI runs against the same database
    done = subprocess.run(
        [str(ROOT / ".venv/bin/assistant"), "taxonomy", "stats", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = json.loads(done.stdout)
    # THEN
    assert (stats["skills"], stats["occupations"], stats["occupation_skill_relations"]) == (
        13_896,
        3_007,
        123_855,
    )
    assert sum(stats["skills_by_kind"].values()) == 13_896


def test_reimport_of_the_same_release_does_nothing(esco_db):
    with session_scope() as session:
        result = import_esco(session, get_settings().esco_dir)
    assert result.skipped


def _broken_copy(tmp_path: Path, damage) -> Path:
    folder = tmp_path / "esco"
    shutil.copytree(get_settings().esco_dir, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    damage(folder)
    return folder


def _truncate_zip(folder: Path) -> None:
    path = folder / "esco-v1.1.1-relations-csv.zip"
    path.write_bytes(path.read_bytes()[:5000])


def _drop_column(folder: Path) -> None:
    # an unofficial re-pack (no md5 to check) whose skills file lacks a column
    source = folder / "esco-v1.1.1-classification-en-csv.zip"
    target = folder / "esco-custom-classification-en-csv.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "skills_en.csv":
                data = data.replace(b"preferredLabel", b"label", 1)
            dst.writestr(name, data)
    source.unlink()
    for path in folder.iterdir():
        path.rename(path.with_name(path.name.replace("v1.1.1", "vX")))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_truncate_zip, "md5"),
        (_drop_column, "missing column(s) preferredLabel"),
        (lambda f: (f / "esco-v1.1.1-relations-csv.zip").unlink(), "incomplete"),
    ],
)
def test_broken_release_is_refused_and_data_is_untouched(esco_db, tmp_path, damage, message):
    # GIVEN a damaged copy of the release
    folder = _broken_copy(tmp_path, damage)
    # WHEN imported (forced, so nothing is skipped)
    with pytest.raises(TaxonomyImportError) as err, session_scope() as session:
        import_esco(session, folder, force=True)
    # THEN the message names the problem and the existing data is intact
    assert message in str(err.value)
    with session_scope() as session:
        assert _count(session, m.EscoSkill) == 13_896
        assert _count(session, m.EscoOccupationSkill) == 123_855
