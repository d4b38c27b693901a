"""Read access to the ESCO tables. Functions take the session explicitly."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.db import taxonomy_models as m
from assistant.taxonomy import label_cache
from assistant.taxonomy.display import inclusive
from assistant.taxonomy.importer import current_version


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def taxonomy_stats(session: Session) -> dict | None:
    version = current_version(session)
    if version is None:
        return None
    by_kind = dict(
        session.execute(
            select(m.EscoSkill.kind, func.count())
            .group_by(m.EscoSkill.kind)
            .order_by(m.EscoSkill.kind)
        ).all()
    )
    by_group = dict(
        session.execute(
            select(m.EscoSkill.group_code, func.count())
            .where(m.EscoSkill.kind != "specific")
            .group_by(m.EscoSkill.group_code)
            .order_by(m.EscoSkill.group_code)
        ).all()
    )
    return {
        "version": version.version,
        "language": version.language,
        "imported_at": version.imported_at.isoformat(),
        "skills": _count(session, m.EscoSkill),
        "occupations": _count(session, m.EscoOccupation),
        "occupation_skill_relations": _count(session, m.EscoOccupationSkill),
        "skill_skill_relations": _count(session, m.EscoSkillRelation),
        "broader_relations": _count(session, m.EscoBroaderRelation),
        "skill_groups": _count(session, m.EscoSkillGroup),
        "skills_by_kind": by_kind,
        "transversal_and_digital_by_group": by_group,
        "notes": version.notes,
        "labels": label_stats(session),
    }


# -- labels in every language ----------------------------------------------------------------
LabelInfo = tuple[str, str]  # (label, the language it is in)
_CHUNK = 500


def _rank(source: str, override: bool) -> tuple:
    """Which preferred label is shown: a Puente override, then ESCO (the newest release
    first), then Puente's own."""
    if override:
        return (0, 0, ())
    if source.startswith("esco-"):
        version = tuple(-int(n) for n in re.findall(r"\d+", source))
        return (1, 0 if version else 1, version)
    return (2, 0, ())


