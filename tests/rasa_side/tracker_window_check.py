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

from connectors.stored_events import deserialise
from connectors.stores import PuenteSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  puente_state: {type: any, mappings: [{type: custom}]}
  language: {type: any, mappings: [{type: custom}]}
"""
)


RANKING = [{"name": f"intent_{i}", "confidence": 0.1 - i / 100} for i in range(10)]
META = {"puente": {"address": "a1b2"}, "locale": "es-AR"}
KEPT = {"locale": "es-AR"}  # what is stored of it: the sender's address hash is not
BUTTONS = {"buttons": [{"title": "Sí", "payload": "/affirm"}], "image": None, "custom": None}
# the stamps Rasa's processor puts on every event (tracker.update)
STAMPS = {"model_id": "model-1", "assistant_id": "puente"}


def user(n: int) -> UserUttered:
    """A user event as Rasa's processor makes it from a parsed message."""
    text, intent = f"message {n}", {"name": "greet", "confidence": 1.0}
    parse = {
        "intent": intent,
        "entities": [{"entity": "number", "value": str(n), "start": 8, "end": 9}],
        "text": text,
        "message_id": f"m{n}",
        "metadata": META,
        "text_tokens": [[0, 7], [8, 8 + len(str(n))]],
        "intent_ranking": RANKING,
    }
    return UserUttered(
        text,
        intent,
        parse["entities"],
        parse,
        input_channel="rest",
        message_id=f"m{n}",
        metadata=META,
    )


def turn(n: int, slots: dict) -> list:
    return [
        user(n),
        ActionExecuted("action_converse"),
        *[SlotSet(k, v) for k, v in slots.items()],
        BotUttered(f"reply {n}: sí", BUTTONS),
        ActionExecuted("action_listen"),
    ]


def read_back_as_told(full) -> bool:
    """Every event read back is the one told, but for what the store leaves out on purpose
    (token offsets, the intent ranking past its first RANKING_KEPT and confidences past 4
    decimals, the model's stamps but on
    user events and the session's start, the sender's address hash)."""
    from connectors.stored_events import RANKING_KEPT

    users = [e for e in full.events if isinstance(e, UserUttered)]
    bots = [e for e in full.events if isinstance(e, BotUttered)]
    for n, got in enumerate(users):
        told = user(n).parse_data
        told = {k: v for k, v in told.items() if k != "text_tokens"}
        told["intent_ranking"] = [  # confidences to 4 decimals
            {**i, "confidence": round(i["confidence"], 4)} for i in RANKING[:RANKING_KEPT]
        ]
        told["metadata"] = KEPT
        if got.parse_data != told or got.message_id != f"m{n}":
            return False
        if got.metadata != {**KEPT, "model_id": STAMPS["model_id"]}:
            return False
    starts = [e for e in full.events if isinstance(e, SessionStarted)]
    actions = [e for e in full.events if isinstance(e, ActionExecuted)]
    return (
        all(b == BotUttered(f"reply {n}: sí", BUTTONS) for n, b in enumerate(bots))
        and all(s.metadata == STAMPS for s in starts)
        and all(a.policy is None and a.confidence is None and not a.hide_rule_turn for a in actions)
        and [a.action_name for a in actions[3:7]]
        == ["action_converse", "action_listen", "action_converse", "action_listen"]
    )


def stored_text(path: str, kind: str) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("SELECT data FROM events WHERE type_name = ?", (kind,)).fetchone()[0]


def rows_with(path: str, text: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT COUNT(*) FROM events WHERE data LIKE ?", (f"%{text}%",)
        ).fetchone()[0]


def stored_bytes(path: str, kind: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT MAX(LENGTH(data)) FROM events WHERE type_name = ?", (kind,)
        ).fetchone()[0]


async def main(path: str, turns: int) -> None:
    store = PuenteSQLTrackerStore(DOMAIN, dialect="sqlite", db=path)
    sender = "window-check"
    tracker = await store.get_or_create_tracker(sender)
    tracker.model_id, tracker.assistant_id = STAMPS["model_id"], STAMPS["assistant_id"]
    told = list(tracker.events)  # every event, in order, with the timestamp it was told
    for e in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        # as Rasa's ActionSessionStart does with the session's first message metadata
        SlotSet("session_started_metadata", META),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(e)
        told.append(e)
    await store.save(tracker)
    given = []
    for n in range(turns):
        tracker = await store.retrieve(sender)  # as the processor does, once per message
        tracker.model_id, tracker.assistant_id = STAMPS["model_id"], STAMPS["assistant_id"]
        given.append(len(tracker.events))
        # the state reference changes on turn 1 only, the language on turn 3 and 11
        slots = {}
        if n == 1:
            slots["puente_state"] = "db"
        if n in (3, 11):
            slots["language"] = "es" if n == 3 else "en"
        for e in turn(n, slots):
            tracker.update(e)
            told.append(e)
        await store.save(tracker)
    last = await store.retrieve(sender)
    full = await store.retrieve_full_tracker(sender)
    # a second chat session of the same sender, two turns long: only it is given to Rasa
    again = "window-check-again"
    tracker = await store.get_or_create_tracker(again)
    for n in range(turns + 2):
        if n == turns:
            for e in [ActionExecuted("action_session_start"), SessionStarted()]:
                tracker.update(e)
            tracker.update(ActionExecuted("action_listen"))
        for e in turn(n, {}):
            tracker.update(e)
        await store.save(tracker)
        tracker = await store.retrieve(again)
    with store.engine.connect() as connection:
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    raw = [e.as_dict() for e in full.events]
    same = deserialise(raw) == deserialise_events(raw)
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
                "read_back_as_told": read_back_as_told(full),
                "timestamps_as_told": [e.timestamp for e in full.events]
                == [e.timestamp for e in told],
                "user_event_bytes": stored_bytes(path, "user"),
                "user_event_bytes_unslimmed": len(
                    json.dumps({**user(29).as_dict(), "metadata": {**META, **STAMPS}})
                ),
                "stored_bot": stored_text(path, "bot"),
                "rows_with_address": rows_with(path, META["puente"]["address"]),
                "session_metadata": last.get_slot("session_started_metadata"),
                "stored_user": stored_text(path, "user"),
                "second_session_users": [
                    e.text for e in tracker.events if isinstance(e, UserUttered)
                ],
                "sqlite": {"synchronous": synchronous, "journal_mode": journal},
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
