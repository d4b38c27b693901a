"""One turn of the dialogue with its state in Puente's tables (the action's whole job).

The state is read from the database at the start of the turn and written once at its end,
naming the version it read (assistant/profiles/state_store.py). Rasa's `puente_state` slot
only says where the state is (IN_DATABASE, set once per chat session, so it adds no event to
the tracker on the other turns); what the slot says decides where the turn starts:

- IN_DATABASE: the stored state (this chat session goes on);
- nothing: a new chat session (Rasa's session expired, or the first message). A worker who
  consented is greeted back and resumes from the database; an unconsented state does not
  outlive its session;
- a whole state (a tracker from before the state moved to the database, or one set through
  Rasa's API by the console's hand-back): that state, once, and it is stored.

A turn that loses the compare-and-set (another writer changed the state since it was read) is
run again on the new state, so an update is never lost; Rasa's ticket lock makes this rare.
"""

from __future__ import annotations

import logging

from assistant.conversation.dialogue import Dialogue, Reply, Turn
from assistant.conversation.phases import Phase
from assistant.conversation.state import ConversationState
from assistant.db.session import session_scope
from assistant.profiles import state_store
from assistant.profiles.model import Profile
from assistant.profiles.state_store import NOTHING, StateConflict, Stored
from assistant.services.conversation import LiveServices

log = logging.getLogger(__name__)
ATTEMPTS = 3
IN_DATABASE = {"in": "database"}


class TurnServices(LiveServices):
    """The live services for one turn: every write of the state names the version this turn
    read (or last wrote), and moves it on."""

    def __init__(self, base: Stored) -> None:
        self.base = base

    def load(self, sender_id: str) -> dict | None:
        """A stored conversation for a turn that starts without one (a new chat session)."""
        return dict(self.base.state) if self.base.consented and self.base.state else None

    def save(self, sender_id: str, channel: str, state: dict) -> str:
        before = self.base
        with session_scope() as session:
            self.base = state_store.save_consented(session, sender_id, channel, state, before)
            if before.consented and (before.state or {}).get("profile") == state.get("profile"):
                # the profile this conversation's row held, stored as its latest version when
                # that was written: most turns (a question, a budget) do not change it
                return self.base.resume_code
            profile = Profile.model_validate(state.get("profile") or {})
            if profile.skills:
                from assistant.profiles import repository as repo

                repo.save_profile(session, self.base.row_id, profile)
            return self.base.resume_code

    def claim_code(self, code: str, sender_id: str, channel: str, notice: str) -> dict | None:
        claimed = self._claim(code, sender_id, channel, notice)
        if claimed is None:
            return None
        state, version = claimed
        self.base = Stored(state, "conversation", version)
        return state

    def delete(self, sender_id: str) -> dict:
        erased = super().delete(sender_id)
        self.base = NOTHING
        return erased

    def finish(self, turn: Turn, state: dict) -> None:
        """The end of the turn: a consented state was saved by the dialogue itself (and
        returned the resume code); an unconsented one is saved here, unless there is nothing
        in it (after "delete my data": nothing is kept)."""
        sender_id = turn.sender_id
        if state.get("consent") and self.base.consented:
            return
        with session_scope() as session:
            if state.get("consent") or self.base.consented:  # a stored conversation stays one
                self.base = state_store.save_consented(
                    session, sender_id, turn.channel, state, self.base
                )
            elif is_blank(state):
                state_store.delete_anonymous(session, sender_id)
                self.base = NOTHING
            else:
                self.base = state_store.save_anonymous(session, sender_id, state, self.base)


def is_blank(state: dict) -> bool:
    """A state that holds nothing but its language (a fresh start)."""
    loaded = ConversationState.load(state)
    return loaded.phase == Phase.WELCOME and loaded == ConversationState(
        language=loaded.language, buttons=loaded.buttons
    )


def starting_state(slot, stored: Stored) -> dict | None:
    if isinstance(slot, dict) and "phase" in slot:
        return slot  # a whole state in the tracker: taken once, then stored
    if slot is None:
        return None  # a new chat session: the dialogue asks for a stored conversation
    return stored.state


def run_turn(slot, turn: Turn, attempts: int = ATTEMPTS) -> tuple[Reply, dict]:
    """The turn's reply and what Rasa's slot keeps (IN_DATABASE)."""
    for attempt in range(1, attempts + 1):
        with session_scope() as session:
            stored = state_store.load(session, turn.sender_id)
        services = TurnServices(stored)
        try:
            reply = Dialogue(services).handle(starting_state(slot, stored), turn)
            services.finish(turn, reply.state)
        except StateConflict:
            if attempt == attempts:
                raise
            log.warning("the conversation's state changed during a turn; running it again")
            if starting_state(slot, NOTHING) is not None:
                slot = IN_DATABASE  # a whole state in the tracker was taken by the other writer
            continue
        return reply, IN_DATABASE
    raise AssertionError("unreachable")
