"""The same migrations and ESCO import on a real PostgreSQL server (DATABASE_URL switch).

Runs against 127.0.0.1:5432 (started by .ci/run where it is not running); a database of its
own is created and dropped, so nothing else on the server is touched. Not skipped in CI:
if PostgreSQL is unreachable the test fails.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, func, select, text

from assistant.config import get_settings
from assistant.db import taxonomy_models as m
from assistant.db.migrate import upgrade
from assistant.db.session import session_scope
from assistant.taxonomy.importer import import_esco

pytestmark = pytest.mark.postgres
SERVER = os.environ.get("PUENTE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def pg_url():
    name = f"puente_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = SERVER.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_and_esco_import_on_postgresql(pg_url):
    # GIVEN an empty PostgreSQL database WHEN migrated and loaded
    upgrade(pg_url)
    with session_scope(pg_url) as session:
        result = import_esco(session, get_settings().esco_dir, progress=lambda *_: None)
    # THEN the release's own counts are there, and a second import is a no-op
    assert not result.skipped
    with session_scope(pg_url) as session:
        count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert (count(m.EscoSkill), count(m.EscoOccupation), count(m.EscoOccupationSkill)) == (
            13_896,
            3_007,
            123_855,
        )
        assert import_esco(session, get_settings().esco_dir).skipped
    with create_engine(pg_url).connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    from alembic.script import ScriptDirectory

    from assistant.db.migrate import alembic_config

    assert version == ScriptDirectory.from_config(alembic_config(pg_url)).get_current_head()
    assert version >= "0004"  # conversation and console tables exist on PostgreSQL too
