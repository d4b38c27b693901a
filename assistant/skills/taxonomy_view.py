"""An in-memory, read-only view of the ESCO tables the engine needs, loaded once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m
from assistant.errors import TaxonomyNotLoadedError
from assistant.skills.vector_index import IndexEntry
from assistant.taxonomy.importer import current_version

# Measured on the development sets (docs/skills.md): more alternative labels per skill made
# English ranking worse (RP@10 0.349 with one, 0.340 with three) and the build slower; more
# than six per occupation changed no English occupation result.
MAX_ALT_LABELS = 1
MAX_OCC_ALT_LABELS = 6


@dataclass(frozen=True)
class SkillInfo:
    uri: str
    label: str
    kind: str
    group: str
    skill_type: str
    alt_labels: tuple[str, ...]
    description: str


@dataclass
class TaxonomyView:
    fingerprint: str
    skills: dict[str, SkillInfo]
    occupations: dict[str, tuple[str, tuple[str, ...], str]]  # uri -> (label, alts, description)
    essential: dict[str, list[str]] = field(default_factory=dict)
    optional: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> TaxonomyView:
        version = current_version(session)
        if version is None:
            raise TaxonomyNotLoadedError(
                "the ESCO taxonomy is not in the database: run `assistant taxonomy import`"
            )
        skills = {
            row.uri: SkillInfo(
                row.uri,
                row.preferred_label,
                row.kind,
                row.group_code,
                row.skill_type,
                tuple(row.alt_labels),
                row.description,
            )
            for row in session.scalars(select(m.EscoSkill))
        }
        occupations = {
            row.uri: (row.preferred_label, tuple(row.alt_labels), row.description)
            for row in session.scalars(select(m.EscoOccupation))
        }
        view = cls(version.fingerprint, skills, occupations)
        for occ, skill, relation in session.execute(
            select(
                m.EscoOccupationSkill.occupation_uri,
                m.EscoOccupationSkill.skill_uri,
                m.EscoOccupationSkill.relation_type,
            )
        ):
            target = view.essential if relation == "essential" else view.optional
            target.setdefault(occ, []).append(skill)
        return view


def _first_sentence(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s", text)
    sentence = text[: match.start()] if match else text
    return sentence[:limit]


def _distinct(labels: list[str], limit: int, exclude: str) -> list[str]:
    """Up to `limit` alt labels whose word sets differ from each other and the label."""
    if limit <= 0:
        return []
    seen = {frozenset(exclude.lower().split())}
    chosen = []
    for label in sorted(labels, key=len):
        key = frozenset(label.lower().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(label)
        if len(chosen) == limit:
            break
    return chosen


def skill_entries(view: TaxonomyView, rich: bool = True) -> list[IndexEntry]:
    """Several vectors per skill for fast models: label, one alternative label and the
    description's first sentence. A slow model (e5, ~1 ms a token on one core) indexes the
    preferred labels only: adding one alternative label per skill doubled its build (83 s ->
    147 s on 2 cores) for no measurable gain on the Spanish development set (RP@10 0.236 vs
    0.238, MRR 0.483 vs 0.484)."""
    entries: list[IndexEntry] = []
    for uri in sorted(view.skills):
        info = view.skills[uri]
        entries.append(IndexEntry(uri, info.label, "label"))
        if not rich:
            continue
        alts = _distinct(list(info.alt_labels), MAX_ALT_LABELS, info.label)
        entries.extend(IndexEntry(uri, alt, "alt") for alt in alts)
        if info.description:
            entries.append(IndexEntry(uri, _first_sentence(info.description), "description"))
    return entries


def occupation_entries(view: TaxonomyView, rich: bool = True) -> list[IndexEntry]:
    entries: list[IndexEntry] = []
    for uri in sorted(view.occupations):
        label, alts, _ = view.occupations[uri]
        entries.append(IndexEntry(uri, label, "label"))
        for alt in _distinct(list(alts), MAX_OCC_ALT_LABELS if rich else 3, label):
            entries.append(IndexEntry(uri, alt, "alt"))
    return entries
