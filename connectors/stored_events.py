"""Rasa's events as Puente's tracker store writes and reads them (connectors/stores.py): what
a stored event leaves out (what Rasa restores by itself, what nothing reads again), and the
reading back, with Rasa's event classes looked up once."""

from __future__ import annotations

import functools
import json

# What is kept of Rasa's intent ranking in a stored user event (the runners-up, for whoever
# reads a transcript to see what NLU hesitated between); the served turn has it whole.
RANKING_KEPT = 3


class Stored:
    """An event as the store writes it (all Rasa's save reads of it is `type_name` and
    `as_dict`): without what Rasa restores by itself when it reads the event back (a user
    event's text, message id and metadata repeated inside its parse data; a bot event's and
    an action's empty or default fields; the model stamps repeated within a turn), and
    without what nothing reads again (the text's token offsets, the tail of the intent
    ranking, confidences past 4 decimals, the sender's address hash), and without the
    timestamp, which the row holds in a column of its own (Rasa wrote it twice). Issue #22:
    a user event was ~1.5 KB, mostly these."""

    def __init__(self, event) -> None:
        self.event = event
        self.type_name = event.type_name
        self.timestamp = event.timestamp  # the row's column: the JSON leaves it out

    def as_dict(self) -> dict:
        return slim(self.event.as_dict())


# Rasa stamps every event with the model and the assistant (tracker.update) and reads neither
# back. The model that read a message is kept on its user event, and both on the session's
# start; on the other events of a turn they are the same again (~80 bytes each, 4-5 a turn).
MODEL_KEYS = ("model_id", "assistant_id")
KEEP_MODEL_ON = {"user": ("model_id",), "session_started": MODEL_KEYS}
# what ActionExecuted reads back by itself when the key is missing
ACTION_DEFAULTS = {"policy": None, "confidence": None, "action_text": None, "hide_rule_turn": False}
SESSION_METADATA_SLOT = "session_started_metadata"  # rasa.shared.core.constants


def slim(data: dict) -> dict:
    kind = data.get("event")
    data = {k: v for k, v in data.items() if k != "timestamp"}  # in the row's own column
    data = _without_model_stamps(data, kind)
    if kind == "user" and isinstance(data.get("parse_data"), dict):
        parse = dict(data["parse_data"])
        for key in ("text", "message_id"):
            if key in parse and parse[key] == data.get(key):
                del parse[key]  # UserUttered puts the event's own back in
        if "metadata" in parse and parse["metadata"] == _channel_metadata(data):
            del parse["metadata"]  # likewise (deserialise takes the model's id off again)
        parse.pop("text_tokens", None)
        if isinstance(parse.get("intent_ranking"), list):
            parse["intent_ranking"] = [_rounded(i) for i in parse["intent_ranking"][:RANKING_KEPT]]
        if isinstance(parse.get("intent"), dict):
            parse["intent"] = _rounded(parse["intent"])
        return _without_address({**data, "parse_data": parse})
    if kind == "bot" and isinstance(data.get("data"), dict):
        kept = {k: v for k, v in data["data"].items() if v is not None}
        if kept:
            return {**data, "data": kept}
        return {k: v for k, v in data.items() if k != "data"}  # BotUttered reads {} back
    if kind == "action":
        return {
            k: v for k, v in data.items() if k not in ACTION_DEFAULTS or v != ACTION_DEFAULTS[k]
        }
    if kind == "slot" and data.get("name") == SESSION_METADATA_SLOT:
        # Rasa copies the session's first message metadata here: the address hash again
        return {**data, "value": _strip_address(data.get("value"))}
    return data


def _rounded(intent: dict) -> dict:
    """An intent with its confidence to 4 decimals (a transcript's reader needs no more; the
    turn itself was decided on the unrounded one)."""
    confidence = intent.get("confidence")
    if isinstance(confidence, float):
        return {**intent, "confidence": round(confidence, 4)}
    return intent


def _without_address(data: dict) -> dict:
    """A user event without the hash of the sender's IP address the channel puts in its
    metadata: the action reads it from the turn's own message (code-try limits), and keeping
    it in every stored message would keep personal data for as long as the transcript."""
    out = {**data, "metadata": _strip_address(data.get("metadata"))}
    parse = data["parse_data"]
    if "metadata" in parse:  # one the channel did not give (else it was left out above)
        out["parse_data"] = {**parse, "metadata": _strip_address(parse["metadata"])}
    if not out["metadata"]:
        del out["metadata"]
    return out


def _strip_address(metadata):
    if not (isinstance(metadata, dict) and isinstance(metadata.get("puente"), dict)):
        return metadata
    own = {k: v for k, v in metadata["puente"].items() if k != "address"}
    return {k: v for k, v in metadata.items() if k != "puente"} | ({"puente": own} if own else {})


def _without_model_stamps(data: dict, kind) -> dict:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return data
    kept = KEEP_MODEL_ON.get(kind, ())
    slim_metadata = {k: v for k, v in metadata.items() if k not in MODEL_KEYS or k in kept}
    if slim_metadata == metadata:
        return data
    if not slim_metadata:
        return {k: v for k, v in data.items() if k != "metadata"}
    return {**data, "metadata": slim_metadata}


def _channel_metadata(data: dict) -> dict:
    """A user event's metadata as its channel gave it (its parse data's), without the
    stamps Rasa adds after parsing."""
    return {k: v for k, v in (data.get("metadata") or {}).items() if k not in MODEL_KEYS}


def latest_slots(rows) -> list[dict]:
    """The last slot event of each slot set before the window (a few per session: the action
    sets a slot only when its value changes), in the order each slot was first set."""
    latest: dict[str, dict] = {}
    for row in rows:
        if row.type_name == "slot":
            event = event_of(row)
            latest[event.get("name")] = event
    return list(latest.values())


def event_of(row) -> dict:
    """A stored event as Rasa wrote it: its JSON, with the timestamp from the row's column
    (events stored before the store left it out of the JSON have their own)."""
    data = json.loads(row.data)
    if "timestamp" not in data and row.timestamp is not None:
        data["timestamp"] = row.timestamp
    return data


@functools.cache
def _event_classes() -> dict[str, type]:
    """Rasa's event classes by type name, looked up once: Rasa's own deserialisation walks
    every subclass of Event (with inspect.isabstract) for each event it reads, about a
    quarter of the CPU of a tracker retrieval (py-spy, long conversation)."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    classes: dict[str, type] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)  # the first, as Event.resolve_by_type picks
    return classes


def deserialise(events: list[dict]) -> list:
    """As rasa.shared.core.events.deserialise_events, with the classes looked up once; an
    event of a type not known then goes through Rasa's own path."""
    from rasa.shared.core.events import deserialise_events

    classes = _event_classes()
    out = []
    for data in events:
        cls = classes.get(data.get("event"))
        if cls is None:
            out.extend(deserialise_events([data]))
            continue
        event = cls._from_parameters(data)
        if event:
            parse = data.get("parse_data")
            if isinstance(parse, dict) and "metadata" not in parse and event.metadata:
                # a slimmed user event: its parse data's metadata is the channel's, as told
                event.parse_data["metadata"] = _channel_metadata(data)
            out.append(event)
    return out
