"""The process-wide skill engine, created lazily on first use (never at import)."""

from __future__ import annotations

import functools
import threading

from assistant.config import get_settings
from assistant.db.session import session_scope
from assistant.skills.engine import SkillEngine
from assistant.skills.taxonomy_view import TaxonomyView

_lock = threading.RLock()  # get_occupation_search() calls get_skill_engine()


@functools.cache
def _engine() -> SkillEngine:
    settings = get_settings()
    with session_scope() as session:
        view = TaxonomyView.load(session)
    engine = SkillEngine(
        view,
        build_dir=settings.index_dir,
        cache_dir=settings.cache_dir,
        models={
            "en": settings.embedding_model_en,
            "es": settings.embedding_model_es,
            "pt": settings.embedding_model_es,
        },
        max_chars=settings.max_text_chars,
    )
    engine.job_titles = _occupation_search_over(engine)  # the worker's own job titles
    return engine


def get_skill_engine() -> SkillEngine:
    with _lock:
        return _engine()


def build_indexes(progress_factory=None, force: bool = False) -> dict[str, int]:
    """Build (or load) every index the configured models need; returns their sizes. `force`
    rebuilds each one from the taxonomy, ignoring what is built or cached."""
    engine = get_skill_engine()
    sizes = {}
    models = set(engine.models.values()) | {"minilm"}  # gap coverage always uses MiniLM
    # occupations: read with each language's model (the occupation route) and title model
    # (goal search)
    readers = set(engine.models.values()) | {engine.title_model_for(lang) for lang in engine.models}
    for model in sorted(models):
        for name in ("skills", "occupations"):
            if name == "occupations" and model not in readers:
                continue
            progress = progress_factory(f"{name} index ({model})") if progress_factory else None
            sizes[f"{name}-{model}"] = len(engine.index(name, model, progress, force))
    # gap coverage compares skill labels with MiniLM, whatever the languages use: the label
    # rows of MiniLM's skill index, derived, not embedded again
    sizes["skill-labels-minilm"] = len(engine.index("skill-labels", "minilm"))
    return sizes


@functools.cache
def _occupation_search_over(engine: SkillEngine):
    from assistant.goals.occupations import OccupationSearch

    return OccupationSearch(engine)


def _occupation_search():
    return _occupation_search_over(get_skill_engine())


def get_occupation_search():
    with _lock:
        return _occupation_search()


@functools.cache
def _gap_analyser():
    from assistant.goals.gaps import GapAnalyser

    with session_scope() as session:
        return GapAnalyser(session, get_skill_engine())


def get_gap_analyser():
    """Built once per process: it holds ESCO's hierarchy and relations in memory."""
    with _lock:
        return _gap_analyser()
