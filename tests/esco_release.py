"""The ESCO release the settings name, read once for the tests that check data files against
it (development set, cue files, gap set): labels exactly as in the CSV files. A clear failure,
naming the folder and the setting, when it cannot be read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest


@dataclass(frozen=True)
class EscoRelease:
    skills: dict[str, str]  # uri -> preferredLabel, exactly as in the CSV
    occupations: dict[str, str]
    transversal: dict[str, str]  # the transversal collection: uri -> preferredLabel
    digital: frozenset[str]  # digitalSkillsCollection and digCompSkillsCollection
    linked: dict[str, dict[str, str]]  # occupation -> {skill: essential / optional}


@cache
def _read(esco_dir) -> EscoRelease | str:
    from assistant.errors import TaxonomyImportError
    from assistant.taxonomy.esco_files import open_release

    try:
        release = open_release(esco_dir)
        linked: dict[str, dict[str, str]] = {}
        for r in release.rows("occupationSkillRelations"):
            linked.setdefault(r["occupationUri"], {})[r["skillUri"]] = r["relationType"]
        return EscoRelease(
            skills={r["conceptUri"]: r["preferredLabel"] for r in release.rows("skills")},
            occupations={r["conceptUri"]: r["preferredLabel"] for r in release.rows("occupations")},
            transversal={
                r["conceptUri"]: r["preferredLabel"]
                for r in release.rows("transversalSkillsCollection")
            },
            digital=frozenset(
                r["conceptUri"]
                for name in ("digitalSkillsCollection", "digCompSkillsCollection")
                for r in release.rows(name)
            ),
            linked=linked,
        )
    except TaxonomyImportError as exc:
        return str(exc)


def esco_release(needed_by: str) -> EscoRelease:
    from assistant.config import get_settings

    esco_dir = get_settings().esco_dir
    found = _read(esco_dir)
    if isinstance(found, EscoRelease):
        return found
    pytest.fail(
        f"{needed_by} need the ESCO v1.1.1 CSV release at {esco_dir} "
        f"(set PUENTE_ESCO_DIR to the folder that holds it): {found}",
        pytrace=False,
    )