def labels(
    session: Session, uris: Iterable[str], language: str, fallback: str = "en"
) -> dict[str, LabelInfo]:
    """uri -> (label, language used): the label in `language` when there is one, else the
    `fallback` language's, else the main release's own label. The language actually used is
    always returned, so a caller can mark a label that is not in the language asked for.
    Concepts the taxonomy does not know are left out."""
    wanted = list(dict.fromkeys(uris))
    langs = [language] if language == fallback else [language, fallback]
    best: dict[tuple[str, str], tuple[tuple, str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(
                m.TaxonomyLabel.uri,
                m.TaxonomyLabel.language,
                m.TaxonomyLabel.source,
                m.TaxonomyLabel.override,
                m.TaxonomyLabel.label,
            ).where(
                m.TaxonomyLabel.uri.in_(wanted[start : start + _CHUNK]),
                m.TaxonomyLabel.language.in_(langs),
                m.TaxonomyLabel.kind == "preferred",
            )
        )
        for uri, lang, source, override, text in rows:
            rank = _rank(source, override)
            if (uri, lang) not in best or rank < best[(uri, lang)][0]:
                best[(uri, lang)] = (rank, text)
    found: dict[str, LabelInfo] = {}
    for uri in wanted:
        lang = next((lang for lang in langs if (uri, lang) in best), None)
        if lang is not None:
            text = best[(uri, lang)][1].strip()
            found[uri] = (inclusive(text) if lang == "es" else text, lang)
    missing = [u for u in wanted if u not in found]
    if missing:  # labels not imported yet: the main release's tables
        main = current_version(session)
        for _, model in _LABELLED:
            for start in range(0, len(missing), _CHUNK):
                for uri, text in session.execute(
                    select(model.uri, model.preferred_label).where(
                        model.uri.in_(missing[start : start + _CHUNK])
                    )
                ):
                    found.setdefault(uri, (text, main.language if main else "en"))
    return found


def cached_labels(session: Session, uris: list[str], language: str) -> dict[str, LabelInfo]:
    """As `labels`, from the labels this process keeps (assistant/taxonomy/label_cache.py)
    when it can."""
    return label_cache.CACHE.labels(session, uris, language, labels)


def label(session: Session, uri: str, language: str, fallback: str = "en") -> LabelInfo | None:
    """(label, language used) of one concept; see `labels`."""
    return labels(session, [uri], language, fallback).get(uri)


def localize(session: Session, items: Iterable[dict], language: str) -> None:
    """Relabel {uri, label} items in place for a reader of `language`: `label` in that
    language when there is one, `label_en` in English, and `label_language`, the language
    `label` is actually in (so an English fallback is marked, never silent)."""
    items = [item for item in items if item.get("uri")]
    uris = [item["uri"] for item in items]
    wanted = labels(session, uris, language)
    english = wanted if language == "en" else labels(session, uris, "en")
    for item in items:
        uri = item["uri"]
        if uri in english and english[uri][1] == "en":
            item["label_en"] = english[uri][0]
        if uri in wanted:
            item["label"], item["label_language"] = wanted[uri]


_LABELLED = (
    ("skills", m.EscoSkill),
    ("occupations", m.EscoOccupation),
    ("skill_groups", m.EscoSkillGroup),
    ("isco_groups", m.EscoIscoGroup),
)
_CONCEPT_KEYS = {"skill": "skills", "occupation": "occupations"}
_CONCEPT_KEYS.update(skill_group="skill_groups", isco_group="isco_groups")


def label_stats(session: Session) -> dict:
    """Per language: concepts with a preferred label (skills, occupations, the transversal and
    DigComp collections), alternative labels, and labels by source; the sets imported."""
    t = m.TaxonomyLabel
    preferred = t.kind == "preferred"
    languages: dict[str, dict] = {}

    def entry(lang: str) -> dict:
        return languages.setdefault(
            lang, {"preferred": {}, "alt_labels": 0, "by_source": {}, "overrides": 0}
        )

    for lang, concept, n in session.execute(
        select(t.language, t.concept, func.count(func.distinct(t.uri)))
        .where(preferred)
        .group_by(t.language, t.concept)
    ):
        entry(lang)["preferred"][_CONCEPT_KEYS.get(concept, concept)] = n
    for collection in ("transversal", "digcomp"):
        members = select(m.EscoCollectionMember.skill_uri).where(
            m.EscoCollectionMember.collection == collection
        )
        for lang, n in session.execute(
            select(t.language, func.count(func.distinct(t.uri)))
            .where(preferred, t.uri.in_(members))
            .group_by(t.language)
        ):
            entry(lang)["preferred"][f"{collection}_skills"] = n
    for lang, source, kind, override, n in session.execute(
        select(t.language, t.source, t.kind, t.override, func.count())
        .group_by(t.language, t.source, t.kind, t.override)
        .order_by(t.language, t.source)
    ):
        e = entry(lang)
        by_source = e["by_source"].setdefault(source, {"preferred": 0, "alt": 0})
        by_source[kind] = by_source.get(kind, 0) + n
        if kind == "alt":
            e["alt_labels"] += n
        if override:
            e["overrides"] += n
    for e in languages.values():
        e["preferred"] = dict(sorted(e["preferred"].items()))
    totals = {key: _count(session, model) for key, model in _LABELLED}
    for collection in ("transversal", "digcomp"):
        totals[f"{collection}_skills"] = (
            session.scalar(
                select(func.count()).where(m.EscoCollectionMember.collection == collection)
            )
            or 0
        )
    sets = [
        {
            "source": s.source,
            "language": s.language,
            "location": s.location,
            "imported_at": s.imported_at.isoformat(),
            "counts": s.counts,
            "notes": s.notes,
        }
        for s in session.scalars(
            select(m.TaxonomyLabelSet).order_by(
                m.TaxonomyLabelSet.language, m.TaxonomyLabelSet.source
            )
        )
    ]
    return {"concepts": dict(sorted(totals.items())), "languages": languages, "sets": sets}
