"""Links that open a person's summary and data export. A resume code lets a worker continue a
conversation (and only after a confirmation turn); it never opens anything on the web. A link
carries its own random token (144 bits), kept only as a hash, that the worker (in the chat)
or a counsellor (in the console) can revoke, and that expires with the retention period."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.db.access_models import ShareLink
from assistant.db.conversation_models import Conversation

TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters
TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")
DEFAULT_DAYS = 180


def _hash(token: str) -> str:
    return hashlib.sha256(f"puente-link:{token}".encode()).hexdigest()


def issue(session: Session, conversation_id: str, days: int | None = None) -> str:
    """A new link token for the conversation (older ones stay valid until revoked)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = datetime.now(UTC)
    session.add(
        ShareLink(
            conversation_id=conversation_id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days or DEFAULT_DAYS),
        )
    )
    session.flush()
    return token


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def resolve(session: Session, token: str) -> Conversation | None:
    """The conversation a valid, unrevoked, unexpired token opens; None otherwise."""
    if not TOKEN.match(token or ""):
        return None
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == _hash(token)))
    if link is None or link.revoked_at is not None:
        return None
    if _aware(link.expires_at) <= datetime.now(UTC):
        return None
    return session.get(Conversation, link.conversation_id)


def revoke_all(session: Session, conversation_id: str) -> int:
    """Revoke every live link of the conversation; returns how many there were."""
    result = session.execute(
        update(ShareLink)
        .where(ShareLink.conversation_id == conversation_id, ShareLink.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    session.flush()
    return result.rowcount or 0


def live_count(session: Session, conversation_id: str) -> int:
    now = datetime.now(UTC)
    links = session.scalars(
        select(ShareLink).where(
            ShareLink.conversation_id == conversation_id, ShareLink.revoked_at.is_(None)
        )
    )
    return sum(1 for link in links if _aware(link.expires_at) > now)
