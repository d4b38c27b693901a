"""The setup steps `assistant setup` (and `make run`, `make test`) runs, each cheap when its
inputs are unchanged: schema, ESCO tables and labels, indexes, the demo catalogue and its
offer index, and the Rasa model."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.bootstrap.rasa_model import ensure_rasa_model
from assistant.config import PROJECT_ROOT, Settings, get_settings


def setup_all(train: bool = True) -> Path | None:
    """Build whatever is missing; cheap when nothing changed."""
    from assistant.db.migrate import upgrade
    from assistant.db.session import session_scope
    from assistant.services.skills import build_indexes
    from assistant.taxonomy.importer import import_esco
    from assistant.taxonomy.labels import configured_label_dirs, import_labels

    settings = get_settings()
    upgrade()
    with session_scope() as session:
        result = import_esco(session, settings.esco_dir)
    print(
        f"ESCO v{result.version}: {'up to date' if result.skipped else 'imported'}", file=sys.stderr
    )
    with session_scope() as session:  # every language's labels (PUENTE_ESCO_LABELS_DIRS)
        sets = import_labels(session, configured_label_dirs(settings.esco_labels_dirs))
    print(
        "ESCO labels: "
        + ", ".join(
            f"{s.source} ({s.language}) {'up to date' if s.skipped else 'imported'}" for s in sets
        ),
        file=sys.stderr,
    )
    from assistant.progress import progress_bar

    # Rasa's training needs only the project's files: it runs beside the skill linker's
    # training and the index builds (each mostly one core's work on a fresh machine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        rasa = None
        if train:
            log = settings.cache_dir / "rasa-training.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            rasa = pool.submit(ensure_rasa_model, settings, log=log)
        try:
            ensure_linker(settings)
            build_indexes(progress_bar)
            setup_demo_catalogue(settings, progress_bar)
        except BaseException as exc:
            if rasa is not None and not rasa.done():
                # said now: leaving the block waits for Rasa's training, minutes on a fresh
                # machine, before the error itself is shown
                print(
                    f"setup failed: {type(exc).__name__}: {exc} (waiting for Rasa's training, "
                    f"running beside it, to end; its output: {log})",
                    file=sys.stderr,
                    flush=True,
                )
            raise
        return rasa.result() if rasa else None


def ensure_linker(settings: Settings) -> None:
    """Train the skill linker when a configured language reads with it and its inputs
    changed (cached by their hash like the indexes)."""
    from assistant.progress import progress_bar
    from assistant.skills.training import LINKER_NAME, ensure_trained_model

    if LINKER_NAME in (settings.embedding_model_en, settings.embedding_model_es):
        ensure_trained_model(progress_bar(f"training {LINKER_NAME}", unit="step"))


DEMO_CATALOGUE = PROJECT_ROOT / "catalogue_index" / "sources" / "demo_catalogue.jsonl"


def setup_demo_catalogue(settings: Settings, progress_factory=None) -> None:
    """Import (and tag) the demo catalogue when it is missing or changed; index the offers."""
    from assistant.catalogue.service import import_file, offer_index
    from assistant.db.session import session_scope
    from assistant.services.skills import get_skill_engine

    with session_scope() as session:
        outcome = import_file(
            session, DEMO_CATALOGUE, get_skill_engine(), source="demo", only_if_changed=True
        )
    print(
        f"demo catalogue: {'up to date' if outcome.skipped else 'imported'} "
        f"({outcome.counts.get('valid', 0)} offers)",
        file=sys.stderr,
    )
    with session_scope() as session:
        progress = progress_factory("offers index") if progress_factory else None
        offer_index(session, settings.index_dir, settings.cache_dir, progress)
