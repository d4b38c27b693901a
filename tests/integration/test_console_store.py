"""Console storage without a browser: passwords, sessions, the queue, hand-back phases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.console import auth, handoffs
from assistant.db.console_models import CounsellorSession
from assistant.db.session import session_scope
from assistant.profiles import repository as repo


def test_passwords_are_salted_scrypt_and_checked():
    stored = auth.hash_password("una contraseña larga")
    assert stored.startswith("scrypt$") and "una contraseña" not in stored
    assert stored != auth.hash_password("una contraseña larga")  # salted
    assert auth.verify_password("una contraseña larga", stored)
    assert not auth.verify_password("otra contraseña larga", stored)
    assert not auth.verify_password("x", "md5$abc")


def test_accounts_sessions_and_expiry(esco_db):
    with session_scope() as session:
        with pytest.raises(auth.AuthError, match="at least"):
            auth.add_counsellor(session, "corto@example.org", "C", "short", "counsellor")
        with pytest.raises(auth.AuthError, match="role"):
            auth.add_counsellor(session, "r@example.org", "R", "a long enough one", "root")
        auth.add_counsellor(session, "luis@example.org", "Luis", "a long enough one", "admin")
    with session_scope() as session:
        with pytest.raises(auth.AuthError, match="wrong email or password"):
            auth.login(session, "luis@example.org", "not the password")
        cookie, user = auth.login(session, "LUIS@example.org ", "a long enough one")
    with session_scope() as session:
        found, row = auth.current(session, cookie)
        assert found.email == "luis@example.org" and row.id != cookie  # only a hash is stored
        with pytest.raises(auth.AuthError):
            auth.check_csrf(row, "forged")
        auth.check_csrf(row, row.csrf)
        session.get(CounsellorSession, row.id).expires_at = datetime.now(UTC) - timedelta(1)
    with session_scope() as session:
        assert auth.current(session, cookie) is None


def test_queue_summary_and_hand_back_to_a_phase(esco_db):
    with session_scope() as session:
        state = {"phase": "handoff", "goal": {"uri": "u", "label": "cashier"}, "language": "es"}
        conv = repo.save_conversation(session, "console-1", "socketio", "es", "handoff", state)
        first = handoffs.request(session, conv.id, "console-1", "socketio", "a petición propia")
        again = handoffs.request(session, conv.id, "console-1", "socketio", "otra vez")
        assert first.id == again.id  # one open request per conversation
        waiting = [h for h in handoffs.queue(session) if h["id"] == first.id]
        assert waiting[0]["goal"] == "cashier" and waiting[0]["reason"] == "otra vez"
        assert handoffs.summary(session, first)["goal"] == "cashier"
        moved = handoffs.state_at_phase(session, first, "constraints")
        assert moved["phase"] == "constraints" and moved["reviewed"] is True
        assert handoffs.state_at_phase(session, first, "nonsense") is None
        handoffs.set_status(first, "closed")
        assert first.sender_id is None  # the channel id is not kept after closing
