"""Occupation search: informal job titles and typos -> ESCO occupations.

Three signals: dense similarity against occupation titles and alternative titles (the
engine's occupation index for the text's language); character n-gram TF-IDF over every title,
which survives typos ("bookeeper"); and, since ESCO's titles here are English, a curated
Spanish/Portuguese job-title lexicon (goals/lexicon/occupations_{es,pt}.tsv: "cajera de super",
"gásfiter", "motoboy") matched on accent-folded, lightly stemmed tokens.
"""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.skills.embedders import get_embedder
from assistant.skills.lexicon import fold
from assistant.skills.text import clean_input

DENSE_WEIGHT = 0.65
CANDIDATES = 200
LEXICON_DIR = Path(__file__).parent / "lexicon"
LEXICON_BONUS = (1.0, 0.8, 0.6)  # for the first, second and third occupation a term names


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
        self._titles: dict[str, tuple] = {}

    def _title_matcher(self, lang: str):
        """(matcher, term key -> ordered URIs) for a language's job-title lexicon, or None."""
        with self._lock:
            if lang not in self._titles:
                path = LEXICON_DIR / f"occupations_{lang}.tsv"
                if not path.exists():
                    self._titles[lang] = None
                else:
                    from spacy.matcher import PhraseMatcher

                    from assistant.skills.lexicon import _fold_doc
                    from assistant.skills.segment import tokenizer

                    nlp = tokenizer(lang)
                    terms: dict[str, list[str]] = {}
                    with path.open(encoding="utf-8", newline="") as fh:
                        for row in csv.DictReader(fh, delimiter="\t"):
                            terms.setdefault(row["term"].strip(), []).append(row["uri"].strip())
                    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
                    for term in terms:
                        matcher.add(term, [_fold_doc(nlp.make_doc(term))])
                    self._titles[lang] = (nlp, matcher, terms)
            return self._titles[lang]

    def _lexicon_hits(self, text: str, lang: str) -> dict[str, float]:
        found = self._title_matcher(lang)
        if not found:
            return {}
        from assistant.skills.lexicon import _fold_doc

        nlp, matcher, terms = found
        doc = _fold_doc(nlp.make_doc(text))
        hits: dict[str, float] = {}
        # longer terms are more specific: "repartidor de rappi" beats "repartidor"
        for match_id, start, end in sorted(matcher(doc), key=lambda m: m[1] - m[2]):
            term = nlp.vocab.strings[match_id]
            for rank, uri in enumerate(terms[term][: len(LEXICON_BONUS)]):
                bonus = LEXICON_BONUS[rank] * min(1.0, 0.6 + 0.2 * (end - start))
                hits[uri] = max(hits.get(uri, 0.0), bonus)
        return hits

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
        # every lexicon: a one-word title ("pedreiro") says too little to detect its language
        lexical_titles: dict[str, float] = {}
        for title_lang in ("es", "pt"):
            for uri, bonus in self._lexicon_hits(clean.text, title_lang).items():
                lexical_titles[uri] = max(lexical_titles.get(uri, 0.0), bonus)
        for uri, bonus in lexical_titles.items():
            combined[uri] = combined.get(uri, 0.0) + bonus
        ranked = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return [
            OccupationHit(u, self.engine.view.occupations[u][0], min(1.0, s))
            for u, s in ranked
            if u in self.engine.view.occupations
        ]


def _minmax(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    span = (high - low) or 1.0
    return {k: (v - low) / span for k, v in values.items()}
