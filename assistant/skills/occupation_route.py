"""The worker's own occupations in a story, and the skills read through them (issue #20,
item 3).

Occupations are found from every sentence and from each span where the worker names their
own job (assistant/skills/titles.py). Their essential skills are promoted where a sentence
also supports them (`worker_occupations`). Then the route (`read_through`): the occupations'
essential and optional skills are matched against the sentences, and each task listed in a
sentence on its own, among themselves only (not against all of ESCO, where the worker's words
lose to look-alike skills of other trades); a match counts as dense evidence scaled by how
sure the occupation is and how the skill belongs to it. The quote is the sentence or task
that matched the skill, not the one that named the job. Measured against the engine without
it by `make bench` (`puente-no-route`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# May Spanish titles promote their occupation's skills? Spanish tune part, same code: with
# them RP@5 0.254, RP@10 0.303, MRR 0.573; English titles only 0.249 / 0.303 / 0.571.
PROMOTE_FROM_LOCAL_TITLES = True
# The route: tuned on the tune part of the skills development set (session 9)
ROUTE_WEIGHT = 0.8  # an essential skill's evidence, when the occupation is sure
ROUTE_OPTIONAL = 0.6  # an optional skill's, relative to an essential one's
ROUTE_MIN = 0.3  # calibrated similarity below which a unit does not support the skill
ROUTE_CLAUSES = True  # the route also reads each task listed in a sentence on its own
# A job-title lexicon reading (assistant.goals.occupations: 1.0, 0.8, 0.6 for a term's first,
# second, third occupation, less for a one-word term) as a similarity: LEXICON_SURE of the
# way from the occupation threshold to 1; readings under LEXICON_MIN are left out.
LEXICON_SURE, LEXICON_MIN = 0.5, 0.6


def _sure(sim: float, cal) -> float:
    return min(1.0, (sim - cal.occupation) / max(1e-6, 1 - cal.occupation) + 0.5)


def worker_occupations(
    engine, vectors: np.ndarray, model: str, cal, lang: str = "en", titles: list[str] = ()
):
    """([(uri, label, similarity)] of the three surest occupations the texts name, {skill:
    promotion strength} of their essential skills). `titles`: the job names the worker gave
    their own work, also looked up in the job-title lexicon (`engine.job_titles`)."""
    index = engine.index("occupations", model)
    local = engine.local_labels.get(lang, ()) if PROMOTE_FROM_LOCAL_TITLES else ()
    allowed = index.rows_for(local)
    scores, rows = index.search(vectors, 5 if allowed is None else 10)
    found: dict[str, float] = {}
    for seg_scores, seg_rows in zip(scores, rows, strict=True):
        for sim, row in zip(seg_scores, seg_rows, strict=True):
            if row >= 0 and (allowed is None or allowed[row]) and sim >= cal.occupation:
                key = index.keys[row]
                found[key] = max(found.get(key, 0.0), float(sim))
    for uri, sim in _lexicon_titles(engine, titles, lang, cal).items():
        found[uri] = max(found.get(uri, 0.0), sim)
    ranked = sorted(found.items(), key=lambda kv: -kv[1])[:3]
    promoted: dict[str, float] = {}
    for uri, sim in ranked:
        for skill in engine.view.essential.get(uri, ()):
            promoted[skill] = max(promoted.get(skill, 0.0), _sure(sim, cal))
    view = engine.view.occupations
    named = [(u, view[u][0], s) for u, s in ranked if u in view]
    return named, promoted


def _lexicon_titles(engine, titles, lang: str, cal) -> dict[str, float]:
    """The occupations the job-title lexicon gives the worker's own titles, as similarities:
    a term's first occupation as sure as a near-exact title match, the next ones less (the
    lexicon lists "portero" as a doorman first, a building caretaker second); below
    LEXICON_MIN (a one-word term's third reading) not at all."""
    if engine.job_titles is None:
        return {}
    out: dict[str, float] = {}
    for title in titles:
        for uri, weight in engine.job_titles.find(title, lang).items():
            if weight >= LEXICON_MIN:
                sim = cal.occupation + LEXICON_SURE * weight * (1 - cal.occupation)
                out[uri] = max(out.get(uri, 0.0), sim)
    return out


@dataclass(frozen=True)
class RouteTexts:
    """What the route reads besides the sentences: each listed task on its own ("les hago la
    cena" is drowned in its long sentence, but alone it meets its skill), and each unit that
    names the job without the words naming it ("Trabajo de niñera con dos hermanitos" names
    the job; it does not say she helps with homework, and it was quoted so). The engine embeds
    `texts` in the same model call as the sentences."""

    listed: list  # the listed task segments
    named: list[tuple[int, int]]  # (0: a sentence, 1: a listed task; its index) naming the job
    rest: list[str]  # their text without the job's name ("" when little else is left)
    texts: list[str]  # to embed: the listed tasks, then each non-empty `rest`


def route_texts(units, listed, titles) -> RouteTexts:
    listed = listed if ROUTE_CLAUSES else []
    named = [(0, i) for i, u in enumerate(units) if names_job(u, titles)]
    named += [(1, i) for i, u in enumerate(listed) if names_job(u, titles)]
    rest = [_without(units[i] if kind == 0 else listed[i], titles) for kind, i in named]
    texts = [t.text for t in listed] + [r for r in rest if r]
    return RouteTexts(listed, named, rest, texts)


def read_through(engine, how, sentences, clauses, occupations, route, found) -> None:
    """Adds the route's evidence to the sentences' dense matches and to the listed tasks'.
    `how` is (model, calibration, language); `sentences` (vectors, found per sentence);
    `clauses` found per listed task (filled here); `route` the RouteTexts and `found` their
    vectors."""
    vectors, dense = sentences
    listed = len(route.listed)
    read = [np.array(vectors, np.float32, copy=True), np.array(found[:listed], np.float32)]
    spare = iter(found[listed:])
    for (kind, i), text in zip(route.named, route.rest, strict=True):
        read[kind][i] = next(spare) if text else 0.0  # only the job's name: no evidence
    # one match among the occupations' skills for sentences and tasks together
    _add(engine, how, np.concatenate(read), dense + clauses[:listed], occupations)


def names_job(unit, titles) -> bool:
    return any(unit.start <= t.start < unit.end for t in titles)


def _without(unit, titles) -> str:
    """The unit's text without the words naming the job ("trabajo de niñera"); "" when
    little else is left."""
    text = unit.text
    for t in sorted(titles, key=lambda t: -t.start):
        if unit.start <= t.start < unit.end:
            a = max(t.phrase_start, unit.start) - unit.start
            b = min(t.end, unit.end) - unit.start
            text = text[:a] + " " + text[b:]
    return text if len([w for w in text.split() if len(w) > 2]) >= 2 else ""


def _add(engine, how, vectors, dense, occupations) -> None:
    model, cal, lang = how
    view = engine.view
    weights: dict[str, float] = {}
    for uri, _, sim in occupations:
        for relation, share in ((view.optional, ROUTE_OPTIONAL), (view.essential, 1.0)):
            for skill in relation.get(uri, ()):
                weight = ROUTE_WEIGHT * _sure(sim, cal) * share
                weights[skill] = max(weights.get(skill, 0.0), weight)
    if not weights or ROUTE_WEIGHT <= 0:
        return
    among = engine._dense_among(vectors, model, cal, lang, set(weights))
    for found, route in zip(dense, among, strict=True):
        for skill, value in route.items():
            if value >= ROUTE_MIN:
                found[skill] = max(found.get(skill, 0.0), value * weights[skill])
