"""Occupation search: informal job titles and typos -> ESCO occupations.

Three signals: dense similarity against occupation titles and alternative titles (the
engine's occupation index for the text's language, which holds ESCO's Spanish titles beside
the English ones for Spanish text); character n-gram TF-IDF over every title, which survives
typos ("bookeeper"), over the English titles and, for Spanish text, over the Spanish ones too;
and a curated Latin American Spanish/Portuguese job-title lexicon
(goals/lexicon/occupations_{es,pt}.tsv: "gásfiter de gas", "maestra jardinera",
"colectivero") matched on accent-folded, lightly stemmed tokens. Measured on the development
sets' tune part (docs/skills.md, "Spanish matching").
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
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
# The text is exactly one of ESCO's titles ("auxiliar de educación infantil" is the early
# years teaching assistant's Spanish preferred title; the dense and n-gram signals put the
# primary school assistant, whose titles share most words, ahead of it)
EXACT_BONUS = {"preferred": 1.0, "alt": 0.5}
_ARTICLE = re.compile(r"^(?:una?|el|la|los|las|an?|the|um|uma|o)\s+")
_PUNCT = re.compile(r"[^\w\s/-]+")


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
        self._tfidf: dict[str, tuple | None] = {}
        self._titles: dict[str, tuple] = {}
        self._exact: dict[str, dict[str, float]] | None = None

    def _exact_titles(self) -> dict[str, dict[str, float]]:
        """Folded title -> {occupation: bonus}, over the English titles and every local
        language's, each gendered pair ("cajero/cajera", "cajero/a") under both forms."""
        with self._lock:
            if self._exact is None:
                view = self.engine.view
                exact: dict[str, dict[str, float]] = {}
                pairs = [(uri, label, alts) for uri, (label, alts, _) in view.occupations.items()]
                met = {lang for langs in self.engine.local_labels.values() for lang in langs}
                for lang in sorted(set(view.local) & met):
                    for uri, t in view.labels_in(lang, "occupation").items():
                        pairs.append((uri, t.preferred, t.alts))
                for uri, preferred, alts in pairs:
                    for kind, titles in (("preferred", (preferred,)), ("alt", alts)):
                        for title in titles:
                            for form in title_forms(title):
                                held = exact.setdefault(form, {})
                                held[uri] = max(held.get(uri, 0.0), EXACT_BONUS[kind])
                self._exact = exact
            return self._exact

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

    # -- the engine's JobTitles port (the worker's own job, named in a story) ------------
    def find(self, title: str, lang: str) -> dict[str, float]:
        return self._lexicon_hits(title, lang)

    @functools.cache  # noqa: B019 - one search per process; the files do not change
    def digest(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(LEXICON_DIR.glob("occupations_*.tsv")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]

    def _lexicon_hits(self, text: str, lang: str) -> dict[str, float]:
        found = self._title_matcher(lang)
        if not found:
            return {}
        from assistant.skills.lexicon import _fold_doc

        nlp, matcher, terms = found
        doc = _fold_doc(nlp.make_doc(text))
        hits: dict[str, float] = {}
        # longer terms are more specific: "repartidor de rappi" beats "repartidor"; and a term
        # inside a longer one found is no title of its own: the "jardinera" of "maestra
        # jardinera" is no gardener
        found = [
            (start, end, terms[nlp.vocab.strings[match_id]])
            for match_id, start, end in _outermost(matcher(doc))
        ]
        for start, end, uris in self._helped(doc, found):
            for rank, uri in enumerate(uris[: len(LEXICON_BONUS)]):
                bonus = LEXICON_BONUS[rank] * min(1.0, 0.6 + 0.2 * (end - start))
                hits[uri] = max(hits.get(uri, 0.0), bonus)
        return hits

    def _helped(self, doc, found: list[tuple[int, int, list[str]]]):
        """A helper of what a term names ("auxiliar en un jardín de infantes", "asistente de
        maestra jardinera"): when a helper word stands before a term, the term's helper
        occupations (an English title naming an assistant) come first, and a generic helper
        term overlapping it ("asistente de maestra") gives way to it."""
        helpers = [i for i, token in enumerate(doc) if fold(token.text) in HELPER_WORDS]

        def is_helper(uri: str) -> bool:
            title = self.engine.view.occupations.get(uri, ("",))[0]
            return bool(HELPER_TITLE.search(title))

        readings = []
        for start, end, uris in found:
            inside = any(start <= i < end for i in helpers)
            before = any(i < start for i in helpers)
            if before and not inside and any(is_helper(u) for u in uris):
                uris = sorted(uris, key=lambda u: not is_helper(u))  # stable: order kept
                readings.append((start, end, uris, True))
            else:
                readings.append((start, end, uris, False))
        return [
            (start, end, uris)
            for start, end, uris, helped in readings
            if helped
            or not any(start <= i < end for i in helpers)
            or not any(h and s < end and start < e for s, e, _, h in readings)
        ]

    def _lexical(self, lang: str = ""):
        """Character n-gram TF-IDF over the release's titles (""), or over one language's
        own titles (ESCO's Spanish titles and alternative titles), each kept apart so a
        language's titles never change another's scores."""
        with self._lock:
            if lang not in self._tfidf:
                from sklearn.feature_extraction.text import TfidfVectorizer

                uris, texts = [], []
                if lang:
                    titles = sorted(self.engine.view.labels_in(lang, "occupation").items())
                    pairs = [(uri, (t.preferred, *t.alts)) for uri, t in titles]
                else:
                    occupations = sorted(self.engine.view.occupations.items())
                    pairs = [(uri, (label, *alts)) for uri, (label, alts, _) in occupations]
                for uri, found in pairs:
                    for title in found:
                        uris.append(uri)
                        texts.append(fold(title))
                if not texts:
                    self._tfidf[lang] = None
                    return None
                vectorizer = TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32
                )
                self._tfidf[lang] = (vectorizer, vectorizer.fit_transform(texts), uris)
            return self._tfidf[lang]

    def _lexical_scores(self, text: str, lang: str = "") -> dict[str, float]:
        found = self._lexical(lang)
        if found is None:
            return {}
        vectorizer, matrix, uris = found
        scores = (matrix @ vectorizer.transform([fold(text)]).T).toarray().ravel()
        best: dict[str, float] = {}
        for i in np.argsort(-scores)[:CANDIDATES]:
            best[uris[i]] = max(best.get(uris[i], 0.0), float(scores[i]))
        return best

    def search(self, text: str, language: str = "auto", top: int = 10) -> list[OccupationHit]:
        clean = clean_input(text, 2000, language)
        lang = clean.language if clean.language in ("en", "es", "pt") else "es"
        model = self.engine.title_model_for(lang)
        index = self.engine.index("occupations", model)
        vector = get_embedder(model).embed_queries([clean.text])
        allowed = index.rows_for(self.engine.local_labels.get(lang, ()))
        sims, rows = index.search(vector, CANDIDATES if allowed is None else 2 * CANDIDATES)
        dense: dict[str, float] = {}
        for sim, row in zip(sims[0], rows[0], strict=True):
            if row >= 0 and (allowed is None or allowed[row]):
                key = index.keys[row]
                dense[key] = max(dense.get(key, -1.0), float(sim))
        lexical = self._lexical_scores(clean.text)
        for local in self.engine.local_labels.get(lang, ()):
            for uri, score in self._lexical_scores(clean.text, local).items():
                lexical[uri] = max(lexical.get(uri, 0.0), score)
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
        for uri, bonus in self._exact_titles().get(plain_title(clean.text), {}).items():
            combined[uri] = combined.get(uri, 0.0) + bonus
        ranked = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return [
            OccupationHit(u, self.engine.view.occupations[u][0], min(1.0, s))
            for u, s in ranked
            if u in self.engine.view.occupations
        ]


