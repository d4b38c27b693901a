"""The hook that sends action_converse the turn instead of the whole chat session
(connectors/action_payload.py): pure, no Rasa needed."""

from __future__ import annotations

from connectors.action_payload import current_turn


def call(action: str, events: list[dict]) -> dict:
    return {
        "next_action": action,
        "sender_id": "rest:x",
        "tracker": {
            "sender_id": "rest:x",
            "slots": {"puente_state": {"version": 7}, "language": "es"},
            "latest_message": {"text": "hola", "intent": {"name": "greet"}},
            "paused": False,
            "events": events,
        },
        "version": "3.6.21",
    }


SESSION = [
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "hola", "input_channel": "rest"},
    {"event": "action", "name": "action_converse"},
    {"event": "bot", "text": "¿Aceptas?"},
    {"event": "slot", "name": "puente_state", "value": {"version": 1}},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "sí", "input_channel": "rest"},
    {"event": "user_featurization", "use_text_for_featurization": False},
]


def test_action_converse_gets_the_events_from_the_latest_user_message_on():
    # WHEN a call to action_converse goes out at the second turn of a session
    trimmed = current_turn(call("action_converse", SESSION))
    # THEN it keeps the turn's events (the latest user message: its text and channel) ...
    assert trimmed["tracker"]["events"] == SESSION[7:]
    # ... and everything else the action reads, unchanged
    original = call("action_converse", SESSION)
    for key in ("slots", "latest_message", "paused", "sender_id"):
        assert trimmed["tracker"][key] == original["tracker"][key]
    assert trimmed["next_action"] == "action_converse" and trimmed["version"] == "3.6.21"


def test_other_actions_and_first_turns_are_sent_as_they_are():
    assert current_turn(call("validate_profile_form", SESSION)) is None
    assert current_turn(call("action_converse", SESSION[2:4])) is None  # nothing before
    assert current_turn(call("action_converse", SESSION[:2])) is None  # no user message
    assert current_turn(call("action_converse", [])) is None
