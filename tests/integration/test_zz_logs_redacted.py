"""After the conversation, widget, console and WhatsApp modules have run (this file is named
to run last), the logs of Rasa, the action server and the web app hold none of what people
wrote, their phone numbers or e-mail addresses."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.servers

WRITTEN = [
    "cajera en un supermercado",
    "Cuidé a mi abuela",
    "quiero hablar con una persona",
    "I taught myself to build websites",
    "busco trabajo de cajera",
    "soy Ana",
]
PHONE = re.compile(r"\+?52155\d{6,}")
EMAIL = re.compile(r"[\w.+-]+@example\.org")


def test_logs_keep_no_message_text_phone_numbers_or_emails(stack):
    logs = {p.name: p.read_text(errors="replace") for p in stack.logs.glob("*.log")}
    assert {"rasa.log", "action.log", "web.log"} <= logs.keys()
    for name, text in logs.items():
        for phrase in WRITTEN:
            assert phrase not in text, f"{name} logs what a person wrote: {phrase!r}"
        assert not PHONE.search(text), f"{name} logs a phone number"
        assert not EMAIL.search(text), f"{name} logs an e-mail address"
