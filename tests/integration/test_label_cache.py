"""Labels kept in memory (assistant/taxonomy/label_cache.py) on a real SQLite database: asked
again they are not read again, and an import (its stamp in taxonomy_label_set) is seen within
STAMP_SECONDS, from another process too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.db import taxonomy_models as m
from assistant.db.session import session_scope
from assistant.taxonomy.label_cache import STAMP_SECONDS, LabelCache


@pytest.fixture
def database(tmp_path):
    from assistant.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'labels.db'}"
    upgrade(url)
    with session_scope(url) as session:
        session.add(_label_set(datetime(2026, 1, 1, tzinfo=UTC)))
    return url


def _label_set(when: datetime) -> m.TaxonomyLabelSet:
    return m.TaxonomyLabelSet(
        source="puente",
        language="es",
        location="x",
        fingerprint="f",
        imported_at=when,
        counts={},
        notes=[],
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reader:
    """The database's labels as `repository.labels` would give them, counting the reads."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.labels = {"u1": ("cuidar niños", "es"), "u2": ("cocinar", "es")}

    def __call__(self, session, uris, language):
        self.asked.append(list(uris))
        return {u: self.labels[u] for u in uris if u in self.labels}


def test_labels_are_read_once_and_again_after_an_import(database):
    clock, reader = Clock(), Reader()
    cache = LabelCache(clock)
    # GIVEN labels asked for once
    with session_scope(database) as session:
        first = cache.labels(session, ["u1", "u2", "unknown"], "es", reader)
    assert first == {"u1": ("cuidar niños", "es"), "u2": ("cocinar", "es")}
    # WHEN they are asked for again (the unknown one too)
    with session_scope(database) as session:
        again = cache.labels(session, ["u2", "unknown", "u1"], "es", reader)
    # THEN the database is not read again, and the answer is the same
    assert again == first and reader.asked == [["u1", "u2", "unknown"]]
    # AND another language is read on its own
    with session_scope(database) as session:
        cache.labels(session, ["u1"], "en", reader)
    assert reader.asked[-1] == ["u1"]

    # WHEN another process imports labels (a new label set time) and a label changed
    reader.labels["u1"] = ("cuidar a niñas y niños", "es")
    with session_scope(database) as session:
        row = session.query(m.TaxonomyLabelSet).one()
        row.imported_at = row.imported_at + timedelta(days=30)
    # THEN within STAMP_SECONDS the kept label is still given (the stamp is not read yet)...
    clock.now += STAMP_SECONDS / 2
    with session_scope(database) as session:
        assert cache.labels(session, ["u1"], "es", reader)["u1"] == ("cuidar niños", "es")
    # ...and after it, the new one is read
    clock.now += STAMP_SECONDS
    with session_scope(database) as session:
        assert cache.labels(session, ["u1"], "es", reader)["u1"] == ("cuidar a niñas y niños", "es")


def test_an_import_in_this_process_is_seen_at_once(database):
    clock, reader = Clock(), Reader()
    cache = LabelCache(clock)
    with session_scope(database) as session:
        cache.labels(session, ["u1"], "es", reader)
    reader.labels["u1"] = ("otro", "es")
    cache.forget()  # as the importers do when they finish
    with session_scope(database) as session:
        assert cache.labels(session, ["u1"], "es", reader)["u1"] == ("otro", "es")


def test_two_databases_never_share_labels(database, tmp_path):
    from assistant.db.migrate import upgrade

    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    cache, reader = LabelCache(Clock()), Reader()
    with session_scope(database) as session:
        cache.labels(session, ["u1"], "es", reader)
    reader.labels["u1"] = ("de la otra base", "es")
    with session_scope(other) as session:
        assert cache.labels(session, ["u1"], "es", reader)["u1"] == ("de la otra base", "es")
