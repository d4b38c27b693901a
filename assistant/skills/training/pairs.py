"""Training pairs for the skill linker, built without an LLM.

Every pair is (anchor text -> a skill's English preferred label), the text a worker or a job
ad could write on one side and what the engine indexes on the other:
- the first sentence of the skill's ESCO description;
- its English alternative labels;
- its Spanish preferred and alternative labels (taxonomy_label, language 'es'): the Spanish
  view, so a Spanish sentence lands on the English label;
- the first sentence of an occupation's description, to one of its essential skills;
- a related skill's label (ESCO skill-skill relations);
- the development set's statements of the TUNE part only, to each skill a counsellor accepted
  (never the frozen test part: `evaluate.part_of`).
Each pair may carry a hard negative: the label of a hierarchy sibling (a skill under the same
broader skill or skill group), a near miss the model must learn to rank below the positive.
`relevant` lists every skill that is right for the anchor, so the loss never treats one of
them as a negative.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.skills.split import DEVSET_DIR, part_of

SKILLS_DEVSET = DEVSET_DIR / "skills.jsonl"


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str  # the skill's English preferred label
    skill: str  # its URI
    source: str  # which kind of pair (see the module's docstring)
    relevant: frozenset[str]  # every skill right for this anchor (never a negative for it)
    negative: str | None = None  # a hierarchy sibling's label
    negative_skill: str | None = None


@dataclass(frozen=True)
class Statement:
    id: str
    lang: str
    text: str
    skills: tuple[str, ...]


@dataclass
class LinkerSources:
    """What the pairs are built from (loaded from the ESCO tables by `load_sources`)."""

    labels: dict[str, str]  # skill URI -> English preferred label
    alts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    spanish: dict[str, tuple[str, ...]] = field(default_factory=dict)  # preferred first
    occupations: dict[str, str] = field(default_factory=dict)  # URI -> description
    essential: dict[str, tuple[str, ...]] = field(default_factory=dict)  # occupation -> skills
    related: tuple[tuple[str, str], ...] = ()  # (skill, related skill)
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)  # skill -> parents


@dataclass(frozen=True)
class PairBudget:
    """How many pairs of each kind (a kind's pairs are sampled down to its cap): the
    training time grows with the total, so the caps keep it under 20 minutes on 2 cores."""

    alts_per_skill: int = 1
    # 0: the linker reads English (e5 reads Spanish, measured better there); Spanish label
    # pairs were a third of the training time
    spanish_per_skill: int = 0
    skills_per_occupation: int = 2
    caps: tuple[tuple[str, int], ...] = (
        ("description", 8000),
        ("alt", 3000),
        ("spanish", 0),
        ("occupation", 3000),
        ("related", 800),
    )
    statement_repeats: int = 3  # the tune statements are few and closest to real input
    negative_share: float = 1.0  # share of pairs given a sibling as hard negative


# -- the development set's tune part -------------------------------------------------------
def tune_statements(path: Path = SKILLS_DEVSET, keep=None) -> list[Statement]:
    """The statements of the tune part only (the test part never leaves this function);
    `keep(id)` narrows them further (e.g. to hold some back while choosing settings)."""
    statements = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if part_of(row["id"]) != "tune" or (keep and not keep(row["id"])):
            continue
        skills = tuple(dict.fromkeys(s["uri"] for s in row["skills"]))
        statements.append(Statement(row["id"], row["lang"], row["text"], skills))
    return statements


def statements_digest(statements: list[Statement]) -> str:
    digest = hashlib.sha256()
    for st in sorted(statements, key=lambda s: s.id):
        digest.update(json.dumps([st.id, st.lang, st.text, st.skills]).encode() + b"\0")
    return digest.hexdigest()


# -- loading from the ESCO tables ----------------------------------------------------------
def load_sources(session) -> LinkerSources:
    from sqlalchemy import select

    from assistant.db import taxonomy_models as m

    labels, alts, descriptions = {}, {}, {}
    for row in session.scalars(select(m.EscoSkill)):
        label = row.preferred_label.strip()
        labels[row.uri] = label
        alts[row.uri] = tuple(a.strip() for a in row.alt_labels if a.strip() and a != label)
        descriptions[row.uri] = row.description or ""
    preferred_es: dict[str, dict[str, None]] = defaultdict(dict)
    alts_es: dict[str, dict[str, None]] = defaultdict(dict)
    query = (
        select(m.TaxonomyLabel.uri, m.TaxonomyLabel.kind, m.TaxonomyLabel.label)
        .where(m.TaxonomyLabel.language == "es", m.TaxonomyLabel.concept == "skill")
        .order_by(m.TaxonomyLabel.id)
    )
    for uri, kind, text in session.execute(query):
        if uri in labels and text.strip():
            target = preferred_es if kind == "preferred" else alts_es
            target[uri][text.strip()] = None
    spanish = {}  # preferred labels (ESCO's, Puente's reviewed ones) first, then the others
    for uri in labels:
        views = tuple(dict.fromkeys([*preferred_es.get(uri, {}), *alts_es.get(uri, {})]))
        if views:
            spanish[uri] = views
    occupations = {
        row.uri: row.description or "" for row in session.scalars(select(m.EscoOccupation))
    }
    essential: dict[str, list[str]] = defaultdict(list)
    for occ, skill in session.execute(
        select(m.EscoOccupationSkill.occupation_uri, m.EscoOccupationSkill.skill_uri)
        .where(m.EscoOccupationSkill.relation_type == "essential")
        .order_by(m.EscoOccupationSkill.occupation_uri, m.EscoOccupationSkill.skill_uri)
    ):
        if skill in labels:
            essential[occ].append(skill)
    related = tuple(
        (a, b)
        for a, b in session.execute(
            select(m.EscoSkillRelation.original_uri, m.EscoSkillRelation.related_uri).order_by(
                m.EscoSkillRelation.original_uri, m.EscoSkillRelation.related_uri
            )
        )
        if a in labels and b in labels
    )
    broader: dict[str, list[str]] = defaultdict(list)
    for concept, parent in session.execute(
        select(m.EscoBroaderRelation.concept_uri, m.EscoBroaderRelation.broader_uri)
        .where(m.EscoBroaderRelation.pillar == "skill")
        .order_by(m.EscoBroaderRelation.concept_uri, m.EscoBroaderRelation.broader_uri)
    ):
        if concept in labels:
            broader[concept].append(parent)
    return LinkerSources(
        labels,
        alts,
        descriptions,
        spanish,
        occupations,
        {k: tuple(v) for k, v in essential.items()},
        related,
        {k: tuple(v) for k, v in broader.items()},
    )


# -- building ------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    match = _SENTENCE_END.search(text)
    return (text[: match.start()] if match else text)[:limit]


def _siblings(sources: LinkerSources) -> dict[str, list[str]]:
    """skill -> the other skills under any of its broader concepts (sorted, so the choice
    below depends on the seed only)."""
    children: dict[str, set[str]] = defaultdict(set)
    for skill, parents in sources.broader.items():
        for parent in parents:
            children[parent].add(skill)
    siblings: dict[str, list[str]] = {}
    for skill, parents in sources.broader.items():
        found = set().union(*(children[p] for p in parents)) - {skill}
        if found:
            siblings[skill] = sorted(found)
    return siblings


def _sample(rng: random.Random, items, k: int) -> list:
    items = list(items)
    return items if len(items) <= k else rng.sample(items, k)


def build_pairs(
    sources: LinkerSources,
    statements: list[Statement],
    seed: int = 13,
    budget: PairBudget = PairBudget(),
) -> list[Pair]:
    """Every pair, in a seeded shuffled order: the same inputs and seed give the same list."""
    rng = random.Random(seed)
    labels = sources.labels
    raw: list[tuple[str, str, str, frozenset[str]]] = []  # anchor, skill, source, relevant

    def add(anchor: str, skill: str, source: str, relevant=None) -> None:
        anchor = " ".join(anchor.split())
        if anchor and skill in labels and anchor.lower() != labels[skill].lower():
            raw.append((anchor, skill, source, frozenset(relevant or {skill})))

    for skill in sorted(labels):
        if sources.descriptions.get(skill):
            add(first_sentence(sources.descriptions[skill]), skill, "description")
        for alt in _sample(rng, sources.alts.get(skill, ()), budget.alts_per_skill):
            add(alt, skill, "alt")
        views = sources.spanish.get(skill, ())
        chosen = list(views[:1]) + _sample(rng, views[1:], max(0, budget.spanish_per_skill - 1))
        for text in chosen[: budget.spanish_per_skill]:
            add(text, skill, "spanish")
    for occupation in sorted(sources.essential):
        description = first_sentence(sources.occupations.get(occupation, ""))
        if not description:
            continue
        skills = sources.essential[occupation]
        for skill in _sample(rng, skills, budget.skills_per_occupation):
            add(description, skill, "occupation", skills)
    for original, related in sources.related:
        add(labels[related], original, "related", {original, related})
    caps = dict(budget.caps)
    by_source: dict[str, list] = defaultdict(list)
    for entry in raw:
        by_source[entry[2]].append(entry)
    raw = []
    for source in sorted(by_source):
        raw += _sample(rng, by_source[source], caps.get(source, len(by_source[source])))
    for _ in range(budget.statement_repeats):
        for st in statements:
            for skill in st.skills:
                add(st.text, skill, "statement", st.skills)

    siblings = _siblings(sources)
    pairs = []
    for anchor, skill, source, relevant in raw:
        negative = None
        candidates = [s for s in siblings.get(skill, ()) if s not in relevant]
        if candidates and rng.random() < budget.negative_share:
            negative = rng.choice(candidates)
        pairs.append(
            Pair(
                anchor,
                labels[skill],
                skill,
                source,
                relevant,
                labels[negative] if negative else None,
                negative,
            )
        )
    rng.shuffle(pairs)
    return pairs


def batches(pairs: list[Pair], size: int, seed: int = 13) -> list[list[Pair]]:
    """Pairs grouped so that no batch holds one skill or one anchor twice: in-batch
    negatives are then never the anchor's own skill under another pair. A pair that fits no
    open batch starts a new one; the last, smaller batches are kept."""
    rng = random.Random(seed)
    order = list(pairs)
    rng.shuffle(order)
    done: list[list[Pair]] = []
    open_batches: list[tuple[list[Pair], set[str], set[str]]] = []
    for pair in order:
        fits = (
            entry
            for entry in open_batches
            if pair.skill not in entry[1] and pair.anchor not in entry[2]
        )
        entry = next(fits, None)
        if entry is None:
            entry = ([], set(), set())
            open_batches.append(entry)
        batch, skills, anchors = entry
        batch.append(pair)
        skills.add(pair.skill)
        anchors.add(pair.anchor)
        if len(batch) == size:
            done.append(batch)
            open_batches = [e for e in open_batches if e is not entry]
    done.extend(entry[0] for entry in open_batches)
    return done


def pair_counts(pairs: list[Pair]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for pair in pairs:
        counts[pair.source] += 1
    counts["with_negative"] = sum(1 for p in pairs if p.negative)
    return dict(sorted(counts.items()))
