"""The retention job: forget conversations nobody has touched for `retention_days`.

It erases, for each inactive conversation, what "delete my data" erases (profile versions,
plans, handoffs and notes, Rasa's tracker events), plus the tracker events of anonymous
sessions (people who declined consent have no conversation row, only Rasa's events), the
unconsented dialogue states whose chat session ended, and old chart images. Run it from cron
(`assistant privacy purge`); the web app also runs it every few hours while it is up.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assistant.db.conversation_models import Conversation
from assistant.privacy import _has_events, delete_rasa_events, rasa_senders
from assistant.profiles import repository as repo

log = logging.getLogger(__name__)
CHART_DAYS = 7


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def inactive_conversations(session: Session, days: int, now: datetime | None = None) -> list:
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    rows = session.scalars(select(Conversation)).all()
    return [c for c in rows if _aware(c.updated_at) < cutoff]


def purge_inactive(
    session: Session, days: int, now: datetime | None = None, dry_run: bool = False
) -> dict:
    """Erase conversations (and anonymous trackers) inactive for `days`; returns the counts."""
    now = now or datetime.now(UTC)
    result = {"conversations": 0, "anonymous_sessions": 0, "rasa_events": 0}
    if days <= 0:
        return result
    for conv in inactive_conversations(session, days, now):
        senders = rasa_senders(session, conv.sender_hash)
        result["conversations"] += 1
        if not dry_run:
            result["rasa_events"] += delete_rasa_events(session, senders)
            repo.delete_conversation_row(session, conv)
    if _has_events(session):
        cutoff = (now - timedelta(days=days)).timestamp()
        stale = session.execute(
            text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :c"),
            {"c": cutoff},
        ).scalars()
        stale = list(stale)
        result["anonymous_sessions"] = len(stale)
        if not dry_run:
            result["rasa_events"] += delete_rasa_events(session, stale)
    if not dry_run:  # resume-code tries are kept only while they can lock anyone out
        from assistant.access.codes import purge
        from assistant.profiles.state_store import purge_expired

        result["code_attempts"] = purge(session, older_than_days=min(days, 30))
        # unconsented dialogue states outlive their chat session only until the next one
        # starts; the job removes them even when nobody chats any more
        result["anonymous_states"] = purge_expired(session, now)
    return result


def purge_charts(directory: Path, days: int = CHART_DAYS, now: float | None = None) -> int:
    """Delete charts (images and the data they are drawn from) older than `days` (they are
    shown once, in the chat)."""
    if not directory.is_dir():
        return 0
    cutoff = (now or time.time()) - days * 86400
    removed = 0
    for path in [*directory.glob("*.png"), *directory.glob("*.json")]:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def run_once() -> dict:
    from assistant.config import get_settings
    from assistant.db.session import session_scope

    settings = get_settings()
    with session_scope() as session:
        result = purge_inactive(session, settings.retention_days)
    result["charts"] = purge_charts(settings.var_dir / "charts")
    log.info("retention: %s", result)
    return result
