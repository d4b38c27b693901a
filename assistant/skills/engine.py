"""The skill engine: a worker's own words -> ranked ESCO skills with quoted evidence.

Signals per segment (task statement):
- dense retrieval of ESCO labels, alternative labels and descriptions (FAISS);
- exact mentions of lexicon terms and short ESCO labels (PhraseMatcher);
- job titles mapped to ESCO occupations, whose essential skills are promoted when the
  segment also supports them.
A skill's segment score combines these; scores over segments combine as a noisy-or, so a
skill evidenced twice is stronger. Calibration constants are tuned on the development set
(tests/data/devset) with `assistant evaluate skills --part tune`.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from typing import Protocol

import numpy as np

from assistant.skills import occupation_route
from assistant.skills.calibration import (  # noqa: F401 - re-exported: callers import them here
    CALIBRATION,
    LOCAL_LABELS,
    LOCAL_VIEWS,
    Calibration,
    field_weight,
)
from assistant.skills.domains import StoryDomains
from assistant.skills.embedders import get_embedder
from assistant.skills.index_shelf import IndexShelf
from assistant.skills.lexicon import LEXICON_DIR, MentionMatcher
from assistant.skills.rerank import Reranker, load_models
from assistant.skills.results import (  # noqa: F401 - re-exported: callers import them here
    ESCO_ATTRIBUTION,
    Evidence,
    Extraction,
    SkillHit,
    Support,
    _Reading,
)
from assistant.skills.segment import Segment, segment_with_context
from assistant.skills.taxonomy_view import TaxonomyView
from assistant.skills.text import clean_input
from assistant.skills.titles import own_job_titles
from assistant.skills.unit_reading import (
    TAIL,
    blocked_spans,
    calibrated,
    dense_units,
    names_product,
    read_behaviour,
)
from assistant.skills.vector_index import RECIPE_VERSION, VectorIndex

DENSE_CANDIDATES = 100  # vectors per segment (3 x top when more are asked for)
# how a unit naming the worker's job ranks as a quote against one that shows the skill
TITLED_QUOTE = 0.5
# A model trained here -> the packaged model it was trained from. The linker reads sentences
# into skills and was never taught job titles: on the occupation set's tune part it put the
# right occupation first less often than its base (English recall@1 .681 -> .638), so a job
# title typed as a goal is searched with the base model.
BASE_MODELS = {"puente-linker": "minilm"}


class JobTitles(Protocol):
    """Occupations a job title names in a language's own words ({uri: 0..1, surest first})."""

    def find(self, title: str, lang: str) -> dict[str, float]: ...

    def digest(self) -> str: ...


