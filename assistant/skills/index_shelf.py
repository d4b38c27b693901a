"""What a skill engine loads lazily and keeps: its FAISS indexes (built or read from the cache
the first time one is asked for) and its mention matchers, one lock over both."""

from __future__ import annotations

import hashlib
import threading

from assistant.skills.calibration import LOCAL_LABELS, LOCAL_VIEWS
from assistant.skills.embedders import get_embedder
from assistant.skills.lexicon import MentionMatcher, short_esco_labels
from assistant.skills.taxonomy_view import (
    TaxonomyView,
    local_entries,
    occupation_entries,
    skill_entries,
)
from assistant.skills.vector_index import VectorIndex, ensure_index

FAST_MODELS = {"minilm", "puente-linker"}  # fast enough to index every label and description
INDEX_RECIPES = {
    "skills": lambda view, rich: skill_entries(view, rich),
    "occupations": lambda view, rich: occupation_entries(view, rich),
}


class IndexShelf:
    def __init__(self, view: TaxonomyView, build_dir, cache_dir, models: dict[str, str]) -> None:
        self.view = view
        self.models = models
        self._build_dir = build_dir
        self._cache_dir = cache_dir
        self._indexes: dict[tuple[str, str], VectorIndex] = {}
        self._matchers: dict[str, MentionMatcher] = {}
        self._lock = threading.RLock()

    def index(self, name: str, model: str, progress=None, force: bool = False) -> VectorIndex:
        with self._lock:
            if force:
                self._indexes.pop((name, model), None)
                self._indexes.pop(("skill-labels", model), None)
            if name == "skill-labels" and (name, model) not in self._indexes:
                # Preferred labels only (gap coverage, the plain-model baseline): the same
                # vectors as the label rows of the rich skill index, so never embedded twice.
                if model not in FAST_MODELS:
                    raise ValueError(f"the skill-labels index needs a fast model, not {model}")
                rich = self.index("skills", model, progress)
                self._indexes[(name, model)] = rich.subset("label")
            if (name, model) not in self._indexes:
                recipe, rich = INDEX_RECIPES[name], model in FAST_MODELS
                parts = [self.view.fingerprint, f"rich={rich}"]
                local = self.local_languages(model) if name in LOCAL_VIEWS else ()
                extra = []
                if local:  # an index without them keeps the fingerprint it always had
                    concept, alts = LOCAL_VIEWS[name]
                    extra = local_entries(self.view, concept, local, alts)
                    # the texts themselves: a label set's change elsewhere rebuilds nothing
                    texts = "\n".join(f"{e.key}\t{e.field}\t{e.text}" for e in extra)
                    digest = hashlib.sha256(texts.encode()).hexdigest()
                    parts.append(f"local={','.join(local)};{digest}")

                def entries(recipe=recipe, rich=rich, extra=extra):
                    return recipe(self.view, rich) + extra

                self._indexes[(name, model)] = ensure_index(
                    name,
                    self._build_dir,
                    self._cache_dir,
                    get_embedder(model),
                    parts,
                    entries,
                    progress,
                    force,
                )
            return self._indexes[(name, model)]

    def local_languages(self, model: str) -> tuple[str, ...]:
        """The languages whose own labels a model's indexes hold: those of the texts it reads
        (LOCAL_LABELS) that the taxonomy has labels in."""
        wanted = {
            local
            for lang, used in self.models.items()
            if used == model
            for local in LOCAL_LABELS.get(lang, ())
        }
        return tuple(sorted(wanted & set(self.view.local)))

    def matcher(self, lang: str) -> MentionMatcher:
        with self._lock:
            if lang not in self._matchers:
                labels = short_esco_labels(self.view.skills) if lang == "en" else {}
                self._matchers[lang] = MentionMatcher(lang, labels)
            return self._matchers[lang]
