"""The logs of Rasa, the action server and the web app hold none of what people wrote, their
phone numbers or e-mail addresses. The test writes each of these itself (a chat over REST, a
WhatsApp message, a console sign-in), so it proves the same whether it runs alone or after
every other test."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.integration.test_whatsapp import post, text, webhook

pytestmark = pytest.mark.servers

RUN = uuid.uuid4().hex[:6]


def test_logs_keep_no_message_text_phone_numbers_or_emails(stack, graph_api):
    # GIVEN a person's words over REST, a WhatsApp number and an e-mail typed at the console
    words = [
        f"Trabajé de cajera en el super Lucero {RUN}",
        f"quiero hablar con una persona, soy Ana {RUN}",
    ]
    sender = f"logs-{RUN}"
    for said in ["hola", "sí, acepto", *words]:
        reply = httpx.post(
            stack.url("rasa") + "/webhooks/rest/webhook",
            json={"sender": sender, "message": said},
            timeout=120,
        )
        assert reply.status_code == 200 and reply.json()
    phone = f"52155{int(RUN, 16) % 10**7:07d}"
    assert post(stack, webhook(phone, text(f"hola, soy vendedora {RUN}"))).status_code == 200
    graph_api.wait_for(phone, lambda messages: bool(messages))
    email = f"ana.{RUN}@example.org"
    login = httpx.post(
        stack.url("web") + "/console/login", data={"email": email, "password": "wrong"}
    )
    assert login.status_code in (200, 303, 401, 403, 429)
    time.sleep(1)  # what the processes write after answering (access logs) reaches the files
    # WHEN the three processes' logs are read
    logs = {p.name: p.read_text(errors="replace") for p in stack.logs.glob("*.log")}
    assert {"rasa.log", "action.log", "web.log"} <= logs.keys()
    # THEN none holds the words, the number or the address
    for name, log in logs.items():
        for phrase in [*words, f"soy vendedora {RUN}"]:
            assert phrase not in log, f"{name} logs what a person wrote: {phrase!r}"
        assert phone not in log, f"{name} logs a phone number"
        assert email not in log, f"{name} logs an e-mail address"
    # AND the logs are not simply empty: each process did log its work
    assert all(logs[name].strip() for name in ("rasa.log", "action.log", "web.log"))
