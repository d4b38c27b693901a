"""The console reads as a counsellor would (issue 18, item 11): statuses and phases in
Spanish, button payloads and pause events as words, one main landmark, and a transcript that
opens at its newest message and follows the chat without a reload."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from assistant.console import wording
from assistant.console.routes import console_router
from assistant.services import rasa_api
from tests.integration.test_console_privacy import a_person
from tests.integration.test_console_store import client_for, new_account, sign_in

RAW = [
    {"from": "user", "text": "hola", "at": 1},
    {"from": "bot", "text": "¿Aceptas?", "at": 2},
    {"from": "user", "text": "/affirm", "at": 3},
    {"from": "user", "text": '/select_number{"number": "2"}', "at": 4},
    {"from": "user", "text": "quiero hablar con una persona", "at": 5},
    {"from": "system", "text": "pause", "at": 6},
    {"from": "counsellor", "who": "Ana", "text": "Hola, soy Ana", "at": 7},
]


@pytest.fixture(scope="module")
def desk():
    from assistant.db.migrate import upgrade

    upgrade()
    app = FastAPI()
    app.include_router(console_router())
    client = client_for(app, "203.0.113.120")
    assert sign_in(client, new_account("reading-desk@example.org")).status_code == 303
    return client


def test_payloads_and_events_read_as_what_happened():
    lines = [(m["who"], m["text"]) for m in wording.readable(RAW)]
    assert ("Persona", "[botón] sí") in lines
    assert ("Persona", "[botón] la opción 2") in lines
    assert ("", "Puente en pausa: atiende una persona") in lines
    assert ("Ana", "Hola, soy Ana") in lines
    assert not any(text.startswith("/") for _, text in lines)


def test_the_conversation_page_speaks_the_counsellors_language(desk, monkeypatch):
    # GIVEN a waiting person whose chat has buttons tapped and a pause
    monkeypatch.setattr(rasa_api, "transcript", lambda sender: RAW)
    handoff_id, _, _ = a_person("reading-1")
    # WHEN the counsellor opens it
    page = desk.get(f"/console/c/{handoff_id}").text
    # THEN status and phase are words, payloads are not shown raw, and there is one <main>
    assert "esperando" in page and "waiting" not in page
    assert "/affirm" not in page and "[botón] sí" in page
    assert page.count("<main") == 1
    # AND the page carries the script that opens the transcript at its end and follows it
    assert "/console/static/conversation.js" in page
    assert desk.get("/console/static/conversation.js").status_code == 200


def test_the_transcript_follows_the_chat_without_a_reload(desk, monkeypatch):
    handoff_id, _, _ = a_person("reading-2")
    monkeypatch.setattr(rasa_api, "transcript", lambda sender: RAW[:2])
    before = desk.get(f"/console/c/{handoff_id}/transcript").text
    # WHEN the worker writes again THEN the fragment the page polls has the new message
    monkeypatch.setattr(rasa_api, "transcript", lambda sender: RAW)
    after = desk.get(f"/console/c/{handoff_id}/transcript").text
    assert "Hola, soy Ana" in after and "Hola, soy Ana" not in before
    assert "<html" not in after  # items only, swapped into the list in place


def test_after_sending_the_page_confirms_and_stays_at_the_conversation(desk, monkeypatch):
    from tests.integration.test_console_store import csrf_of

    # GIVEN a case the counsellor holds
    for name in ("pause", "send", "joined"):
        monkeypatch.setattr(rasa_api, name, lambda *a, **k: None)
    handoff_id, _, _ = a_person("reading-3")
    csrf = csrf_of(desk)
    desk.post(f"/console/c/{handoff_id}/take", data={"csrf": csrf})
    # WHEN they send a message
    sent = desk.post(
        f"/console/c/{handoff_id}/send", data={"csrf": csrf, "text": "Hola"}, follow_redirects=False
    )
    # THEN they land back on the transcript, with a confirmation
    assert sent.status_code == 303 and sent.headers["location"].endswith("?sent=1#transcript")
    page = desk.get(sent.headers["location"].split("#")[0]).text
    assert "Mensaje enviado" in page
