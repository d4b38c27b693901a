"""What Rasa sends the action server on each turn: the turn, not the whole chat session.

Rasa 3.6 puts every event of the chat session into each call to a custom action
(`RemoteAction._action_call_format`, always `EventVerbosity.ALL`), so the bytes serialised,
sent and parsed per turn grow with the session. `action_converse` reads only the latest
message, the input channel of the latest user event and its slots; the dialogue's state is in
Puente's database, not in the events.

Rasa 3.6 has one place to change a custom action's request before it is sent: the pluggy hook
`prefix_stripping_for_custom_actions` (rasa/plugin.py; `firstresult`, used by Rasa Pro for
namespacing, implemented by nothing in Rasa Open Source). `register()` adds an implementation
to Rasa's plugin manager that keeps the events from the latest user message on, for the
actions in TRIMMED_ACTIONS only; other actions (forms, validations) get the whole tracker.
"""

from __future__ import annotations

TRIMMED_ACTIONS = frozenset({"action_converse"})
PLUGIN_NAME = "puente-action-payload"


def current_turn(json_body: dict) -> dict | None:
    """The call with the tracker's events from the latest user message on, or None to send
    it as it is (another action, or nothing to drop)."""
    if json_body.get("next_action") not in TRIMMED_ACTIONS:
        return None
    tracker = json_body.get("tracker") or {}
    events = tracker.get("events") or []
    start = next((i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "user"), 0)
    if start == 0:
        return None
    return {**json_body, "tracker": {**tracker, "events": events[start:]}}


def register() -> None:
    """Add the hook to Rasa's plugin manager (once; Rasa's process only)."""
    import pluggy
    from rasa.plugin import plugin_manager

    manager = plugin_manager()
    if manager.has_plugin(PLUGIN_NAME):
        return
    hookimpl = pluggy.HookimplMarker("rasa")

    class ActionPayload:
        @hookimpl
        def prefix_stripping_for_custom_actions(self, json_body: dict) -> dict | None:
            return current_turn(json_body)

    manager.register(ActionPayload(), name=PLUGIN_NAME)
