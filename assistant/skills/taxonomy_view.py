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


@dataclass(frozen=True)
class LocalLabels:
    """A concept's labels in a language other than the release's own (taxonomy_label)."""

    preferred: str
    alts: tuple[str, ...]


@dataclass
class TaxonomyView:
    fingerprint: str
    skills: dict[str, SkillInfo]
    occupations: dict[str, tuple[str, tuple[str, ...], str]]  # uri -> (label, alts, description)
    essential: dict[str, list[str]] = field(default_factory=dict)
    optional: dict[str, list[str]] = field(default_factory=dict)
    # language -> concept ("skill", "occupation") -> uri -> labels, for languages other than
    # the release's own
    local: dict[str, dict[str, dict[str, LocalLabels]]] = field(default_factory=dict)

    def labels_in(self, language: str, concept: str) -> dict[str, LocalLabels]:
        return self.local.get(language, {}).get(concept, {})

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
        view.local = _local_labels(session, version.language)
        return view


def _preferred_rank(source: str, override: bool) -> tuple:
    """Which preferred label a language's view keeps: a Puente override, then ESCO's (the
    newest release first), then Puente's own; the same order as the labels shown."""
    if override:
        return (0, ())
    if source.startswith("esco-"):
        return (1, tuple(-int(n) for n in re.findall(r"\d+", source)))
    return (2, ())


def _local_labels(session: Session, main_language: str):
    """Skill and occupation labels in every language but the release's own."""
    chosen: dict[tuple[str, str, str], tuple[tuple, str]] = {}
    alts: dict[tuple[str, str, str], dict[str, None]] = {}
    rows = session.execute(
        select(
            m.TaxonomyLabel.language,
            m.TaxonomyLabel.concept,
            m.TaxonomyLabel.uri,
            m.TaxonomyLabel.kind,
            m.TaxonomyLabel.source,
            m.TaxonomyLabel.override,
            m.TaxonomyLabel.label,
        )
        .where(
            m.TaxonomyLabel.language != main_language,
            m.TaxonomyLabel.concept.in_(("skill", "occupation")),
        )
        .order_by(m.TaxonomyLabel.id)
    )
    for lang, concept, uri, kind, source, override, text in rows:
        key = (lang, concept, uri)
        if kind == "preferred":
            rank = _preferred_rank(source, bool(override))
            if key not in chosen or rank < chosen[key][0]:
                chosen[key] = (rank, text.strip())
        else:
            alts.setdefault(key, {})[text.strip()] = None
    local: dict[str, dict[str, dict[str, LocalLabels]]] = {}
    for key in chosen.keys() | alts.keys():
        lang, concept, uri = key
        preferred = chosen[key][1] if key in chosen else ""
        others = tuple(a for a in alts.get(key, {}) if a and a != preferred)
        if preferred or others:
            local.setdefault(lang, {}).setdefault(concept, {})[uri] = LocalLabels(
                preferred or others[0], others if preferred else others[1:]
            )
    return local


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


def local_entries(
    view: TaxonomyView, concept: str, languages: tuple[str, ...], max_alts: int
) -> list[IndexEntry]:
    """A concept's labels in other languages (ESCO's Spanish release, Puente's own): the
    preferred label (`label_<lang>`) and up to `max_alts` distinct alternative labels
    (`alt_<lang>`), so text in that language meets labels in its own words."""
    entries: list[IndexEntry] = []
    for lang in languages:
        labels = view.labels_in(lang, concept)
        for uri in sorted(labels):
            local = labels[uri]
            entries.append(IndexEntry(uri, local.preferred, f"label_{lang}"))
            alts = _distinct(list(local.alts), max_alts, local.preferred)
            entries.extend(IndexEntry(uri, alt, f"alt_{lang}") for alt in alts)
    return entries


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