HELPER_WORDS = frozenset(
    {"auxiliar", "asistente", "ayudante", "assistente", "ajudante", "assistant", "helper", "aide"}
)
HELPER_TITLE = re.compile(r"\b(assistant|helper|aide)\b")


def plain_title(text: str) -> str:
    """A title as compared exactly: folded, without punctuation or a leading article."""
    text = " ".join(_PUNCT.sub(" ", fold(text)).split())
    return _ARTICLE.sub("", text)


def title_forms(title: str) -> set[str]:
    """The forms of a title: "director técnico/directora técnica" is two titles, and
    "técnico/a educativo/a" is "técnico educativo" and "técnica educativa"."""
    parts = [p.strip() for p in title.split("/")]
    if (
        len(parts) == 2
        and all(len(p) > 3 for p in parts)
        and fold(parts[0])[:3] == fold(parts[1])[:3]
    ):
        forms = set(parts)  # two whole titles, one per gender
    else:
        forms = {title}
    out = set()
    for form in forms:
        if re.search(r"\w/as?\b", form):
            out.add(re.sub(r"(\w)/as?\b", r"\1", form))
            out.add(re.sub(r"(\w)o/a(s?)\b|(\w)/a(s?)\b", _feminine, form))
        else:
            out.add(form)
    return {plain_title(f) for f in out if f}


def _feminine(match: re.Match) -> str:
    if match.group(1):
        return match.group(1) + "a" + match.group(2)
    return match.group(3) + "a" + match.group(4)


def _outermost(matches):
    """Longest matches first, without those inside a longer one."""
    kept: list[tuple[int, int, int]] = []
    for match_id, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
        if not any(s <= start and end <= e and (s, e) != (start, end) for _, s, e in kept):
            kept.append((match_id, start, end))
    return kept


def _minmax(values: dict[str, float]) -> dict[str, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    span = (high - low) or 1.0
    return {k: (v - low) / span for k, v in values.items()}
