"""Storage of conversations, profile versions and plans. Every function takes the session."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.db.conversation_models import (
    AnonymousState,
    Conversation,
    PlanRecord,
    ProfileVersion,
)
from assistant.profiles.model import Profile

# No 0/O, 1/I: codes are read aloud and typed on phones. 12 characters of 32: 60 bits, shown
# in groups of four (ABCD-EFGH-JKLM).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def sender_hash(sender_id: str) -> str:
    """Conversations are found by a hash of the channel's sender id (often a phone number),
    so the number itself is never a key in our tables."""
    return hashlib.sha256(f"puente:{sender_id}".encode()).hexdigest()


def new_resume_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not any(ch.isdigit() for ch in code) or code.isdigit():
            continue  # a letter and a digit: a code never looks like a word or a number
        if session.scalar(select(Conversation.id).where(Conversation.resume_code == code)) is None:
            return code


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def get_conversation(session: Session, sender_id: str) -> Conversation | None:
    return session.scalar(
        select(Conversation).where(Conversation.sender_hash == sender_hash(sender_id))
    )


def by_resume_code(session: Session, code: str) -> Conversation | None:
    return session.scalar(
        select(Conversation).where(Conversation.resume_code == normalise_code(code))
    )


def save_conversation(
    session: Session, sender_id: str, channel: str, language: str, phase: str, state: dict
) -> Conversation:
    now = datetime.now(UTC)
    row = get_conversation(session, sender_id)
    if row is None:
        row = Conversation(
            id=uuid.uuid4().hex,
            sender_hash=sender_hash(sender_id),
            channel=channel,
            resume_code=new_resume_code(session),
            created_at=now,
        )
        session.add(row)
    row.language, row.phase, row.state, row.updated_at = language, phase, state, now
    session.flush()
    return row


def create_conversation(
    session: Session, sender_id: str, channel: str, state: dict
) -> Conversation:
    """A new conversation row holding `state` (with the row's resume code in it)."""
    now = datetime.now(UTC)
    code = new_resume_code(session)
    row = Conversation(
        id=uuid.uuid4().hex,
        sender_hash=sender_hash(sender_id),
        channel=channel,
        resume_code=code,
        language=state.get("language", "es"),
        phase=state["phase"],
        state={**state, "resume_code": code},
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def rebind_sender(session: Session, row: Conversation, sender_id: str, channel: str) -> None:
    """A returning worker on a new device, who gave the code and confirmed: the conversation
    moves to the new sender id (a conversation held by that sender is replaced)."""
    new_hash = sender_hash(sender_id)
    if row.sender_hash == new_hash:
        return
    replaced = get_conversation(session, sender_id)
    if replaced is not None:
        delete_conversation_row(session, replaced)
    # and the state this device had before consenting (at most one row per sender)
    session.execute(delete(AnonymousState).where(AnonymousState.sender_hash == new_hash))
    row.sender_hash, row.channel = new_hash, channel
    session.flush()


def save_profile(session: Session, conversation_id: str, profile: Profile) -> int:
    """Store a new version (1, 2, ...) unless it equals the latest; returns the version."""
    data = profile.as_dict()
    latest = latest_profile_row(session, conversation_id)
    if latest is not None and latest.data == data:
        return latest.version
    version = (latest.version if latest else 0) + 1
    session.add(
        ProfileVersion(
            conversation_id=conversation_id,
            version=version,
            data=data,
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return version


def latest_profile_row(session: Session, conversation_id: str) -> ProfileVersion | None:
    return session.scalar(
        select(ProfileVersion)
        .where(ProfileVersion.conversation_id == conversation_id)
        .order_by(ProfileVersion.version.desc())
        .limit(1)
    )


def profile_versions(session: Session, conversation_id: str) -> list[ProfileVersion]:
    return list(
        session.scalars(
            select(ProfileVersion)
            .where(ProfileVersion.conversation_id == conversation_id)
            .order_by(ProfileVersion.version)
        )
    )


def save_plan(
    session: Session, conversation_id: str, profile_version: int, occupation: str | None, plan: dict
) -> PlanRecord:
    row = PlanRecord(
        conversation_id=conversation_id,
        profile_version=profile_version,
        occupation_uri=occupation,
        data=plan,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def latest_plan(session: Session, conversation_id: str) -> PlanRecord | None:
    return session.scalar(
        select(PlanRecord)
        .where(PlanRecord.conversation_id == conversation_id)
        .order_by(PlanRecord.id.desc())
        .limit(1)
    )


def delete_conversation(session: Session, sender_id: str) -> bool:
    """Erase everything stored for this sender (profiles, plans and handoffs go with it)."""
    row = get_conversation(session, sender_id)
    if row is None:
        return False
    delete_conversation_row(session, row)
    return True


def delete_conversation_row(session: Session, row: Conversation) -> None:
    from assistant.db.access_models import ShareLink
    from assistant.db.console_models import Handoff

    session.execute(delete(ShareLink).where(ShareLink.conversation_id == row.id))
    session.execute(delete(Handoff).where(Handoff.conversation_id == row.id))
    session.execute(delete(PlanRecord).where(PlanRecord.conversation_id == row.id))
    session.execute(delete(ProfileVersion).where(ProfileVersion.conversation_id == row.id))
    session.delete(row)
    session.flush()


def count_conversations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Conversation)) or 0
