"""How long the builds take: the ESCO import (measured again, into a throw-away database), the
indexes (as recorded when each was built) and the served Rasa model (as recorded when trained)."""

from __future__ import annotations

import json
import tempfile
import time

from assistant.config import get_settings


def esco_import_seconds() -> float:
    from assistant.db.migrate import upgrade
    from assistant.db.session import session_scope
    from assistant.taxonomy.importer import import_esco

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        started = time.perf_counter()
        with session_scope(url) as session:
            import_esco(session, get_settings().esco_dir, progress=lambda *_: None)
        return round(time.perf_counter() - started, 1)


def index_builds() -> dict:
    out = {}
    for manifest in sorted(get_settings().index_dir.glob("*/manifest.json")):
        data = json.loads(manifest.read_text())
        out[manifest.parent.name] = {"vectors": data["count"], "seconds": data["build_seconds"]}
    return out


def rasa_training() -> dict:
    """The served model's training time, recorded when it was trained (not repeated here)."""
    from assistant.bootstrap.rasa_model import ensure_rasa_model, training_record

    record = training_record(ensure_rasa_model())
    if not record.exists():
        return {"train_seconds": None, "note": "model trained before training times were kept"}
    return json.loads(record.read_text())
