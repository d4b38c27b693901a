"""Test settings: a throw-away SQLite database per run, never the developer's var/puente.db.

Indexes and the Rasa model are build outputs keyed by their inputs, so tests share them with
`make run` (they are built by `assistant setup`, which `make test` runs first).
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="puente-test-"))
# the suite runs as a development machine does; production is set per test where meant
os.environ["PUENTE_ENVIRONMENT"] = "development"
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.db'}"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return _TMP


@pytest.fixture(scope="session")
def esco_db():
    """The test database, migrated, with the real ESCO v1.1.1 release imported and its labels
    in every configured language (as `assistant setup` does)."""
    from assistant.config import get_settings
    from assistant.db.migrate import upgrade
    from assistant.db.session import session_scope
    from assistant.taxonomy.importer import import_esco
    from assistant.taxonomy.labels import configured_label_dirs, import_labels

    settings = get_settings()
    upgrade()
    with session_scope() as session:
        import_esco(session, settings.esco_dir, progress=lambda *_: None)
    with session_scope() as session:
        import_labels(session, configured_label_dirs(settings.esco_labels_dirs))
    return settings.sqlalchemy_url


@pytest.fixture(scope="session")
def engine(esco_db):
    from assistant.services.skills import get_skill_engine

    engine = get_skill_engine()
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def demo_catalogue(engine):
    """The demo catalogue imported (and tagged) into the test database. test_catalogue.py,
    which empties the catalogue, puts it back when it is done."""
    from assistant.bootstrap.setup_steps import DEMO_CATALOGUE
    from assistant.catalogue.service import import_file
    from assistant.db.session import session_scope

    with session_scope() as session:
        import_file(session, DEMO_CATALOGUE, engine, source="demo")
    return DEMO_CATALOGUE
