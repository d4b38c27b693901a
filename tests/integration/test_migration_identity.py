"""Migration 0006 re-keys stored conversations by channel without losing any of them."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from assistant.db.migrate import upgrade


def _hash(sender: str) -> str:
    return hashlib.sha256(f"puente:{sender}".encode()).hexdigest()


# (channel, the sender id before namespacing, the id the connector gives it now)
PEOPLE = [
    ("whatsapp", "573001234567", "whatsapp:+573001234567"),
    ("socketio", "web-0123456789abcdef01234567", "widget:web-0123456789abcdef01234567"),
    ("socketio", "case-00112233445566778899", "widget:case-00112233445566778899"),
    ("rest", "alice", "rest:alice"),
    ("twilio", "whatsapp:+14155550000", "twilio:whatsapp:+14155550000"),
]


def test_stored_conversations_are_rekeyed_by_channel_and_nothing_is_lost(tmp_path):
    # GIVEN a database at the previous revision, with conversations on every channel, their
    # Rasa events, a profile each, an open handoff, and one whose events retention removed
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    engine = create_engine(url)
    now = datetime.now(UTC).isoformat()
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
        )
        for n, (channel, old, _) in enumerate([*PEOPLE, ("rest", "purged", "rest:purged")]):
            state = {"phase": "experiences", "resume_code": f"AB{n}C{n}D", "consent": True}
            conn.execute(
                text(
                    "INSERT INTO conversation VALUES "
                    "(:id, :h, :ch, :code, 'es', 'experiences', :state, :t, :t)"
                ),
                {
                    "id": f"c{n}",
                    "h": _hash(old),
                    "ch": channel,
                    "code": f"AB{n}C{n}D",
                    "state": json.dumps(state),
                    "t": now,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO profile_version (conversation_id, version, data, created_at) "
                    "VALUES (:id, 1, '{\"skills\": []}', :t)"
                ),
                {"id": f"c{n}", "t": now},
            )
            if old != "purged":
                for k in range(3):
                    conn.execute(
                        text(
                            "INSERT INTO events (sender_id, type_name, timestamp, data) "
                            "VALUES (:s, 'user', :k, '{}')"
                        ),
                        {"s": old, "k": k},
                    )
        conn.execute(
            text(
                "INSERT INTO handoff (conversation_id, sender_id, channel, reason, status, notes, "
                "requested_at) VALUES ('c0', '573001234567', 'whatsapp', 'x', 'waiting', '[]', :t)"
            ),
            {"t": now},
        )
        # an anonymous chat (no consent, no conversation row) is left as it is
        conn.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES ('anonymous-1', 'user', 1, '{}')"
            )
        )
    # WHEN the schema is upgraded
    upgrade(url)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(text("SELECT * FROM conversation"))}
        events = conn.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY 1")).all()
        handoff = conn.execute(text("SELECT sender_id FROM handoff")).scalar_one()
        profiles = conn.execute(text("SELECT COUNT(*) FROM profile_version")).scalar_one()
    engine.dispose()
    # THEN every conversation is still there, keyed by its namespaced id
    assert len(rows) == len(PEOPLE) + 1 and profiles == len(PEOPLE) + 1
    for n, (_, _, new) in enumerate(PEOPLE):
        assert rows[f"c{n}"].sender_hash == _hash(new), new
    # AND its chat history and open handoff follow it
    assert dict(events) == {**{new: 3 for _, _, new in PEOPLE}, "anonymous-1": 1}
    assert handoff == "whatsapp:+573001234567"
    # AND every code is a new 12-character one, also in the state the dialogue reads
    codes = {r.resume_code for r in rows.values()}
    assert len(codes) == len(rows) and all(len(c) == 12 for c in codes)
    for r in rows.values():
        assert json.loads(r.state)["resume_code"] == r.resume_code
    # AND the conversation whose events were purged is kept (reachable by its new code)
    assert rows[f"c{len(PEOPLE)}"].sender_hash == _hash("purged")
