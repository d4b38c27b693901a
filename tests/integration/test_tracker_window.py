"""Rasa is given a bounded window of a long chat session (connectors/stores.py), and the
events table still holds every event once: run in Rasa's own runtime (.venv-rasa) through
Puente's SQL tracker store, as Rasa's processor calls it."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import ROOT

WINDOW_TURNS = 8  # connectors/stores.py PuenteSQLTrackerStore.WINDOW_TURNS


def run_session(tmp_path, turns: int) -> dict:
    done = subprocess.run(
        [
            str(ROOT / ".venv-rasa/bin/python"),
            "tests/rasa_side/tracker_window_check.py",
            str(tmp_path / "rasa.db"),
            str(turns),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_long_session_gives_rasa_a_bounded_window_and_stores_every_event_once(tmp_path):
    # GIVEN a chat session of 30 turns, slots set early (turn 1 and 3) and changed on turn 11
    # WHEN each turn is retrieved, extended and saved through Puente's tracker store
    seen = run_session(tmp_path, 30)
    assert seen["window_turns"] == WINDOW_TURNS
    # THEN Rasa is given the last WINDOW_TURNS user turns, not more, once the session is longer
    assert seen["window_users"] == [f"message {n}" for n in range(30 - WINDOW_TURNS, 30)]
    assert max(seen["given"]) == max(seen["given"][WINDOW_TURNS:]) < 4 * 5 * WINDOW_TURNS
    assert seen["given"][-1] == seen["given"][-10]  # constant, not growing
    # AND the slots set before the window keep their latest values
    assert seen["slots"] == {"puente_state": "db", "language": "en"}
    assert seen["latest"] == "message 29"
    # AND the table holds every turn once, in order (nothing lost, nothing saved twice)
    assert seen["stored_users"] == [f"message {n}" for n in range(30)]
    assert seen["stored_events"] == 1 + 4 + 30 * 4 + 3  # the session's start: 4 events
    # AND the store reads events back as Rasa's own deserialisation does
    assert seen["same_as_rasa"] is True


def test_stored_events_leave_out_only_what_nothing_reads_again(tmp_path):
    # GIVEN user events as Rasa's processor makes them (parse data repeating the text, id and
    # metadata, token offsets, a ranking of every intent) and bot events with empty fields
    # WHEN a session is saved and read back through Puente's tracker store
    seen = run_session(tmp_path, 12)
    # THEN every event reads back as told (the first three intents of the ranking kept; the
    # model's stamps on user events and the session's start only, no address hash)
    assert seen["read_back_as_told"] is True
    # AND each event keeps the time it was told, kept once, in the row's own column
    assert seen["timestamps_as_told"] is True
    assert '"timestamp"' not in seen["stored_user"] + seen["stored_bot"]
    # AND the sender's address hash is not kept with their messages
    assert "a1b2" not in seen["stored_user"] and "es-AR" in seen["stored_user"]
    # nor in the slot Rasa fills with the session's first message metadata (the rest is kept)
    assert seen["rows_with_address"] == 0
    assert seen["session_metadata"] == {"locale": "es-AR"}
    # AND a reply is stored with its own characters, not escapes
    assert "sí" in seen["stored_bot"] and "\\u00ed" not in seen["stored_bot"], seen["stored_bot"]
    # AND a user event takes under two thirds of the room Rasa's own dict would
    assert seen["user_event_bytes"] < 2 / 3 * seen["user_event_bytes_unslimmed"], seen


def test_a_short_session_is_given_whole(tmp_path):
    # GIVEN a session shorter than the window
    seen = run_session(tmp_path, WINDOW_TURNS)
    # THEN Rasa is given every event of it, growing turn by turn
    assert seen["given"] == sorted(seen["given"]) and len(set(seen["given"])) == WINDOW_TURNS
    assert seen["window_users"] == [f"message {n}" for n in range(WINDOW_TURNS)]


def test_a_new_chat_session_starts_a_new_window(tmp_path):
    # GIVEN a sender whose first chat session ran 12 turns, then a new session began
    # WHEN the tracker is retrieved two turns into the new session
    seen = run_session(tmp_path, 12)
    # THEN Rasa is given the new session's turns only, as Rasa's own store would
    assert seen["second_session_users"] == ["message 12", "message 13"]


def test_the_embedded_tracker_store_syncs_its_log_at_checkpoints(tmp_path):
    # GIVEN the embedded default (SQLite)
    # WHEN the tracker store opens a connection
    seen = run_session(tmp_path, 2)
    # THEN it writes ahead to a log synced at checkpoints, not on every turn's commit
    # (synchronous NORMAL = 1; the dialogue's state stays in Puente's tables, fully synced)
    assert seen["sqlite"] == {"synchronous": 1, "journal_mode": "wal"}
