"""What Puente knows about a person, and forgetting it: our tables (conversation, profile
versions, plans, handoffs with their notes) and Rasa's tracker events for the same sender,
which share the database (Rasa 3.6 has no deletion API; its SQL store only appends)."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from assistant.db.console_models import Handoff
from assistant.db.conversation_models import Conversation, PlanRecord, ProfileVersion
from assistant.profiles import repository as repo

log = logging.getLogger(__name__)
# what the export leaves out of the dialogue state: the keys to the conversation itself
PRIVATE_STATE = ("resume_code", "pending_code")


def _has_events(session: Session) -> bool:
    return inspect(session.get_bind()).has_table("events")


def rasa_senders(session: Session, sender_hash: str) -> list[str]:
    """Rasa keeps sender ids in clear; ours are hashed: find the ids that hash to ours."""
    if not _has_events(session):
        return []
    ids = session.execute(text("SELECT DISTINCT sender_id FROM events")).scalars()
    return [s for s in ids if repo.sender_hash(s) == sender_hash]


def rasa_event_count(session: Session, senders: list[str]) -> int:
    if not senders or not _has_events(session):
        return 0
    return sum(
        session.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": s}).scalar()
        for s in senders
    )


def delete_rasa_events(session: Session, senders: list[str]) -> int:
    if not senders or not _has_events(session):
        return 0
    return sum(
        session.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": s}).rowcount
        for s in senders
    )


def counts(session: Session, conversation: Conversation | None, senders: list[str]) -> dict:
    def n(model) -> int:
        if conversation is None:
            return 0
        return session.scalar(
            select(func.count()).select_from(model).where(model.conversation_id == conversation.id)
        )

    return {
        "conversation": int(conversation is not None),
        "profile_versions": n(ProfileVersion),
        "plans": n(PlanRecord),
        "handoffs": n(Handoff),
        "rasa_events": rasa_event_count(session, senders),
    }


def export(session: Session, code: str) -> dict | None:
    conv = repo.by_resume_code(session, code)
    return export_conversation(session, conv) if conv is not None else None


def export_conversation(session: Session, conv: Conversation) -> dict:
    """Everything stored about the person. Counsellors' private notes are the counsellors'
    working record, not part of the person's export (they stay in the console)."""
    profiles = repo.profile_versions(session, conv.id)
    plans = session.scalars(select(PlanRecord).where(PlanRecord.conversation_id == conv.id))
    handoffs = session.scalars(select(Handoff).where(Handoff.conversation_id == conv.id))
    # no resume code: a link opens this export, and must never become the key to the
    # conversation itself
    return {
        "channel": conv.channel,
        "language": conv.language,
        "created_at": conv.created_at.isoformat(),
        "updated_at": conv.updated_at.isoformat(),
        "state": {k: v for k, v in (conv.state or {}).items() if k not in PRIVATE_STATE},
        "profile_versions": [{"version": p.version, "data": p.data} for p in profiles],
        "plans": [{"created_at": p.created_at.isoformat(), "data": p.data} for p in plans],
        "handoffs": [
            {
                "reason": h.reason,
                "status": h.status,
                "requested_at": h.requested_at.isoformat(),
            }
            for h in handoffs
        ],
        "rasa_events": rasa_event_count(session, rasa_senders(session, conv.sender_hash)),
    }


def erase(session: Session, code: str) -> dict | None:
    """Delete everything for the conversation with this code; returns the counts before and
    after, so the deletion can be shown, not just claimed."""
    conv = repo.by_resume_code(session, code)
    if conv is None:
        return None
    senders = rasa_senders(session, conv.sender_hash)
    before = counts(session, conv, senders)
    delete_rasa_events(session, senders)
    repo.delete_conversation_row(session, conv)
    return {"before": before, "after": counts(session, None, senders)}


def erase_rasa_events_after_turn(sender_id: str, seconds: float = 15.0) -> None:
    """Called from a turn ("delete my data"): Rasa saves the tracker after the action, so its
    events are deleted again, repeatedly, until that save has certainly happened."""
    from assistant.db.session import session_scope

    def run() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(1.5)
            try:
                with session_scope() as session:
                    delete_rasa_events(session, [sender_id])
            except Exception:  # noqa: BLE001 - retried; logged without the sender id
                log.warning("deleting Rasa events failed; retrying")

    threading.Thread(target=run, daemon=True, name="erase-rasa-events").start()
