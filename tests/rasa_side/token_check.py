"""Run with .venv-rasa's python from the project root, PUENTE_WIDGET_JWT_SECRET set: reads
lines "<channel> <token>" on stdin (tokens the web app issued) and prints, for each, the
conversation the channel takes from it ("-" when refused). Proves the connectors load in
Rasa's runtime and accept exactly the web app's tokens."""

from __future__ import annotations

import sys

from connectors import identity
from connectors.socketio_channel import sender_from_token
from edge.secrets import REST_AUDIENCE


def main() -> int:
    for line in sys.stdin:
        channel, _, token = line.strip().partition(" ")
        if channel == "widget":
            found = sender_from_token(token)
        else:
            sub = identity.token_sub(token, REST_AUDIENCE)
            found = "rest:" + sub if sub else None
        print(found or "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
