"""Fitting the second-stage ranker (assistant/skills/rerank.py) on the development set's tune
part, and judging it there by cross-validation over statements (the frozen test part is never
read here: make bench reports it)."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

import numpy as np

from assistant.skills.evaluate import aggregate, skill_row
from assistant.skills.rerank import (
    CANDIDATES,
    FEATURES,
    WEIGHTS_PATH,
    Model,
    Reranker,
    language_family,
    stems,
)

FOLDS = 5
C = 1.0  # the logistic model's inverse regularisation


@dataclass
class Candidates:
    """One statement's first-stage candidates, with their features and whether accepted."""

    item: object
    family: str
    uris: list[str]
    rows: np.ndarray
    accepted: np.ndarray
    over_cutoff: list[str]  # the candidates over the first stage's cut-off, in its order


def candidates(engine, items, reranker: Reranker, progress=None) -> list[Candidates]:
    out = []
    for n, item in enumerate(items):
        found = engine.extract(item.text, language=item.lang, top=CANDIDATES, cutoff=False)
        said = stems(found.text)
        hits = found.skills[:CANDIDATES]
        rows = [reranker.features(h, rank, said, item.lang) for rank, h in enumerate(hits, 1)]
        cutoff = engine.cutoff_for(item.lang)
        out.append(
            Candidates(
                item,
                language_family(item.lang),
                [h.uri for h in hits],
                np.array(rows, np.float64).reshape(-1, len(FEATURES)),
                np.array([h.uri in item.relevant for h in hits], bool),
                [h.uri for h in hits if h.score >= cutoff],
            )
        )
        if progress:
            progress(n + 1, len(items))
    return out


def fit(pool: list[Candidates]) -> dict:
    """A standardised logistic model over the candidates' features."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([c.rows for c in pool])
    y = np.concatenate([c.accepted for c in pool])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000).fit((x - mean) / scale, y)
    return {
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
    }


def _fold(item) -> int:
    return zlib.crc32(item.id.encode()) % FOLDS


def cross_validate(pool: list[Candidates], thresholds=(0.08, 0.1, 0.12, 0.15)) -> dict:
    """Each statement ranked by a model fitted on the other folds, against the first stage's
    order, per language family: reordered and shown with the first stage's cut-off (as
    `extract(rerank=True)` does), and what a cut at each probability threshold would show."""
    predicted: dict[int, np.ndarray] = {}
    for fold in range(FOLDS):
        for family in ("en", "es"):
            train = [c for c in pool if c.family == family and _fold(c.item) != fold]
            test = [
                (i, c) for i, c in enumerate(pool) if c.family == family and _fold(c.item) == fold
            ]
            if not train or not test:
                continue
            weights = fit(train)
            model = Model(*(weights[k] for k in ("coef", "intercept", "mean", "scale")))
            for i, c in test:  # read as the engine reads: rerank.Model
                predicted[i] = np.array([model.probability(list(row)) for row in c.rows])
    report: dict = {}
    for family in ("en", "es"):
        members = [(i, c) for i, c in enumerate(pool) if c.family == family]
        first = [skill_row(c.uris, c.item.relevant, shown=c.over_cutoff[:10]) for _, c in members]
        orders = {i: np.argsort(-predicted[i], kind="stable") for i, _ in members}
        ranked = {i: [c.uris[j] for j in orders[i]] for i, c in members}
        same_cut = []
        for i, c in members:
            over = set(c.over_cutoff)
            shown = [u for u in ranked[i] if u in over][:10]
            same_cut.append(skill_row(ranked[i], c.item.relevant, shown=shown))
        report[family] = {"first stage": aggregate(first), "rerank, same cut": aggregate(same_cut)}
        for t in thresholds:
            rows = []
            for i, c in members:
                shown = [c.uris[j] for j in orders[i] if predicted[i][j] >= t][:10]
                rows.append(skill_row(ranked[i], c.item.relevant, shown=shown))
            report[family][f"rerank p>={t}"] = aggregate(rows)
    return report


def write_weights(pool: list[Candidates], path=WEIGHTS_PATH):
    models = {}
    for family in ("en", "es"):
        members = [c for c in pool if c.family == family]
        models[family] = {**fit(members), "statements": len(members)}
    path.write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "fitted_on": "tests/data/devset/skills.jsonl, tune part only",
                "candidates": CANDIDATES,
                "models": models,
            },
            indent=2,
        )
        + "\n"
    )
    return path
