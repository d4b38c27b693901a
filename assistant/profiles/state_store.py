"""Where the dialogue's state lives between turns: Puente's tables, one row per conversation,
written once per turn with a compare-and-set on the row's version (Rasa's tracker only says
that the state is here).

A worker who consented has a `conversation` row (its `state` column: profile with evidence,
gaps, plan); before that, or after declining, the state lives in `anonymous_state`, kept no
longer than the chat session (Rasa starts a new one after SESSION_MINUTES of silence, see
domain.yml) and purged after it. Every write names the row and version it read: a writer whose
version is no longer the row's loses (StateConflict) and must read again, so two instances
handling the same sender can never both win, whatever the lock store does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.db.conversation_models import AnonymousState, Conversation
from assistant.errors import PuenteError
from assistant.profiles import repository as repo

# domain.yml's session_config.session_expiration_time (tests/integration/test_state_store.py
# checks that the two agree): an unconsented state outlives its chat session by no more than
# ANONYMOUS_GRACE, for clocks that differ between Rasa and the action server.
SESSION_MINUTES = 60
ANONYMOUS_GRACE = timedelta(minutes=5)
ANONYMOUS_TTL = timedelta(minutes=SESSION_MINUTES) + ANONYMOUS_GRACE


class StateConflict(PuenteError):
    """Another writer changed the conversation's state since this turn read it."""


@dataclass(frozen=True)
class Stored:
    """What a turn read: the state (None when there is none, or it expired), the row it is in
    ("conversation", "anonymous" or None) and that row's version (0: no row)."""

    state: dict | None
    table: str | None = None
    version: int = 0
    # the conversation row read (its id and resume code), so that the turn's write needs not
    # read it again (a tenth of the action server's CPU under load, py-spy): not part of what
    # was read, so not compared
    row_id: str | None = field(default=None, compare=False)
    resume_code: str | None = field(default=None, compare=False)

    @property
    def consented(self) -> bool:
        return self.table == "conversation"


NOTHING = Stored(None)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load(session: Session, sender_id: str, now: datetime | None = None) -> Stored:
    row = repo.get_conversation(session, sender_id)
    if row is not None:
        return Stored(dict(row.state or {}), "conversation", row.version, row.id, row.resume_code)
    anon = session.get(AnonymousState, repo.sender_hash(sender_id))
    if anon is None:
        return NOTHING
    fresh = _aware(anon.updated_at) >= (now or datetime.now(UTC)) - ANONYMOUS_TTL
    # an expired state is never used, but its version is: the next write replaces it
    return Stored(dict(anon.state) if fresh else None, "anonymous", anon.version)


def save_consented(
    session: Session, sender_id: str, channel: str, state: dict, base: Stored
) -> Stored:
    """The state in the worker's conversation row: updated if this turn read that row, else
    created (the turn they consent), taking the place of their unconsented state. The result
    names the row (`row_id`, `resume_code`)."""
    now = datetime.now(UTC)
    if base.consented:
        row_id, code = base.row_id, base.resume_code
        if row_id is None or code is None:  # a Stored made without them: read the row
            row = repo.get_conversation(session, sender_id)
            if row is None:
                raise StateConflict("the conversation was deleted since it was read")
            row_id, code = row.id, row.resume_code
        state = {**state, "resume_code": code}
        if base.state is not None and state == base.state:
            # nothing changed (a thank-you, a help request): only the time of the activity
            # (retention counts from it), not the state again, whose size grows with all the
            # worker told (its JSON was most of a late turn's cost). Nothing to lose if another
            # turn wrote meanwhile: that one's state stands.
            session.execute(
                update(Conversation)
                .where(Conversation.id == row_id, Conversation.version == base.version)
                .values(updated_at=now)
                .execution_options(synchronize_session=False)
            )
            return replace(base, row_id=row_id, resume_code=code)
        # the compare-and-set: still this sender's row (a resume code claimed on another
        # device moves it) at the version this turn read
        done = session.execute(
            update(Conversation)
            .where(
                Conversation.id == row_id,
                Conversation.sender_hash == repo.sender_hash(sender_id),
                Conversation.version == base.version,
            )
            .values(
                state=state,
                language=state.get("language", "es"),
                phase=state["phase"],
                updated_at=now,
                version=base.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            raise StateConflict("the conversation changed or was deleted since it was read")
        return Stored(state, "conversation", base.version + 1, row_id, code)
    _drop_anonymous(session, sender_id, base)
    if repo.get_conversation(session, sender_id) is not None:
        raise StateConflict("another turn stored this conversation first")
    try:
        row = repo.create_conversation(session, sender_id, channel, state)
    except IntegrityError as exc:  # the same, by a writer that has not committed yet
        raise StateConflict("another turn stored this conversation first") from exc
    return Stored(dict(row.state), "conversation", row.version, row.id, row.resume_code)


def save_anonymous(session: Session, sender_id: str, state: dict, base: Stored) -> Stored:
    """The state of a worker who has not consented, replacing the version this turn read."""
    now = datetime.now(UTC)
    key = repo.sender_hash(sender_id)
    if base.table == "anonymous":
        done = session.execute(
            update(AnonymousState)
            .where(AnonymousState.sender_hash == key, AnonymousState.version == base.version)
            .values(state=state, updated_at=now, version=base.version + 1)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            raise StateConflict("the state was written by another turn")
        return Stored(state, "anonymous", base.version + 1)
    if base.consented:
        raise StateConflict("a stored conversation is not replaced by an unconsented state")
    try:
        session.add(AnonymousState(sender_hash=key, version=1, state=state, updated_at=now))
        session.flush()
    except IntegrityError as exc:
        raise StateConflict("another turn stored this state first") from exc
    purge_expired(session, now)  # a new session: forget the ones that ended
    return Stored(state, "anonymous", 1)


def _drop_anonymous(session: Session, sender_id: str, base: Stored) -> None:
    if base.table != "anonymous":
        return
    done = session.execute(
        delete(AnonymousState)
        .where(
            AnonymousState.sender_hash == repo.sender_hash(sender_id),
            AnonymousState.version == base.version,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise StateConflict("the state was written by another turn")


def delete_anonymous(session: Session, sender_id: str) -> int:
    """Forget the unconsented state of this sender (whatever its version); returns 1 if
    there was one."""
    done = session.execute(
        delete(AnonymousState)
        .where(AnonymousState.sender_hash == repo.sender_hash(sender_id))
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount or 0)


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete the unconsented states whose chat session has ended."""
    cutoff = (now or datetime.now(UTC)) - ANONYMOUS_TTL
    done = session.execute(
        delete(AnonymousState)
        .where(AnonymousState.updated_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount or 0)


def count_anonymous(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(AnonymousState)) or 0
