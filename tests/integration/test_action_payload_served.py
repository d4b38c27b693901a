"""The served Rasa sends action_converse the turn, not the whole chat session
(connectors/action_payload.py, registered by the lock store endpoints.yml names): what the
action server receives per turn stays the same size however long the conversation gets."""

from __future__ import annotations

import httpx

from tests.integration.test_conversation_e2e import chat


def request_bytes(stack) -> float:
    """The action server's running total of request bytes (actions/actions.py)."""
    text = httpx.get(stack.url("action") + "/metrics", timeout=30).text
    for line in text.splitlines():
        if line.startswith("puente_action_request_bytes_sum"):
            return float(line.split()[-1])
    raise AssertionError("the action server reports no request bytes")


def test_the_action_server_gets_one_turn_of_events_however_long_the_chat(stack):
    # GIVEN a conversation past its first turns
    me = "payload-bounded"
    for message in ("hola", "sí, acepto"):
        chat(stack, me, message)
    sizes = []
    # WHEN it goes on for a dozen more turns of the same kind
    for _ in range(12):
        before = request_bytes(stack)
        chat(stack, me, "¿qué sabes de mí?")
        sizes.append(request_bytes(stack) - before)
    # THEN the last turn's request is no bigger than the first's (the whole session would add
    # several kilobytes of events every turn)
    assert sizes[0] > 0
    assert sizes[-1] <= sizes[0] + 512, sizes
