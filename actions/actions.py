"""The one dialogue action: a thin adapter between Rasa's tracker and
`assistant.conversation` (which owns the phases, the questions and the answers).

It reads the turn (intent, entities, text, sender, channel), lets the dialogue handle it off
the event loop with its state in Puente's database (assistant/services/turns.py), and renders
the messages. The `puente_state` slot only says that the state is in the database (so the
tracker does not grow by the whole state on every turn, as it did when it held it). If
anything fails, the user gets a short apology in their language and a way forward, never
silence.
"""

from __future__ import annotations

import asyncio
import logging
import time

from prometheus_client import Counter, Histogram
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

log = logging.getLogger(__name__)
ACTION_SECONDS = Histogram(
    "puente_action_seconds",
    "Time the action server spends on one turn of the dialogue",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)
REQUEST_BYTES = Histogram(
    "puente_action_request_bytes",
    "Bytes of each call Rasa makes to the action server (its tracker, mostly)",
    buckets=(1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3, 256e3, 1e6, 4e6),
)
ACTION_ERRORS = Counter(
    "puente_action_errors_total", "Turns where the dialogue failed and the user got an apology"
)


def render(dispatcher: CollectingDispatcher, message) -> None:
    data = message.as_dict()
    if data.get("forget"):
        # the widget clears its stored transcript and session on this flag
        dispatcher.utter_message(text=data.get("text"), json_message={"forget": True})
    elif data.get("rows"):
        # Channels with list pickers (WhatsApp) use the rows; others show the numbered text.
        dispatcher.utter_message(
            text=data.get("text"), json_message={"text": data.get("text"), "rows": data["rows"]}
        )
    elif data.get("image"):
        dispatcher.utter_message(image=data["image"], text=data.get("text"))
    else:
        dispatcher.utter_message(text=data.get("text"), buttons=data.get("buttons") or [])


def _short(value) -> str | None:
    return value[:64] if isinstance(value, str) and value else None


class ActionConverse(Action):
    def name(self) -> str:
        return "action_converse"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        from assistant.conversation.dialogue import Turn

        message = tracker.latest_message or {}
        metadata = message.get("metadata") or {}
        metadata = metadata if isinstance(metadata, dict) else {}
        turn = Turn(
            sender_id=tracker.sender_id,
            text=message.get("text") or "",
            intent=(message.get("intent") or {}).get("name") or "nlu_fallback",
            entities=message.get("entities") or [],
            channel=tracker.get_latest_input_channel() or "rest",
            # set by Puente's channel, never by the client (connectors/rest_channel.py)
            address=(metadata.get("puente") or {}).get("address"),
            # what the widget says of the browser (for prices in the worker's currency)
            locale=_short(metadata.get("locale")),
            timezone=_short(metadata.get("timezone")),
        )
        slot = tracker.get_slot("puente_state")
        started = time.perf_counter()
        try:
            from assistant.services.turns import run_turn

            reply, reference = await asyncio.get_running_loop().run_in_executor(
                None, run_turn, slot, turn
            )
        except Exception:  # noqa: BLE001 - the user must get an answer whatever failed
            log.exception("the dialogue failed on intent %s", turn.intent)
            ACTION_ERRORS.inc()
            from assistant.conversation.texts import say

            dispatcher.utter_message(text=say("technical", tracker.get_slot("language") or "es"))
            return []
        finally:
            ACTION_SECONDS.observe(time.perf_counter() - started)
        for item in reply.messages:
            render(dispatcher, item)
        # set only when they change: no slot event on most turns
        slots = {"puente_state": reference, "language": reply.language}
        return [SlotSet(k, v) for k, v in slots.items() if tracker.get_slot(k) != v]
