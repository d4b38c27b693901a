"""Occupation search: informal job titles and typos -> ESCO occupations.

Two signals, combined: dense similarity against occupation titles and alternative titles (the
engine's occupation index for the text's language), and character n-gram TF-IDF over every
title, which survives typos and slang spellings ("cajera de super", "bookeeper").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from assistant.skills.embedders import get_embedder
from assistant.skills.lexicon import fold
from assistant.skills.text import clean_input

DENSE_WEIGHT = 0.65
CANDIDATES = 200


@dataclass(frozen=True)
class OccupationHit:
    uri: str
    label: str
    score: float

    def as_dict(self) -> dict:
        return {"uri": self.uri, "label": self.label, "score": round(self.score, 4)}


class OccupationSearch:
    def __init__(self, engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._tfidf = None

    def _lexical(self):
        with self._lock:
            if self._tfidf is None:
                from sklearn.feature_extraction.text import TfidfVectorizer

                uris, texts = [], []
                for uri, (label, alts, _) in sorted(self.engine.view.occupations.items()):
                    for title in (label, *alts):
                        uris.append(uri)
                        texts.append(fold(title))
                vectorizer = TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32
                )
                self._tfidf = (vectorizer, vectorizer.fit_transform(texts), uris)
            return self._tfidf

    def search(self, text: str, language: str = "auto", top: int = 10) -> list[OccupationHit]:
        clean = clean_input(text, 2000, language)
        lang = clean.language if clean.language in ("en", "es", "pt") else "es"
        model = self.engine.model_for(lang)
        index = self.engine.index("occupations", model)
        vector = get_embedder(model).embed_queries([clean.text])
        sims, rows = index.search(vector, CANDIDATES)
        dense: dict[str, float] = {}
        for sim, row in zip(sims[0], rows[0], strict=True):
            if row >= 0:
                key = index.keys[row]
                dense[key] = max(dense.get(key, -1.0), float(sim))
        vectorizer, matrix, uris = self._lexical()
        lex_scores = (matrix @ vectorizer.transform([fold(clean.text)]).T).toarray().ravel()
        lexical: dict[str, float] = {}
        for i in np.argsort(-lex_scores)[:CANDIDATES]:
            lexical[uris[i]] = max(lexical.get(uris[i], 0.0), float(lex_scores[i]))
        dense_n = _minmax(dense)
        combined = {
            uri: DENSE_WEIGHT * dense_n.get(uri, 0.0) + (1 - DENSE_WEIGHT) * lexical.get(uri, 0.0)
            for uri in set(dense) | set(lexical)
        }
        ranked = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return [
            OccupationHit(u, self.engine.view.occupations[u][0], s)
            for u, s in ranked
            if u in self.engine.view.occupations
        ]


def _minmax(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    span = (high - low) or 1.0
    return {k: (v - low) / span for k, v in values.items()}
