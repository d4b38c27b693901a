"""What a consenting worker leaves behind: the conversation record (phase, state, a code to
come back with), each version of their profile, and each plan proposed to them.

Nothing is written here before the worker agrees to the privacy notice; deleting their data
removes all three (profiles and plans cascade). Until then the dialogue's state lives in
`anonymous_state`, which expires with the chat session (assistant/profiles/state_store.py).

The conversation row is versioned: every write through the ORM checks and bumps `version`
(SQLAlchemy's version counter), and the turn's own write is a compare-and-set on it, so two
writers holding the same version cannot both win."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db.base import Base


class Conversation(Base):
    __tablename__ = "conversation"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # opaque, not the sender id
    sender_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(32), default="rest")
    resume_code: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    language: Mapped[str] = mapped_column(String(2))
    phase: Mapped[str] = mapped_column(String(32))
    state: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class AnonymousState(Base):
    """The dialogue's state of a worker who has not consented (or declined): needed from one
    turn to the next, kept no longer than the chat session (then purged), never exported
    with a code, and deleted with "delete my data". At most one of this and `conversation`
    exists per sender: consenting moves the state from here to there."""

    __tablename__ = "anonymous_state"

    sender_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ProfileVersion(Base):
    __tablename__ = "profile_version"
    __table_args__ = (UniqueConstraint("conversation_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanRecord(Base):
    __tablename__ = "plan_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    profile_version: Mapped[int] = mapped_column(Integer)
    occupation_uri: Mapped[str | None] = mapped_column(String(200), nullable=True)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
