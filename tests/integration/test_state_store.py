"""The dialogue's state in Puente's tables (assistant/profiles/state_store.py and
assistant/services/turns.py) on the real (test) SQLite database: versioned rows written with a
compare-and-set, an unconsented state that expires with its chat session, whole states left in
old trackers taken once, and two writers holding the same version never both winning.

PostgreSQL is exercised by tests/integration/test_production.py (the same race, and the whole
stack on it)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from sqlalchemy import select

from assistant.conversation.dialogue import Turn
from assistant.db.conversation_models import AnonymousState
from assistant.db.session import session_scope
from assistant.profiles import repository as repo
from assistant.profiles import state_store
from assistant.profiles.state_store import StateConflict
from assistant.services import turns
from tests.conftest import ROOT


@pytest.fixture(scope="module", autouse=True)
def migrated():
    from assistant.db.migrate import upgrade

    upgrade()


def load(sender: str) -> state_store.Stored:
    with session_scope() as session:
        return state_store.load(session, sender)


def race(*writers) -> list[str]:
    """Run the writers at once (each in its own thread and session); "won" or "lost" each."""
    start = threading.Barrier(len(writers))
    results: list[str] = [""] * len(writers)

    def run(i: int, write) -> None:
        start.wait()
        try:
            with session_scope() as session:
                write(session)
            results[i] = "won"
        except StateConflict:
            results[i] = "lost"

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def consented(phase: str, note: str) -> dict:
    return {"phase": phase, "language": "es", "consent": True, "goal_text": note}


def stored_conversation(sender: str, phase: str, note: str) -> state_store.Stored:
    """A consented conversation stored for `sender`, as a turn then reads it."""
    with session_scope() as session:
        state_store.save_consented(
            session, sender, "rest", consented(phase, note), state_store.NOTHING
        )
    return load(sender)


def test_two_writers_with_the_same_version_of_a_conversation_cannot_both_win():
    # GIVEN a stored conversation, read by two turns at the same version
    sender = "race-conversation"
    base = stored_conversation(sender, "experiences", "start")

    # WHEN both write their own next state at once
    def writer(note: str):
        return lambda s: state_store.save_consented(
            s, sender, "rest", consented("goal", note), base
        )

    results = race(writer("first"), writer("second"))

    # THEN exactly one wins, the row holds the winner's state at the next version
    assert sorted(results) == ["lost", "won"]
    after = load(sender)
    winner = "first" if results[0] == "won" else "second"
    assert after.version == base.version + 1 and after.state["goal_text"] == winner
    # AND the loser, reading again, writes on top of it (nothing is lost)
    with session_scope() as session:
        state_store.save_consented(session, sender, "rest", consented("plan", "again"), after)
    assert load(sender).version == base.version + 2


def test_a_turn_on_the_old_device_loses_once_the_conversation_moved():
    # GIVEN a conversation read by a turn on the worker's old phone (the read names its row)
    sender, phone = "moving-old", "moving-new"
    base = stored_conversation(sender, "goal", "start")
    assert base.row_id and base.resume_code
    # WHEN the worker claims it with the resume code on a new phone
    with session_scope() as session:
        repo.rebind_sender(session, repo.get_conversation(session, sender), phone, "rest")
    # THEN the old phone's write loses and the row keeps the new owner's state
    with pytest.raises(StateConflict), session_scope() as session:
        state_store.save_consented(session, sender, "rest", consented("plan", "old"), base)
    moved = load(phone)
    assert moved.state["goal_text"] == "start"
    # AND the new phone writes on it without reading the row again
    with session_scope() as session:
        after = state_store.save_consented(session, phone, "rest", consented("plan", "new"), moved)
    assert after.row_id == base.row_id and after.state["resume_code"] == base.resume_code
    assert load(phone).state["goal_text"] == "new"


def test_a_turn_that_changes_nothing_writes_no_state_but_counts_as_activity():
    # GIVEN a stored conversation, read by a turn
    sender = "unchanged-turn"
    base = stored_conversation(sender, "plan", "start")
    with session_scope() as session:
        before = repo.get_conversation(session, sender).updated_at
    # WHEN the turn stores the very state it read (a thank-you)
    with session_scope() as session:
        after = state_store.save_consented(session, sender, "rest", dict(base.state), base)
    # THEN the version stays (no new state was written) and the row's activity time moves on
    assert after.version == base.version and after.resume_code == base.resume_code
    stored = load(sender)
    assert stored.version == base.version and stored.state == base.state
    with session_scope() as session:
        assert repo.get_conversation(session, sender).updated_at > before
    # AND a change after it is written at the next version as usual
    with session_scope() as session:
        state_store.save_consented(session, sender, "rest", consented("plan", "new"), after)
    assert load(sender).version == base.version + 1


def test_two_first_writers_of_an_unconsented_state_cannot_both_win():
    sender = "race-anonymous"
    state = {"phase": "consent", "language": "en"}
    results = race(
        *[
            (lambda s: state_store.save_anonymous(s, sender, state, state_store.NOTHING))
            for _ in range(2)
        ]
    )
    assert sorted(results) == ["lost", "won"]
    stored = load(sender)
    assert stored.table == "anonymous" and stored.version == 1

    # AND two updates of version 1 at once: one wins
    def update(phase: str):
        return lambda s: state_store.save_anonymous(s, sender, {**state, "phase": phase}, stored)

    assert sorted(race(update("experiences"), update("goal"))) == ["lost", "won"]
    assert load(sender).version == 2


def test_consenting_moves_the_state_and_a_late_unconsented_write_then_loses():
    # GIVEN an unconsented state at version 1, read by two turns
    sender = "move-on-consent"
    with session_scope() as session:
        state_store.save_anonymous(
            session, sender, {"phase": "consent", "language": "es"}, state_store.NOTHING
        )
    base = load(sender)
    # WHEN one turn stores the consented state
    with session_scope() as session:
        after = state_store.save_consented(
            session, sender, "rest", consented("experiences", "yes"), base
        )
        code = after.resume_code
    # THEN it is in the conversation row (with its code), and no unconsented copy is left
    stored = load(sender)
    assert stored.consented and stored.state["resume_code"] == code == after.state["resume_code"]
    with session_scope() as session:
        assert session.get(AnonymousState, repo.sender_hash(sender)) is None
    # AND the other turn, still holding version 1 of the unconsented state, loses
    with pytest.raises(StateConflict):
        with session_scope() as session:
            state_store.save_anonymous(session, sender, {"phase": "goal"}, base)


def test_an_unconsented_state_ends_with_its_chat_session_and_is_purged():
    # GIVEN the session length Rasa is configured with
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert domain["session_config"]["session_expiration_time"] == state_store.SESSION_MINUTES
    assert domain["session_config"]["carry_over_slots_to_new_session"] is False

    # AND unconsented states last written longer ago than a session lasts
    def expired(sender: str) -> None:
        with session_scope() as session:
            state_store.save_anonymous(
                session, sender, {"phase": "experiences", "pending_text": "x"}, load(sender)
            )
            row = session.get(AnonymousState, repo.sender_hash(sender))
            row.updated_at = datetime.now(UTC) - state_store.ANONYMOUS_TTL - timedelta(minutes=1)

    expired("expired-1")
    # THEN it is never read again (only its version, for the next write to replace it)
    stored = load("expired-1")
    assert stored.state is None and stored.table == "anonymous"
    # AND the purge removes it
    with session_scope() as session:
        assert state_store.purge_expired(session) >= 1
    assert load("expired-1") == state_store.NOTHING
    # AND so does the start of any new unconsented session, which leaves recent ones alone
    expired("expired-2")
    with session_scope() as session:
        state_store.save_anonymous(session, "fresh", {"phase": "consent"}, load("fresh"))
    with session_scope() as session:
        kept = set(session.scalars(select(AnonymousState.sender_hash)))
    assert repo.sender_hash("expired-2") not in kept and repo.sender_hash("fresh") in kept


# -- whole turns (the dialogue, without the skill engine: greetings, consent, fallbacks) ------


def turn(sender: str, text: str, intent: str) -> Turn:
    return Turn(sender_id=sender, text=text, intent=intent)


def test_a_turn_keeps_its_state_in_the_database_and_the_slot_only_says_so():
    sender = "rest:turns-db"
    # WHEN a worker greets (no slot yet: a new session) and is asked for consent
    reply, slot = turns.run_turn(None, turn(sender, "hola", "greet"))
    # THEN the slot only says where the state is, and the state is stored as unconsented
    assert slot == turns.IN_DATABASE and len(str(slot)) < 40
    stored = load(sender)
    assert stored.table == "anonymous" and stored.state["phase"] == "consent"
    # WHEN they consent
    reply, slot = turns.run_turn(slot, turn(sender, "/affirm", "affirm"))
    # THEN the state moved to their conversation row, with its resume code
    stored = load(sender)
    assert stored.consented and stored.state["phase"] == "experiences"
    assert stored.state["resume_code"] and slot == turns.IN_DATABASE
    # WHEN they come back after the session expired (Rasa starts one with no slot)
    reply, slot = turns.run_turn(None, turn(sender, "hola", "greet"))
    # THEN they are greeted back (once) and go on where they were
    assert "Seguimos donde quedamos" in reply.messages[0].text
    assert " ".join(m.text for m in reply.messages).count("Seguimos donde quedamos") == 1
    assert load(sender).state["phase"] == "experiences"


def test_an_unconsented_state_does_not_outlive_its_session():
    sender = "rest:turns-anonymous"
    _, slot = turns.run_turn(None, turn(sender, "hello", "greet"))
    _, slot = turns.run_turn(slot, turn(sender, "/deny", "deny"))
    assert load(sender).state["consent"] is False
    # WHEN the session expired and they write again
    reply, _ = turns.run_turn(None, turn(sender, "hello", "greet"))
    # THEN they start anew: nothing of the previous session is used
    assert load(sender).state["consent"] is None
    assert "Seguimos" not in " ".join(m.text for m in reply.messages)


def test_a_whole_state_left_in_an_old_tracker_is_taken_once_and_stored():
    # GIVEN a tracker from before the state moved to the database (its slot holds the state)
    sender = "rest:turns-legacy"
    old = {"phase": "experiences", "language": "en", "consent": False, "misses": 1}
    # WHEN the worker writes something not understood
    _, slot = turns.run_turn(old, turn(sender, "mmm", "nlu_fallback"))
    # THEN the turn went on from that state (second miss: a person is offered) and it is
    # stored; the slot now only says where it is
    stored = load(sender)
    assert stored.state["misses_before_person"] is True and stored.state["language"] == "en"
    assert slot == turns.IN_DATABASE


def test_delete_my_data_leaves_nothing_of_an_unconsented_state(monkeypatch):
    from assistant import privacy

    monkeypatch.setattr(privacy, "erase_rasa_events_after_turn", lambda sender: None)
    sender = "rest:turns-delete"
    _, slot = turns.run_turn(None, turn(sender, "hola", "greet"))
    _, slot = turns.run_turn(slot, turn(sender, "/deny", "deny"))
    _, slot = turns.run_turn(slot, turn(sender, "borra mis datos", "delete_data"))
    reply, slot = turns.run_turn(slot, turn(sender, "/affirm", "affirm"))
    assert "1 registro de conversación" in reply.messages[0].text
    assert load(sender) == state_store.NOTHING and slot == turns.IN_DATABASE


def test_two_turns_of_one_sender_at_once_lose_no_update(monkeypatch):
    # GIVEN a consented worker, and two of their turns that read the same version at once
    sender = "rest:turns-race"
    _, slot = turns.run_turn(None, turn(sender, "hola", "greet"))
    _, slot = turns.run_turn(slot, turn(sender, "/affirm", "affirm"))
    start, real_load = threading.Barrier(2), state_store.load
    first_reads: list[int] = []

    def load_together(session, sender_id, now=None):
        stored = real_load(session, sender_id, now)
        if len(first_reads) < 2:
            first_reads.append(stored.version)
            start.wait(timeout=30)
        return stored

    monkeypatch.setattr(state_store, "load", load_together)
    # WHEN both are not understood (each counts a miss; two misses offer a person)
    replies = []
    threads = [
        threading.Thread(
            target=lambda: replies.append(turns.run_turn(slot, turn(sender, "mmm", "nlu_fallback")))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # THEN both read the same version, one was run again on the other's state: both misses
    # count, and the state moved two versions on
    assert len(set(first_reads)) == 1 and len(replies) == 2
    stored = real_load_now(sender)
    assert stored.state["misses_before_person"] is True
    assert stored.version == first_reads[0] + 2


def real_load_now(sender: str) -> state_store.Stored:
    with session_scope() as session:
        from assistant.db.conversation_models import Conversation

        row = session.scalar(
            select(Conversation).where(Conversation.sender_hash == repo.sender_hash(sender))
        )
        return state_store.Stored(dict(row.state), "conversation", row.version)


def test_migration_0008_keeps_stored_states_readable_and_writable(tmp_path):
    import json

    from sqlalchemy import create_engine, text

    from assistant.db.migrate import upgrade

    # GIVEN a database at revision 0007 holding a conversation
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0007")
    engine = create_engine(url)
    now = datetime.now(UTC).isoformat()
    state = {"phase": "goal", "language": "es", "consent": True, "resume_code": "ABCD2345EFGH"}
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO conversation (id, sender_hash, channel, resume_code, language, "
                "phase, state, created_at, updated_at) VALUES "
                "('c1', :h, 'rest', 'ABCD2345EFGH', 'es', 'goal', :s, :t, :t)"
            ),
            {"h": repo.sender_hash("rest:old"), "s": json.dumps(state), "t": now},
        )
    engine.dispose()
    # WHEN it is migrated
    upgrade(url)
    # THEN the state reads as version 1 of that conversation, and the next write moves it on
    with session_scope(url) as session:
        stored = state_store.load(session, "rest:old")
        assert stored == state_store.Stored(state, "conversation", 1)
        state_store.save_consented(session, "rest:old", "rest", {**state, "phase": "plan"}, stored)
    with session_scope(url) as session:
        assert state_store.load(session, "rest:old").version == 2
        assert state_store.count_anonymous(session) == 0