class SkillEngine:
    def __init__(
        self,
        view: TaxonomyView,
        build_dir,
        cache_dir,
        models: dict[str, str],
        max_chars: int = 20_000,
        local_labels: dict[str, tuple[str, ...]] = LOCAL_LABELS,
        shelf: IndexShelf | None = None,
    ) -> None:
        """`local_labels`: which languages' own labels a text in a language meets (the indexes
        hold them all). `shelf`: the loaded indexes and matchers of another engine over the
        same models, for a variant that reads them differently (nothing loaded twice)."""
        self.view = view
        self.models = models  # language -> embedding model name
        self.max_chars = max_chars
        self.local_labels = local_labels
        self._build_dir = build_dir
        self._cache_dir = cache_dir
        self._shelf = shelf or IndexShelf(view, build_dir, cache_dir, models)
        # The job-title lexicon the goal search uses (assistant.goals.occupations), set by the
        # services that build the engine: a title the worker gives their own job ("portero",
        # "nana") is found there before the dense match, which does not know the local words.
        self.job_titles: JobTitles | None = None

    # -- lazily built parts ------------------------------------------------------------------
    def index(self, name: str, model: str, progress=None, force: bool = False) -> VectorIndex:
        return self._shelf.index(name, model, progress, force)

    def matcher(self, lang: str) -> MentionMatcher:
        return self._shelf.matcher(lang)

    def fingerprint(self) -> str:
        """What decides this engine's output: taxonomy, index recipe, each model with its
        engine and precision, the calibration and the lexicons. Stored with what was derived
        from the engine (inferred catalogue tags), so that is redone when this changes."""
        digest = hashlib.sha256()
        parts = [self.view.fingerprint, RECIPE_VERSION, repr(sorted(CALIBRATION.items()))]
        for lang, model in sorted(self.models.items()):
            parts.append(f"{lang}={model}:{get_embedder(model).version}")
        for part in parts:
            digest.update(part.encode() + b"\0")
        for path in sorted(LEXICON_DIR.glob("*.tsv")):
            digest.update(path.read_bytes())
        if self.job_titles is not None:
            digest.update(self.job_titles.digest().encode())
        return digest.hexdigest()[:16]

    def model_for(self, lang: str) -> str:
        return self.models.get(lang) or self.models.get("es") or "e5"

    def title_model_for(self, lang: str) -> str:
        """The model that reads a job title typed on its own (the goal search)."""
        model = self.model_for(lang)
        return BASE_MODELS.get(model, model)

    def untrained(self) -> SkillEngine | None:
        """The same engine with each model trained here replaced by its base (the bench's
        before/after, same run); None when no model is trained here."""
        models = {lang: BASE_MODELS.get(m, m) for lang, m in self.models.items()}
        if models == self.models:
            return None
        engine = SkillEngine(self.view, self._build_dir, self._cache_dir, models, self.max_chars)
        engine.job_titles = self.job_titles
        return engine

    def english_labels_only(self) -> SkillEngine:
        """The same engine and indexes, every text meeting ESCO's English labels only: how
        Spanish was matched before the Spanish labels (#19; the bench's before/after)."""
        engine = SkillEngine(
            self.view,
            self._build_dir,
            self._cache_dir,
            self.models,
            self.max_chars,
            local_labels={},
            shelf=self._shelf,
        )
        engine.job_titles = self.job_titles
        return engine

    def warm_up(self) -> None:
        for lang in ("en", "es"):
            self.extract(
                "I helped customers and cleaned the shop."
                if lang == "en"
                else "Atendía clientes y limpiaba la tienda.",
                language=lang,
            )

    # -- extraction --------------------------------------------------------------------------
    def extract(
        self,
        text: object,
        language: str = "auto",
        top: int = 10,
        cutoff: bool = True,
        route: bool = True,
        rerank: bool = False,
    ) -> Extraction:
        """`route=False` leaves out the occupation route (the baseline it is measured by);
        `rerank=True` orders the candidates by the second-stage ranker (measured by the
        bench, not served: docs/skills.md, "The second-stage ranker")."""
        k = max(DENSE_CANDIDATES, 3 * top)
        reading = self._read(
            text,
            language,
            lambda v, model, cal, lang: self._dense(v, model, cal, k, lang),
            route=route,
        )
        if reading.hits is None:
            return reading.extraction(top, [])
        hits = reading.hits
        if rerank:
            hits = self.reranker.rerank(hits, reading.text, reading.language) or hits
        if cutoff:
            # by the first stage's score, reranked or not: a cut by the ranker's probability
            # showed no better precision for the same recall (tune part)
            hits = [h for h in hits if h.score >= reading.cal.cutoff]
        return reading.extraction(top, hits)

    @functools.cached_property
    def reranker(self) -> Reranker:
        return Reranker(load_models(), self.view)

    def cutoff_for(self, lang: str) -> float:
        """The first stage's cut-off for a text in `lang`."""
        return CALIBRATION[self.model_for(lang)].cutoff

    def support(self, text: object, language: str, candidates) -> Support:
        """How well the text supports each of `candidates` (skill URIs), with the sentences
        that do: the extraction's reading (lexicon, cues, negations, the worker's own
        occupation), but dense matching against the candidates' labels only, so a skill is
        judged on its own and not against the 14,000 others. No cut-off: the caller decides.
        Also the occupations the text names (the worker's own jobs)."""
        wanted = set(candidates)
        if not wanted:
            return Support([], [])
        reading = self._read(
            text,
            language,
            lambda v, model, cal, lang: self._dense_among(v, model, cal, lang, wanted),
            promote_titled=True,  # a target skill may be credited through the worker's job
        )
        hits = [h for h in reading.hits or [] if h.uri in wanted]
        return Support(hits, [uri for uri, _, _ in reading.occupations])

    def _read(
        self, text: object, language: str, dense_for, route: bool = True, promote_titled=False
    ) -> _Reading:
        clean = clean_input(text, self.max_chars, language)
        lang = clean.language if clean.language in ("en", "es", "pt") else "es"
        notes = list(clean.notes)
        segments, context = segment_with_context(clean.text, lang)
        model = self.model_for(lang)
        cal = CALIBRATION[model]
        reading = _Reading(clean.language, clean.text, segments, notes, cal)
        if not segments:
            notes.append(
                "no task statements found: describe what you did, e.g. "
                "'I sold fruit at the market and kept the accounts'"
            )
            return reading
        embedder = get_embedder(model)
        sentences, listed = dense_units(segments, context)
        titles = own_job_titles(clean.text, lang) if route else []
        named = list({t.text.lower(): t.text for t in reversed(titles)}.values())  # each once
        # the route's texts go in the same model call as the sentences and titles
        # the route reads a described job's words (they are the work), not a name's
        stated = [t for t in titles if not t.implied]
        extra = occupation_route.route_texts(sentences, listed, stated) if route else None
        read = [s.text for s in sentences] + named
        everything = embedder.embed_queries(read + (extra.texts if extra else []))
        embedded = everything[: len(read)]
        vectors = embedded[: len(sentences)]
        dense = dense_for(vectors, model, cal, lang)
        reading.occupations, promoted = occupation_route.worker_occupations(
            self, embedded, model, cal, lang, [t.text for t in stated]
        )
        clauses = [{} for _ in listed]
        if extra and reading.occupations:
            occupation_route.read_through(
                self,
                (model, cal, lang),
                (vectors, dense),
                clauses,
                reading.occupations,
                extra,
                everything[len(read) :],
            )
        matcher = self.matcher(lang if lang in ("en", "es") else "es")
        blocks = blocked_spans(clean.text, lang)
        mentions = dict(
            zip(segments, self._lexical(matcher, clean.text, segments, cal, blocks), strict=True)
        )
        units = sentences + listed
        dense += clauses
        lexical = [dict(mentions.get(unit, {})) for unit in units]  # a whole sentence: none
        read_behaviour(clean.text, lang, units, dense, lexical, blocks)
        titled = {i for i, u in enumerate(units) if occupation_route.names_job(u, titles)}
        hits = self._combine(units, dense, lexical, promoted, cal, titled, promote_titled)
        skills, domains = self.view.skills, StoryDomains(clean.text)
        reading.hits = [
            h
            for h in hits
            if names_product(skills[h.uri].label, clean.text)
            and domains.allows(skills[h.uri].label)
        ]
        return reading

    def _dense(
        self, vectors: np.ndarray, model: str, cal: Calibration, k: int, lang: str = "en"
    ) -> list[dict[str, float]]:
        index = self.index("skills", model)
        allowed = index.rows_for(self.local_labels.get(lang, ()))
        # another language's rows are skipped, so look further to keep k candidates
        scores, rows = index.search(vectors, k if allowed is None else 2 * k)
        return [
            calibrated(
                (
                    (float(sim) * field_weight(index.fields[row]), index.keys[row])
                    for sim, row in zip(seg_scores, seg_rows, strict=True)
                    if row >= 0 and (allowed is None or allowed[row])
                ),
                cal,
            )
            for seg_scores, seg_rows in zip(scores, rows, strict=True)
        ]

    def _dense_among(
        self, vectors: np.ndarray, model: str, cal: Calibration, lang: str, keys: set[str]
    ) -> list[dict[str, float]]:
        """`_dense` over the rows of `keys` only (every label, alternative and description
        the index holds for them), exhaustively."""
        index = self.index("skills", model)
        allowed = index.rows_for(self.local_labels.get(lang, ()))
        rows = [r for r in index.rows_of(keys) if allowed is None or allowed[r]]
        if not rows:
            return [{} for _ in vectors]
        weights = np.array([field_weight(index.fields[r]) for r in rows], np.float32)
        sims = (np.asarray(vectors, np.float32) @ index.reconstruct(rows).T) * weights
        keys = [index.keys[r] for r in rows]
        return [calibrated(zip(row_sims.tolist(), keys, strict=True), cal) for row_sims in sims]

    def _lexical(
        self,
        matcher: MentionMatcher,
        text: str,
        segments: list[Segment],
        cal: Calibration,
        blocks=(),
    ) -> list[dict[str, float]]:
        out: list[dict[str, float]] = [dict() for _ in segments]
        for mention in matcher.find(text):
            if any(
                b.start <= mention.start < b.end and (not b.uris or mention.uri in b.uris)
                for b in blocks
            ):
                continue  # negated ("no uso la tablet") or another sense ("la guardia")
            for i, seg in enumerate(segments):
                if seg.start <= mention.start < seg.end:
                    weight = cal.lexicon if mention.source == "lexicon" else cal.esco_label
                    out[i][mention.uri] = max(out[i].get(mention.uri, 0.0), weight)
        return out

    def _combine(
        self, segments, dense, lexical, promoted, cal, titled=(), promote_titled=False
    ) -> list[SkillHit]:
        """`titled`: the units that name the worker's job ("Trabajo de niñera con dos
        hermanitos"). They name the job; they do not show its skills: the job's skills are
        promoted there only when another unit shows them too (or with `promote_titled`: a
        target skill may be credited through the job), and they are quoted only after a unit
        that shows the skill (such a sentence was the quote for five of the nanny's skills)."""
        miss: dict[str, float] = defaultdict(lambda: 1.0)
        evidence: dict[str, list[tuple[float, Segment]]] = defaultdict(list)
        signals: dict[str, dict[str, float]] = defaultdict(
            lambda: {"dense": 0.0, "lexical": 0.0, "occupation": 0.0, "units": 0.0}
        )
        # skills some other unit shows too: for them the job's name counts as one more sign
        elsewhere = {
            uri
            for i, d in enumerate(dense)
            if i not in titled
            for uri, value in d.items()
            if value > TAIL
        }
        for i, (seg, d, lex) in enumerate(zip(segments, dense, lexical, strict=True)):
            for uri in set(d) | set(lex):
                p = 1 - (1 - d.get(uri, 0.0)) * (1 - lex.get(uri, 0.0))
                shows = p * (TITLED_QUOTE if i in titled else 1.0)
                lifted = promote_titled or i not in titled or uri in elsewhere
                read = signals[uri]
                read["dense"] = max(read["dense"], d.get(uri, 0.0))
                read["lexical"] = max(read["lexical"], lex.get(uri, 0.0))
                read["units"] += p > TAIL
                if lifted and uri in promoted and d.get(uri, 0.0) > TAIL:
                    p += (1 - p) * cal.occupation_boost * promoted[uri]
                    read["occupation"] = max(read["occupation"], promoted[uri])
                miss[uri] *= 1 - p
                evidence[uri].append((shows, seg))
        hits = []
        for uri, m in miss.items():
            info = self.view.skills.get(uri)
            if info is None:
                continue
            quotes = sorted(evidence[uri], key=lambda e: -e[0])
            top_p = quotes[0][0]
            kept = [Evidence(s.text, s.start, s.end) for p, s in quotes if p >= 0.5 * top_p][:3]
            hits.append(SkillHit(uri, info.label, info.kind, info.group, 1 - m, kept, signals[uri]))
        hits.sort(key=lambda h: (-h.score, h.label))
        return hits
