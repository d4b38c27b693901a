"""The channels Rasa loads read the web app's chat tokens, in Rasa's own runtime (.venv-rasa):
a renamed constant or a broken import there shows here in seconds, not as a silent widget."""

from __future__ import annotations

import os
import subprocess

from assistant.web import widget_tokens
from edge.secrets import REST_AUDIENCE, WIDGET_AUDIENCE
from tests.conftest import ROOT

SECRET = "a-test-secret-that-is-long-enough-for-the-rule-0123456789"


def read_in_rasa(lines: list[str]) -> list[str]:
    env = {**os.environ, "PUENTE_WIDGET_JWT_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [str(ROOT / ".venv-rasa/bin/python"), "tests/rasa_side/token_check.py"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split()


def test_each_channel_takes_the_conversation_from_its_own_token_and_refuses_the_rest():
    # GIVEN tokens the web app issues for the widget and for a REST chat client, and a forgery
    widget = widget_tokens.issue(SECRET, 10, audience=WIDGET_AUDIENCE)
    rest = widget_tokens.issue(SECRET, 10, audience=REST_AUDIENCE)
    forged = widget_tokens.issue("another-secret-that-is-long-enough-0123456789", 10)
    # WHEN Rasa's channels read them
    found = read_in_rasa(
        [
            f"widget {widget['token']}",
            f"rest {rest['token']}",
            f"widget {rest['token']}",  # a REST token never opens the widget's socket
            f"rest {widget['token']}",  # nor the other way round
            f"widget {forged['token']}",
        ]
    )
    # THEN each opens its own conversation only
    assert found == [widget["sender_id"], rest["sender_id"], "-", "-", "-"]
