"""Attempts to claim a conversation with a resume code, counted to lock guessing out.

A code has 60 bits, so guessing is hopeless anyway; the limits make it visibly so and keep
a record: failures are counted over a sliding window per sender (the conversation asking),
per client address (where the channel knows one) and over everyone, in the database that
every instance shares. Reaching a limit refuses further tries until old failures age out of
the window, and is written to the audit log once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.db.access_models import CodeAttempt
from assistant.db.console_models import AuditEntry


@dataclass(frozen=True)
class CodeLimits:
    per_sender: int = 5
    per_address: int = 20
    overall: int = 300
    window_minutes: int = 15


def address_hash(address: str | None) -> str | None:
    if not address:
        return None
    if len(address) == 64 and all(c in "0123456789abcdef" for c in address):
        return address  # the channel already hashed it
    return hashlib.sha256(f"ip:{address}".encode()).hexdigest()


def _failures(session: Session, since: datetime, *where) -> int:
    query = (
        select(func.count())
        .select_from(CodeAttempt)
        .where(CodeAttempt.at >= since, CodeAttempt.ok.is_(False), *where)
    )
    return session.scalar(query) or 0


def locked(
    session: Session, sender_hash: str, address: str | None, limits: CodeLimits
) -> str | None:
    """The scope that refuses another try now ("sender", "address", "overall"), or None."""
    since = datetime.now(UTC) - timedelta(minutes=limits.window_minutes)
    if _failures(session, since, CodeAttempt.sender_hash == sender_hash) >= limits.per_sender:
        return "sender"
    if address and (
        _failures(session, since, CodeAttempt.address_hash == address) >= limits.per_address
    ):
        return "address"
    if _failures(session, since) >= limits.overall:
        return "overall"
    return None


def record(
    session: Session, sender_hash: str, address: str | None, ok: bool, limits: CodeLimits
) -> str | None:
    """Note one try; returns the scope it locked, if this failure reached a limit (audited)."""
    session.add(
        CodeAttempt(at=datetime.now(UTC), sender_hash=sender_hash, address_hash=address, ok=ok)
    )
    session.flush()
    if ok:
        return None
    scope = locked(session, sender_hash, address, limits)
    if scope:
        session.add(
            AuditEntry(
                at=datetime.now(UTC),
                counsellor_id=None,
                action="code_lockout",
                target=scope,
                detail={"sender": sender_hash[:12], "window_minutes": limits.window_minutes},
            )
        )
        session.flush()
    return scope


def purge(session: Session, older_than_days: int = 30) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
    return session.execute(delete(CodeAttempt).where(CodeAttempt.at < cutoff)).rowcount or 0
