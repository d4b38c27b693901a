"""The retention job: conversations and anonymous chat histories untouched for the configured
period are erased, recent ones are kept, on the real (test) database."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, select, text

from assistant.db.conversation_models import AnonymousState, Conversation
from assistant.db.session import session_scope
from assistant.profiles import repository as repo
from assistant.profiles import state_store
from assistant.retention import purge_charts, purge_inactive

EVENTS = """CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def _event(session, sender: str, when: datetime) -> None:
    session.execute(
        text(
            "INSERT INTO events (sender_id, type_name, timestamp, data)"
            " VALUES (:s, 'user', :t, '{}')"
        ),
        {"s": sender, "t": when.timestamp()},
    )


def test_inactive_conversations_and_anonymous_sessions_go_recent_ones_stay(esco_db):
    now = datetime.now(UTC)
    with session_scope() as session:
        if not inspect(session.get_bind()).has_table("events"):
            session.execute(text(EVENTS))
        # GIVEN an old and a recent stored conversation, each with chat events,
        old = repo.save_conversation(session, "ret-old", "rest", "es", "goal", {"phase": "goal"})
        old.updated_at = now - timedelta(days=200)
        new = repo.save_conversation(session, "ret-new", "rest", "es", "goal", {"phase": "goal"})
        _event(session, "ret-old", now - timedelta(days=200))
        _event(session, "ret-new", now - timedelta(days=1))
        # AND an anonymous session (no consent, only Rasa's events) from long ago
        _event(session, "ret-anon", now - timedelta(days=300))
        _event(session, "ret-anon", now - timedelta(days=299))
        old_code, new_code = old.resume_code, new.resume_code
        # AND an unconsented dialogue state whose chat session ended an hour ago
        stored = state_store.save_anonymous(
            session,
            "ret-anon-state",
            {"phase": "experiences"},
            state_store.load(session, "ret-anon-state"),
        )
        assert stored.table == "anonymous"
        row = session.get(AnonymousState, repo.sender_hash("ret-anon-state"))
        row.updated_at = now - state_store.ANONYMOUS_TTL - timedelta(hours=1)

    # WHEN a dry run counts, then the job runs with 180 days
    with session_scope() as session:
        dry = purge_inactive(session, 180, now=now, dry_run=True)
    with session_scope() as session:
        done = purge_inactive(session, 180, now=now)

    # THEN the dry run deleted nothing and the job erased exactly the two old ones
    assert dry["conversations"] >= 1 and dry["anonymous_sessions"] >= 2
    assert done["conversations"] == dry["conversations"]
    with session_scope() as session:
        codes = set(session.scalars(select(Conversation.resume_code)))
        senders = set(session.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
    assert old_code not in codes and new_code in codes
    assert {"ret-old", "ret-anon"}.isdisjoint(senders) and "ret-new" in senders
    assert done["anonymous_states"] >= 1
    with session_scope() as session:
        assert session.get(AnonymousState, repo.sender_hash("ret-anon-state")) is None


def test_zero_days_keeps_everything(esco_db):
    with session_scope() as session:
        assert purge_inactive(session, 0)["conversations"] == 0


def test_old_charts_and_their_data_are_removed(tmp_path):
    # GIVEN a chart drawn 10 days ago, the data of a chart never fetched, and today's chart
    old, old_data, new = tmp_path / "old.png", tmp_path / "gone.json", tmp_path / "new.png"
    for path in (old, old_data, new):
        path.write_bytes(b"x")
    for path in (old, old_data):
        os.utime(path, (time.time() - 10 * 86400,) * 2)
    # WHEN charts older than a week are purged
    # THEN both old files go and today's stays
    assert purge_charts(tmp_path, days=7) == 2
    assert not old.exists() and not old_data.exists() and new.exists()
