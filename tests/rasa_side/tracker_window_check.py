"""Run in .venv-rasa by tests/integration/test_tracker_window.py: a chat session of many turns
through Puente's SQL tracker store, as Rasa's processor uses it (retrieve, append, save).
Prints one JSON object with what Rasa was given and what the table holds."""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
    deserialise_events,
)

from connectors.stores import PuenteSQLTrackerStore, _deserialise

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  puente_state: {type: any, mappings: [{type: custom}]}
  language: {type: any, mappings: [{type: custom}]}
"""
)


def turn(n: int, slots: dict) -> list:
    return [
        UserUttered(f"message {n}", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("action_converse"),
        *[SlotSet(k, v) for k, v in slots.items()],
        BotUttered(f"reply {n}"),
        ActionExecuted("action_listen"),
    ]


async def main(path: str, turns: int) -> None:
    store = PuenteSQLTrackerStore(DOMAIN, dialect="sqlite", db=path)
    sender = "window-check"
    tracker = await store.get_or_create_tracker(sender)
    for e in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(e)
    await store.save(tracker)
    given = []
    for n in range(turns):
        tracker = await store.retrieve(sender)  # as the processor does, once per message
        given.append(len(tracker.events))
        # the state reference changes on turn 1 only, the language on turn 3 and 11
        slots = {}
        if n == 1:
            slots["puente_state"] = "db"
        if n in (3, 11):
            slots["language"] = "es" if n == 3 else "en"
        for e in turn(n, slots):
            tracker.update(e)
        await store.save(tracker)
    last = await store.retrieve(sender)
    full = await store.retrieve_full_tracker(sender)
    raw = [e.as_dict() for e in full.events]
    same = _deserialise(raw) == deserialise_events(raw)
    print(
        json.dumps(
            {
                "window_turns": PuenteSQLTrackerStore.WINDOW_TURNS,
                "given": given,
                "slots": {k: last.get_slot(k) for k in ("puente_state", "language")},
                "latest": last.latest_message.text,
                "window_users": [e.text for e in last.events if isinstance(e, UserUttered)],
                "stored_users": [e.text for e in full.events if isinstance(e, UserUttered)],
                "stored_events": len(full.events),
                "same_as_rasa": same,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
